"""The database as kansa.audit's BookRepository: load an institution's book, apply a rule, store it with its trail."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction

from kansa.audit.events import record as book_event
from kansa.audit.events import snapshot
from kansa.audit.model import Book, Event
from kansa.audit.store import book_from_dict
from kansa.web.audit.models import AuditEngagement, AuditEntity, AuditFinding, AuditPlan, Record
from kansa.web.org.models import Institution
from kansa.web.trail.chain import record

# book attribute -> (model, column filled from the record)
TABLES: dict[str, tuple[type[Record], str | None]] = {
    "entities": (AuditEntity, "kind"), "plans": (AuditPlan, "status"),
    "engagements": (AuditEngagement, "phase"), "findings": (AuditFinding, "status"),
}


def load(institution: Institution) -> Book:
    """The institution's book (empty when it has none), checked by kansa.audit.store."""
    data: dict[str, Any] = {"institution": institution.code}
    for attr, (model, _col) in TABLES.items():
        data[attr] = {r.key: r.data for r in model.objects.filter(institution=institution)}
    return book_from_dict(data, where=f"audit book {institution.code}")


def _store(institution: Institution, book: Book) -> None:
    for attr, (model, col) in TABLES.items():
        stored = {r.key: r for r in model.objects.filter(institution=institution)}
        for key, rec in getattr(book, attr).items():
            data = snapshot(rec)
            extra = {col: data[col]} if col else {}
            if attr == "findings":
                extra["owner"] = data["owner"]
            row = stored.get(key)
            if row is None:
                model.objects.create(institution=institution, key=key, data=data, **extra)
            elif row.data != data:
                row.data = data
                for k, v in extra.items():
                    setattr(row, k, v)
                row.save()


def trail(actor: str, institution: Institution, events: Iterable[Event]) -> None:
    """Each domain event onto the tamper-evident chain (call inside the change's transaction)."""
    for e in events:
        kind = e.what.split(".")[0]
        before = e.before if isinstance(e.before, dict) or e.before is None else {"value": e.before}
        after = e.after if isinstance(e.after, dict) or e.after is None else {"value": e.after}
        record(actor, e.what, f"audit.{kind}", e.record, institution_code=institution.code,
               before=before, after=after)


def change(institution: Institution, actor: str, rule: Callable[[Book], Event | list[Event] | None]) -> Book:
    """Load the book, apply one kansa.audit rule, store the records and trail its events, all or nothing."""
    with transaction.atomic():
        # lock the institution row so two changes to one book do not interleave
        Institution.objects.select_for_update().filter(pk=institution.pk).first()
        book = load(institution)
        out = rule(book)
        events = out if isinstance(out, list) else [out] if out is not None else []
        _store(institution, book)
        trail(actor, institution, events)
    return book


def import_book(institution: Institution, source: Book, actor: str) -> int:
    """Copy a kansa.audit book (the demo's year, a CLI book file) into an institution's empty book; records added."""
    def rule(book: Book) -> list[Event]:
        if any(getattr(book, attr) for attr in TABLES):
            return []
        events = []
        for attr in TABLES:
            for key, rec in getattr(source, attr).items():
                getattr(book, attr)[key] = rec
                events.append(book_event(book, actor, f"{attr}.import", key, None, rec))
        return events
    return sum(len(getattr(b, a)) for b in [change(institution, actor, rule)] for a in TABLES)
