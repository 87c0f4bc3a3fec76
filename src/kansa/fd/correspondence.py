"""A firm's correspondence table (原則との対応関係, Excel): each principle item to where its policy covers it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from kansa.fd.messages import FdError
from kansa.fd.normalise import compact, nfkc
from kansa.fd.sections import Section, _digits, item_refs
from kansa.limits import check_archive

_EMPTY = {"", "-", "－", "―", "—", "ー", "なし", "該当なし", "n/a", "na", "×"}


@dataclass(frozen=True)
class TableRow:
    """One row: the item, where the policy and the progress report cover it, and the reason if not done."""

    item: str
    policy: str
    progress: str
    reason: str
    cell: str


def _cell_name(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"


def read_table(path: Path) -> list[TableRow]:
    """The rows of a correspondence table; FdError naming the file, sheet and cell of what cannot be read."""

    try:
        check_archive(path)  # a zip bomb is refused before openpyxl inflates it
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise FdError("kpi_not_workbook", path=str(path), detail=f"{type(exc).__name__}: {exc}"[:200]) from exc
    try:
        for ws in wb.worksheets:
            rows = [[("" if v is None else str(v)) for v in r] for r in ws.iter_rows(max_row=400, values_only=True)]
            header = _header(rows)
            if header is not None:
                return _rows(path, ws.title, rows, *header)
        raise FdError("corr_no_header", path=str(path), sheet=wb.worksheets[0].title if wb.worksheets else "")
    finally:
        wb.close()


def _header(rows: list[list[str]]) -> tuple[int, int, int, int, int] | None:
    """(header row, item column, policy column, progress column, reason column), 0-based; -1 when absent."""
    for r, row in enumerate(rows[:30]):
        cells = [nfkc(c) for c in row]
        item_col = next((i for i, c in enumerate(cells) if c in ("原則", "項目", "原則の項目") or (c.startswith("原則")
                         and len(c) <= 12)), -1)
        policy_col = next((i for i, c in enumerate(cells) if "方針" in c and i != item_col), -1)
        if item_col >= 0 and policy_col >= 0:
            progress_col = next((i for i, c in enumerate(cells) if "状況" in c), -1)
            reason_col = next((i for i, c in enumerate(cells) if "理由" in c or "備考" in c), -1)
            return r, item_col, policy_col, progress_col, reason_col
    return None


def _rows(path: Path, sheet: str, rows: list[list[str]], header: int, item_col: int, policy_col: int,
          progress_col: int, reason_col: int) -> list[TableRow]:
    out = []
    for r in range(header + 1, len(rows)):
        row = rows[r] + [""] * 8
        label = nfkc(row[item_col])
        if not label:
            continue
        refs = [x for x in item_refs(label) if not x.endswith("*")] or [x[:-1] for x in item_refs(label)]
        if not refs:
            raise FdError("corr_bad_item", path=str(path), sheet=sheet, cell=_cell_name(r + 1, item_col + 1),
                          value=label)
        for ref in refs:
            out.append(TableRow(ref, nfkc(row[policy_col]), nfkc(row[progress_col]) if progress_col >= 0 else "",
                                nfkc(row[reason_col]) if reason_col >= 0 else "", _cell_name(r + 1, item_col + 1)))
    return out


def locate(locator: str, sections: Sequence[Section]) -> list[int]:
    """Sections a locator names: 1.(2) / 方針1 / ① / 「heading」 / heading text; [] when none or empty."""
    text = nfkc(locator).strip()
    if text.lower() in _EMPTY:
        return []
    out: list[int] = []
    for part in re.split(r"[、,;；/／]|及び|および", text):
        part = part.strip()
        quoted = re.findall(r"「([^」]+)」", part)
        if quoted:
            rest = _locator_key(re.sub(r"「[^」]+」", "", part))
            out += [s.index for s in sections for q in quoted
                    if compact(q) in compact(s.full_heading()) and (not rest or _digits(s.label) == rest)]
            continue
        key = _locator_key(part)
        if key:
            out += [s.index for s in sections if s.key == key or s.key.startswith(key + "-")]
        elif len(compact(part)) >= 3:
            out += [s.index for s in sections if compact(part) in compact(s.full_heading())]
    return list(dict.fromkeys(out))


def _locator_key(part: str) -> str:
    """'1.(2)' -> '1-2', '方針3' -> '3', '②' -> '2', 'P.4' (a page) -> ''."""
    if re.match(r"^(p|P|ページ|頁)", part):
        return ""
    pieces = re.findall(r"[①-⑳]|\d+|[一二三四五六七八九十]+", part)
    return "-".join(d for d in (_digits(p) for p in pieces) if d)


def table_map(rows: Sequence[TableRow], sections: Sequence[Section]) -> dict[str, list[int]]:
    """Item -> section indexes its row points to (an item claimed nowhere maps to [])."""
    out: dict[str, list[int]] = {}
    for row in rows:
        out.setdefault(row.item, [])
        out[row.item] += [i for i in locate(row.policy, sections) if i not in out[row.item]]
    return out


def reasons(rows: Sequence[TableRow]) -> dict[str, str]:
    """Item -> the reason the table gives for not doing it (blank ones left out)."""
    return {r.item: r.reason for r in rows if r.reason and r.reason.lower() not in _EMPTY}


__all__: Any = ["TableRow", "locate", "read_table", "reasons", "table_map"]
