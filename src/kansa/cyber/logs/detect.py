"""Which kind of log a file is, from its first bytes (never from its name alone)."""

from __future__ import annotations

import json
from pathlib import Path

from kansa.cyber.logs.syslog import looks_like_syslog
from kansa.messages import InputError

EVTX = "evtx"
SYSLOG = "syslog"
WINDOWS_JSON = "windows_json"  # JSON lines or one JSON array of Windows events
ACCESS_EVENTS_JSON = "access_events_json"  # JSON lines already in the access_events shape
ZIP = "zip"
GZIP = "gzip"
FORMATS = (EVTX, SYSLOG, WINDOWS_JSON, ACCESS_EVENTS_JSON, ZIP, GZIP)

_HEAD = 65536
_ACCESS_KEYS = frozenset({"event_time", "event_type", "host", "username"})


class UnknownFormat(InputError, ValueError):
    """The file is none of the supported log formats (kept a ValueError for older callers)."""


def detect_format(path: str | Path) -> str:
    """The format of the log file at `path`: evtx, syslog, windows_json, access_events_json, zip or gzip."""
    path = Path(path)
    with path.open("rb") as handle:
        head = handle.read(_HEAD)
    try:
        return detect_bytes(head)
    except UnknownFormat as exc:
        raise UnknownFormat(f"{path}: {exc}") from None


def detect_bytes(head: bytes) -> str:
    """The format of a log from its first bytes (up to 64 KiB)."""
    if head.startswith(b"ElfFile\x00"):
        return EVTX
    if head.startswith(b"PK\x03\x04"):
        return ZIP
    if head.startswith(b"\x1f\x8b"):
        return GZIP
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if not text:
        raise UnknownFormat("log_empty_file")
    if text[0] == "[":
        return WINDOWS_JSON if '"event_type"' not in text[:4096] else ACCESS_EVENTS_JSON
    if text[0] == "{":
        first = text.split("\n", 1)[0]
        try:
            record = json.loads(first)
        except ValueError:
            return WINDOWS_JSON  # a pretty-printed object or a broken first line: the reader reports it
        if isinstance(record, dict) and record.keys() >= _ACCESS_KEYS:
            return ACCESS_EVENTS_JSON
        return WINDOWS_JSON
    for line in text.split("\n")[:20]:
        if line.strip():
            if looks_like_syslog(line):
                return SYSLOG
            break
    raise UnknownFormat("log_format_not_supported", head=text[:60])
