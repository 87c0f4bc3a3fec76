"""Log parsers that turn Windows Security and Linux auth logs into the access_events table."""

from __future__ import annotations

from kansa.cyber.logs.api import parse_logs
from kansa.cyber.logs.columns import ALL_COLUMNS, CONTRACT_COLUMNS, EVENT_TYPES, EVENTS_SCHEMA, EXTRA_COLUMNS
from kansa.cyber.logs.detect import UnknownFormat, detect_format
from kansa.cyber.logs.result import FileSummary, ParseError, ParseResult

__all__ = [
    "ALL_COLUMNS",
    "CONTRACT_COLUMNS",
    "EVENTS_SCHEMA",
    "EVENT_TYPES",
    "EXTRA_COLUMNS",
    "FileSummary",
    "ParseError",
    "ParseResult",
    "UnknownFormat",
    "detect_format",
    "parse_logs",
]
