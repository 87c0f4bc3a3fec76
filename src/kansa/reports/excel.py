"""Excel workbooks for reports (XlsxWriter): filters on, header frozen, formulas escaped."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from kansa.spreadsheet import escape_formula

__all__ = ["Sheet", "escape_formula", "sheet_name", "write_workbook"]

_INVALID_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def sheet_name(name: str, taken: set[str] | None = None) -> str:
    """A valid, unique Excel sheet name (31 characters, no []:*?/\\)."""
    base = name.translate(_INVALID_SHEET_CHARS)[:31] or "sheet"
    candidate, n = base, 2
    while taken is not None and candidate.lower() in {t.lower() for t in taken}:
        suffix = f"~{n}"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    if taken is not None:
        taken.add(candidate)
    return candidate


@dataclass
class Sheet:
    """One worksheet: a title row of column names and data rows."""

    name: str
    columns: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] | None = None
    note: str | None = None          # one line above the table, e.g. what the rule tests
    formats: dict[str, str] = field(default_factory=dict)  # column -> number format, e.g. "#,##0"


def write_workbook(path: Path, sheets: Sequence[Sheet]) -> Path:
    """Write sheets to an .xlsx with autofilter, frozen header and escaped string cells."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "default_date_format": "yyyy-mm-dd"})
    header = wb.add_format({"bold": True, "bg_color": "#1F3864", "font_color": "#FFFFFF",
                            "border": 1, "text_wrap": True, "valign": "top"})
    note_fmt = wb.add_format({"italic": True, "font_color": "#555555"})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    dt_fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    taken: set[str] = set()
    for sheet in sheets:
        ws = wb.add_worksheet(sheet_name(sheet.name, taken))
        top = 0
        if sheet.note:
            ws.write_string(0, 0, str(escape_formula(sheet.note)), note_fmt)
            top = 1
        col_formats = {i: wb.add_format({"num_format": sheet.formats[c]})
                       for i, c in enumerate(sheet.columns) if c in sheet.formats}
        for c, name in enumerate(sheet.columns):
            ws.write_string(top, c, str(name), header)
            width = sheet.widths[c] if sheet.widths and c < len(sheet.widths) else max(10, min(40, len(str(name)) * 2))
            ws.set_column(c, c, width, col_formats.get(c))
        r = top
        for r, row in enumerate(sheet.rows, start=top + 1):
            for c, value in enumerate(row):
                _write_cell(ws, r, c, value, date_fmt, dt_fmt, col_formats.get(c))
        ws.freeze_panes(top + 1, 0)
        if sheet.columns:
            ws.autofilter(top, 0, max(r, top), len(sheet.columns) - 1)
    wb.close()
    return path


def _write_cell(ws: Any, r: int, c: int, value: Any, date_fmt: Any, dt_fmt: Any, fmt: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        ws.write_boolean(r, c, value)
    elif isinstance(value, int | float):
        ws.write_number(r, c, value, fmt)
    elif isinstance(value, datetime):
        ws.write_datetime(r, c, value.replace(tzinfo=None), dt_fmt)
    elif isinstance(value, date):
        ws.write_datetime(r, c, datetime(value.year, value.month, value.day), date_fmt)
    else:
        ws.write_string(r, c, str(escape_formula(str(value))))
