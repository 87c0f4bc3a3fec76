"""Backup rules (3-2-1, stale or untested) and the incident reporting rule, with near-misses at the edges."""

from __future__ import annotations

from typing import Any

from kansa.cyber.scan import scan_connection
from kansa.engine.testing import d, dt, duckdb_world, flagged

AS_OF = "2026-03-31"


def asset(asset_id: str, criticality: int = 5, **kw: Any) -> dict[str, Any]:
    """An owned server of the given criticality."""
    row: dict[str, Any] = {"asset_id": asset_id, "name": asset_id.lower(), "asset_type": "server", "owner": "IT",
                           "classification": "secret", "criticality": criticality}
    row.update(kw)
    return row


def copy(asset_id: str, copy_id: str, media: str = "disk", location: str = "onsite", offline: bool = False,
         **kw: Any) -> dict[str, Any]:
    """One backup copy, successful yesterday and restore-tested in January."""
    row: dict[str, Any] = {"asset_id": asset_id, "copy_id": copy_id, "media": media, "location": location,
                           "offline_or_immutable": offline, "last_success_at": dt("2026-03-30T02:00:00"),
                           "last_restore_test_at": dt("2026-01-15T10:00:00"), "restore_test_result": "pass"}
    row.update(kw)
    return row


def good(asset_id: str) -> list[dict[str, Any]]:
    """Three copies, two media, one immutable."""
    return [copy(asset_id, "c1"), copy(asset_id, "c2", media="tape", location="offsite", offline=True),
            copy(asset_id, "c3", media="object_storage", location="cloud")]


def run(tables: dict[str, list[dict[str, Any]]], rule_id: str) -> Any:
    """One rule over a small world."""
    return scan_connection(duckdb_world(tables, "cyber"), as_of=d(AS_OF), only=[rule_id])


def test_it_flags_critical_assets_whose_backups_are_not_3_2_1() -> None:
    tables = {
        "assets": [asset("OK"), asset("TWO"), asset("ONEMEDIA"), asset("ONLINE"), asset("NONE", 4),
                   asset("LOWCRIT", 3), asset("RETIRED", decommissioned_on=d("2025-12-31"))],
        "backups": [
            *good("OK"),
            copy("TWO", "c1"), copy("TWO", "c2", media="tape", offline=True),                       # 2 copies
            copy("ONEMEDIA", "c1"), copy("ONEMEDIA", "c2", offline=True), copy("ONEMEDIA", "c3"),  # disk only
            copy("ONLINE", "c1"), copy("ONLINE", "c2", media="tape"), copy("ONLINE", "c3"),         # none offline
            copy("LOWCRIT", "c1"),                                                                  # criticality 3
        ],
    }
    scan = run(tables, "backup_not_321")
    assert flagged(scan.flags) == {"TWO", "ONEMEDIA", "ONLINE", "NONE"}
    matrix = {m["asset_id"]: m for m in scan.backup_matrix}
    assert set(matrix) == {"OK", "TWO", "ONEMEDIA", "ONLINE", "NONE"}
    assert matrix["OK"]["meets_321"] and not matrix["NONE"]["meets_321"]
    assert matrix["OK"]["copies"] == 3 and matrix["OK"]["media_kinds"] == 3 and matrix["OK"]["offline_copies"] == 1


def test_it_flags_stale_backups_and_missing_restore_tests() -> None:
    tables = {
        "assets": [asset("OK"), asset("STALE"), asset("EDGE"), asset("UNTESTED"), asset("FAILED"),
                   asset("NOBACKUP", 4), asset("LOW", 2), asset("LOWSTALE", 2)],
        "backups": [
            *good("OK"),
            copy("STALE", "c1", last_success_at=dt("2026-03-23T23:00:00")),        # 8 days
            copy("EDGE", "c1", last_success_at=dt("2026-03-24T00:00:00")),         # 7 days: allowed
            copy("UNTESTED", "c1", last_restore_test_at=dt("2025-03-30T10:00:00")),  # 366 days
            copy("FAILED", "c1", restore_test_result="fail"),                     # tested but failed
            copy("LOWSTALE", "c1", last_success_at=dt("2026-01-01T00:00:00")),     # has backups: in scope
        ],
    }
    flags = run(tables, "backup_stale_or_untested").flags
    assert flagged(flags) == {"STALE", "UNTESTED", "FAILED", "NOBACKUP", "LOWSTALE"}
    sev = {r["entity_id"]: r["severity"] for r in flags.to_pylist()}
    assert sev["STALE"] == "high" and sev["UNTESTED"] == "medium"


def incident(incident_id: str, detected: str, reported: str | None, **kw: Any) -> dict[str, Any]:
    """A closed medium phishing incident."""
    row: dict[str, Any] = {"incident_id": incident_id, "detected_at": dt(detected),
                           "reported_at": dt(reported) if reported else None, "category": "phishing",
                           "severity": "medium", "status": "closed", "closed_at": dt("2026-03-20T00:00:00")}
    row.update(kw)
    return row


def test_it_flags_late_reports_and_high_incidents_left_open() -> None:
    tables = {"incidents": [
        incident("LATE", "2026-02-01T09:00:00", "2026-02-02T09:00:01"),           # 24 h + 1 s
        incident("EDGE", "2026-02-01T09:00:00", "2026-02-02T09:00:00"),           # exactly 24 h
        incident("NEVER", "2026-03-01T09:00:00", None, status="open"),            # not reported at all
        incident("OPEN", "2026-02-20T09:00:00", "2026-02-20T12:00:00", severity="high", status="contained",
                 closed_at=None),                                                 # 39 days, not closed
        incident("OPENOK", "2026-03-05T09:00:00", "2026-03-05T12:00:00", severity="high", status="open",
                 closed_at=None),                                                 # 26 days
        incident("MEDOPEN", "2026-01-05T09:00:00", "2026-01-05T12:00:00", status="open", closed_at=None),
        incident("FUTURE", "2026-04-05T09:00:00", None, status="open"),           # after the as-of date
    ]}
    flags = run(tables, "incident_late_report").flags
    assert flagged(flags) == {"LATE", "NEVER", "OPEN"}
    rows = {r["entity_id"]: r for r in flags.to_pylist()}
    assert '"issue":"not_reported"' in rows["NEVER"]["evidence"] and "未報告" in rows["NEVER"]["reason"]
    assert '"issue":"open_too_long"' in rows["OPEN"]["evidence"] and "長期未完了" in rows["OPEN"]["reason"]
