"""JSON lines already in access_events shape pass through validated; the parse-logs command end to end."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from typer.testing import CliRunner

from kansa.cli import app
from kansa.cyber.logs import ALL_COLUMNS, CONTRACT_COLUMNS, detect_format, parse_logs


def _event(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "event_time": "2026-03-03T10:00:00",
        "host": "db01",
        "username": "root",
        "event_type": "su",
        "source": "auth.log:12",
    }
    base.update(fields)
    return base


def test_access_events_json_lines_pass_through_validated(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    lines = [
        _event(),
        _event(event_time="2026-03-03T01:00:00Z", source=None, subject_user="alice"),
        _event(event_type="root_login"),
        _event(username=""),
        _event(event_time="03/03/2026"),
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines), encoding="utf-8")
    assert detect_format(path) == "access_events_json"
    result = parse_logs([path])
    rows = result.events.to_pylist()
    assert [(r["source"], r["event_time"], r["subject_user"]) for r in rows] == [
        ("auth.log:12", datetime(2026, 3, 3, 10, 0), None),  # the given pointer to the raw line is kept
        ("events.jsonl:2", datetime(2026, 3, 3, 10, 0), "alice"),  # UTC becomes Tokyo wall time
    ]
    assert [(e.source, e.code, e.column, e.value) for e in result.errors] == [
        ("events.jsonl:3", "bad_field", "event_type", "root_login"),
        ("events.jsonl:4", "missing_field", "username", "''"),
        ("events.jsonl:5", "bad_field", "event_time", "03/03/2026"),
    ]


def test_the_table_has_contract_columns_first(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(json.dumps(_event()) + "\n", encoding="utf-8")
    table = parse_logs([path]).events
    assert tuple(table.column_names[: len(CONTRACT_COLUMNS)]) == CONTRACT_COLUMNS
    assert tuple(table.column_names) == ALL_COLUMNS
    assert str(table.schema.field("event_time").type) == "timestamp[us]"


def _auth_log(tmp_path: Path) -> Path:
    path = tmp_path / "auth.log"
    path.write_text(
        "Mar  3 10:15:01 db01 sudo:    alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/ls -la\n"
        "not a syslog line\n"
        "Mar  3 10:15:02 db01 sshd[9]: Accepted password for alice from 10.0.0.5 port 22 ssh2\n",
        encoding="utf-8",
    )
    return path


def test_parse_logs_command_writes_csv_with_bom_and_an_errors_file(tmp_path: Path) -> None:
    out = tmp_path / "out" / "events.csv"
    result = CliRunner().invoke(
        app, ["cyber", "parse-logs", str(_auth_log(tmp_path)), "--out", str(out), "--year", "2026", "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = pacsv.read_csv(out)
    assert table.column_names[:8] == list(CONTRACT_COLUMNS)
    assert table["event_type"].to_pylist() == ["sudo", "logon"]
    assert table["command"].to_pylist()[0] == "/bin/ls -la"
    errors = pacsv.read_csv(out.with_name("events.errors.csv"))
    assert errors["source"].to_pylist() == ["auth.log:2"]
    assert "sudo" in result.output and "corrupt records" in result.output


def test_parse_logs_command_writes_parquet(tmp_path: Path) -> None:
    out = tmp_path / "events.parquet"
    result = CliRunner().invoke(app, ["cyber", "parse-logs", str(_auth_log(tmp_path)), "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    assert table.num_rows == 2
    assert "件数" in result.output  # Japanese by default


def test_parse_logs_command_refuses_bad_arguments(tmp_path: Path) -> None:
    log = str(_auth_log(tmp_path))
    runner = CliRunner()
    bad_ext = runner.invoke(app, ["cyber", "parse-logs", log, "--out", str(tmp_path / "e.xlsx")])
    assert bad_ext.exit_code == 2 and ".parquet" in bad_ext.output
    bad_tz = runner.invoke(app, ["cyber", "parse-logs", log, "--out", str(tmp_path / "e.csv"), "--tz", "Mars/Base"])
    assert bad_tz.exit_code == 2 and "Mars/Base" in bad_tz.output
    missing = runner.invoke(app, ["cyber", "parse-logs", str(tmp_path / "nope.log"), "--out", str(tmp_path / "e.csv")])
    assert missing.exit_code == 2 and "nope.log" in missing.output
    helped = runner.invoke(app, ["cyber", "parse-logs", "--help"])
    assert helped.exit_code == 0 and "access_events" in helped.output
