"""Lift the database's own append-only guard on the trail, as someone with database rights could (tests only)."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.test import TransactionTestCase

_sqlite = importlib.import_module("kansa.web.trail.migrations.0003_append_only_on_sqlite")


@contextmanager
def guard_lifted() -> Iterator[None]:
    """Inside: UPDATE/DELETE/TRUNCATE of trail events reach the table; after: the guard is back."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE kansa_trail_event DISABLE TRIGGER USER")
            cur.execute("GRANT UPDATE, DELETE, TRUNCATE ON kansa_trail_event TO CURRENT_USER")
        else:
            for sql in _sqlite.BACKWARD:
                cur.execute(sql)
    try:
        yield
    finally:
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute("ALTER TABLE kansa_trail_event ENABLE TRIGGER USER")
                cur.execute("REVOKE UPDATE, DELETE, TRUNCATE ON kansa_trail_event FROM CURRENT_USER")
            else:
                for sql in _sqlite.FORWARD:
                    cur.execute(sql)


class CommittingTestCase(TransactionTestCase):
    """Tests whose data is really committed: a worker in the same process may close and reopen the connection
    (django-tasks' db_worker does, which would end a TestCase's wrapping transaction on PostgreSQL)."""

    def _fixture_teardown(self) -> None:
        with guard_lifted():  # the flush between tests empties the append-only trail too
            super()._fixture_teardown()

    @contextmanager
    def captureOnCommitCallbacks(self, *, execute: bool = False) -> Iterator[list[object]]:
        """Nothing to capture: in autocommit the on-commit callbacks have already run."""
        del execute
        yield []
