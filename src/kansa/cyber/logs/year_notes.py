"""Years are not guessed silently: what a syslog file's inferred years were, and turns the data does not support."""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc

from kansa.cyber.logs.result import ParseError

_LATE_MONTHS, _EARLY_MONTHS = (11, 12), (1, 2)  # a real New Year: November/December followed by January/February


def year_notes(events: pa.Table, name: str, year: int | None, mtime: datetime | None) -> list[ParseError]:
    """Notes for one syslog file: the years given to its lines (and from what), and unsupported year turns."""
    if events.num_rows == 0:
        return []
    times = events.column("event_time")
    years = pc.year(times)
    sources = events.column("source")
    notes: list[ParseError] = []
    changes = pc.indices_nonzero(pc.not_equal(years.slice(1), years.slice(0, len(years) - 1))).to_pylist()
    spans: list[str] = []
    start = 0
    for i in [*changes, len(years) - 1]:
        end = i if i < len(years) - 1 else len(years) - 1
        spans.append(f"{sources[start].as_py()}–{sources[end].as_py()}: {years[end].as_py()}")
        start = end + 1
    if year is None:
        basis = f"mtime {mtime:%Y-%m-%d}" if mtime else "today"
        notes.append(ParseError(name, "year_inferred", detail=f"{'; '.join(spans)} ({basis})"))
    for i in changes:
        before, after = times[i].as_py(), times[i + 1].as_py()
        if before is None or after is None:
            continue
        if after.year < before.year or not (before.month in _LATE_MONTHS and after.month in _EARLY_MONTHS):
            notes.append(ParseError(name, "year_rollover_unsupported",
                                    detail=f"{sources[i].as_py()} {before:%b %d} -> {sources[i + 1].as_py()} "
                                           f"{after:%b %d} = {after.year}",
                                    value=str(sources[i + 1].as_py())))
    return notes
