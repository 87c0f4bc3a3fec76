"""Benchmark tables to CSV, JSON and Excel; suppressed cells stay blank (null) and are flagged."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kansa.assessment.benchmark import Benchmark
from kansa.outputs import write_csv_rows
from kansa.reports.excel import Sheet, write_workbook
from kansa.spreadsheet import escape_formula

SUPPRESSED_MARK = "秘匿 / suppressed"


def tables(b: Benchmark) -> dict[str, list[dict[str, Any]]]:
    """Every benchmark table by file stem."""
    cohorts = [{"cohort": c.key, "cohort_level": c.level, "label_ja": c.label["ja"], "label_en": c.label["en"],
                "parent": c.parent, "n": c.n if c.published else None, "suppressed": not c.published,
                "suppression": c.reason} for c in b.cohorts.values()]
    non = [{"institution_id": i.institution_id, "name": i.name, "type": i.type, "size_band": i.size_band}
           for i in b.non_respondents]
    out = {"cohorts": cohorts, "domain_stats": b.domain_stats, "question_stats": b.question_stats,
           "option_shares": b.option_shares, "institution_scores": b.institution_rows, "non_respondents": non}
    if b.trend_domain:
        out["trend_domain"] = b.trend_domain
        out["trend_institution"] = b.trend_institution
    return out


def _columns(rows: Sequence[dict[str, Any]]) -> list[str]:
    cols: list[str] = []
    for r in rows[:1]:
        cols = list(r)
    return cols


def write_csv(rows: Sequence[dict[str, Any]], path: Path, columns: Sequence[str] | None = None) -> Path:
    """A UTF-8 CSV with BOM (Excel opens it in Japanese); None as an empty cell; floats to 4 decimals."""
    cols = list(columns or _columns(rows))
    return write_csv_rows(path, cols, ([_cell(r.get(c)) for c in cols] for r in rows))


def _cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:.4f}".rstrip("0").rstrip(".") if math.isfinite(v) else ""
    return escape_formula(v)  # institution names and comments come from users


def write_outputs(b: Benchmark, out: Path) -> dict[str, Path]:
    """CSV per table, benchmark.json with everything, benchmark.xlsx with one sheet per table."""
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    all_tables = tables(b)
    empty_columns = {"non_respondents": ["institution_id", "name", "type", "size_band"]}
    for stem, rows in all_tables.items():
        written[f"{stem}.csv"] = write_csv(rows, out / f"{stem}.csv", empty_columns.get(stem) if not rows else None)
    doc = {"framework": {"id": b.framework.id, "version": b.framework.version}, "k": b.k,
           "previous_version": b.previous_version, **all_tables}
    path = out / "benchmark.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    written["benchmark.json"] = path
    written["benchmark.xlsx"] = write_workbook(out / "benchmark.xlsx", _sheets(all_tables))
    return written


def _sheets(all_tables: dict[str, list[dict[str, Any]]]) -> list[Sheet]:
    """Excel sheets: a suppressed statistic shows the mark, never a number."""
    sheets = []
    for stem, rows in all_tables.items():
        cols = _columns(rows) or ["institution_id"]
        stats = {"n", "mean", "median", "q1", "q3", "count", "share"}
        body = []
        for r in rows:
            hidden = bool(r.get("suppressed"))
            body.append([SUPPRESSED_MARK if hidden and c in stats else _xl(r.get(c)) for c in cols])
        sheets.append(Sheet(stem, cols, body, formats={c: "0.0" for c in cols if c in stats - {"n", "count"}}))
    return sheets


def _xl(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v
