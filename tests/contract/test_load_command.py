"""`kansa load` and the workspace: all or nothing, the error file, the manifest, open_source."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kansa.cli import app
from kansa.contract.load import LoadFailed
from kansa.workspace import Workspace, open_source

from .conftest import CONDUCT, WriteConduct

runner = CliRunner()


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_a_good_batch_loads_with_its_manifest(write_conduct: WriteConduct, tmp_path: Path) -> None:
    data = write_conduct()
    ws = tmp_path / "ws"
    out = runner.invoke(app, ["load", str(data), "--workspace", str(ws), "--lang", "en"])
    assert out.exit_code == 0, out.output
    with Workspace(ws).connect() as con:
        assert con.execute("SELECT count(*) FROM trades").fetchone() == (3,)
        assert con.execute("SELECT typeof(trade_date), typeof(amount_jpy) FROM trades LIMIT 1").fetchone() == (
            "DATE",
            "DOUBLE",
        )
        rows = con.execute("SELECT table_name, sha256, size_bytes, row_count FROM _load_manifest").fetchall()
    expected = hashlib.sha256((data / "trades.csv").read_bytes()).hexdigest()
    assert ("trades", expected, (data / "trades.csv").stat().st_size, 3) in rows
    assert len(rows) == len(CONDUCT)


def test_a_bad_batch_exits_1_and_leaves_the_workspace_exactly_as_it_was(
    write_conduct: WriteConduct, tmp_path: Path
) -> None:
    ws = tmp_path / "ws"
    assert runner.invoke(app, ["load", str(write_conduct()), "--workspace", str(ws)]).exit_code == 0
    before = _digest(ws)
    trades = (
        CONDUCT["trades"].replace("T2,2024-06-04,C2", "T2,2024-06-04,C9")
        + "T9,2024-06-05,C1,P1,buy,=1+1,,B01,,online\n"
    )
    bad = write_conduct("bad", trades=trades)
    errors = tmp_path / "errors.csv"
    out = runner.invoke(app, ["load", str(bad), "--workspace", str(ws), "--errors-out", str(errors), "--lang", "en"])
    assert out.exit_code == 1
    assert "dangling_fk" in out.output
    assert _digest(ws) == before
    raw = errors.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so Excel opens the Japanese correctly
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    # the six agreed columns, then the file to open
    assert list(rows[0]) == ["table", "row", "column", "value", "code", "message", "file"]
    assert {r["file"] for r in rows} == {"trades.csv"}
    assert {(r["table"], r["row"], r["column"], r["code"]) for r in rows} == {
        ("trades", "3", "customer_id", "dangling_fk"),
        ("trades", "5", "amount_jpy", "bad_decimal"),
    }
    assert next(r for r in rows if r["code"] == "bad_decimal")["value"] == "'=1+1"  # formula made inert


def test_a_failed_first_load_creates_no_workspace(write_conduct: WriteConduct, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    bad = write_conduct(branches="branch_id,name\nB01,本店\n")  # B02 is referred to but gone
    out = runner.invoke(app, ["load", str(bad), "--workspace", str(ws)])
    assert out.exit_code == 1
    assert "エラー" in out.output
    assert not ws.exists()


def test_open_source_reads_a_folder_or_a_workspace(write_conduct: WriteConduct, tmp_path: Path) -> None:
    data = write_conduct()
    with open_source(data) as con:
        assert con.execute("SELECT count(*) FROM customers").fetchone() == (3,)
    ws = tmp_path / "ws"
    runner.invoke(app, ["load", str(data), "--workspace", str(ws)])
    with open_source(workspace=ws) as con:
        assert con.execute("SELECT sum(amount_jpy) FROM trades").fetchone() == (1_700_000.0,)
    with pytest.raises(LoadFailed) as exc:
        open_source(write_conduct("bad", trades=CONDUCT["trades"].replace(",buy,", ",kau,")))
    assert {i.code for i in exc.value.issues if i.is_error} == {"unknown_enum"}


def test_export_parquet_writes_every_table(write_conduct: WriteConduct, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    runner.invoke(app, ["load", str(write_conduct()), "--workspace", str(ws)])
    paths = Workspace(ws).export_parquet(tmp_path / "pq")
    assert set(paths) == {"customers", "products", "trades", "positions", "complaints", "branches", "staff"}
    assert all(p.is_file() for p in paths.values())


def test_load_help_explains_itself() -> None:
    out = runner.invoke(app, ["load", "--help"])
    assert out.exit_code == 0
    assert "--errors-out" in out.output and "--mapping" in out.output


def test_a_bad_mapping_file_is_an_input_error_like_any_other(write_conduct: WriteConduct, tmp_path: Path) -> None:
    mapping = tmp_path / "map.csv"
    mapping.write_text("table,source_header,column\nnot_a_table,x,y\n", encoding="utf-8")
    errors = tmp_path / "errors.csv"
    args = ["load", str(write_conduct()), "-w", str(tmp_path / "ws"), "--mapping", str(mapping)]
    out = runner.invoke(app, [*args, "--errors-out", str(errors)])
    assert out.exit_code == 1
    assert "not_a_table" in out.output
    rows = list(csv.DictReader(errors.read_text(encoding="utf-8-sig").splitlines()))
    assert [(r["row"], r["column"], r["value"], r["code"], r["file"]) for r in rows] == [
        ("2", "table", "not_a_table", "bad_mapping", "map.csv")
    ]
    assert not (tmp_path / "ws").exists()
