"""Windows .evtx files through pyevtx-rs (Rust): its JSON output, one json.loads per record.

`source` is `name:EventRecordID` (the record id Event Viewer shows). A record the library cannot
decode is an error; a broken chunk header makes the library skip the rest of that chunk, so the records
the chunk headers promise but nobody yielded are reported as one error per file.
"""

from __future__ import annotations

import io
import os
import re
import struct
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from evtx import PyEvtxParser

from kansa.cyber.logs.columns import Row
from kansa.cyber.logs.fastjson import json_loads
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


def chunk_count(path: str | Path) -> int:
    """Number of 64 KiB chunks after the 4 KiB file header."""
    return max(0, (os.path.getsize(path) - _FILE_HEADER) // _CHUNK)


class ChunkView(io.RawIOBase):
    """A read-only view of an .evtx holding only chunks [start, end): lets two processes share one big file."""

    def __init__(self, path: str | Path, start: int, end: int) -> None:
        """Open `path` and present its header (patched to `end - start` chunks) followed by those chunks."""
        super().__init__()
        self._file = open(path, "rb")  # noqa: SIM115 (closed with the view)
        header = bytearray(self._file.read(_FILE_HEADER))
        count = end - start
        struct.pack_into("<Q", header, 8, 0)  # first chunk number
        struct.pack_into("<Q", header, 16, max(0, count - 1))  # last chunk number
        struct.pack_into("<H", header, 42, count & 0xFFFF)
        struct.pack_into("<I", header, 124, zlib.crc32(bytes(header[:120])))
        self._header = bytes(header)
        self._base = _FILE_HEADER + start * _CHUNK
        self._size = _FILE_HEADER + count * _CHUNK
        self._pos = 0

    def readable(self) -> bool:
        """Always readable."""
        return True

    def seekable(self) -> bool:
        """Always seekable."""
        return True

    def tell(self) -> int:
        """Position in the view."""
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Move within the view."""
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        """Fill `buffer` from the header or the chunks."""
        view = memoryview(buffer).cast("B")
        wanted = min(len(view), self._size - self._pos)
        if wanted <= 0:
            return 0
        if self._pos < _FILE_HEADER:
            n = min(wanted, _FILE_HEADER - self._pos)
            view[:n] = self._header[self._pos : self._pos + n]
        else:
            self._file.seek(self._base + self._pos - _FILE_HEADER)
            n = self._file.readinto(view[:wanted]) or 0
        self._pos += n
        return n

    def close(self) -> None:
        """Close the underlying file."""
        self._file.close()
        super().close()

    def expected_records(self) -> int:
        """Records announced by the chunk headers inside the view."""
        total = 0
        for i in range((self._size - _FILE_HEADER) // _CHUNK):
            self._file.seek(self._base + i * _CHUNK)
            total += _chunk_count(self._file.read(40))
        return total


def parse_evtx(
    source: str | Path | IO[bytes] | io.RawIOBase,
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
    loads = json_loads
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
