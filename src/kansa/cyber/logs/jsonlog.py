"""JSON logs: Windows events (JSON lines or one array) and JSON lines already in access_events shape."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import IO, Any

from kansa.cyber.logs.columns import ALL_COLUMNS, EVENT_TYPES, Row
from kansa.cyber.logs.fastjson import json_loads
from kansa.cyber.logs.result import ParseError
from kansa.cyber.logs.times import aware_to_tokyo
from kansa.cyber.logs.windows import RecordProblem, flatten, windows_row

Progress = Callable[[int], None]
_PROGRESS_EVERY = 1 << 20  # report read bytes about every MiB


def _records(stream: IO[bytes], progress: Progress | None) -> Iterator[tuple[int, Any]]:
    """(1-based number, decoded JSON or the raw bytes on failure) per line; one array is split by element."""
    head = stream.read(1)
    while head in (b" ", b"\t", b"\r", b"\n", b"\xef", b"\xbb", b"\xbf"):  # whitespace and a UTF-8 BOM
        head = stream.read(1)
    if head == b"[":
        body = head + stream.read()
        if progress:
            progress(len(body))
        try:
            array = json_loads(body.decode("utf-8", errors="replace"))
        except ValueError as exc:
            yield 1, exc
            return
        yield from enumerate(array if isinstance(array, list) else [array], start=1)
        return
    pending = 0
    for number, line in enumerate(_lines(head, stream), start=1):
        pending += len(line)
        if progress and pending >= _PROGRESS_EVERY:
            progress(pending)
            pending = 0
        if not line.strip():
            continue
        try:
            yield number, json_loads(line)
        except ValueError as exc:
            yield number, exc
    if progress and pending:
        progress(pending)


def _lines(head: bytes, stream: IO[bytes]) -> Iterator[bytes]:
    first = head + stream.readline()
    yield first
    yield from stream


def parse_windows_json(
    stream: IO[bytes], name: str, sids: dict[str, str], progress: Progress | None = None
) -> tuple[list[Row], list[ParseError]]:
    """Windows events as JSON lines or one JSON array: rows and corrupt records (`name:n`)."""
    rows: list[Row] = []
    errors: list[ParseError] = []
    for number, record in _records(stream, progress):
        source = f"{name}:{number}"
        if isinstance(record, ValueError):
            errors.append(ParseError(source, "bad_json", detail=str(record)[:120]))
            continue
        if not isinstance(record, Mapping):
            errors.append(ParseError(source, "not_an_object", value=repr(record)[:200]))
            continue
        try:
            event_id, channel, host, when, _number, data = flatten(record)
        except RecordProblem as exc:
            errors.append(ParseError(source, exc.code, detail=exc.detail))
            continue
        rows.append(windows_row(event_id, channel, host, when, source, data, sids))
    return rows, errors


_REQUIRED = ("event_time", "host", "username", "event_type")
_OPTIONAL_TEXT = tuple(c for c in ALL_COLUMNS if c not in (*_REQUIRED, "source", "repeated"))


def parse_access_events_json(
    stream: IO[bytes], name: str, progress: Progress | None = None
) -> tuple[list[Row], list[ParseError]]:
    """JSON lines already in the access_events shape, validated; a given `source` is kept (it points further)."""
    rows: list[Row] = []
    errors: list[ParseError] = []
    for number, record in _records(stream, progress):
        here = f"{name}:{number}"
        if isinstance(record, ValueError):
            errors.append(ParseError(here, "bad_json", detail=str(record)[:120]))
            continue
        if not isinstance(record, Mapping):
            errors.append(ParseError(here, "not_an_object", value=repr(record)[:200]))
            continue
        problem = _check(record, here)
        if problem:
            errors.append(problem)
            continue
        values: dict[str, Any] = {c: _opt_text(record.get(c)) for c in _OPTIONAL_TEXT}
        values["event_time"] = _event_time(record["event_time"])
        for column in ("host", "username", "event_type"):
            values[column] = str(record[column])
        values["source"] = _opt_text(record.get("source")) or here
        values["repeated"] = int(record.get("repeated") or 1)
        rows.append(tuple(values[c] for c in ALL_COLUMNS))
    return rows, errors


def _check(record: Mapping[str, Any], here: str) -> ParseError | None:
    for column in _REQUIRED:
        value = record.get(column)
        if value is None or (isinstance(value, str) and not value.strip()):
            return ParseError(here, "missing_field", column=column, value=repr(value))
    if record["event_type"] not in EVENT_TYPES:
        return ParseError(here, "bad_field", column="event_type", value=str(record["event_type"])[:100],
                          detail="expected / 許容値: " + ", ".join(EVENT_TYPES))  # fmt: skip
    try:
        _event_time(record["event_time"])
    except (TypeError, ValueError):
        return ParseError(here, "bad_field", column="event_time", value=str(record["event_time"])[:100])
    repeated = record.get("repeated")
    if repeated is not None and not (isinstance(repeated, int) and repeated >= 1):
        return ParseError(here, "bad_field", column="repeated", value=str(repeated)[:100])
    return None


def _event_time(value: Any) -> datetime:
    """ISO text to Tokyo wall time: naive means Tokyo already (the contract's rule)."""
    if not isinstance(value, str):
        raise TypeError("event_time must be text")
    parsed = datetime.fromisoformat(value.strip())
    return aware_to_tokyo(parsed) if parsed.tzinfo is not None else parsed


def _opt_text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text if text else None
