"""Workbook cells that would lie: formulas saved without a value, and sheets declaring more cells than allowed."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl

from kansa.contract.load import load_directory
from kansa.contract.xlsx_parts import declared_cells, uncached_formulas
from kansa.limits import limit

from .conftest import CONDUCT

_SHEET = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:C2"/>'
          "<sheetData><row r=\"1\">{cells}</row></sheetData></worksheet>")


def _workbook(folder: Path, formula_cell: str | None = None) -> Path:
    folder.mkdir()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, text in CONDUCT.items():
        ws = wb.create_sheet(name)
        for line in text.strip().splitlines():
            ws.append(line.split(","))
    if formula_cell:
        wb["trades"][formula_cell] = "=1+1"  # openpyxl saves formulas without a cached value, as scripts do
    wb.save(folder / "institution.xlsx")
    return folder


def _part(cells: str) -> tuple[zipfile.ZipFile, str]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("s.xml", _SHEET.format(cells=cells))
    return zipfile.ZipFile(buffer), "s.xml"


def test_a_formula_without_a_saved_value_is_an_error_naming_sheet_and_cell(tmp_path: Path) -> None:
    data = _workbook(tmp_path / "xlsx", formula_cell="B3")
    result = load_directory(data, lang="en")
    assert not result.ok and not result.tables.get("trades")
    message = " ".join(i.message for i in result.errors)
    assert "sheet trades" in message and "B3" in message and "formula" in message
    japanese = " ".join(i.message for i in load_directory(data, lang="ja").errors)
    assert "institution.xlsx" in japanese and "B3" in japanese and "数式" in japanese


def test_formulas_with_a_cached_value_are_read_as_their_value() -> None:
    z, member = _part('<c r="A1"><f>1+1</f><v>2</v></c><c r="B1" t="str"><f>""</f><v></v></c>'
                      '<c r="C1"><f>2+2</f></c>')
    assert uncached_formulas(z, member) == ["C1"]  # near miss: A1 (number) and B1 (empty text) were saved


def test_a_sheet_without_formulas_is_not_parsed_twice() -> None:
    z, member = _part('<c r="A1"><v>2</v></c><c r="B1" t="inlineStr"><is><t>f</t></is></c>')
    assert uncached_formulas(z, member) == []


def test_the_declared_dimension_counts_cells() -> None:
    assert declared_cells(b'<worksheet><dimension ref="A1:Z1000"/>') == 26_000
    assert declared_cells(b'<worksheet><dimension ref="B2:C3"/>') == 4
    assert declared_cells(b'<worksheet><dimension ref="A1"/>') == 0


def test_a_workbook_above_kansa_max_cells_is_refused_naming_the_file(tmp_path: Path) -> None:
    data = _workbook(tmp_path / "xlsx")
    with limit(max_cells=5):
        result = load_directory(data, lang="en")
    message = " ".join(i.message for i in result.errors)
    assert not result.ok and "institution.xlsx" in message and "KANSA_MAX_CELLS" in message and "cells" in message
    assert load_directory(data, lang="en").ok  # the default bound reads the same workbook
