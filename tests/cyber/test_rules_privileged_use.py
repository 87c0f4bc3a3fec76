"""privileged_use_without_request: sudo, su, 4672 and privileged logons against 特権ID申請 as banks write them."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from kansa.cyber.scan import EVENTS_SCHEMA, scan_connection
from kansa.engine.testing import d, dt, duckdb_world, flagged

ASSETS = [
    {"asset_id": "LX1", "name": "core01", "asset_type": "server", "owner": "IT", "classification": "secret",
     "criticality": 5},
    {"asset_id": "WN1", "name": "DC01", "asset_type": "server", "owner": "IT", "classification": "secret",
     "criticality": 5},
]
# Two people with personal logins on core01 (owner_staff_id = staff number, as HR writes it), the shared
# root, a personal privileged Windows ID and the shared Administrator.
ACCOUNTS = [
    {"account_id": "A1", "asset_id": "LX1", "username": "tanaka", "owner_staff_id": "E1001", "is_privileged": False,
     "status": "active"},
    {"account_id": "A2", "asset_id": "LX1", "username": "suzuki", "owner_staff_id": "E1002", "is_privileged": False,
     "status": "active"},
    {"account_id": "A3", "asset_id": "LX1", "username": "root", "owner_staff_id": None, "is_privileged": True,
     "status": "active"},
    {"account_id": "A4", "asset_id": "WN1", "username": "adm_tanaka", "owner_staff_id": "E1001",
     "is_privileged": True, "status": "active"},
    {"account_id": "A5", "asset_id": "WN1", "username": "Administrator", "owner_staff_id": None,
     "is_privileged": True, "status": "active"},
    {"account_id": "A6", "asset_id": "LX1", "username": "oracle", "owner_staff_id": None, "is_privileged": True,
     "status": "active"},
]


def request(rid: str, asset_id: str, username: str, by: str, day: str, approved_by: str | None = "E9001") -> dict:
    """An approved 特権ID利用申請 for 09:00-12:00 of `day`, naming the privileged ID to be used."""
    return {"request_id": rid, "asset_id": asset_id, "username": username, "requested_by": by,
            "approved_by": approved_by, "approved_at": dt(f"{day}T08:00:00"),
            "window_start": dt(f"{day}T09:00:00"), "window_end": dt(f"{day}T12:00:00"), "purpose": "パッチ適用"}


REQUESTS = [
    request("R1", "LX1", "root", "E1001", "2026-03-02"),           # root, requested by tanaka's staff number
    request("R2", "LX1", "tanaka", "E1001", "2026-03-03"),         # the person's own login
    request("R3", "LX1", "root", "tanaka", "2026-03-04"),          # root, requester written as the login
    request("R4", "WN1", "Administrator", "E1001", "2026-03-05"),  # shared Windows Administrator
    request("R5", "WN1", "adm_tanaka", "E1001", "2026-03-06"),     # personal privileged ID
    request("R6", "LX1", "root", "E1001", "2026-03-09", approved_by=None),  # never approved
    request("R7", "LX1", "oracle", "E1002", "2026-03-10"),
]


def ev(source: str, at: str, host: str, asset: str, user: str, kind: str, **kw: Any) -> dict[str, Any]:
    """One event as the parser writes it (asset resolved)."""
    row: dict[str, Any] = {"event_time": dt(at), "host": host, "asset_id": asset, "username": user,
                           "event_type": kind, "source": source}
    row.update(kw)
    return row


def sudo(source: str, at: str, person: str, target: str = "root") -> dict[str, Any]:
    """`sudo: person : ... USER=target ; COMMAND=...` as parsed: username the person, target_user USER=."""
    return ev(source, at, "core01", "LX1", person, "sudo", target_user=target, subject_user=person,
              command="/usr/bin/systemctl restart app")


def su(source: str, at: str, caller: str | None, to: str = "root") -> dict[str, Any]:
    """`su` as parsed: username the account switched to, subject_user the caller."""
    return ev(source, at, "core01", "LX1", to, "su", target_user=to, subject_user=caller)


def scan(events: list[dict[str, Any]]) -> set[str]:
    """The sources flagged by the rule."""
    con = duckdb_world({"assets": ASSETS, "accounts": ACCOUNTS, "privileged_access_requests": REQUESTS}, "cyber")
    table = pa.Table.from_pylist(events, schema=EVENTS_SCHEMA)
    return flagged(scan_connection(con, as_of=d("2026-03-31"), events=table,
                                   only=["privileged_use_without_request"]).flags)


def test_sudo_is_covered_by_a_root_request_of_the_same_person_or_by_the_persons_own_request() -> None:
    flags = scan([
        sudo("a:1", "2026-03-02T10:00:00", "tanaka"),   # R1: root, requested by E1001 = tanaka
        sudo("a:2", "2026-03-03T10:00:00", "tanaka"),   # R2: tanaka's own login named
        sudo("a:3", "2026-03-04T10:00:00", "tanaka"),   # R3: root, requester written as login
        sudo("a:4", "2026-03-02T10:30:00", "suzuki"),   # planted: suzuki uses root in tanaka's window
        sudo("a:5", "2026-03-02T12:00:01", "tanaka"),   # planted: one second after R1 ends
        sudo("a:6", "2026-03-09T10:00:00", "tanaka"),   # planted: R6 never approved
        sudo("a:7", "2026-03-02T09:00:00", "tanaka"),   # near miss: on the window start
    ])
    assert flags == {"a:4", "a:5", "a:6"}


def test_su_is_matched_on_the_caller_and_the_account_switched_to() -> None:
    flags = scan([
        su("b:1", "2026-03-02T10:00:00", "tanaka"),          # R1 covers root for tanaka
        su("b:2", "2026-03-03T11:00:00", "tanaka"),          # R2 names tanaka
        su("b:3", "2026-03-02T11:00:00", "suzuki"),          # planted: another person's su in R1's window
        su("b:4", "2026-03-02T10:00:00", None),              # near miss: caller unknown, root approved then
        su("b:5", "2026-03-20T10:00:00", None),              # planted: caller unknown, no window
        su("b:6", "2026-03-20T10:00:00", "suzuki", "www"),   # near miss: su to an ordinary account
        su("b:7", "2026-03-20T10:00:00", "suzuki", "oracle"),  # planted: su to a registered privileged ID
        su("b:8", "2026-03-10T10:00:00", "suzuki", "oracle"),  # near miss: R7 names oracle for suzuki
    ])
    assert flags == {"b:3", "b:5", "b:7"}


def test_windows_privileged_logons_and_logons_with_privileged_accounts() -> None:
    flags = scan([
        ev("w:1", "2026-03-05T10:00:00", "DC01", "WN1", "Administrator", "privileged_logon", event_id="4672"),  # R4
        ev("w:2", "2026-03-06T10:00:00", "DC01", "WN1", "adm_tanaka", "privileged_logon", event_id="4672"),  # R5
        ev("w:3", "2026-03-06T10:00:00", "DC01", "WN1", "adm_tanaka", "logon", logon_type="10"),  # R5
        ev("w:4", "2026-03-07T10:00:00", "DC01", "WN1", "adm_tanaka", "logon", logon_type="10"),  # planted
        ev("w:5", "2026-03-07T10:00:00", "DC01", "WN1", "ADMINISTRATOR", "privileged_logon"),  # planted, case
        ev("w:6", "2026-03-06T10:00:00", "DC01", "WN1", "Administrator", "privileged_logon"),  # planted: R5 is not it
        ev("w:7", "2026-03-07T10:00:00", "DC01", "WN1", "tanaka", "logon", logon_type="3"),  # near miss: ordinary
        ev("w:8", "2026-03-07T10:00:00", "DC01", "WN1", "SYSTEM", "privileged_logon"),  # near miss: OS identity
        ev("w:9", "2026-03-07T10:00:00", "DC01", "WN1", "DC01$", "privileged_logon"),  # near miss: computer
        ev("w:10", "2026-03-05T10:00:00", "core01", "LX1", "Administrator", "privileged_logon"),  # planted: asset
    ])
    assert flags == {"w:4", "w:5", "w:6", "w:10"}


def test_parsed_auth_log_lines_reach_the_rule_with_the_right_roles(tmp_path: Any) -> None:
    from kansa.cyber.logs import parse_logs

    log = tmp_path / "auth.log"
    log.write_text(
        "Mar  2 10:00:00 core01 sudo:   tanaka : TTY=pts/0 ; PWD=/home/tanaka ; USER=root ; COMMAND=/bin/ls\n"
        "Mar  2 10:05:00 core01 su[77]: (to root) suzuki on pts/1\n"
        "Mar  2 10:06:00 core01 sudo:   suzuki : TTY=pts/1 ; PWD=/ ; USER=root ; COMMAND=/bin/ls\n",
        encoding="utf-8",
    )
    parsed = parse_logs([log], year=2026).events
    rows = parsed.to_pylist()
    assert [(r["event_type"], r["username"], r["subject_user"], r["target_user"]) for r in rows] == [
        ("sudo", "tanaka", "tanaka", "root"), ("su", "root", "suzuki", "root"), ("sudo", "suzuki", "suzuki", "root"),
    ]
    events = [{**r, "asset_id": "LX1"} for r in rows]
    assert scan(events) == {"auth.log:2", "auth.log:3"}  # R1 is tanaka's: suzuki's root use is not covered
