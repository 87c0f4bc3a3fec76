"""Privileged-ID rules: shared, no MFA, password age, dormant, self-approved or used-before-approval requests."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from kansa.cyber.scan import EVENTS_SCHEMA, scan_connection
from kansa.engine.testing import d, dt, duckdb_world, flagged

AS_OF = "2026-03-31"
RULES = ("privileged_account_shared", "privileged_account_no_mfa", "privileged_password_age",
         "privileged_account_dormant", "request_self_approved")
ASSETS = [{"asset_id": "SRV1", "name": "core01", "asset_type": "server", "owner": "IT", "classification": "secret",
           "criticality": 5}]


def account(account_id: str, **kw: Any) -> dict[str, Any]:
    """An active, owned privileged account with MFA, a fresh password and a recent login."""
    row: dict[str, Any] = {"account_id": account_id, "asset_id": "SRV1", "username": account_id.lower(),
                           "owner_staff_id": "S001", "is_privileged": True, "status": "active",
                           "created_on": d("2024-04-01"), "last_login_at": dt("2026-03-20T09:00:00"),
                           "password_changed_on": d("2026-02-01"), "mfa_enabled": True}
    row.update(kw)
    return row


def request(request_id: str, **kw: Any) -> dict[str, Any]:
    """A request for root on SRV1 by alice approved by bob before its window."""
    row: dict[str, Any] = {"request_id": request_id, "asset_id": "SRV1", "username": "root", "requested_by": "alice",
                           "approved_by": "bob", "approved_at": dt("2026-03-10T08:00:00"),
                           "window_start": dt("2026-03-10T09:00:00"), "window_end": dt("2026-03-10T18:00:00")}
    row.update(kw)
    return row


def scan_flags(tables: dict[str, list[dict[str, Any]]], events: list[dict[str, Any]] | None = None) -> Any:
    """Run the catalog on a small world with SRV1 (events may carry the parser's extra columns)."""
    table = pa.Table.from_pylist(events or [], schema=EVENTS_SCHEMA)
    con = duckdb_world({"assets": ASSETS, **tables}, "cyber")
    return scan_connection(con, as_of=d(AS_OF), events=table, only=RULES).flags


def test_it_flags_active_privileged_accounts_without_owner() -> None:
    flags = scan_flags({"accounts": [
        account("ADMIN", owner_staff_id=None), account("OPS", owner_staff_id=" "), account("ALICE"),
        account("OLD", owner_staff_id=None, status="disabled"),          # near-miss: disabled
        account("USER", owner_staff_id=None, is_privileged=False),       # near-miss: not privileged
    ]})
    assert flagged(flags, "privileged_account_shared") == {"ADMIN", "OPS"}


def test_it_flags_privileged_accounts_without_mfa_or_with_unknown_mfa() -> None:
    flags = scan_flags({"accounts": [
        account("NOMFA", mfa_enabled=False), account("UNKNOWN", mfa_enabled=None), account("OK"),
        account("LOCKED", mfa_enabled=False, status="locked"),
    ]})
    assert flagged(flags, "privileged_account_no_mfa") == {"NOMFA", "UNKNOWN"}


def test_it_flags_privileged_passwords_older_than_90_days_at_the_edge() -> None:
    flags = scan_flags({"accounts": [
        account("OLD", password_changed_on=d("2025-12-30")),    # 91 days before 2026-03-31
        account("EDGE", password_changed_on=d("2025-12-31")),   # 90 days: allowed
        account("NEVER", password_changed_on=None),
        account("PLAIN", password_changed_on=d("2020-01-01"), is_privileged=False),
    ]})
    assert flagged(flags, "privileged_password_age") == {"OLD", "NEVER"}


def test_it_flags_dormant_privileged_accounts_but_not_new_ones() -> None:
    flags = scan_flags({"accounts": [
        account("SLEEP", last_login_at=dt("2025-12-30T10:00:00")),                        # 91 days
        account("EDGE", last_login_at=dt("2025-12-31T23:59:00")),                         # 90 days
        account("NEVER", last_login_at=None),
        account("FRESH", last_login_at=None, created_on=d("2026-03-01")),                 # created 30 days ago
        account("GONE", last_login_at=None, status="disabled"),
    ]})
    assert flagged(flags, "privileged_account_dormant") == {"SLEEP", "NEVER"}


def test_it_flags_self_approved_requests_and_use_before_approval() -> None:
    events = [
        {"event_time": dt("2026-03-11T09:30:00"), "host": "core01", "username": "alice", "event_type": "sudo",
         "source": "auth.log:10", "target_user": "root"},   # inside R3's window, before its approval
        {"event_time": dt("2026-03-12T10:30:00"), "host": "core01", "username": "root", "event_type": "su",
         "source": "auth.log:20"},                          # inside R4's window, after approval
    ]
    flags = scan_flags({
        "privileged_access_requests": [
            request("R1", approved_by="alice"),                                       # self-approved
            request("R2", approved_by=" ALICE "),                                     # self-approved, other spelling
            request("R3", approved_at=dt("2026-03-11T12:00:00"), window_start=dt("2026-03-11T09:00:00"),
                    window_end=dt("2026-03-11T18:00:00")),                            # used before approval
            request("R4", approved_at=dt("2026-03-12T08:00:00"), window_start=dt("2026-03-12T09:00:00"),
                    window_end=dt("2026-03-12T18:00:00")),                            # near-miss: proper
            request("R5", approved_by="carol"),                                       # near-miss: proper, unused
        ],
    }, events)
    assert flagged(flags, "request_self_approved") == {"R1", "R2", "R3"}
    rows = {r["entity_id"]: r for r in flags.to_pylist() if r["rule_id"] == "request_self_approved"}
    assert '"issue":"used_before_approval"' in rows["R3"]["evidence"] and "承認前の使用" in rows["R3"]["reason"]
    assert '"issue":"self_approved"' in rows["R1"]["evidence"] and "自己承認" in rows["R1"]["reason"]
