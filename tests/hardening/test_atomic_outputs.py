"""Outputs are complete or marked: a scan that fails halfway leaves the previous outputs, never a mix."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from kansa.cli import app
from kansa.messages import InputError
from kansa.outputs import staged_folder
from kansa.workspace import Workspace


def test_a_failure_while_writing_leaves_the_old_folder_and_no_temp(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "flags.csv").write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), staged_folder(out) as stage:
        (stage / "flags.csv").write_text("new", encoding="utf-8")
        raise RuntimeError("disk full halfway")
    assert (out / "flags.csv").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_finished_write_replaces_a_folder_kansa_wrote_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with staged_folder(out) as stage:
        (stage / "report.html").write_text("of another evaluation date", encoding="utf-8")
    with staged_folder(out) as stage:
        assert stage != out and stage.parent == out.parent
        (stage / "flags.csv").write_text("new", encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == [".kansa-output", "flags.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_folder_with_the_users_own_files_keeps_them(tmp_path: Path) -> None:
    out = tmp_path / "Documents"
    out.mkdir()
    (out / "notes.docx").write_text("mine", encoding="utf-8")
    with staged_folder(out) as stage:
        (stage / "flags.csv").write_text("new", encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == ["flags.csv", "notes.docx"]


def test_conduct_outputs_go_through_the_stage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kansa.conduct.report as service  # the report writer, imported by the scan when reports are asked for

    def explode(*_a: object, **_k: object) -> None:
        raise OSError(28, "No space left on device")

    data = tmp_path / "data"
    made = CliRunner().invoke(app, ["synth", "conduct", "--out", str(data), "--customers", "200"])
    assert made.exit_code == 0, made.output
    out = tmp_path / "out"
    out.mkdir()
    (out / "marker.txt").write_text("previous run", encoding="utf-8")
    monkeypatch.setattr(service, "write_reports", explode)
    result = CliRunner().invoke(app, ["conduct", "scan", str(data), "--out", str(out), "--format", "csv,html",
                                      "--lang", "en"])
    assert result.exit_code == 4, result.output
    assert "No space left" in result.output or "space" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["marker.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out"]


def test_a_workspace_whose_first_load_was_killed_is_incomplete(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    con = duckdb.connect(str(ws / "kansa.duckdb"))  # what a kill -9 before COMMIT leaves: a database, no manifest
    con.execute("CREATE TABLE customers (customer_id VARCHAR)")
    con.close()
    with pytest.raises(InputError) as caught:
        Workspace(ws).connect()
    assert caught.value.code == "workspace_incomplete"
    result = CliRunner().invoke(app, ["conduct", "scan", "--workspace", str(ws), "--out", str(tmp_path / "o"),
                                      "--lang", "en"])
    assert result.exit_code == 1, result.output
    assert "incomplete" in result.output


def test_a_corrupt_workspace_file_is_a_message(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "kansa.duckdb").write_bytes(b"not a database" * 1000)
    with pytest.raises(InputError) as caught:
        Workspace(ws).connect()
    assert caught.value.code == "workspace_corrupt"
    result = CliRunner().invoke(app, ["cyber", "scan", "--workspace", str(ws), "--out", str(tmp_path / "o"),
                                      "--lang", "en"])
    assert result.exit_code == 1, result.output
    assert "kansa.duckdb" in result.output


def test_an_output_folder_that_cannot_be_made_is_a_message(tmp_path: Path) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("x", encoding="utf-8")  # a file where a folder should be: fails even as root
    data = tmp_path / "data"
    made = CliRunner().invoke(app, ["synth", "cyber", "--out", str(data)])
    assert made.exit_code == 0, made.output
    result = CliRunner().invoke(app, ["cyber", "scan", str(data), "--out", str(blocker / "out"), "--format", "csv",
                                      "--lang", "en"])
    assert result.exit_code == 4, result.output
    assert "a_file" in result.output and "Traceback" not in result.output
