"""The cyber report as a committee member reads it: failing 3-2-1 assets first, words not codes, no repeats."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pyarrow as pa

from kansa.cyber.report import build_context, render_html
from kansa.cyber.scan import EVENTS_SCHEMA, scan_connection
from kansa.engine.testing import d, duckdb_world


def _asset(asset_id: str, name: str, criticality: int) -> dict[str, Any]:
    return {
        "asset_id": asset_id,
        "name": name,
        "asset_type": "server",
        "owner": "IT",
        "classification": "secret",
        "criticality": criticality,
    }


def _copy(asset_id: str, copy_id: str, media: str, location: str, offline: bool) -> dict[str, Any]:
    return {
        "asset_id": asset_id,
        "copy_id": copy_id,
        "media": media,
        "location": location,
        "offline_or_immutable": offline,
        "last_success_at": datetime(2026, 3, 30, 2),
        "last_restore_test_at": datetime(2026, 3, 1, 14),
        "restore_test_result": "pass",
    }


def _scan(lang: str = "ja") -> Any:
    assets = [_asset("A1", "core-db", 5), _asset("A2", "loan-db", 4), _asset("A3", "intra", 2)]
    backups = [
        _copy("A1", "c1", "disk", "onsite", False),
        _copy("A1", "c2", "tape", "offsite", True),
        _copy("A1", "c3", "object_storage", "cloud", True),  # A1 meets 3-2-1
        _copy("A2", "c1", "disk", "onsite", False),
        _copy("A2", "c2", "disk", "offsite", False),  # A2 does not
    ]
    accounts = [
        {
            "account_id": "U1",
            "asset_id": "A1",
            "username": "root",
            "owner_staff_id": "E1",
            "is_privileged": True,
            "status": "active",
        }
    ]
    events = pa.Table.from_pylist(
        [
            {
                "event_time": datetime(2026, 3, 20, 2),
                "host": "core-db",
                "username": "alice",
                "event_type": "sudo",
                "target_user": "root",
                "command": "/bin/sh",
                "source": "auth.log:42",
            },
        ],
        schema=EVENTS_SCHEMA,
    )
    con = duckdb_world({"assets": assets, "backups": backups, "accounts": accounts}, "cyber")
    return scan_connection(con, events=events, as_of=d("2026-03-31"), lang=lang)  # type: ignore[arg-type]


def test_the_3_2_1_matrix_lists_failing_assets_first_in_words() -> None:
    context = build_context(_scan())
    matrix = context["matrix"]
    assert [m["asset_id"] for m in matrix] == ["A2", "A1"]  # criticality 2 is out; A2 fails, first
    assert matrix[1]["media"] == "ディスク、オブジェクト、テープ" and "遠隔地" in matrix[1]["locations"]
    assert context["matrix_ng"] == 1
    html = render_html(_scan())
    assert "重要度4以上の資産2件のうち、3-2-1を満たさないもの1件" in html
    assert "object_storage" not in html.split('id="backup-matrix"')[1]


def test_event_findings_name_the_log_line_once_and_tables_are_named_in_japanese() -> None:
    context = build_context(_scan())
    rule = next(r for a in context["areas"] for r in a["rules"] if r["id"] == "privileged_use_without_request")
    assert [f["entity_id"] for f in rule["rows"]] == ["auth.log:42"]
    assert rule["entity_label"] == "ログの所在" and rule["has_pointer"] is False  # no second column repeating it
    assert context["table_labels"]["privileged_access_requests"] == "特権ID利用申請"
    english = build_context(_scan("en"))
    assert english["matrix"][1]["media"] == "disk, object storage, tape"


def test_a_leap_year_chosen_for_a_29_february_line_is_said_in_the_report(tmp_path: Any) -> None:
    import os

    from kansa.cyber.scan import parse_log_files

    log = tmp_path / "auth.log"
    log.write_text(
        "Feb 29 10:00:00 core-db sshd[1]: Accepted password for root from 10.0.0.5 port 1 ssh2\n", encoding="utf-8"
    )
    stamp = datetime(2026, 3, 2).timestamp()
    os.utime(log, (stamp, stamp))
    events, info = parse_log_files([log], lang="ja")
    assert events.column("event_time").to_pylist() == [datetime(2024, 2, 29, 10, 0)]
    assert info.notes and info.notes[0][0] == "auth.log" and "閏年" in info.notes[0][1]
