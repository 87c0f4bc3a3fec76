"""Workbook sheets as text columns: fastexcel (calamine) for speed, openpyxl where the layout is unusual."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from xml.etree import ElementTree

import fastexcel
import pyarrow as pa
import pyarrow.compute as pc

from kansa.contract.headers import Mapping, resolve_header
from kansa.contract.issues import make_issue
from kansa.contract.readers import RawTable
from kansa.contract.schema import TableSchema
from kansa.contract.xlsx_parts import check_sheet
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

    return list(fastexcel.read_excel(str(path)).sheet_names)


_TITLE_ROWS = 10  # how far down a sheet the header row is looked for (report titles, dates, blank rows)


def read_sheet(path: Path, sheet: str, table: str, lang: Lang, mapping: Mapping | None = None) -> RawTable:
    """Read one worksheet into text columns; rows are the sheet's own row numbers.

    The header row is the first row holding a value, unless a row among the next few names more contract
    columns: bank reports often carry a title (取引明細（2024年6月）), often in merged cells, above it.
    """
    check_sheet(path, sheet)  # too many cells, or formulas without a value: refused before reading
    try:
        first = _first_row(path, sheet)
    except (KeyError, StopIteration, ValueError, ElementTree.ParseError, zipfile.BadZipFile):
        first = None  # an unusual package layout: the careful reader copes
    fast = _read_fast(path, sheet, table, lang, first, mapping) if first else None
    return fast if fast is not None else _read_slowly(path, sheet, table, lang, mapping)


def _header_index(candidates: list[list[str]], table: str, mapping: Mapping | None) -> int:
    """Index of the row among `candidates` that names the most contract columns (0 unless one names 2+)."""
    best, best_n = 0, 0
    for k, texts in enumerate(candidates[:_TITLE_ROWS]):
        n = sum(1 for t in texts if t.strip() and resolve_header(table, t, mapping) is not None)
        if n > best_n:
            best, best_n = k, n
    return best if best_n >= 2 else 0


_SERIAL = r"^[0-9]{2,7}(\.[0-9]+)?$"
_EPOCH = datetime(1899, 12, 30)  # Excel's day 0 in the 1900 system, valid from serial 61 (1900-03-01) on


def serials_to_dates(raw: RawTable, spec: TableSchema, present: dict[str, int]) -> None:
    """Date cells stored as Excel serial numbers (45446) become ISO text (2024-06-03) in date columns.

    Only for workbooks, where a bare number in a date column can only be a serial; serials before
    1900-03-01 are left as they are (Excel's 1900 leap-year bug) and reported as bad dates.
    """
    for name, index in present.items():
        if spec.column(name).type not in ("date", "datetime") or index >= len(raw.columns):
            continue
        texts = raw.columns[index]
        mask = pc.match_substring_regex(pc.utf8_trim_whitespace(texts), _SERIAL)
        if not pc.any(mask).as_py():
            continue
        values = texts.to_pylist()
        for i in pc.indices_nonzero(mask).to_pylist():
            serial = float(values[i])
            if 61 <= serial < 2958466:  # up to 9999-12-31
                values[i] = cell_text(_EPOCH + timedelta(seconds=round(serial * 86400)))
        raw.columns[index] = pa.array(values, pa.string())


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


def _read_fast(
    path: Path, sheet: str, table: str, lang: Lang, first_row: int, mapping: Mapping | None
) -> RawTable | None:
    """calamine via fastexcel; its first row is the first sheet row holding a value (`first_row`)."""

    try:
        batch = fastexcel.read_excel(str(path)).load_sheet(sheet, header_row=None, dtypes="string").to_arrow()
        data = pa.Table.from_batches([batch])
    except Exception:  # any reader trouble: the careful path decides what to report
        return None
    if data.num_rows == 0:
        return None
    top = [["" if v is None else str(v) for v in r.values()] for r in data.slice(0, _TITLE_ROWS).to_pylist()]
    k = _header_index(top, table, mapping)
    header_row = first_row + k
    headers = _trimmed(top[k])
    n = len(headers)
    body = data.slice(k + 1)
    rows = pa.array(range(header_row + 1, header_row + 1 + body.num_rows), pa.int64())
    texts = [pc.fill_null(body.column(i), "").combine_chunks() for i in range(body.num_columns)]
    blank = [pc.equal(pc.utf8_trim_whitespace(t), "") for t in texts]
    empty_row = blank[0]
    for b in blank[1:]:
        empty_row = pc.and_(empty_row, b)
    extra = pa.array([False] * body.num_rows)
    for b in blank[n:]:
        extra = pc.or_(extra, pc.invert(b))
    raw = RawTable(table, path, sheet, headers, [], rows, header_row=header_row)
    if k:
        raw.issues.append(make_issue("title_rows_skipped", lang, table, header_row, None, None, rows=header_row - 1))
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


def _read_slowly(path: Path, sheet: str, table: str, lang: Lang, mapping: Mapping | None = None) -> RawTable:
    """openpyxl, cell by cell: slow, but exact about where every row and column sits."""
    import openpyxl  # only for unusual workbooks: a CSV scan should not pay its import (0.15 s)

    raw = RawTable(table, path, sheet, [], [], pa.array([], pa.int64()))
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    filled: list[tuple[int, list[str]]] = []
    try:
        for row_no, values in enumerate(wb[sheet].iter_rows(values_only=True), start=1):
            texts = [cell_text(v) for v in values]
            if any(t.strip() for t in texts):
                filled.append((row_no, texts))
    finally:
        wb.close()
    if not filled:
        raw.issues.append(make_issue("empty_file", lang, table, 1, None, None, detail=f"{path.name}[{sheet}]"))
        return raw
    k = _header_index([texts for _, texts in filled], table, mapping)
    raw.header_row, header = filled[k]
    if k:
        skipped = raw.header_row - 1
        raw.issues.append(make_issue("title_rows_skipped", lang, table, raw.header_row, None, None, rows=skipped))
    raw.headers = _trimmed(header)
    n = len(raw.headers)
    cells: list[list[str]] = [[] for _ in raw.headers]
    rows: list[int] = []
    for row_no, texts in filled[k + 1 :]:
        if any(t.strip() for t in texts[n:]):
            raw.issues.append(
                make_issue("bad_row", lang, table, row_no, None, ",".join(texts), expected=n, actual=len(texts))
            )
            continue
        texts = (texts + [""] * n)[:n]
        rows.append(row_no)
        for i, t in enumerate(texts):
            cells[i].append(t)
    raw.columns = [pa.array(c, pa.string()) for c in cells]
    raw.rows = pa.array(rows, pa.int64())
    return raw
