"""Hypothesis over well-formed workbooks with hostile cells, framework documents and institution lists.

Random bytes (test_fuzz_readers.py) rarely get past the zip header; these start from a real answer workbook
or data workbook and change its cells, so the importers' own checks are what the fuzzing reaches.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kansa.assessment.answers import read_answer_file
from kansa.assessment.errors import AssessmentError, FrameworkError
from kansa.assessment.institutions import read_institutions
from kansa.assessment.loader import parse_framework
from kansa.assessment.model import Framework
from kansa.assessment.registry import DEFAULT_FRAMEWORK, resolve_framework
from kansa.assessment.template import ANSWER_COL, write_template
from kansa.contract.load import load_directory

FUZZ = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
CELL = (st.none() | st.text(max_size=30) | st.integers(-10**15, 10**15) | st.floats(allow_nan=True)
        | st.sampled_from(["=1+1", "=A1", "\x1b[31m", "はい", "いいえ", "Yes", "  ", "\u202e", "#REF!", "1e309"])
        | st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)))
CONDUCT_TRADES = ("trade_id", "trade_date", "customer_id", "product_id", "side", "amount_jpy", "fee_jpy", "branch_id",
                  "staff_id", "channel")


@pytest.fixture(scope="module")
def framework() -> Framework:
    return resolve_framework(DEFAULT_FRAMEWORK)


@pytest.fixture(scope="module")
def template(framework: Framework, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_template(framework, "B001", tmp_path_factory.mktemp("tpl") / "B001.xlsx", institution_name="銀行")


def _safe_cell(value: Any) -> Any:
    if isinstance(value, str):  # openpyxl refuses characters XML cannot hold; a real file cannot contain them
        return "".join(ch for ch in value if ch in "\t\n\r" or ord(ch) >= 0x20)
    return value


@FUZZ
@given(edits=st.lists(st.tuples(st.integers(1, 60), st.integers(1, 12), CELL), max_size=12),
       meta=st.lists(st.tuples(st.integers(1, 12), CELL), max_size=3))
def test_an_answer_workbook_with_any_cells_gives_submissions_or_problems(
        framework: Framework, template: Path, edits: list[tuple[int, int, Any]], meta: list[tuple[int, Any]]) -> None:
    path = Path(tempfile.mkdtemp(prefix="kansa-fuzz-")) / "B001.xlsx"
    shutil.copy(template, path)
    wb = openpyxl.load_workbook(path)
    answers = next(ws for ws in wb.worksheets if ws.title != "_meta" and ws.sheet_state == "visible")
    for row, col, value in edits:
        answers.cell(row=row, column=col if col != 3 else ANSWER_COL, value=_safe_cell(value))
    for row, value in meta:
        wb["_meta"].cell(row=row, column=2, value=_safe_cell(value))
    wb.save(path)
    result = read_answer_file(path, framework)
    assert result.submissions or result.problems
    for p in result.problems + result.notes:
        assert p.message("ja") and p.message("en") and "{" not in p.en.replace("{{", "")


@FUZZ
@given(rows=st.lists(st.lists(CELL, min_size=10, max_size=12), max_size=6))
def test_a_data_workbook_with_any_cells_loads_or_names_its_problems(rows: list[list[Any]]) -> None:
    from tests.contract.conftest import CONDUCT  # the valid tables around the fuzzed one

    data = Path(tempfile.mkdtemp(prefix="kansa-fuzz-")) / "xlsx"
    data.mkdir()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, text in CONDUCT.items():
        ws = wb.create_sheet(name)
        lines = text.strip().splitlines()
        ws.append(lines[0].split(","))
        for line in ([] if name == "trades" else lines[1:]):
            ws.append(line.split(","))
        if name == "trades":
            for row in rows:
                ws.append([_safe_cell(v) for v in row])
    wb.save(data / "institution.xlsx")
    result = load_directory(data, lang="ja")
    for issue in result.issues:
        assert issue.message and issue.code
    assert result.ok or result.errors


_YAML = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                     lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(st.text(max_size=8), inner, max_size=5),
                     max_leaves=20)
_KEYS = st.sampled_from(["id", "version", "title", "domains", "answer_sets", "levels", "risk_targets",
                         "requirements", "questions", "options", "score", "tier", "level", "answers", "text"])


@settings(max_examples=200, deadline=None)
@given(doc=st.dictionaries(_KEYS, _YAML, max_size=8) | _YAML)
def test_any_framework_document_is_a_framework_or_a_framework_error(doc: object) -> None:
    try:
        parse_framework(doc, "fuzz.yaml")
    except FrameworkError as exc:
        assert exc.problems and all(p.message("ja") and p.message("en") for p in exc.problems)
        assert exc.code == "assess_problems" and exc.details("en")


@FUZZ
@given(body=st.binary(max_size=600) | st.text(max_size=300).map(lambda t: t.encode("utf-8")),
       header=st.sampled_from([b"", b"institution_id,name,type,total_assets_jpy\n",
                               b"institution_id,name,type,size_band\n"]))
def test_any_institution_list_is_read_or_refused_with_problems(body: bytes, header: bytes) -> None:
    path = Path(tempfile.mkdtemp(prefix="kansa-fuzz-")) / "institutions.csv"
    path.write_bytes(header + body)
    try:
        read_institutions(path)
    except AssessmentError as exc:
        assert exc.problems and all(p.message("ja") and p.message("en") for p in exc.problems)
