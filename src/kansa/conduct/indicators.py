"""The platform's own conduct monitoring indicators (beyond the FSA common KPIs), in DuckDB SQL.

All are computed over the buys of risk products (deposits left out) in the `window_days` days up to and
including the evaluation date, and go into kpis.json under the key `monitoring`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import duckdb

WINDOW_DAYS = 365


def age_sql(birth: str, at: str) -> str:
    """SQL for whole years between two dates; a 29 February birthday counts on 1 March in common years."""
    return (f"(year({at}) - year({birth}) - CASE WHEN month({at}) * 100 + day({at}) "
            f"< month({birth}) * 100 + day({birth}) THEN 1 ELSE 0 END)")


# Caution product as the contract defaults it, for tables that did not pass through the loader.
_CAUTION = "coalesce(d.is_caution_product, d.is_complex OR d.risk_class >= 4)"


def _buys(window_days: int) -> str:
    """The window's buys of risk products with the customer's age at the trade date."""
    return f"""
        SELECT t.trade_id, t.trade_date, t.customer_id, t.branch_id, t.amount_jpy, coalesce(t.fee_jpy, 0) AS fee_jpy,
               t.switch_group_id, d.product_type, coalesce(d.is_affiliated, false) AS affiliated,
               {_CAUTION} AS caution, {age_sql("c.birth_date", "t.trade_date")} AS age
        FROM trades t
        JOIN products d ON d.product_id = t.product_id
        JOIN customers c ON c.customer_id = t.customer_id
        WHERE t.side = 'buy' AND d.product_type <> 'deposit'
          AND t.trade_date <= $as_of AND t.trade_date > $as_of - INTERVAL {int(window_days)} DAY
    """


def _ratio(num: float | None, den: float | None) -> float | None:
    """num / den, None when the denominator is empty."""
    return (num or 0) / den if den else None


def _overview(con: duckdb.DuckDBPyConnection, as_of: date, window_days: int) -> dict[str, Any]:
    """Buys, elderly shares of caution-product buys, in-house share and amount-weighted fee rate."""
    row = con.execute(f"""
        WITH b AS ({_buys(window_days)})
        SELECT count(*), sum(amount_jpy), sum(fee_jpy),
               sum(amount_jpy) FILTER (WHERE affiliated),
               count(*) FILTER (WHERE caution), sum(amount_jpy) FILTER (WHERE caution),
               count(*) FILTER (WHERE caution AND age >= 75), sum(amount_jpy) FILTER (WHERE caution AND age >= 75),
               count(*) FILTER (WHERE caution AND age >= 80), sum(amount_jpy) FILTER (WHERE caution AND age >= 80)
        FROM b
    """, {"as_of": as_of}).fetchall()[0]
    assert row is not None  # an aggregate always returns one row
    n, amount, fees, aff, cn, camt, c75, a75, c80, a80 = row
    return {
        "buys": int(n),
        "buy_amount_jpy": amount or 0.0,
        "fee_jpy": fees or 0.0,
        # percent, like the contract's rates (upfront_fee_rate 3.3 = 3.3%)
        "fee_rate_weighted": (fees or 0) / amount * 100 if amount else None,
        "affiliated_share": _ratio(aff, amount),
        "caution_buys": int(cn),
        "caution_buys_age75_share": _ratio(c75, cn),
        "caution_buys_age80_share": _ratio(c80, cn),
        "caution_amount_age75_share": _ratio(a75, camt),
        "caution_amount_age80_share": _ratio(a80, camt),
    }


def _switch_rate(con: duckdb.DuckDBPyConnection, as_of: date, window_days: int) -> dict[str, Any]:
    """Share of investment-trust buys that are switches: in a switch group, or within 30 days after a sell."""
    row = con.execute(f"""
        WITH it AS (
            SELECT t.customer_id, t.trade_date, t.side, t.amount_jpy, t.switch_group_id,
                   max(CASE WHEN t.side = 'sell' THEN t.trade_date END) OVER (
                       PARTITION BY t.customer_id ORDER BY t.trade_date
                       RANGE BETWEEN INTERVAL 30 DAY PRECEDING AND CURRENT ROW) AS last_sell
            FROM trades t JOIN products d ON d.product_id = t.product_id
            WHERE d.product_type = 'investment_trust'
              AND t.trade_date <= $as_of AND t.trade_date > $as_of - INTERVAL {int(window_days) + 30} DAY
        )
        SELECT count(*), sum(amount_jpy),
               count(*) FILTER (WHERE switch_group_id IS NOT NULL OR last_sell IS NOT NULL),
               sum(amount_jpy) FILTER (WHERE switch_group_id IS NOT NULL OR last_sell IS NOT NULL)
        FROM it
        WHERE side = 'buy' AND trade_date > $as_of - INTERVAL {int(window_days)} DAY
    """, {"as_of": as_of}).fetchall()[0]
    assert row is not None
    n, amount, sn, samt = row
    return {"investment_trust_buys": int(n), "switch_share": _ratio(sn, n), "switch_amount_share": _ratio(samt, amount)}


def _by_branch(con: duckdb.DuckDBPyConnection, as_of: date, window_days: int) -> list[dict[str, Any]]:
    """Per branch: buy amount, structured-bond share, in-house share, fee rate; highest structured share first."""
    rows = con.execute(f"""
        WITH b AS ({_buys(window_days)})
        SELECT branch_id, count(*) AS buys, sum(amount_jpy) AS amt,
               sum(amount_jpy) FILTER (WHERE product_type = 'structured_bond') / sum(amount_jpy) AS sb_share,
               sum(amount_jpy) FILTER (WHERE affiliated) / sum(amount_jpy) AS aff_share,
               sum(fee_jpy) / sum(amount_jpy) * 100 AS fee_rate
        FROM b GROUP BY branch_id HAVING sum(amount_jpy) > 0
        ORDER BY sb_share DESC NULLS LAST, branch_id
    """, {"as_of": as_of}).fetchall()
    return [{"branch_id": r[0], "buys": int(r[1]), "buy_amount_jpy": r[2], "structured_bond_share": r[3] or 0.0,
             "affiliated_share": r[4] or 0.0, "fee_rate_weighted": r[5]} for r in rows]


def _by_product_type(con: duckdb.DuckDBPyConnection, as_of: date, window_days: int) -> list[dict[str, Any]]:
    """Buy amount and amount-weighted fee rate per product type."""
    rows = con.execute(f"""
        WITH b AS ({_buys(window_days)})
        SELECT product_type, count(*), sum(amount_jpy), sum(fee_jpy) / nullif(sum(amount_jpy), 0) * 100
        FROM b GROUP BY product_type ORDER BY 3 DESC
    """, {"as_of": as_of}).fetchall()
    return [{"product_type": r[0], "buys": int(r[1]), "buy_amount_jpy": r[2], "fee_rate_weighted": r[3]}
            for r in rows]


def monitoring_indicators(
    con: duckdb.DuckDBPyConnection, as_of: date, *, window_days: int = WINDOW_DAYS
) -> dict[str, Any]:
    """The `monitoring` key of one kpis.json date: sales-behaviour indicators over the window up to `as_of`."""
    start = as_of - timedelta(days=window_days - 1)
    return {"monitoring": {
        "window": {"from": start.isoformat(), "to": as_of.isoformat(), "days": window_days},
        **_overview(con, as_of, window_days),
        **_switch_rate(con, as_of, window_days),
        "by_product_type": _by_product_type(con, as_of, window_days),
        "by_branch": _by_branch(con, as_of, window_days),
    }}
