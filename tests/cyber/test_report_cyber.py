"""Report safety on hostile log content: spreadsheet formulas are escaped, HTML is escaped."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pyarrow as pa

from kansa.cyber.report import write_reports
from kansa.cyber.scan import EVENTS_SCHEMA, scan_connection
from kansa.engine.testing import d, duckdb_world

HOSTILE_HOST = "=HYPERLINK(\"http://x\",\"y\")"
SCRIPT_HOST = "<script>alert(1)</script>"


def test_hostile_hosts_are_escaped_in_the_workbook_and_the_html(tmp_path: Path) -> None:
    assets = [{"asset_id": "A1", "name": "web01", "asset_type": "server", "owner": "IT", "classification": "internal",
               "criticality": 3}]
    events = pa.Table.from_pylist([
        {"event_time": datetime(2026, 3, 1, 10), "host": host, "username": "u", "event_type": "logon",
         "source": f"auth.log:{n}"} for n, host in enumerate((HOSTILE_HOST, SCRIPT_HOST), start=1)
    ], schema=EVENTS_SCHEMA)
    scan = scan_connection(duckdb_world({"assets": assets}, "cyber"), events=events, as_of=d("2026-03-31"))
    files = write_reports(scan, tmp_path, pdf=False)
    ws = openpyxl.load_workbook(files["report.xlsx"])["host_not_in_register"]
    values = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'" + HOSTILE_HOST in values and HOSTILE_HOST not in values
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    html = files["report.html"].read_text(encoding="utf-8")
    assert SCRIPT_HOST not in html and "&lt;script&gt;" in html
