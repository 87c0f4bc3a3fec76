"""The institutions a supervisor expects answers from: type, size band and optional inherent risk."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from kansa.assessment.errors import AssessmentError, Problem

TYPES = ("regional_bank", "shinkin", "shinkumi")
TYPE_LABEL = {"regional_bank": {"ja": "地方銀行", "en": "Regional banks"},
              "shinkin": {"ja": "信用金庫", "en": "Shinkin banks"},
              "shinkumi": {"ja": "信用組合", "en": "Credit cooperatives"}}
_TYPE_ALIASES = {"地方銀行": "regional_bank", "地銀": "regional_bank", "第二地方銀行": "regional_bank",
                 "信用金庫": "shinkin", "信金": "shinkin", "信用組合": "shinkumi", "信組": "shinkumi"}
SIZE_BANDS = ("small", "medium", "large")
SIZE_LABEL = {"small": {"ja": "小規模", "en": "small"}, "medium": {"ja": "中規模", "en": "medium"},
              "large": {"ja": "大規模", "en": "large"}}
# Total assets (JPY) separating the size bands within each type: what is large for a credit cooperative is
# small for a regional bank. Set by kansa from the spread of published balance sheets; override with a
# `size_band` column.
SIZE_THRESHOLDS_JPY = {"regional_bank": (2.0e12, 6.0e12), "shinkin": (0.5e12, 2.0e12), "shinkumi": (0.1e12, 0.3e12)}


@dataclass(frozen=True)
class Institution:
    """One institution of the population."""

    institution_id: str
    name: str
    type: str
    size_band: str
    total_assets_jpy: float | None = None
    inherent_risk: str | None = None


def size_band_for(type_: str, total_assets_jpy: float) -> str:
    """small / medium / large by the thresholds of the institution's type."""
    lo, hi = SIZE_THRESHOLDS_JPY[type_]
    return "small" if total_assets_jpy < lo else "medium" if total_assets_jpy < hi else "large"


def read_institutions(path: Path) -> list[Institution]:
    """Read `institution_id,name,type[,total_assets_jpy][,size_band][,inherent_risk]` (CSV, UTF-8 or CP932)."""
    file = str(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp932", errors="strict")
        except UnicodeDecodeError:
            raise AssessmentError([Problem(file, "assess_encoding", {})]) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        cols = reader.fieldnames or []
        records = list(reader)
    except csv.Error as exc:  # an unclosed quote or NUL byte: a problem with the file, not a crash
        raise AssessmentError([Problem(file, "assess_csv_unreadable", {"line": reader.line_num, "exc": str(exc)})]) \
            from None
    missing = [c for c in ("institution_id", "type") if c not in cols]
    if missing:
        raise AssessmentError([Problem(file, "assess_missing_columns", {"missing": missing})])
    if "total_assets_jpy" not in cols and "size_band" not in cols:
        raise AssessmentError([Problem(file, "assess_total_assets_jpy_size", {})])
    out: list[Institution] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for row_no, r in enumerate(records, start=2):
        iid = (r.get("institution_id") or "").strip()
        type_ = _TYPE_ALIASES.get((r.get("type") or "").strip(), (r.get("type") or "").strip())
        if not iid or iid in seen:
            problems.append(Problem(file, "assess_institution_id_empty_duplicated",
                                    {"iid": iid}, row=row_no, path="institution_id"))
            continue
        seen.add(iid)
        if type_ not in TYPES:
            problems.append(Problem(file, "assess_unknown_type",
                                    {"type": r.get('type'), "allowed": ', '.join(TYPES)}, row=row_no,
                                    path="type"))
            continue
        assets = None
        if (r.get("total_assets_jpy") or "").strip():
            try:
                assets = float(str(r["total_assets_jpy"]).replace(",", ""))
            except ValueError:
                problems.append(Problem(file, "assess_total_assets_jpy_number",
                                        {"total_assets_jpy": r['total_assets_jpy']},
                                        row=row_no, path="total_assets_jpy"))
                continue
        band = (r.get("size_band") or "").strip()
        if not band and assets is not None:
            band = size_band_for(type_, assets)
        if band not in SIZE_BANDS:
            problems.append(Problem(file, "assess_unknown_size_band", {"band": band},
                                    row=row_no, path="size_band"))
            continue
        out.append(Institution(iid, (r.get("name") or "").strip() or iid, type_, band, assets,
                               (r.get("inherent_risk") or "").strip() or None))
    if problems:
        raise AssessmentError(problems)
    return out


def write_institutions(institutions: list[Institution], path: Path) -> Path:
    """Write the population in the format read_institutions reads."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["institution_id", "name", "type", "total_assets_jpy", "size_band", "inherent_risk"])
        for i in institutions:
            assets = "" if i.total_assets_jpy is None else f"{i.total_assets_jpy:.0f}"
            w.writerow([i.institution_id, i.name, i.type, assets, i.size_band, i.inherent_risk or ""])
    return path
