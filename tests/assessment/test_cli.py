"""`kansa assess ...` end to end on a small framework: template, import, score, benchmark; help texts."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from kansa.cli import app

runner = CliRunner()
LABELS = {"GOV-01-1": "はい", "GOV-01-2": "一部", "GOV-02-1": "いいえ", "PRO-01-1": "段階3", "PRO-02-1": "該当なし"}


def _filled(tmp_path: Path, fw: Path, iid: str) -> Path:
    path = tmp_path / f"{iid}.xlsx"
    result = runner.invoke(app, ["assess", "template", "--framework", str(fw), "--institution", iid,
                                 "--out", str(path)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(path)
    ws = wb["回答"]
    for row in range(4, 9):
        ws.cell(row, 8).value = LABELS[ws.cell(row, 2).value]
    wb.save(path)
    return path


def test_help_explains_every_command() -> None:
    for command in ("template", "import", "score", "benchmark", "import-framework", "frameworks"):
        result = runner.invoke(app, ["assess", command, "--help"])
        assert result.exit_code == 0 and "--" in result.output, command
    assert "99:254:145" in runner.invoke(app, ["synth", "assessments", "--help"]).output


def test_template_import_score_and_benchmark(tmp_path: Path, small_path: Path) -> None:
    files = [_filled(tmp_path, small_path, f"B{i}") for i in range(3)]
    store = tmp_path / "store"
    result = runner.invoke(app, ["assess", "import", *map(str, files), "--into", str(store)])
    assert result.exit_code == 1 and "test-fw" in result.output       # not built in: say which framework
    result = runner.invoke(app, ["assess", "import", *map(str, files), "--into", str(store),
                                 "--framework", str(small_path)])
    assert result.exit_code == 0, result.output
    assert (store / "index.csv").read_text(encoding="utf-8").count("\n") == 4

    result = runner.invoke(app, ["assess", "score", "--answers", str(store), "--institution", "B1",
                                 "--inherent-risk", "high", "--json", str(tmp_path / "s.json")])
    assert result.exit_code == 0, result.output
    assert "55.6" in result.output                  # (2 * 50 + 66.7) / 3, as scored by hand
    assert json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["domains"][0]["level_gap"] == 2

    people = tmp_path / "institutions.csv"
    people.write_text("institution_id,name,type,size_band\nB0,零,shinkin,small\nB1,一,shinkin,small\n"
                      "B2,二,shinkin,small\nB3,三,shinkin,small\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["assess", "benchmark", "--answers", str(store), "--institutions", str(people),
                                 "--out", str(out), "--k", "3"])
    assert result.exit_code == 0, result.output
    assert (out / "feedback" / "B0.html").exists() and (out / "overview.html").exists()
    assert (out / "non_respondents.csv").read_text(encoding="utf-8-sig").splitlines()[1].startswith("B3,")


def test_a_rejected_file_exits_1_and_says_where(tmp_path: Path, small_path: Path) -> None:
    path = _filled(tmp_path, small_path, "B0")
    wb = openpyxl.load_workbook(path)
    wb["回答"].cell(6, 8).value = "たぶん"
    wb.save(path)
    result = runner.invoke(app, ["assess", "import", str(path), "--into", str(tmp_path / "store"), "--lang", "en",
                                 "--framework", str(small_path)])
    assert result.exit_code == 1
    assert "row 6" in result.output and "GOV-02-1" in result.output and "たぶん" in result.output
    assert not (tmp_path / "store" / "index.csv").exists()


def test_import_framework_writes_a_loadable_yaml(tmp_path: Path, shared_data: Path) -> None:
    out = tmp_path / "ffiec.yaml"
    result = runner.invoke(app, ["assess", "import-framework", "ffiec-cat",
                                 str(shared_data / "ffiec_cat" / "ffiec_cat_declarative_statements.csv"),
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "494 questions" in result.output
    template = tmp_path / "t.xlsx"
    assert runner.invoke(app, ["assess", "template", "--framework", str(out), "--institution", "X",
                               "--out", str(template), "--lang", "en"]).exit_code == 0
    assert openpyxl.load_workbook(template)["Answers"].max_row == 3 + 494


def test_the_demo_part_writes_overview_feedback_and_tables(tmp_path: Path) -> None:
    from kansa.assessment.demo import run_assessment_demo

    files = run_assessment_demo(tmp_path, institutions=60, pdfs=0)
    assert files["overview.html"].exists() and files["benchmark.xlsx"].exists()
    feedback = next(p for k, p in files.items() if k.startswith("feedback/"))
    assert "優先して取り組むべき事項" in feedback.read_text(encoding="utf-8")


def test_import_framework_takes_the_whole_csf_from_the_cprt_json(tmp_path: Path, shared_data: Path) -> None:
    out = tmp_path / "csf.yaml"
    result = runner.invoke(app, ["assess", "import-framework", "nist-csf",
                                 str(shared_data / "nist_csf" / "cprt_CSF_2_0_0_04-24-2024.json"), "--out", str(out)],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "nist-csf-2.0 2.0: 6 domains, 22 requirements, 106 questions" in result.output
