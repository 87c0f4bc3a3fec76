"""Shared builders for audit tests: a small real DuckDB workspace and scan output folders."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pytest

from kansa.workspace import _MANIFEST_DDL, DB_NAME

FLAG_HEADER = ["rule_id", "entity_type", "entity_id", "severity", "score", "event_date", "reason", "evidence"]


def write_flags(folder: Path, rows: Iterable[tuple[str, str, str, str]], evidence: str = "{}") -> Path:
    """A scan output folder with flags.csv (rule, entity_type, entity_id, severity), as the scans write it."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "flags.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(FLAG_HEADER)
        for rule, etype, eid, sev in rows:
            w.writerow([rule, etype, eid, sev, 1, "2025-12-01", "reason", evidence])
    return folder


def write_kpis(folder: Path, shares: dict[str, float]) -> None:
    """kpis.json with one date and one negative band per product type."""
    block = {p: {"customers": 100, "return_bands": [{"band": "m10_0", "customers": int(s * 100), "share": s},
                                                    {"band": "0_10", "customers": 0, "share": 1 - s}]}
             for p, s in shares.items()}
    (folder / "kpis.json").write_text(json.dumps([{"as_of_date": "2026-03-31", **block}]), encoding="utf-8")


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    """Two branches, B1 (1,000 trades) and B2 (500), staff, customers, products, complaints: a real DuckDB file."""
    ws = tmp_path / "ws"
    ws.mkdir()
    con = duckdb.connect(str(ws / DB_NAME))
    con.execute("CREATE TABLE branches AS SELECT * FROM (VALUES ('B1', '本店'), ('B2', '北支店')) t(branch_id, name)")
    con.execute("CREATE TABLE staff AS SELECT * FROM (VALUES ('S1', 'B1', 'sales'), ('S2', 'B2', 'sales'),"
                " ('S3', 'B2', 'advisor')) t(staff_id, branch_id, role)")
    con.execute("CREATE TABLE customers AS SELECT 'C' || i AS customer_id, 'H' || (i // 2) AS household_id,"
                " CASE WHEN i < 50 THEN 'B1' ELSE 'B2' END AS branch_id FROM range(100) r(i)")
    con.execute("CREATE TABLE trades AS SELECT 'T' || i AS trade_id, CASE WHEN i < 1000 THEN 'B1' ELSE 'B2' END"
                " AS branch_id FROM range(1500) r(i)")
    con.execute("CREATE TABLE products AS SELECT * FROM (VALUES ('P1', '仕組債A', 'structured_bond', true, true),"
                " ('P2', '投信B', 'investment_trust', false, false))"
                " t(product_id, name, product_type, is_complex, is_caution_product)")
    con.execute("CREATE TABLE complaints AS SELECT 'Q' || i AS complaint_id, 'B2' AS branch_id FROM range(5) r(i)")
    con.execute(_MANIFEST_DDL)  # what a finished `kansa load` leaves (a workspace without it is incomplete)
    con.close()
    return ws
