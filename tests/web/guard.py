"""Lift the database's own append-only guard on the trail, as someone with database rights could (tests only)."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.test import TransactionTestCase

_sqlite = importlib.import_module("kansa.web.trail.migrations.0003_append_only_on_sqlite")
_PG_PRIVILEGES = "UPDATE, DELETE, TRUNCATE ON kansa_trail_event"
LIFT = {"postgresql": ("ALTER TABLE kansa_trail_event DISABLE TRIGGER USER",
                       f"GRANT {_PG_PRIVILEGES} TO CURRENT_USER"),
        "sqlite": _sqlite.BACKWARD}
RESTORE = {"postgresql": ("ALTER TABLE kansa_trail_event ENABLE TRIGGER USER",
                          f"REVOKE {_PG_PRIVILEGES} FROM CURRENT_USER"),
           "sqlite": _sqlite.FORWARD}


def _run(statements: tuple[str, ...]) -> None:
    with connection.cursor() as cur:
        for sql in statements:
            cur.execute(sql)


@contextmanager
def guard_lifted() -> Iterator[None]:
    """Inside: UPDATE/DELETE/TRUNCATE of trail events reach the table; after: the guard is back."""
    _run(LIFT[connection.vendor])
    try:
        yield
    finally:
        _run(RESTORE[connection.vendor])


class FlushesTheTrail(TransactionTestCase):
    """A test case whose flush between tests empties the append-only trail too (the guard lifted for it)."""

    def _fixture_teardown(self) -> None:
        with guard_lifted():
            super()._fixture_teardown()


class CommittingTestCase(FlushesTheTrail):
    """Tests whose data is really committed (on-commit hooks run at once): a worker in the same process may close
    and reopen the connection (django-tasks' db_worker does, which would end a TestCase's transaction on PostgreSQL).
    """
