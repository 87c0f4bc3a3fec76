"""On PostgreSQL the database itself refuses UPDATE/DELETE/TRUNCATE of trail events (trigger + REVOKE)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION kansa_trail_refuse() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'kansa_trail_event is append-only'; END; $$ LANGUAGE plpgsql;
CREATE TRIGGER kansa_trail_no_update BEFORE UPDATE OR DELETE ON kansa_trail_event
  FOR EACH ROW EXECUTE FUNCTION kansa_trail_refuse();
CREATE TRIGGER kansa_trail_no_truncate BEFORE TRUNCATE ON kansa_trail_event
  FOR EACH STATEMENT EXECUTE FUNCTION kansa_trail_refuse();
REVOKE UPDATE, DELETE, TRUNCATE ON kansa_trail_event FROM PUBLIC;
REVOKE UPDATE, DELETE, TRUNCATE ON kansa_trail_event FROM CURRENT_USER;
"""
BACKWARD = """
DROP TRIGGER IF EXISTS kansa_trail_no_update ON kansa_trail_event;
DROP TRIGGER IF EXISTS kansa_trail_no_truncate ON kansa_trail_event;
DROP FUNCTION IF EXISTS kansa_trail_refuse();
"""


def forward(apps: Any, schema_editor: Any) -> None:
    """Install the guard on PostgreSQL only (SQLite has no roles; the model refuses there)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps: Any, schema_editor: Any) -> None:
    """Remove the guard."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("kansa_trail", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
