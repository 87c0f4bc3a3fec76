"""Log rules: privileged use without an approved request, accounts created outside the register, review gaps."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from kansa.cyber.scan import EVENTS_SCHEMA, scan_connection
from kansa.engine.testing import d, dt, duckdb_world, flagged

AS_OF = "2026-03-31"


def asset(asset_id: str, name: str, **kw: Any) -> dict[str, Any]:
    """An owned server of criticality 3."""
    row: dict[str, Any] = {"asset_id": asset_id, "name": name, "asset_type": "server", "owner": "IT",
                           "classification": "internal", "criticality": 3}
    row.update(kw)
    return row


ASSETS = [asset("SRV1", "core01"), asset("SRV2", "DC01.corp.example.jp")]
ACCOUNTS = [
    {"account_id": "AC1", "asset_id": "SRV1", "username": "root", "owner_staff_id": "S1", "is_privileged": True,
     "status": "active"},
    {"account_id": "AC2", "asset_id": "SRV1", "username": "alice", "owner_staff_id": "S1", "is_privileged": False,
     "status": "active"},
    {"account_id": "AC3", "asset_id": "SRV2", "username": "Administrator", "owner_staff_id": "S2",
     "is_privileged": True, "status": "active"},
    {"account_id": "AC4", "asset_id": "SRV1", "username": "svc_backup", "owner_staff_id": "S3",
     "is_privileged": False, "status": "active"},
]
REQUESTS = [
    {"request_id": "R1", "asset_id": "SRV1", "username": "root", "requested_by": "alice", "approved_by": "bob",
     "approved_at": dt("2026-03-10T08:00:00"), "window_start": dt("2026-03-10T09:00:00"),
     "window_end": dt("2026-03-10T18:00:00")},
    {"request_id": "R2", "asset_id": "SRV2", "username": "administrator", "requested_by": "carol",
     "approved_by": "carol", "approved_at": dt("2026-03-12T08:00:00"), "window_start": dt("2026-03-12T09:00:00"),
     "window_end": dt("2026-03-12T18:00:00")},   # self-approved
    {"request_id": "R3", "asset_id": "SRV1", "username": "root", "requested_by": "dave", "approved_by": None,
     "window_start": dt("2026-03-14T09:00:00"), "window_end": dt("2026-03-14T18:00:00")},  # never approved
]


def ev(source: str, at: str, host: str, user: str, kind: str, **kw: Any) -> dict[str, Any]:
    """One event as the log parser gives it."""
    row: dict[str, Any] = {"event_time": dt(at), "host": host, "username": user, "event_type": kind,
                           "source": source}
    row.update(kw)
    return row


def run(events: list[dict[str, Any]], rule_id: str, **tables: list[dict[str, Any]]) -> pa.Table:
    """Scan the small world plus `events`, one rule."""
    world = {"assets": ASSETS, "accounts": ACCOUNTS, "privileged_access_requests": REQUESTS, **tables}
    con = duckdb_world(world, "cyber")
    table = pa.Table.from_pylist(events, schema=EVENTS_SCHEMA)
    return scan_connection(con, as_of=d(AS_OF), events=table, only=[rule_id]).flags


def test_it_flags_privileged_use_outside_approved_windows() -> None:
    events = [
        ev("auth.log:1", "2026-03-10T10:00:00", "core01", "alice", "sudo", target_user="root",
           command="/usr/bin/systemctl restart app"),                                   # near-miss: inside R1
        ev("auth.log:2", "2026-03-10T18:00:00", "core01", "root", "su", subject_user="alice"),  # edge: window end
        ev("auth.log:3", "2026-03-10T18:00:01", "core01", "alice", "sudo", target_user="root"),  # one second late
        ev("auth.log:4", "2026-03-14T10:00:00", "core01", "root", "su", subject_user="dave"),  # R3 never approved
        ev("security.jsonl:1", "2026-03-12T10:00:00", "dc01", "Administrator", "privileged_logon"),  # R2's window
        ev("security.jsonl:2", "2026-03-20T10:00:00", "dc01", "Administrator", "logon", logon_type="10"),
        ev("security.jsonl:3", "2026-03-20T10:00:00", "dc01", "SYSTEM", "privileged_logon"),    # OS identity
        ev("security.jsonl:4", "2026-03-20T10:00:00", "dc01", "DC01$", "privileged_logon"),     # computer account
        ev("auth.log:5", "2026-03-20T10:00:00", "core01", "alice", "logon", logon_type="publickey"),  # not privileged
        ev("auth.log:6", "2026-03-20T11:00:00", "core01", "postgres", "su", target_user="postgres"),  # su not to root
        ev("auth.log:7", "2026-04-02T10:00:00", "core01", "alice", "sudo", target_user="root"),   # after as-of
    ]
    flags = run(events, "privileged_use_without_request")
    # R2 is self-approved: that is reported on the request (request_self_approved), not again on its use
    assert flagged(flags) == {"auth.log:3", "auth.log:4", "security.jsonl:2"}
    reasons = {r["entity_id"]: r["reason"] for r in flags.to_pylist()}
    assert "auth.log:3" in reasons["auth.log:3"]          # the raw log pointer is in the finding


def test_it_flags_accounts_created_outside_the_register() -> None:
    events = [
        ev("auth.log:1", "2026-03-05T10:00:00", "core01", "backdoor", "account_created", subject_user="root"),
        ev("auth.log:2", "2026-03-05T10:01:00", "core01", "svc_backup", "account_created"),      # registered
        ev("security.jsonl:1", "2026-03-06T10:00:00", "DC01", "tmpadmin", "account_created", event_id="4720"),
        ev("security.jsonl:2", "2026-03-06T10:00:00", "DC01", "ADMINISTRATOR", "account_created"),  # case only
        ev("security.jsonl:3", "2026-03-06T10:00:00", "dc01", "alice", "account_created"),  # alice is on SRV1 only
        ev("auth.log:3", "2026-03-07T10:00:00", "core01", "eve", "logon"),                 # not a creation
    ]
    flags = run(events, "account_created_outside_register")
    assert flagged(flags) == {"auth.log:1", "security.jsonl:1", "security.jsonl:3"}


def review(asset_id: str, start: str, end: str) -> dict[str, Any]:
    """One log review covering start..end."""
    return {"asset_id": asset_id, "period_start": d(start), "period_end": d(end), "reviewed_by": "監査",
            "reviewed_at": dt(end + "T17:00:00")}


def test_it_flags_log_review_gaps_longer_than_31_days() -> None:
    assets = [asset("P1", "p1"), asset("P2", "p2"), asset("P3", "p3"), asset("C4", "c4", criticality=4),
              asset("C5", "c5", criticality=5), asset("LOW", "low", criticality=2)]
    accounts = [{"account_id": f"X{i}", "asset_id": a, "username": "root", "owner_staff_id": "S",
                 "is_privileged": True, "status": "active"} for i, a in enumerate(("P1", "P2", "P3"))]
    reviews = [
        # P1: monthly reviews covering the whole window: fine
        review("P1", "2025-12-01", "2025-12-31"), review("P1", "2026-01-01", "2026-01-31"),
        review("P1", "2026-02-01", "2026-02-28"), review("P1", "2026-03-01", "2026-03-31"),
        # P2: a 32-day hole between reviews (2026-01-31 .. 2026-03-04 uncovered: Feb 1 - Mar 4)
        review("P2", "2025-12-01", "2026-01-31"), review("P2", "2026-03-05", "2026-03-31"),
        # P3: a 31-day hole: allowed (Feb 1 - Mar 3)
        review("P3", "2025-12-01", "2026-01-31"), review("P3", "2026-03-04", "2026-03-31"),
        # C4: last review ended 40 days before the as-of date
        review("C4", "2025-12-01", "2026-02-19"),
        # C5: no reviews at all; LOW: out of scope (no privileged account, criticality 2)
    ]
    flags = run([], "log_review_gap", assets=assets, accounts=accounts, log_reviews=reviews)
    assert flagged(flags) == {"P2", "C4", "C5"}
    gap = {r["entity_id"]: r["score"] for r in flags.to_pylist()}
    assert gap["P2"] == 32 and gap["C4"] == 40


def test_the_log_review_look_back_is_the_90_days_ending_on_the_evaluation_date() -> None:
    # 2026-01-01..2026-03-31 is the window: a first review from 2026-02-01 leaves 31 days (allowed), one from
    # 2026-02-02 leaves 32 (found by the independent checker: the rule used to count 2025-12-31 as well)
    assets = [asset("EDGE", "edge", criticality=4), asset("OVER", "over", criticality=4)]
    reviews = [review("EDGE", "2026-02-01", "2026-03-31"), review("OVER", "2026-02-02", "2026-03-31")]
    flags = run([], "log_review_gap", assets=assets, accounts=[], log_reviews=reviews)
    assert flagged(flags) == {"OVER"}
    assert {r["entity_id"]: r["score"] for r in flags.to_pylist()} == {"OVER": 32}
