"""Workbook sheets as text columns: fastexcel (calamine) for speed, openpyxl where the layout is unusual."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, time
from pathlib import Path
from xml.etree import ElementTree

import pyarrow as pa
import pyarrow.compute as pc

from kansa.contract.issues import make_issue
from kansa.contract.readers import RawTable
from kansa.i18n import Lang


def cell_text(value: object) -> str:
    """Render a spreadsheet cell as the text a person would type (dates ISO, 1.0 as 1)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != time(0) else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    return str(value)


def sheet_names(path: Path) -> list[str]:
    """Names of a workbook's worksheets."""
    import fastexcel

    return list(fastexcel.read_excel(str(path)).sheet_names)


def read_sheet(path: Path, sheet: str, table: str, lang: Lang) -> RawTable:
    """Read one worksheet into text columns; rows are the sheet's own row numbers (header row 1 as a rule)."""
    try:
        first = _first_row(path, sheet)
    except (KeyError, StopIteration, ValueError, ElementTree.ParseError, zipfile.BadZipFile):
        first = None  # an unusual package layout: the careful reader copes
    fast = _read_fast(path, sheet, table, lang, first) if first else None
    return fast if fast is not None else _read_slowly(path, sheet, table, lang)


def _trimmed(texts: list[str]) -> list[str]:
    while texts and not texts[-1].strip():
        texts.pop()
    return texts


_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "p": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def _first_row(path: Path, sheet: str) -> int | None:
    """Sheet row number of the first row holding a value, read from the sheet XML (stops at that row).

    openpyxl would parse the whole shared-string table first, which costs seconds on a big workbook.
    """
    with zipfile.ZipFile(path) as z:
        book = ElementTree.fromstring(z.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("p:Relationship", _NS)}
        rid = next(s.get(f"{{{_NS['r']}}}id") for s in book.findall("m:sheets/m:sheet", _NS) if s.get("name") == sheet)
        target = targets[rid].lstrip("/")
        member = target if target.startswith("xl/") else f"xl/{target}"
        with z.open(member) as f:
            for _, elem in ElementTree.iterparse(f):
                if elem.tag == f"{{{_NS['m']}}}row":
                    if any(c.find("m:v", _NS) is not None or c.find("m:is", _NS) is not None for c in elem):
                        return int(elem.get("r", "0")) or None
                    elem.clear()
    return None


def _read_fast(path: Path, sheet: str, table: str, lang: Lang, header_row: int) -> RawTable | None:
    """calamine via fastexcel; its first row is the first sheet row holding a value (`header_row`)."""
    import fastexcel

    try:
        batch = fastexcel.read_excel(str(path)).load_sheet(sheet, header_row=None, dtypes="string").to_arrow()
        data = pa.Table.from_batches([batch])
    except Exception:  # any reader trouble: the careful path decides what to report
        return None
    if data.num_rows == 0:
        return None
    headers = _trimmed(["" if v is None else str(v) for v in data.slice(0, 1).to_pylist()[0].values()])
    n = len(headers)
    body = data.slice(1)
    rows = pa.array(range(header_row + 1, header_row + 1 + body.num_rows), pa.int64())
    texts = [pc.fill_null(body.column(i), "").combine_chunks() for i in range(body.num_columns)]
    blank = [pc.equal(pc.utf8_trim_whitespace(t), "") for t in texts]
    empty_row = blank[0]
    for b in blank[1:]:
        empty_row = pc.and_(empty_row, b)
    extra = pa.array([False] * body.num_rows)
    for b in blank[n:]:
        extra = pc.or_(extra, pc.invert(b))
    raw = RawTable(table, path, sheet, headers, [], rows)
    for i in pc.indices_nonzero(pc.and_(extra, pc.invert(empty_row))).to_pylist():
        cells = [t[i].as_py() for t in texts]
        raw.issues.append(
            make_issue("bad_row", lang, table, rows[i].as_py(), None, ",".join(cells), expected=n, actual=len(cells))
        )
    keep = pc.invert(pc.or_(empty_row, extra))
    raw.columns = [pc.filter(t, keep) for t in texts[:n]] + [
        pa.array([""] * pc.sum(keep.cast(pa.int64())).as_py(), pa.string()) for _ in range(n - len(texts))
    ]
    raw.rows = pc.filter(rows, keep)
    return raw


def _read_slowly(path: Path, sheet: str, table: str, lang: Lang) -> RawTable:
    """openpyxl, cell by cell: slow, but exact about where every row and column sits."""
    import openpyxl

    raw = RawTable(table, path, sheet, [], [], pa.array([], pa.int64()))
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    cells: list[list[str]] = []
    rows: list[int] = []
    try:
        for row_no, values in enumerate(wb[sheet].iter_rows(values_only=True), start=1):
            texts = [cell_text(v) for v in values]
            if not any(t.strip() for t in texts):
                continue
            if not raw.headers:
                raw.headers = _trimmed(texts)
                cells = [[] for _ in raw.headers]
                continue
            n = len(raw.headers)
            if any(t.strip() for t in texts[n:]):
                raw.issues.append(
                    make_issue("bad_row", lang, table, row_no, None, ",".join(texts), expected=n, actual=len(texts))
                )
                continue
            texts = (texts + [""] * n)[:n]
            rows.append(row_no)
            for i, t in enumerate(texts):
                cells[i].append(t)
    finally:
        wb.close()
    if not raw.headers:
        raw.issues.append(make_issue("empty_file", lang, table, 1))
    raw.columns = [pa.array(c, pa.string()) for c in cells]
    raw.rows = pa.array(rows, pa.int64())
    return raw
