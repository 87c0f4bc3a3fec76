"""`parse_logs`: any mix of log files (evtx, syslog, JSON, zip, gzip) into one access_events table."""

from __future__ import annotations

import gc
import gzip
import io
import os
import zipfile
import zlib
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, tzinfo
from pathlib import Path
from typing import IO, cast

import pyarrow as pa
import pyarrow.compute as pc

from kansa.cyber.logs import detect
from kansa.cyber.logs.columns import EVENTS_SCHEMA, Row, rows_to_table
from kansa.cyber.logs.evtxlog import ChunkView, chunk_count, expected_records, parse_evtx
from kansa.cyber.logs.jsonlog import parse_access_events_json, parse_windows_json
from kansa.cyber.logs.result import FileSummary, ParseError, ParseResult
from kansa.cyber.logs.syslog import AuthLogParser
from kansa.cyber.logs.times import TOKYO, zone
from kansa.cyber.logs.windows import resolve_sid
from kansa.cyber.logs.year_notes import year_notes
from kansa.limits import LIMITS, bounded_stream, check_archive, setting
from kansa.messages import InputError

Progress = Callable[[int], None]
# Errors that stop a whole file (or the rest of it): the file counts as unreadable, the run exits 5.
FILE_LEVEL = frozenset({"unreadable_file", "unknown_format", "limit_exceeded", "line_too_long", "nothing_read"})
_BLOCK = 4 << 20
_EVTX_EMPTY = 4096 + 65536  # a file header and one empty chunk: a cleared log; anything bigger holds records
PARALLEL_MIN_BYTES = 8 << 20  # below this, starting worker processes costs more than it saves
SPLIT_MIN_BYTES = 32 << 20  # an .evtx at least this big is cut into chunk ranges, one per worker


class _Part:
    """What one file (or one zip member) gave."""

    def __init__(
        self, rows: list[Row] | pa.Table, errors: list[ParseError], fmt: str, notes: list[ParseError] | None = None
    ) -> None:
        self.table = rows if isinstance(rows, pa.Table) else rows_to_table(rows)
        self.errors = errors
        self.format = fmt
        self.notes = notes or []

    def unreadable(self) -> bool:
        """Nothing could be read from a file that holds something, or a limit stopped the reading."""
        if any(e.code in FILE_LEVEL for e in self.errors):
            return True
        return self.table.num_rows == 0 and bool(self.errors)


def parse_logs(
    paths: Iterable[str | Path],
    *,
    year: int | None = None,
    tz: str = "Asia/Tokyo",
    progress: Progress | None = None,
    workers: int | None = None,
) -> ParseResult:
    """Parse log files into access_events (contract columns, then extras), in the order given.

    `year`: the year of the first line of syslog files (default: each file's mtime year is its last
    line's year). `tz`: the zone syslog times are written in; output is Asia/Tokyo wall time.
    `progress(n)` is called with bytes read. `workers`: processes for .evtx (default: up to 2 once the
    .evtx files reach 8 MiB; a file of 32 MiB or more is cut into chunk ranges; 1 = none).
    Choices (what counts as which event, years, zones) are in README.md beside this file.
    """
    collecting = gc.isenabled()
    gc.disable()  # millions of small tuples: the cycle collector would walk them again and again for nothing
    try:
        return _parse_logs([Path(p) for p in paths], year, tz, progress, workers)
    finally:
        if collecting:
            gc.enable()


def _parse_logs(
    files_in: list[Path], year: int | None, tz: str, progress: Progress | None, workers: int | None
) -> ParseResult:
    source_zone = None if tz == "Asia/Tokyo" else zone(tz)
    sids: dict[str, str] = {}
    parts: list[_Part | None] = [None] * len(files_in)
    formats: list[str | None] = []
    for path in files_in:
        try:
            formats.append(detect.detect_format(path))
        except (OSError, detect.UnknownFormat) as exc:
            formats.append(None)
            code = "unknown_format" if isinstance(exc, detect.UnknownFormat) else "unreadable_file"
            parts[len(formats) - 1] = _Part([], [ParseError(path.name, code, detail=str(exc)[:300])], "unknown")

    evtx_files = [i for i, f in enumerate(formats) if f == detect.EVTX]
    n_workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    evtx_bytes = sum(_size(files_in[i]) for i in evtx_files)
    if evtx_files and n_workers > 1 and (evtx_bytes >= PARALLEL_MIN_BYTES or workers is not None):
        for i, part in _parse_evtx_in_processes([(i, files_in[i]) for i in evtx_files], n_workers, sids, progress):
            parts[i] = part

    for i, (path, fmt) in enumerate(zip(files_in, formats, strict=True)):
        if parts[i] is not None or fmt is None:
            continue
        try:
            parts[i] = _parse_file(path, fmt, year, source_zone, sids, progress)
        except OSError as exc:
            parts[i] = _Part([], [ParseError(path.name, "unreadable_file", detail=str(exc)[:300])], fmt)
        except detect.UnknownFormat as exc:  # what a .gz holds is none of the formats
            parts[i] = _Part([], [ParseError(path.name, "unknown_format", detail=str(exc)[:300])], fmt)
        except InputError as exc:  # a size limit: named, with the setting that raises it
            parts[i] = _Part([], [ParseError(path.name, "limit_exceeded", detail=exc.render("en"))], fmt)
        except (zipfile.BadZipFile, EOFError, gzip.BadGzipFile, zlib.error) as exc:
            parts[i] = _Part([], [ParseError(path.name, "unreadable_file", detail=str(exc)[:300])], fmt)

    done = [p for p in parts if p is not None]
    events = pa.concat_tables([p.table for p in done]) if done else EVENTS_SCHEMA.empty_table()
    events = _name_members_by_sid(events, sids)
    files = [
        FileSummary(str(path), p.format, _size(path), p.table.num_rows, len(p.errors), p.unreadable())
        for path, p in zip(files_in, done, strict=True)
    ]
    return ParseResult(
        events=events,
        errors=[e for p in done for e in p.errors],
        files=files,
        notes=[n for p in done for n in p.notes],
    )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _parse_evtx_in_processes(
    files: list[tuple[int, Path]], n_workers: int, sids: dict[str, str], progress: Progress | None
) -> list[tuple[int, _Part]]:
    """Parse .evtx files in worker processes; a big file is cut into chunk ranges, one per worker."""
    jobs: list[tuple[int, Path, int, int]] = []
    for i, path in files:
        chunks = chunk_count(path)
        if _size(path) >= SPLIT_MIN_BYTES and chunks >= 2 * n_workers:
            bounds = [chunks * k // n_workers for k in range(n_workers + 1)]
            jobs += [(i, path, bounds[k], bounds[k + 1]) for k in range(n_workers)]
        else:
            jobs.append((i, path, 0, -1))
    pieces: dict[int, list[tuple[pa.Table, list[ParseError]]]] = {}
    with ProcessPoolExecutor(max_workers=n_workers) as pool:
        for (i, path, start, end), (table, errors, found) in zip(jobs, pool.map(_evtx_job, jobs), strict=True):
            pieces.setdefault(i, []).append((table, errors))
            sids.update(found)
            if progress:
                progress(_size(path) if end < 0 else (end - start) * 65536)
    return [
        (i, _Part(pa.concat_tables([t for t, _ in got]), [e for _, errs in got for e in errs], detect.EVTX))
        for i, got in pieces.items()
    ]


def _evtx_job(job: tuple[int, Path, int, int]) -> tuple[pa.Table, list[ParseError], dict[str, str]]:
    """One .evtx (or chunks [start, end) of it) in a worker process; the table crosses back as Arrow."""
    _, path, start, end = job
    sids: dict[str, str] = {}
    if end < 0:
        rows, errors = parse_evtx(path, path.name, sids, expected=expected_records(path))
    else:
        with ChunkView(path, start, end) as view:
            rows, errors = parse_evtx(view, path.name, sids, expected=view.expected_records())
    return rows_to_table(rows), errors, sids


def _parse_file(
    path: Path, fmt: str, year: int | None, source_zone: tzinfo | None, sids: dict[str, str], progress: Progress | None
) -> _Part:
    if fmt == detect.EVTX:
        size = path.stat().st_size
        rows, errors = parse_evtx(path, path.name, sids, size=size, expected=expected_records(path), progress=progress)
        if not rows and not errors and size > _EVTX_EMPTY:
            errors.append(ParseError(path.name, "nothing_read", detail=f"{size:,} bytes"))
        return _Part(rows, errors, fmt)
    if fmt == detect.ZIP:
        check_archive(path)
        return _parse_zip(path, year, source_zone, sids, progress)
    mtime = datetime.fromtimestamp(path.stat().st_mtime, source_zone or TOKYO).replace(tzinfo=None)
    if fmt == detect.GZIP:
        with gzip.open(path, "rb") as unzipped:
            inner = detect.detect_bytes(unzipped.peek(65536)[:65536])
            bounded = cast(IO[bytes], bounded_stream(unzipped, path.name))
            return _parse_stream(bounded, inner, path.name, year, mtime, source_zone, sids, progress)
    with open(path, "rb") as stream:
        return _parse_stream(stream, fmt, path.name, year, mtime, source_zone, sids, progress)


def _parse_stream(
    stream: IO[bytes],
    fmt: str,
    name: str,
    year: int | None,
    mtime: datetime | None,
    source_zone: tzinfo | None,
    sids: dict[str, str],
    progress: Progress | None,
) -> _Part:
    if fmt == detect.SYSLOG:
        table, errors, notes = _parse_syslog(stream, name, year, mtime, source_zone, progress)
        return _Part(table, errors, fmt, notes)
    if fmt == detect.WINDOWS_JSON:
        return _Part(*parse_windows_json(stream, name, sids, progress), fmt)
    if fmt == detect.ACCESS_EVENTS_JSON:
        return _Part(*parse_access_events_json(stream, name, progress), fmt)
    if fmt == detect.EVTX:
        blob = stream.read()
        rows, errors = parse_evtx(io.BytesIO(blob), name, sids, expected=expected_records(blob))
        if progress:
            progress(len(blob))
        return _Part(rows, errors, fmt)
    return _Part([], [ParseError(name, "unknown_format", detail=f"{fmt} inside an archive is not read")], fmt)


def _parse_syslog(
    stream: IO[bytes],
    name: str,
    year: int | None,
    mtime: datetime | None,
    source_zone: tzinfo | None,
    progress: Progress | None,
) -> tuple[pa.Table, list[ParseError], list[ParseError]]:
    """Read big blocks, cut at the last newline, decode once, split on \\n only (line numbers as editors count)."""
    parser = AuthLogParser(name, year=year, mtime=mtime, source_zone=source_zone)
    lineno = 1
    tail = b""
    first = True
    max_line = LIMITS.get().max_line_kb << 10
    while block := stream.read(_BLOCK):
        block = tail + block
        cut = block.rfind(b"\n")
        if cut < 0:
            tail = block
            if len(tail) > max_line:  # an endless line (a sparse file, a binary): stop here, say where
                parser.finish()
                parser.errors.append(_line_too_long(name, lineno))
                return parser.table(), parser.errors, parser.notes
            continue
        tail = block[cut + 1 :]
        text = block[:cut].decode("utf-8", errors="backslashreplace")
        if first:
            text = text.removeprefix("\ufeff")
            first = False
        lineno = parser.feed_block(text.replace("\r\n", "\n") if "\r" in text else text, lineno)
        if progress:
            progress(cut + 1)
    if tail:
        text = tail.decode("utf-8", errors="backslashreplace")
        parser.feed_block(text.removeprefix("\ufeff") if first else text, lineno)
        if progress:
            progress(len(tail))
    parser.finish()
    table = parser.table()
    return table, parser.errors, parser.notes + year_notes(table, name, year, mtime)


def _line_too_long(name: str, line: int) -> ParseError:
    bounds = LIMITS.get()
    detail = f"> {bounds.max_line_kb:,} KB ({setting('max_line_kb')})"
    return ParseError(f"{name}:{line}", "line_too_long", detail=detail)


def _parse_zip(
    path: Path, year: int | None, source_zone: tzinfo | None, sids: dict[str, str], progress: Progress | None
) -> _Part:
    """Every member of a zip, detected by content; sources read `name.zip/member:n`."""
    rows: list[Row] = []
    tables: list[pa.Table] = []
    errors: list[ParseError] = []
    notes: list[ParseError] = []
    with zipfile.ZipFile(path) as archive:
        for member in archive.infolist():
            if member.is_dir():
                continue
            name = f"{path.name}/{member.filename}"
            with archive.open(member) as stream:
                head = stream.read(65536)
            try:
                fmt = detect.detect_bytes(head)
            except detect.UnknownFormat as exc:
                errors.append(ParseError(name, "unknown_format", detail=str(exc)[:300]))
                continue
            mtime = datetime(*member.date_time)
            with archive.open(member) as stream:
                part = _parse_stream(stream, fmt, name, year, mtime, source_zone, sids, None)
            tables.append(part.table)
            errors.extend(part.errors)
            notes.extend(part.notes)
            if progress:
                progress(member.compress_size)
    table = pa.concat_tables(tables) if tables else rows_to_table(rows)
    return _Part(table, errors, detect.ZIP, notes)


def _name_members_by_sid(events: pa.Table, sids: dict[str, str]) -> pa.Table:
    """Group members given only by SID get the name seen for that SID anywhere in this parse."""
    is_sid = pc.and_(pc.equal(events["event_type"], "group_member_added"), pc.starts_with(events["username"], "S-1-"))
    if not pc.any(is_sid).as_py():
        return events
    names = events["username"].to_pylist()
    for i in pc.indices_nonzero(is_sid).to_pylist():
        names[i] = resolve_sid(names[i], sids)
    column = events.schema.get_field_index("username")
    return events.set_column(column, "username", pa.array(names, pa.string()))
