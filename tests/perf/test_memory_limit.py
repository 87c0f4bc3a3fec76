"""`--memory-limit` bounds a folder scan's validated load as well as its rules, and a bad size is a usage error."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from kansa.cli import app
from kansa.messages import UsageError
from kansa.services.source import memory_bounds, open_source
from kansa.synth.conduct import generate_conduct


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic bank written as CSV (an unseen seed)."""
    data = tmp_path_factory.mktemp("bank") / "data"
    generate_conduct(data, customers=400, seed=37)
    return data


def _setting(con: duckdb.DuckDBPyConnection, name: str) -> str:
    return str(con.execute(f"SELECT current_setting('{name}')").fetchall()[0][0])


def test_a_folder_is_loaded_under_the_limit_into_a_spill_folder_removed_on_close(bank: Path) -> None:
    source = open_source(bank, domain="conduct", memory_limit="64MB")
    spill = source.spill
    try:
        # the limit is DuckDB's from the connection's start, so the load itself ran under it
        assert _setting(source.con, "memory_limit") in ("61.0 MiB", "64.0 MB", "61.0MiB")
        assert spill is not None and spill.is_dir()
        assert _setting(source.con, "temp_directory") == str(spill)
        assert source.con.execute("SELECT count(*) FROM trades").fetchall()[0][0] > 0
    finally:
        source.close()
    assert not spill.exists()


def test_a_given_temp_directory_is_used_and_kept(bank: Path, tmp_path: Path) -> None:
    source = open_source(bank, domain="conduct", memory_limit="64MB", temp_directory=tmp_path / "spill")
    try:
        assert source.spill is None and _setting(source.con, "temp_directory") == str(tmp_path / "spill")
    finally:
        source.close()


def test_the_scan_under_a_small_limit_finds_the_same_flags(bank: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    for name, extra in (("free", []), ("bounded", ["--memory-limit", "64MB"])):
        result = runner.invoke(app, ["conduct", "scan", str(bank), "--out", str(tmp_path / name), "--format", "csv",
                                     "--as-of", "2026-03-31", *extra])
        assert result.exit_code == 0, result.output
    free = (tmp_path / "free" / "flags.csv").read_text(encoding="utf-8-sig")
    assert free.count("\n") > 1 and free == (tmp_path / "bounded" / "flags.csv").read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("size", ["abc", "2 gigs", "GB", "10"])
def test_a_size_duckdb_cannot_read_is_a_usage_error_naming_it(size: str) -> None:
    with pytest.raises(UsageError) as caught:
        memory_bounds(size, None)
    assert caught.value.code == "memory_limit_bad"


def test_the_cli_names_a_bad_limit_in_the_users_language(bank: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["conduct", "scan", str(bank), "--out", str(tmp_path / "o"), "--format", "csv",
                                      "--memory-limit", "lots", "--lang", "en"])
    assert result.exit_code == 2
    assert "--memory-limit 'lots' is not an amount of memory" in result.output
    assert not (tmp_path / "o" / "flags.csv").exists()
