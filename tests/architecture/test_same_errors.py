"""The same mistake gives the same exit status and the same message in every command, in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kansa.cli import app
from kansa.messages import render

READERS_OF_A_FOLDER = [
    ["conduct", "scan", "{missing}", "--out", "{out}"],
    ["conduct", "tune", "{missing}", "--out", "{out}"],
    ["cyber", "scan", "{missing}", "--out", "{out}"],
    ["load", "{missing}", "--workspace", "{out}"],
]


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("argv", READERS_OF_A_FOLDER, ids=lambda a: " ".join(a[:2]))
def test_a_missing_data_folder_is_a_usage_error_named_alike(argv: list[str], lang: str, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    args = [a.format(missing=missing, out=tmp_path / "out") for a in argv]
    result = CliRunner().invoke(app, [*args, "--lang", lang])
    assert result.exit_code == 2, result.output
    assert render("data_dir_missing", lang, {"path": str(missing)}) in result.output.replace("\n", "")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("pillar", ["conduct", "cyber"])
def test_a_missing_parameter_file_is_named_alike(pillar: str, lang: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    params = tmp_path / "params.toml"
    result = CliRunner().invoke(app, [pillar, "scan", str(data), "--out", str(tmp_path / "out"), "--params",
                                      str(params), "--lang", lang])
    assert result.exit_code == 2, result.output
    assert render("file_missing", lang, {"path": str(params)}) in result.output.replace("\n", "")
