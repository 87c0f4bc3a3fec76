"""An answer workbook with formulas saved without a value is refused naming the sheet and cell, not read as blank."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from kansa.assessment.importing import import_answers
from kansa.assessment.registry import DEFAULT_FRAMEWORK, resolve_framework
from kansa.assessment.store import AnswerStore
from kansa.assessment.template import write_template


def test_an_answer_formula_without_a_saved_value_is_refused_naming_sheet_and_cell(tmp_path: Path) -> None:
    framework = resolve_framework(DEFAULT_FRAMEWORK)
    path = write_template(framework, "B001", tmp_path / "B001.xlsx", institution_name="テスト銀行")
    wb = openpyxl.load_workbook(path)
    meta = {r[0]: r[1] for r in wb["_meta"].iter_rows(values_only=True) if r and r[0]}
    sheet = str(meta["answers_sheet"])
    wb[sheet]["H40"] = '=IF(1=1,"はい","いいえ")'  # openpyxl, like any script, saves no cached value
    wb.save(path)
    report = import_answers([path], AnswerStore(tmp_path / "store"), framework)
    problems = [p for r in report.results for p in r.problems]
    assert [p.code for p in problems] == ["xlsx_formula_no_value"]
    assert "H40" in problems[0].message("en") and sheet in problems[0].message("en")
    assert "H40" in problems[0].message("ja") and "数式" in problems[0].message("ja")
    assert not (tmp_path / "store").exists() or not list((tmp_path / "store").rglob("*.json*"))
