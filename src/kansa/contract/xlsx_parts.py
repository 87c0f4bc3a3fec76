"""What openpyxl and calamine do not tell: a sheet's declared size and its formula cells without a cached value.

Read from the package XML, streamed: a formula saved without its value (written by a script, never opened in
Excel) would otherwise read as an empty cell, and an absurd declared dimension would be inflated before anyone
noticed. Both are refused with the file, sheet and cells named.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from kansa.limits import LIMITS, setting
from kansa.messages import InputError

_M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')
_SHOWN = 10


def sheet_member(z: zipfile.ZipFile, sheet: str) -> str | None:
    """The package part holding the worksheet named `sheet` (None when the workbook does not list it)."""
    book = ElementTree.fromstring(z.read("xl/workbook.xml"))
    rid = next((s.get(f"{_R}id") for s in book.iter(f"{_M}sheet") if s.get("name") == sheet), None)
    rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    for rel in rels:
        if rel.get("Id") == rid:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith(("/", "xl/")) else "xl/" + target
    return None


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def declared_cells(head: bytes) -> int:
    """Cells of the sheet's declared dimension (A1:Z1000 -> 26,000), from the start of its XML; 0 if none."""
    m = _DIMENSION.search(head)
    if not m or not m.group(3):
        return 0
    first_col, first_row = _column_number((m.group(1) or b"A").decode()), int(m.group(2) or 1)
    return (_column_number(m.group(3).decode()) - first_col + 1) * (int(m.group(4)) - first_row + 1)


def _has_formula(z: zipfile.ZipFile, member: str) -> bool:
    """Whether the part contains any formula element, read in chunks (most data sheets have none)."""
    tail = b""
    with z.open(member) as part:
        while chunk := part.read(1 << 20):
            window = tail + chunk
            if (b"<f" in window or b":f" in window) and _FORMULA.search(window):  # memchr first: the regex is slow
                return True
            tail = chunk[-8:]
    return False


def uncached_formulas(z: zipfile.ZipFile, member: str) -> list[str]:
    """References (B4) of formula cells saved without a value: what a reader would see as empty."""
    if not _has_formula(z, member):
        return []
    found: list[str] = []
    with z.open(member) as part:
        for _, elem in ElementTree.iterparse(part):
            if elem.tag == f"{_M}c":
                value = elem.find(f"{_M}v")
                cached = elem.find(f"{_M}is") is not None or (value is not None and (
                    bool(value.text) or elem.get("t") == "str"))  # an empty <v/> is a cached "" only for text
                if elem.find(f"{_M}f") is not None and not cached:
                    found.append(elem.get("r", "?"))
                elem.clear()
            elif elem.tag == f"{_M}row":
                elem.clear()
    return found


def check_sheet(path: Path, sheet: str) -> None:
    """Refuse a sheet above KANSA_MAX_CELLS or with formula cells without a cached value (InputError)."""
    try:
        with zipfile.ZipFile(path) as z:
            member = sheet_member(z, sheet)
            if member is None:
                return
            with z.open(member) as part:
                cells = declared_cells(part.read(4096))
            bound = LIMITS.get().max_cells
            if cells > bound:
                raise InputError("limit_cells", file=path.name, sheet=sheet, cells=cells, limit=bound,
                                 setting=setting("max_cells"))
            missing = uncached_formulas(z, member)
    except (zipfile.BadZipFile, KeyError, OSError, ElementTree.ParseError):
        return  # an unusual or broken package: the readers report it in their own words
    if missing:
        shown = ", ".join(missing[:_SHOWN]) + (f" (+{len(missing) - _SHOWN})" if len(missing) > _SHOWN else "")
        raise InputError("xlsx_formula_no_value", file=path.name, sheet=sheet, cells=shown)
