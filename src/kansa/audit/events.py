"""Making trail events: every state change in kansa.audit returns one."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from typing import Any

from kansa.audit.model import Book, Event


def now() -> datetime:
    """The current time in UTC (one place, so tests and the web app agree)."""
    return datetime.now(UTC).replace(microsecond=0)


def snapshot(value: Any) -> Any:
    """A JSON-plain copy of a record for an event's before/after (dataclasses become dicts, dates ISO text)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: snapshot(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): snapshot(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [snapshot(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def record(book: Book, who: str, what: str, record_id: str, before: Any, after: Any,
           when: datetime | None = None) -> Event:
    """Append an event to the book's own log and return it for the caller's trail."""
    event = Event(who=who, when=when or now(), what=what, record=record_id,
                  before=snapshot(before), after=snapshot(after))
    book.events.append(event)
    return event
