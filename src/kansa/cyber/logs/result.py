"""What a parse returns: the events table, the corrupt records (never dropped silently), counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from kansa.cyber.logs.columns import EVENT_TYPES
from kansa.i18n import Lang
from kansa.messages import has_code, render

# The reasons' texts are in messages.yaml beside this file, as log_<code> (the message catalogue).


@dataclass(frozen=True)
class ParseError:
    """One corrupt record: where it is (`source`), why (`code`), which column and value."""

    source: str
    code: str
    detail: str = ""
    column: str = ""
    value: str = ""

    def reason(self, lang: Lang = "ja") -> str:
        """The reason in one language, with the column and the detail."""
        text = render("log_" + self.code, lang) if has_code("log_" + self.code) else self.code
        if self.column:
            text += f" [{self.column}]"
        if self.detail:
            text += f": {self.detail}"
        return text


ERRORS_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("code", pa.string()),
        ("column", pa.string()),
        ("value", pa.string()),
        ("reason_ja", pa.string()),
        ("reason_en", pa.string()),
    ]
)


@dataclass(frozen=True)
class FileSummary:
    """What one input file gave: its detected format, events and corrupt records."""

    path: str
    format: str
    size: int
    events: int
    errors: int
    unreadable: bool = False  # nothing (or not all) of it could be read: the run must say so


@dataclass
class ParseResult:
    """Events in access_events shape (contract columns then extras), corrupt records and counts."""

    events: pa.Table
    errors: list[ParseError] = field(default_factory=list)
    files: list[FileSummary] = field(default_factory=list)
    notes: list[ParseError] = field(default_factory=list)  # not corrupt: choices made (leap-day years)

    @property
    def counts(self) -> dict[str, int]:
        """Number of events per event_type, in the contract's enum order (zeros included)."""
        found = {row["values"]: row["counts"] for row in self.events.column("event_type").value_counts().to_pylist()}
        return {t: int(found.get(t, 0)) for t in EVENT_TYPES}

    @property
    def unreadable(self) -> list[str]:
        """Names of the files kansa could not read (wholly or from some point on): never "0 corrupt records"."""
        return [Path(f.path).name for f in self.files if f.unreadable]

    def errors_table(self) -> pa.Table:
        """The corrupt records as a table (for errors.csv)."""
        return pa.table(
            {
                "source": [e.source for e in self.errors],
                "code": [e.code for e in self.errors],
                "column": [e.column for e in self.errors],
                "value": [e.value for e in self.errors],
                "reason_ja": [e.reason("ja") for e in self.errors],
                "reason_en": [e.reason("en") for e in self.errors],
            },
            schema=ERRORS_SCHEMA,
        )
