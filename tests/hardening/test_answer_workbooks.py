"""What the respondent saw is what is scored: hidden, duplicated or merged answer sheets are refused by name."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from kansa.assessment.importing import import_answers
from kansa.assessment.model import Framework
from kansa.assessment.registry import DEFAULT_FRAMEWORK, resolve_framework
from kansa.assessment.store import AnswerStore
from kansa.assessment.template import write_template


@pytest.fixture(scope="module")
def framework() -> Framework:
    return resolve_framework(DEFAULT_FRAMEWORK)


def _template(tmp_path: Path, framework: Framework) -> tuple[Path, str]:
    path = write_template(framework, "B001", tmp_path / "B001.xlsx", institution_name="テスト銀行")
    wb = openpyxl.load_workbook(path)
    meta = {r[0]: r[1] for r in wb["_meta"].iter_rows(values_only=True) if r and r[0]}
    sheet = str(meta["answers_sheet"])
    return path, sheet


def _problems(tmp_path: Path, path: Path, framework: Framework) -> list[str]:
    report = import_answers([path], AnswerStore(tmp_path / "store"), framework)
    return [p.message("en") for r in report.results for p in r.problems]


def test_the_untouched_template_imports(tmp_path: Path, framework: Framework) -> None:
    path, _ = _template(tmp_path, framework)
    assert not any("merged" in m or "hidden" in m or "duplicated" in m for m in _problems(tmp_path, path, framework))


def test_a_hidden_answer_sheet_is_refused_by_name(tmp_path: Path, framework: Framework) -> None:
    path, sheet = _template(tmp_path, framework)
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("decoy")
    wb[sheet].sheet_state = "hidden"
    wb.save(path)
    problems = _problems(tmp_path, path, framework)
    assert any("hidden" in m and sheet in m for m in problems), problems


def test_a_duplicated_answer_sheet_is_refused_naming_both(tmp_path: Path, framework: Framework) -> None:
    path, sheet = _template(tmp_path, framework)
    wb = openpyxl.load_workbook(path)
    wb.copy_worksheet(wb[sheet]).title = "copy"
    wb.save(path)
    problems = _problems(tmp_path, path, framework)
    assert any("duplicated" in m and "copy" in m for m in problems), problems


def test_merged_answer_cells_are_refused_naming_the_cells(tmp_path: Path, framework: Framework) -> None:
    path, sheet = _template(tmp_path, framework)
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    ws.protection.sheet = False
    ws.merge_cells("H5:H6")
    wb.save(path)
    problems = _problems(tmp_path, path, framework)
    assert any("merged" in m and "H5:H6" in m for m in problems), problems
