"""Provenance is current: the report's input files are the latest load's, shown relative to the data folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from kansa.cli import app


def test_the_report_lists_only_the_latest_loads_files_without_home_paths(tmp_path: Path) -> None:
    runner = CliRunner()
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, seed in ((first, "1"), (second, "2")):
        made = runner.invoke(app, ["synth", "conduct", "--out", str(folder), "--customers", "200", "--seed", seed])
        assert made.exit_code == 0, made.output
    (first / "trades.csv").rename(first / "Trades_old.csv")  # a name only the first load had
    shutil.copy(first / "Trades_old.csv", first / "trades.csv")
    ws = tmp_path / "ws"
    for folder in (first, second):
        loaded = runner.invoke(app, ["load", str(folder), "--workspace", str(ws)])
        assert loaded.exit_code == 0, loaded.output
    with duckdb.connect(str(ws / "kansa.duckdb"), read_only=True) as con:
        paths = [r[0] for r in con.execute("SELECT path FROM _load_manifest").fetchall()]
    assert paths and all("/" not in p for p in paths)
    out = tmp_path / "out"
    result = runner.invoke(app, ["conduct", "scan", "--workspace", str(ws), "--out", str(out), "--format", "html",
                                 "--lang", "en"])
    assert result.exit_code == 0, result.output
    html = (out / "report.html").read_text(encoding="utf-8")
    assert str(first) not in html and str(second) not in html  # the workspace itself is named as given
    with duckdb.connect(str(ws / "kansa.duckdb"), read_only=True) as con:
        shas = {r[0] for r in con.execute("SELECT sha256 FROM _load_manifest").fetchall()}
        latest = {r[0] for r in con.execute(
            "SELECT sha256 FROM _load_manifest WHERE load_id = (SELECT arg_max(load_id, loaded_at) "
            "FROM _load_manifest)").fetchall()}
    assert latest < shas
    assert all(s[:12] in html for s in latest if s) or all(s in html for s in latest)
    assert not any(s in html for s in shas - latest)
