"""On SQLite too the database itself refuses UPDATE/DELETE of trail events (triggers; SQLite has no roles)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

FORWARD = (
    "CREATE TRIGGER IF NOT EXISTS kansa_trail_no_update BEFORE UPDATE ON kansa_trail_event "
    "BEGIN SELECT RAISE(ABORT, 'kansa_trail_event is append-only'); END;",
    "CREATE TRIGGER IF NOT EXISTS kansa_trail_no_delete BEFORE DELETE ON kansa_trail_event "
    "BEGIN SELECT RAISE(ABORT, 'kansa_trail_event is append-only'); END;",
)
BACKWARD = ("DROP TRIGGER IF EXISTS kansa_trail_no_update;", "DROP TRIGGER IF EXISTS kansa_trail_no_delete;")


def forward(apps: Any, schema_editor: Any) -> None:
    """Install the guard on SQLite (PostgreSQL has its own, migration 0002)."""
    if schema_editor.connection.vendor == "sqlite":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backward(apps: Any, schema_editor: Any) -> None:
    """Remove the guard."""
    if schema_editor.connection.vendor == "sqlite":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("kansa_trail", "0002_append_only_on_postgres")]
    operations = [migrations.RunPython(forward, backward)]
