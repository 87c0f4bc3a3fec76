"""The cyber tables: datetimes with offsets, composite backup keys, references to the asset register."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from kansa.contract.load import LoadResult, load_directory
from kansa.workspace import Workspace, open_source

CYBER = {
    "assets": "asset_id,name,asset_type,classification,criticality,internet_facing\n"
    "A1,勘定系サーバ,server,secret,5,無\nA2,ネットバンキング,application,confidential,4,有\n",
    "accounts": "account_id,asset_id,username,is_privileged,status,last_login_at\n"
    "U1,A1,root,true,active,2026-03-01T09:00:00+09:00\nU2,A2,ops,false,disabled,2026-03-01T00:00:00Z\n",
    "privileged_access_requests": "request_id,asset_id,username,requested_by,approved_by,window_start,window_end\n"
    "R1,A1,root,S1,S2,2026-03-01 08:00,2026-03-01 18:00\n",
    "backups": "asset_id,copy_id,media,location,offline_or_immutable\nA1,c1,tape,offsite,○\nA1,c2,disk,onsite,×\n",
    "incidents": "incident_id,detected_at,category,severity,status\nI1,令和8年1月5日,phishing,low,closed\n",
}


def _write(tmp_path: Path, **tables: str | None) -> Path:
    data = tmp_path / "cyber"
    data.mkdir(exist_ok=True)
    for name, text in {**CYBER, **tables}.items():
        if text is not None:
            (data / f"{name}.csv").write_text(text, encoding="utf-8")
    return data


def test_cyber_tables_load_with_tokyo_wall_times(tmp_path: Path) -> None:
    result = load_directory(_write(tmp_path), lang="en")
    assert result.ok, result.errors
    logins = result.tables["accounts"].column("last_login_at").to_pylist()
    assert logins == [datetime(2026, 3, 1, 9, 0), datetime(2026, 3, 1, 9, 0)]  # Z converted to +09:00
    assert result.tables["incidents"].column("detected_at").to_pylist() == [datetime(2026, 1, 5)]
    assert result.tables["access_events"].num_rows == 0  # made from logs elsewhere; typed and empty here
    assert result.tables["backups"].column("offline_or_immutable").to_pylist() == [True, False]


def test_backup_copies_are_keyed_by_asset_and_copy(tmp_path: Path) -> None:
    backups = CYBER["backups"] + "A2,c1,disk,onsite,no\nA1,c1,disk,onsite,no\n"  # A2/c1 is fine, A1/c1 repeats
    errors = load_directory(_write(tmp_path, backups=backups), lang="en").errors
    assert [(i.table, i.row, i.code, i.value) for i in errors] == [("backups", 5, "duplicate_key", "A1|c1")]


def test_references_to_unknown_assets_and_bad_enums_are_errors(tmp_path: Path) -> None:
    accounts = CYBER["accounts"].replace("U2,A2,ops", "U2,A9,ops").replace(",disabled,", ",gone,")
    errors = load_directory(_write(tmp_path, accounts=accounts), lang="en").errors
    assert [(i.table, i.row, i.column, i.code) for i in errors] == [
        ("accounts", 3, "asset_id", "dangling_fk"),
        ("accounts", 3, "status", "unknown_enum"),
    ]


def test_an_approval_window_ending_before_it_starts_is_a_warning(tmp_path: Path) -> None:
    requests = CYBER["privileged_access_requests"].replace("2026-03-01 18:00", "2026-02-28 18:00")
    result = load_directory(_write(tmp_path, privileged_access_requests=requests), lang="en")
    assert result.ok
    assert [(i.row, i.column, i.code) for i in result.warnings if i.code != "absent_table"] == [
        (2, "window_end", "inverted_period")
    ]


def test_a_failed_result_is_never_written_and_open_source_wants_one_input(tmp_path: Path) -> None:
    from kansa.contract.load import LoadFailed

    bad = load_directory(_write(tmp_path, assets=CYBER["assets"].replace(",server,", ",mainframe,")), lang="en")
    with pytest.raises(LoadFailed):
        Workspace(tmp_path / "ws").replace(bad)
    assert not (tmp_path / "ws").exists()
    with pytest.raises(ValueError):
        open_source(tmp_path, tmp_path / "ws")
    with pytest.raises(ValueError):
        open_source()
    assert isinstance(bad, LoadResult)
