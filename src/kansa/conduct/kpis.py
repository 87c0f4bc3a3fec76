"""FSA common KPIs (比較可能な共通KPI) per evaluation date, computed in DuckDB SQL (contract: kpis.json)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from kansa.engine.connection import SqlConnection

# (band, lower bound inclusive, upper bound exclusive); rates are fractions (-0.5 = -50%).
BANDS: tuple[tuple[str, float | None, float | None], ...] = (
    ("lt_m50", None, -0.5),
    ("m50_m30", -0.5, -0.3),
    ("m30_m10", -0.3, -0.1),
    ("m10_0", -0.1, 0.0),
    ("0_10", 0.0, 0.1),
    ("10_30", 0.1, 0.3),
    ("30_50", 0.3, 0.5),
    ("ge_50", 0.5, None),
)
BAND_LABELS: dict[str, dict[str, str]] = {
    "lt_m50": {"ja": "-50%未満", "en": "< -50%"},
    "m50_m30": {"ja": "-50%〜-30%", "en": "-50% to -30%"},
    "m30_m10": {"ja": "-30%〜-10%", "en": "-30% to -10%"},
    "m10_0": {"ja": "-10%〜0%", "en": "-10% to 0%"},
    "0_10": {"ja": "0%〜+10%", "en": "0% to +10%"},
    "10_30": {"ja": "+10%〜+30%", "en": "+10% to +30%"},
    "30_50": {"ja": "+30%〜+50%", "en": "+30% to +50%"},
    "ge_50": {"ja": "+50%以上", "en": ">= +50%"},
}
KPI_PRODUCT_TYPES: tuple[str, ...] = ("investment_trust", "foreign_currency_insurance")
# A customer's rate is rounded to 1e-10 before banding, so that a rate of exactly -30% computed in
# binary floating point (-0.30000000000000004) still falls in the band whose lower bound it is.
RATE_DECIMALS = 10
TOP_N = 20
MIN_YEARS_SINCE_INCEPTION = 5


def band_of(rate: float) -> str:
    """The band of a return rate (fraction), lower bounds inclusive."""
    for name, low, high in BANDS:
        if (low is None or rate >= low) and (high is None or rate < high):
            return name
    raise ValueError(f"no band for rate {rate!r}")  # only NaN gets here


def _band_case(col: str) -> str:
    """SQL CASE giving the band of column `col`; built from BANDS so SQL and Python agree."""
    whens = [f"WHEN {col} < {high!r} THEN '{name}'" for name, _low, high in BANDS if high is not None]
    return f"CASE {' '.join(whens)} ELSE '{BANDS[-1][0]}' END"


def evaluation_dates(con: SqlConnection, up_to: date | None = None) -> list[date]:
    """Every positions as_of_date (up to `up_to` when given), oldest first."""
    sql = "SELECT DISTINCT as_of_date FROM positions WHERE as_of_date IS NOT NULL"
    params: dict[str, Any] = {} if up_to is None else {"up_to": up_to}
    if up_to is not None:
        sql += " AND as_of_date <= $up_to"
    return [r[0] for r in con.execute(sql + " ORDER BY 1", params).fetchall()]


def _return_bands(con: SqlConnection, dates: Sequence[date]) -> dict[tuple[date, str], dict[str, int]]:
    """Customers per (date, product type, band): one pass over positions for all dates."""
    types = ", ".join(f"'{t}'" for t in KPI_PRODUCT_TYPES)
    sql = f"""
        WITH per_customer AS (
            SELECT p.as_of_date, d.product_type, p.customer_id,
                   sum(p.market_value_jpy) AS mv,
                   sum(p.market_value_jpy + coalesce(p.cumulative_sale_jpy, 0)
                       + coalesce(p.cumulative_distribution_jpy, 0) - p.cumulative_purchase_jpy) AS gain
            FROM positions p JOIN products d ON d.product_id = p.product_id
            WHERE d.product_type IN ({types}) AND p.as_of_date IN (SELECT unnest($dates::DATE[]))
            GROUP BY ALL
            HAVING sum(p.market_value_jpy) > 0   -- the FSA's denominator: value at the date
        ), rated AS (
            SELECT as_of_date, product_type, round(gain / mv, {RATE_DECIMALS}) AS r FROM per_customer
        )
        SELECT as_of_date, product_type, {_band_case("r")} AS band, count(*) AS customers
        FROM rated GROUP BY ALL
    """
    out: dict[tuple[date, str], dict[str, int]] = {}
    for as_of, ptype, band, n in con.execute(sql, {"dates": list(dates)}).fetchall():
        out.setdefault((as_of, ptype), {})[band] = int(n)
    return out


def _top_products(
    con: SqlConnection, as_of: date, product_type: str, top_n: int, min_years: int
) -> list[dict[str, Any]]:
    """The `top_n` products of a type by market value on the date, at least `min_years` past inception."""
    # Whole years since inception the way age_years counts them: a 29 February inception
    # completes its years on 1 March in common years.
    sql = """
        SELECT d.product_id,
               sum(p.market_value_jpy) AS balance_jpy,
               coalesce(any_value(d.upfront_fee_rate), 0) / 5 + any_value(d.annual_cost_rate) AS cost_rate,
               any_value(d.return_5y_annualized) AS return_5y,
               any_value(d.risk_5y_annualized) AS risk_5y
        FROM positions p JOIN products d ON d.product_id = p.product_id
        WHERE p.as_of_date = $as_of AND d.product_type = $ptype
          AND NOT coalesce(d.is_money_market, false)
          AND d.inception_date IS NOT NULL
          AND year($as_of) - year(d.inception_date)
              - CASE WHEN month($as_of) * 100 + day($as_of)
                          < month(d.inception_date) * 100 + day(d.inception_date) THEN 1 ELSE 0 END >= $years
        GROUP BY d.product_id
        HAVING sum(p.market_value_jpy) > 0
        ORDER BY balance_jpy DESC, d.product_id
        LIMIT $n
    """
    rows = con.execute(sql, {"as_of": as_of, "ptype": product_type, "years": min_years, "n": top_n}).fetchall()
    keys = ("product_id", "balance_jpy", "cost_rate", "return_5y", "risk_5y")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def weighted_averages(top: Iterable[dict[str, Any]]) -> dict[str, float | None]:
    """Balance-weighted averages of cost_rate, return_5y and risk_5y (products lacking a value left out)."""
    top = list(top)
    out: dict[str, float | None] = {}
    for key in ("cost_rate", "return_5y", "risk_5y"):
        pairs = [(t[key], t["balance_jpy"]) for t in top if t[key] is not None]
        weight = sum(w for _v, w in pairs)
        out[key] = sum(v * w for v, w in pairs) / weight if weight else None
    return out


def _section(bands: dict[str, int], top: list[dict[str, Any]]) -> dict[str, Any]:
    """One product type's KPI object on one date."""
    total = sum(bands.values())
    positive = sum(bands.get(name, 0) for name, low, _h in BANDS if low is not None and low >= 0)
    return {
        "customers": total,
        "return_bands": [
            {"band": name, "customers": bands.get(name, 0), "share": bands.get(name, 0) / total if total else None}
            for name, _l, _h in BANDS
        ],
        "positive_share": positive / total if total else None,
        "top20": top,
        "top20_weighted": weighted_averages(top),
    }


def compute_kpis(
    con: SqlConnection,
    dates: Sequence[date] | None = None,
    *,
    top_n: int = TOP_N,
    min_years: int = MIN_YEARS_SINCE_INCEPTION,
    extra: Callable[[date], dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """The kpis.json objects, one per evaluation date (every positions date by default), oldest first.

    `extra(as_of)` returns further keys for each date (the platform's own monitoring indicators).
    """
    dates = list(dates) if dates is not None else evaluation_dates(con)
    # One date at a time: a third of the hash table each (10M customers x 3 dates would spill), less CPU too.
    bands: dict[tuple[date, str], dict[str, int]] = {}
    for as_of in dates:
        bands.update(_return_bands(con, [as_of]))
    out: list[dict[str, Any]] = []
    for as_of in dates:
        entry: dict[str, Any] = {"as_of_date": as_of.isoformat()}
        for ptype in KPI_PRODUCT_TYPES:
            top = _top_products(con, as_of, ptype, top_n, min_years)
            entry[ptype] = _section(bands.get((as_of, ptype), {}), top)
        if extra is not None:
            entry.update(extra(as_of))
        out.append(entry)
    return out


def write_kpis(kpis: list[dict[str, Any]], path: Path) -> Path:
    """Write kpis.json (UTF-8, Japanese kept readable)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(kpis, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    return path
