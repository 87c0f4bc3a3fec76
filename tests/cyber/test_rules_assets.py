"""Asset-register rules: owner/classification, stale inventory, hosts seen in logs but not in the register."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from kansa.cyber.scan import scan_connection
from kansa.engine.testing import d, dt, duckdb_world, flagged

AS_OF = "2026-03-31"


def asset(asset_id: str, **kw: Any) -> dict[str, Any]:
    """An in-service, owned, classified server confirmed this year."""
    row: dict[str, Any] = {"asset_id": asset_id, "name": asset_id.lower(), "asset_type": "server",
                           "owner": "システム部", "classification": "internal", "criticality": 3,
                           "environment": "production", "location": "onprem",
                           "internet_facing": False, "last_inventory_date": d("2026-01-10")}
    row.update(kw)
    return row


def event(source: str, host: str, user: str = "alice", kind: str = "logon", at: str = "2026-03-20T10:00:00",
          **kw: Any) -> dict[str, Any]:
    """One access event."""
    row: dict[str, Any] = {"event_time": dt(at), "host": host, "username": user, "event_type": kind,
                           "source": source}
    row.update(kw)
    return row


def run(tables: dict[str, list[dict[str, Any]]], rule_id: str, as_of: str = AS_OF) -> pa.Table:
    """Scan a small world and keep one rule's flags."""
    scan = scan_connection(duckdb_world(tables, "cyber"), as_of=d(as_of), only=[rule_id])
    return scan.flags.filter(pa.compute.equal(scan.flags.column("rule_id"), rule_id))


def test_it_flags_in_service_assets_without_owner_or_classification() -> None:
    tables = {"assets": [
        asset("A1", owner=None), asset("A2", classification=None), asset("A3", owner="  "),
        asset("A4"),                                                    # near-miss: complete
        asset("A5", owner=None, decommissioned_on=d("2026-02-01")),     # near-miss: decommissioned
        asset("A6", owner=None, decommissioned_on=d("2026-04-30")),     # still in service on the as-of date
    ]}
    flags = run(tables, "asset_missing_owner_or_class")
    assert flagged(flags) == {"A1", "A2", "A3", "A6"}


def test_it_marks_critical_assets_without_owner_high() -> None:
    tables = {"assets": [asset("A1", owner=None, criticality=5), asset("A2", owner=None, criticality=2)]}
    sev = {r["entity_id"]: r["severity"] for r in run(tables, "asset_missing_owner_or_class").to_pylist()}
    assert sev == {"A1": "high", "A2": "medium"}


def test_it_flags_inventory_older_than_365_days_at_the_edge() -> None:
    tables = {"assets": [
        asset("OLD", last_inventory_date=d("2025-03-30")),   # 366 days before 2026-03-31
        asset("EDGE", last_inventory_date=d("2025-03-31")),  # exactly 365: not older
        asset("NEVER", last_inventory_date=None),
        asset("NEW"),
    ]}
    flags = run(tables, "asset_inventory_stale")
    assert flagged(flags) == {"OLD", "NEVER"}
    reasons = {r["entity_id"]: r["reason"] for r in flags.to_pylist()}
    assert "365日" in reasons["OLD"] and "2025-03-30" in reasons["OLD"]


def test_it_honours_a_stricter_inventory_parameter() -> None:
    con = duckdb_world({"assets": [asset("A1", last_inventory_date=d("2025-12-01"))]}, "cyber")
    scan = scan_connection(con, as_of=d(AS_OF), params={"asset_inventory_stale": {"max_age_days": 90}})
    assert flagged(scan.flags, "asset_inventory_stale") == {"A1"}


def test_it_flags_hosts_in_logs_that_no_asset_matches() -> None:
    tables = {
        "assets": [asset("SRV-001", name="web01.corp.example.jp"), asset("SRV-002", name="DB01")],
        "access_events": [
            event("auth.log:1", "web01"),                        # short name of an FQDN asset: known
            event("auth.log:2", "db01.corp.example.jp"),         # FQDN of a short-named asset: known
            event("auth.log:3", "srv-001"),                      # asset id, other case: known
            event("auth.log:4", "shadow01"),                     # unknown
            event("auth.log:5", "shadow01", kind="sudo"),
            event("security.jsonl:1", "WKS-99.corp.example.jp"), # unknown
            event("auth.log:6", "localhost"),                    # not a host of the estate
        ],
    }
    flags = run(tables, "host_not_in_register")
    assert flagged(flags) == {"shadow01", "WKS-99.corp.example.jp"}
    by_host = {r["entity_id"]: r for r in flags.to_pylist()}
    assert by_host["shadow01"]["severity"] == "high"     # privileged use on an unregistered host
    assert by_host["WKS-99.corp.example.jp"]["severity"] == "medium"
    assert '"first_source":"auth.log:4"' in by_host["shadow01"]["evidence"].replace(" ", "")
