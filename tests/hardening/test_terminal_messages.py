"""Problems that quote a respondent's file reach the terminal with control characters escaped and no Rich markup."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kansa.assessment.registry import DEFAULT_FRAMEWORK
from kansa.cli import app


def test_assess_import_escapes_control_characters_and_markup_from_the_file(tmp_path: Path) -> None:
    answers = tmp_path / "answers.csv"
    answers.write_text("institution_id,question_id,answer,comment\n"
                       "B001\x1b]0;owned\x07,NO-SUCH-Q\x1b[2J,[bold]yes[/bold],\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["assess", "import", str(answers), "--into", str(tmp_path / "store"),
                                      "--framework", DEFAULT_FRAMEWORK, "--lang", "en"])
    assert result.exit_code == 1, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "NO-SUCH-Q" in result.output  # the problem is still named, with its value shown escaped
    assert not (tmp_path / "store").exists() or not any((tmp_path / "store").rglob("*.json*"))
