"""Windows .evtx files through pyevtx-rs (Rust): its JSON output, one json.loads per record.

`source` is `name:EventRecordID` (the record id Event Viewer shows). A record the library cannot
decode is an error; a broken chunk header makes the library skip the rest of that chunk, so the records
the chunk headers promise but nobody yielded are reported as one error per file.
"""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from evtx import PyEvtxParser

from kansa.cyber.logs.columns import Row
from kansa.cyber.logs.result import ParseError
from kansa.cyber.logs.windows import RecordProblem, flatten_evtx, windows_row

Progress = Callable[[int], None]
_FILE_HEADER = 4096
_CHUNK = 65536
_RECORD_NUMBER = re.compile(r"record number (\d+)")
_PROGRESS_EVERY = 4096


def expected_records(blob_or_path: bytes | str | Path) -> int:
    """How many records the chunk headers announce (to notice records lost behind corruption)."""
    if isinstance(blob_or_path, bytes):
        data = blob_or_path
        chunks = (data[i : i + 40] for i in range(_FILE_HEADER, len(data), _CHUNK))
        return sum(_chunk_count(h) for h in chunks)
    total = 0
    with open(blob_or_path, "rb") as handle:
        handle.seek(_FILE_HEADER)
        while True:
            header = handle.read(40)
            if len(header) < 40:
                break
            total += _chunk_count(header)
            handle.seek(_CHUNK - 40, 1)
    return total


def _chunk_count(header: bytes) -> int:
    if len(header) < 40 or not header.startswith(b"ElfChnk\x00"):
        return 0
    first, last = struct.unpack_from("<QQ", header, 8)
    return int(last - first + 1) if last >= first and first > 0 else 0


def parse_evtx(
    source: str | Path | IO[bytes],
    name: str,
    sids: dict[str, str],
    *,
    size: int = 0,
    expected: int = 0,
    progress: Progress | None = None,
) -> tuple[list[Row], list[ParseError]]:
    """Rows and corrupt-record errors of one .evtx (a path or a binary file object)."""
    rows: list[Row] = []
    errors: list[ParseError] = []
    parser = PyEvtxParser(str(source) if isinstance(source, Path) else source, number_of_threads=1)
    records: Iterator[Any] = iter(parser.records_json())
    loads = json.loads
    step = int(size * _PROGRESS_EVERY / expected) if progress and expected else 0
    seen = 0
    while True:
        try:
            record = next(records)
        except StopIteration:
            break
        except RuntimeError as exc:  # the library's way of saying a record or a chunk is corrupt
            seen += 1
            match = _RECORD_NUMBER.search(str(exc))
            where = f"{name}:record#{match.group(1)}" if match else f"{name}:?"
            errors.append(ParseError(where, "bad_record", detail=str(exc)[:200]))
            continue
        seen += 1
        if step and seen % _PROGRESS_EVERY == 0:
            progress(step)  # type: ignore[misc]
        try:
            event = loads(record["data"])["Event"]
            event_id, channel, host, when, number, data = flatten_evtx(event)
        except RecordProblem as exc:
            errors.append(ParseError(f"{name}:{record['event_record_id']}", exc.code, detail=exc.detail))
            continue
        except (ValueError, KeyError, TypeError) as exc:
            errors.append(ParseError(f"{name}:{record['event_record_id']}", "bad_record", detail=str(exc)[:200]))
            continue
        rows.append(windows_row(event_id, channel, host, when, f"{name}:{number}", data, sids))
    if expected > seen:
        errors.append(ParseError(f"{name}:?", "records_lost", detail=str(expected - seen)))
    if step:
        progress(max(0, size - step * (seen // _PROGRESS_EVERY)))  # type: ignore[misc]
    return rows, errors
