"""The trail is append-only and tamper-evident: changed, deleted and reordered events are named."""

from __future__ import annotations

import json

import pytest
from django.db import connection, transaction
from django.test import TestCase

from kansa.web.trail.chain import record, verify
from kansa.web.trail.models import AppendOnlyError, Event
from tests.web.guard import guard_lifted


def _three() -> list[Event]:
    return [record("suzuki", "create", "user", i, institution_code="0001", after={"role": "auditor", "n": i})
            for i in range(1, 4)]


def _raw(sql: str, params: list[object]) -> None:
    """Tamper as someone with database access would: first lifting the database's own guard, then editing."""
    with guard_lifted(), connection.cursor() as cur:
        cur.execute(sql, params)


class TrailTest(TestCase):
    """Chain verification and the app's refusal to edit."""

    def test_an_untouched_chain_verifies(self) -> None:
        _three()
        v = verify()
        assert v.ok and v.checked == 3

    def test_a_changed_event_is_named(self) -> None:
        events = _three()
        _raw("UPDATE kansa_trail_event SET after = %s WHERE id = %s", ['{"role": "admin", "n": 2}', events[1].id])
        v = verify()
        assert v.broken_id == events[1].id and "changed" in v.reason

    def test_a_deleted_event_is_named_by_its_successor(self) -> None:
        events = _three()
        _raw("DELETE FROM kansa_trail_event WHERE id = %s", [events[1].id])
        v = verify()
        assert v.broken_id == events[2].id and v.checked == 1

    def test_reordered_events_are_detected(self) -> None:
        events = _three()
        cols = ["at", "actor", "institution_code", "action", "object_type", "object_id", "before", "after",
                "prev_hash", "hash"]
        with connection.cursor() as cur:
            cur.execute(f"SELECT {', '.join(cols)} FROM kansa_trail_event WHERE id IN (%s, %s) ORDER BY id",
                        [events[0].id, events[1].id])
            first, second = ([json.dumps(v) if isinstance(v, dict | list) else v for v in row]
                             for row in cur.fetchall())
        # swap the two rows' contents (hashes included): the chain now starts with the second event
        sets = ", ".join(f"{c} = %s" for c in cols)
        _raw("UPDATE kansa_trail_event SET hash = %s WHERE id = %s", ["tmp" + "0" * 61, events[0].id])
        _raw(f"UPDATE kansa_trail_event SET {sets} WHERE id = %s", [*first, events[1].id])
        _raw(f"UPDATE kansa_trail_event SET {sets} WHERE id = %s", [*second, events[0].id])
        v = verify()
        assert v.broken_id == events[0].id and not v.ok

    def test_the_app_refuses_to_change_or_delete_an_event(self) -> None:
        e = _three()[0]
        e.actor = "someone else"
        with pytest.raises(AppendOnlyError):
            e.save()
        with pytest.raises(AppendOnlyError):
            e.delete()
        assert verify().ok

    def test_the_database_itself_refuses_update_and_delete(self) -> None:
        # PostgreSQL: trigger + REVOKE (migration 0002); SQLite: triggers (0003). Raw SQL bypasses the model.
        e = _three()[0]
        for sql in ("UPDATE kansa_trail_event SET actor = 'x' WHERE id = %s",
                    "DELETE FROM kansa_trail_event WHERE id = %s"):
            with pytest.raises(Exception, match=r"append-only|permission denied"), transaction.atomic(), \
                    connection.cursor() as cur:
                cur.execute(sql, [e.id])
        assert verify().ok

    def test_trail_page_shows_only_own_institution_events(self) -> None:
        from tests.web.people import make_world, signed_in
        w = make_world()
        record("x", "create", "user", 1, institution_code=w.own.code, after={"mark": "own-event"})
        record("y", "create", "user", 2, institution_code=w.other.code, after={"mark": "other-event"})
        body = signed_in(w.users["auditor"]).get("/trail/").content.decode()
        assert "own-event" in body and "other-event" not in body
        body = signed_in(w.users["supervisor"]).get("/trail/").content.decode()
        assert "own-event" in body and "other-event" in body
