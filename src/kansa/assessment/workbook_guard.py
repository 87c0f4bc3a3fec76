"""What the respondent saw is what is scored: hidden, duplicated or merged answer sheets are refused by name."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def sheet_problems(path: Path, wb: Any, sheet: str) -> list[tuple[str, dict[str, Any], str | None]]:
    """(message code, fields, cells) for each way the answer sheet differs from what a respondent would see."""
    problems: list[tuple[str, dict[str, Any], str | None]] = []
    ws = wb[sheet]
    state = getattr(ws, "sheet_state", "visible")
    if state != "visible":
        problems.append(("assess_answers_sheet_what_respondent", {"sheet": sheet, "state": state},
                         None))
    heading = _heading(ws)
    for other in wb.worksheets:
        if other.title != sheet and heading and _heading(other) == heading:
            problems.append(("assess_answers_sheet_duplicated_which", {"sheet": sheet, "title": other.title}, None))
    merged = merged_ranges(path, wb.sheetnames.index(sheet))
    if merged:
        cells = ", ".join(merged[:10])
        problems.append(("assess_answers_sheet_has_merged", {"sheet": sheet, "cells": cells}, cells))
    return problems


def _heading(ws: Any) -> Any:
    return next(ws.iter_rows(min_row=1, max_row=1, max_col=1, values_only=True), (None,))[0]


def merged_ranges(path: Path, index: int) -> list[str]:
    """The merged ranges (A4:H5) of the index-th worksheet, read from the package (read-only openpyxl hides them)."""
    try:
        with zipfile.ZipFile(path) as z:
            target = _sheet_part(z, index)
            if target is None:
                return []
            with z.open(target) as part:
                return [m.decode() for m in _MERGE.findall(part.read())]
    except (zipfile.BadZipFile, KeyError, OSError, ElementTree.ParseError):
        return []


def _sheet_part(z: zipfile.ZipFile, index: int) -> str | None:
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
    book = ElementTree.fromstring(z.read("xl/workbook.xml"))
    sheets = book.findall("m:sheets/m:sheet", ns)
    if index >= len(sheets):
        return None
    rid = sheets[index].get(f"{{{ns['r']}}}id")
    rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    for rel in rels:
        if rel.get("Id") == rid:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    return None
