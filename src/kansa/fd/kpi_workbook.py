"""The common-KPI submission workbook (共通KPI報告様式): written by kansa with drop-downs and protection, read
back with checks that name the sheet and cell (bands sum to 100%, top-20 averages consistent, base date 31 March)."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from kansa.fd.messages import FdError, FdErrors
from kansa.jpdate import parse_era_date
from kansa.limits import check_archive

TEMPLATE_ID = "kansa-fd-common-kpi"
TEMPLATE_VERSION = "1"
BANDS = ("lt_m50", "m50_m30", "m30_m10", "m10_0", "0_10", "10_30", "30_50", "ge_50")   # as kansa.conduct.kpis
POSITIVE_BANDS = ("0_10", "10_30", "30_50", "ge_50")
BAND_LABELS = {"ja": ("-50%未満", "-50%以上-30%未満", "-30%以上-10%未満", "-10%以上0%未満", "0%以上+10%未満",
                      "+10%以上+30%未満", "+30%以上+50%未満", "+50%以上"),
               "en": ("< -50%", "-50% to -30%", "-30% to -10%", "-10% to 0%", "0% to +10%", "+10% to +30%",
                      "+30% to +50%", ">= +50%")}
FIRM_TYPES = ("major_bank", "regional_bank", "cooperative", "securities", "online_securities", "other")
FIRM_TYPE_LABELS = {
    "major_bank": {"ja": "主要行等", "en": "Major bank"},
    "regional_bank": {"ja": "地域銀行", "en": "Regional bank"},
    "cooperative": {"ja": "協同組織金融機関", "en": "Cooperative (shinkin, credit coop, labour bank)"},
    "securities": {"ja": "証券会社", "en": "Securities firm"},
    "online_securities": {"ja": "ネット証券", "en": "Online securities firm"},
    "other": {"ja": "その他", "en": "Other"},
}
SHEETS = {"ja": ("記入方法", "基本情報", "運用損益別顧客比率", "残高上位20銘柄"),
          "en": ("Instructions", "Firm", "Return bands", "Top 20 funds")}
BAND_TOLERANCE = 0.5      # points: eight shares rounded to 0.1 can miss 100 by 0.4
WEIGHTED_TOLERANCE = 0.02  # points: averages are reported to two decimals
FIRST_BAND_ROW, FIRST_FUND_ROW, TOP_N = 4, 4, 20
WEIGHTED_ROW = FIRST_FUND_ROW + TOP_N + 1
POSITIVE_ROW = FIRST_BAND_ROW + len(BANDS) + 1


@dataclass
class Fund:
    """One of the top-20 funds: name, balance (million yen), cost, 5-year return and risk (%)."""

    name: str
    balance: float
    cost: float
    ret: float
    risk: float


@dataclass
class Submission:
    """One firm's common KPIs at one base date, as read from its workbook."""

    firm: str
    firm_type: str
    as_of: date
    bands: dict[str, float]
    positive_share: float
    top20: list[Fund] = field(default_factory=list)
    weighted: dict[str, float] = field(default_factory=dict)
    source: str = ""


def seal(lang: str) -> str:
    """A digest of the template's identity and layout (catches a hand-edited _meta sheet, not a forger)."""
    text = "\x1f".join((TEMPLATE_ID, TEMPLATE_VERSION, lang, *SHEETS[lang], *BANDS))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _number(ws: Any, cell: str, path: str, sheet: str, errors: list[FdError], *, low: float | None = None,
            high: float | None = None, required: bool = True, label: str = "") -> float | None:
    """A cell's number (a % format stores 0.123 for 12.3%); an error naming the cell otherwise."""
    c = ws[cell]
    value = c.value
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.append(FdError("kpi_required", path=path, sheet=sheet, cell=cell, field=label or cell))
        return None
    if isinstance(value, bool):
        errors.append(FdError("kpi_not_number", path=path, sheet=sheet, cell=cell, value=value))
        return None
    if isinstance(value, int | float):
        number = float(value) * (100.0 if "%" in (c.number_format or "") else 1.0)
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "")
        scale = 1.0
        if text.endswith("%"):
            text = text[:-1]
        try:
            number = float(text) * scale
        except ValueError:
            errors.append(FdError("kpi_not_number", path=path, sheet=sheet, cell=cell, value=value))
            return None
    if number != number or (low is not None and number < low) or (high is not None and number > high):
        errors.append(FdError("kpi_range", path=path, sheet=sheet, cell=cell, value=number,
                              low=low if low is not None else "", high=high if high is not None else ""))
        return None
    return number


def _as_of(value: Any, path: str, sheet: str, cell: str, errors: list[FdError]) -> date | None:
    """The base date: a date cell, ISO text or an era date; must be a 31 March."""
    if value is None or value == "":
        errors.append(FdError("kpi_required", path=path, sheet=sheet, cell=cell, field="基準日 / base date"))
        return None
    d: date | None = None
    if isinstance(value, datetime):
        d = value.date()
    elif isinstance(value, date):
        d = value
    else:
        text = str(value).strip()
        try:
            d = date.fromisoformat(text.replace("/", "-"))
        except ValueError:
            try:
                d = parse_era_date(text)
            except ValueError:
                d = None
    if d is None:
        errors.append(FdError("kpi_bad_date", path=path, sheet=sheet, cell=cell, value=value))
        return None
    if (d.month, d.day) != (3, 31):
        errors.append(FdError("kpi_not_march", path=path, sheet=sheet, cell=cell, value=d.isoformat()))
    return d


def read_submission(path: Path) -> Submission:
    """Read and check one workbook; FdErrors with every problem found (nothing is returned half-read)."""

    p = str(path)
    try:
        check_archive(path)  # a zip bomb is refused before openpyxl inflates it
        wb = load_workbook(path, data_only=True)
    except Exception as exc:
        raise FdError("kpi_not_workbook", path=p, detail=f"{type(exc).__name__}: {exc}"[:200]) from exc
    meta = {str(r[0]): r[1] for r in wb["_meta"].iter_rows(values_only=True) if r and r[0]} \
        if "_meta" in wb.sheetnames else {}
    lang = str(meta.get("lang") or "ja")
    if lang not in SHEETS or meta.get("template") != TEMPLATE_ID or meta.get("seal") != seal(lang):
        raise FdError("kpi_seal", path=p)
    names = SHEETS[lang]
    for name in names[1:]:
        if name not in wb.sheetnames:
            raise FdError("kpi_missing_sheet", path=p, sheet=name)
    errors: list[FdError] = []
    firm_ws, band_ws, fund_ws = wb[names[1]], wb[names[2]], wb[names[3]]
    firm = str(firm_ws["B3"].value or "").strip()
    if not firm:
        errors.append(FdError("kpi_required", path=p, sheet=names[1], cell="B3", field="金融機関名 / firm name"))
    firm_type = _firm_type(firm_ws["B4"].value, p, names[1], lang, errors)
    as_of = _as_of(firm_ws["B5"].value, p, names[1], "B5", errors)
    bands, positive = _bands(band_ws, p, names[2], errors)
    funds, weighted = _funds(fund_ws, p, names[3], errors)
    if errors:
        raise FdErrors(errors)
    assert as_of is not None and positive is not None
    return Submission(firm, firm_type, as_of, bands, positive, funds, weighted, p)


def _firm_type(value: Any, path: str, sheet: str, lang: str, errors: list[FdError]) -> str:
    text = str(value or "").strip()
    for key, labels in FIRM_TYPE_LABELS.items():
        if text in (key, labels["ja"], labels["en"]):
            return key
    allowed = " / ".join(v[lang if lang in ("ja", "en") else "ja"] for v in FIRM_TYPE_LABELS.values())
    if not text:
        errors.append(FdError("kpi_required", path=path, sheet=sheet, cell="B4", field="業態 / firm type"))
    else:
        errors.append(FdError("kpi_bad_type", path=path, sheet=sheet, cell="B4", value=text, allowed=allowed))
    return ""


def _bands(ws: Any, path: str, sheet: str, errors: list[FdError]) -> tuple[dict[str, float], float | None]:
    """The eight band shares (%) must add up to 100; the positive share must be the sum of the bands at 0% and up."""
    bands: dict[str, float] = {}
    before = len(errors)
    for i, band in enumerate(BANDS):
        v = _number(ws, f"B{FIRST_BAND_ROW + i}", path, sheet, errors, low=0.0, high=100.0, label=band)
        if v is not None:
            bands[band] = v
    positive = _number(ws, f"B{POSITIVE_ROW}", path, sheet, errors, low=0.0, high=100.0, label="positive share")
    if len(errors) == before:
        total = round(sum(bands.values()), 4)
        last = FIRST_BAND_ROW + len(BANDS) - 1
        if abs(total - 100.0) > BAND_TOLERANCE:
            errors.append(FdError("kpi_bands_sum", path=path, sheet=sheet, cell=f"B{FIRST_BAND_ROW}:B{last}",
                                  total=f"{total:g}", tolerance=BAND_TOLERANCE))
        expected = round(sum(bands[b] for b in POSITIVE_BANDS), 4)
        if positive is not None and abs(positive - expected) > BAND_TOLERANCE:
            errors.append(FdError("kpi_positive_mismatch", path=path, sheet=sheet, cell=f"B{POSITIVE_ROW}",
                                  value=f"{positive:g}", expected=f"{expected:g}"))
    return bands, positive


def _funds(ws: Any, path: str, sheet: str, errors: list[FdError]) -> tuple[list[Fund], dict[str, float]]:
    """Up to 20 funds in balance order and the balance-weighted averages the firm reports."""
    funds: list[Fund] = []
    previous: float | None = None
    for r in range(FIRST_FUND_ROW, FIRST_FUND_ROW + TOP_N):
        name = str(ws[f"B{r}"].value or "").strip()
        if not name:
            continue
        before = len(errors)
        bal = _number(ws, f"C{r}", path, sheet, errors, low=0.0, label="balance")
        cost = _number(ws, f"D{r}", path, sheet, errors, low=0.0, high=10.0, label="cost")
        ret = _number(ws, f"E{r}", path, sheet, errors, low=-100.0, high=100.0, label="return")
        risk = _number(ws, f"F{r}", path, sheet, errors, low=0.0, high=100.0, label="risk")
        if len(errors) > before or bal is None or cost is None or ret is None or risk is None:
            continue
        if previous is not None and bal > previous:
            errors.append(FdError("kpi_top20_order", path=path, sheet=sheet, cell=f"C{r}"))
        previous = bal
        funds.append(Fund(name, bal, cost, ret, risk))
    if not funds:
        errors.append(FdError("kpi_top20_count", path=path, sheet=sheet, count=0))
        return funds, {}
    weighted: dict[str, float] = {}
    total = sum(f.balance for f in funds)
    for col, key, attr in (("D", "cost", "cost"), ("E", "return", "ret"), ("F", "risk", "risk")):
        cell = f"{col}{WEIGHTED_ROW}"
        reported = _number(ws, cell, path, sheet, errors, low=-100.0, high=100.0, label=f"weighted {key}")
        if reported is None or not total:
            continue
        computed = sum(getattr(f, attr) * f.balance for f in funds) / total
        if abs(reported - computed) > WEIGHTED_TOLERANCE:
            errors.append(FdError("kpi_weighted_mismatch", path=path, sheet=sheet, cell=cell, field=key,
                                  value=f"{reported:g}", expected=f"{computed:.2f}"))
        weighted[key] = reported
    return funds, weighted
