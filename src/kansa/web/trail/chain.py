"""Record events onto the chain and verify it, naming the first broken link."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from kansa.web.trail.models import Event

GENESIS = "0" * 64
_LOCK_KEY = 0x6B616E7361  # "kansa": one advisory lock serialises appends on PostgreSQL


def _digest(prev_hash: str, seq: int, fields: dict[str, Any]) -> str:
    body = json.dumps({"prev": prev_hash, "seq": seq, **fields}, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"), default=str)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _fields(e: Event) -> dict[str, Any]:
    return {"at": e.at.isoformat(), "actor": e.actor, "institution": e.institution_code, "action": e.action,
            "object_type": e.object_type, "object_id": e.object_id, "before": e.before, "after": e.after}


def record(actor: str, action: str, object_type: str, object_id: object, *, institution_code: str = "",
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> Event:
    """Append one event to the chain (inside the caller's transaction, so a rolled-back change leaves none)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        last = Event.objects.order_by("-id").only("id", "hash").first()
        prev = last.hash if last else GENESIS
        seq = (last.id if last else 0) + 1
        # JSON round trip so the hash covers exactly what the database will hand back
        e = Event(at=timezone.now(), actor=actor, institution_code=institution_code, action=action,
                  object_type=object_type, object_id=str(object_id),
                  before=json.loads(json.dumps(before, default=str)) if before is not None else None,
                  after=json.loads(json.dumps(after, default=str)) if after is not None else None,
                  prev_hash=prev)
        e.id = seq
        e.hash = _digest(prev, seq, _fields(e))
        e.save(force_insert=True)
        return e


@dataclass(frozen=True)
class Verdict:
    """Result of verifying the chain: how many events were checked and the first broken one, if any."""

    checked: int
    broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        """True when every link holds."""
        return self.broken_id is None


def verify() -> Verdict:
    """Walk the chain in id order; the first event whose link or content does not hold is named."""
    prev, expected_seq, n = GENESIS, 1, 0
    for e in Event.objects.order_by("id").iterator(chunk_size=2000):
        if e.id != expected_seq:
            return Verdict(n, e.id, f"gap: expected event {expected_seq}, found {e.id} (deleted event)")
        if e.prev_hash != prev:
            return Verdict(n, e.id, "prev_hash does not match the previous event (deleted or reordered)")
        if _digest(prev, e.id, _fields(e)) != e.hash:
            return Verdict(n, e.id, "content does not match its hash (changed)")
        prev, expected_seq, n = e.hash, expected_seq + 1, n + 1
    return Verdict(n)
