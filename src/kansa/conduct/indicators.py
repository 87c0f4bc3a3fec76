"""The platform's own conduct monitoring indicators (beyond the FSA common KPIs), in DuckDB SQL.

All are computed over the buys of risk products (deposits left out) in the `window_days` days up to and
including the evaluation date, and go into kpis.json under the key `monitoring`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from kansa.engine.connection import SqlConnection

WINDOW_DAYS = 365


def age_sql(birth: str, at: str) -> str:
    """SQL for whole years between two dates; a 29 February birthday counts on 1 March in common years."""
    return (f"(year({at}) - year({birth}) - CASE WHEN month({at}) * 100 + day({at}) "
            f"< month({birth}) * 100 + day({birth}) THEN 1 ELSE 0 END)")


# Caution product as the contract defaults it, for tables that did not pass through the loader.
_CAUTION = "coalesce(d.is_caution_product, d.is_complex OR d.risk_class >= 4)"


def _windowed_buys(window_days: int, *, caution_only: bool) -> str:
    """Each evaluation date's window of buys of risk products (`$dates`; a trade joins every window holding it).

    The customers join (for ages) is paid only on caution-product buys: the one figure that needs an age.
    """
    age = f", {age_sql('c.birth_date', 't.trade_date')} AS age" if caution_only else ""
    customers = "JOIN customers c ON c.customer_id = t.customer_id" if caution_only else ""
    caution = f"AND {_CAUTION}" if caution_only else ""
    return f"""
        SELECT w.as_of, t.branch_id, t.amount_jpy, coalesce(t.fee_jpy, 0) AS fee_jpy, d.product_type,
               coalesce(d.is_affiliated, false) AS affiliated {age}
        FROM trades t
        JOIN products d ON d.product_id = t.product_id
        {customers}
        JOIN (SELECT unnest($dates::DATE[]) AS as_of) w
          ON t.trade_date <= w.as_of AND t.trade_date > w.as_of - INTERVAL {int(window_days)} DAY
        WHERE t.side = 'buy' AND d.product_type <> 'deposit' {caution}
          AND t.trade_date <= $last AND t.trade_date > $first - INTERVAL {int(window_days)} DAY
    """


def _ratio(num: float | None, den: float | None) -> float | None:
    """num / den, None when the denominator is empty."""
    return (num or 0) / den if den else None


def _date_params(dates: Sequence[date]) -> dict[str, Any]:
    """Query parameters for the windows of `dates` (the first and last bound the trades read)."""
    return {"dates": list(dates), "first": min(dates), "last": max(dates)}


def _caution_ages(
    con: SqlConnection, dates: Sequence[date], window_days: int
) -> dict[date, dict[str, Any]]:
    """Per date: caution-product buys and the shares of them by customers aged 75+ and 80+ (count and amount)."""
    rows = con.execute(f"""
        WITH b AS ({_windowed_buys(window_days, caution_only=True)})
        SELECT as_of, count(*), sum(amount_jpy),
               count(*) FILTER (WHERE age >= 75), sum(amount_jpy) FILTER (WHERE age >= 75),
               count(*) FILTER (WHERE age >= 80), sum(amount_jpy) FILTER (WHERE age >= 80)
        FROM b GROUP BY as_of
    """, _date_params(dates)).fetchall()
    out: dict[date, dict[str, Any]] = {d: {
        "caution_buys": 0, "caution_buys_age75_share": None, "caution_buys_age80_share": None,
        "caution_amount_age75_share": None, "caution_amount_age80_share": None} for d in dates}
    for as_of, cn, camt, c75, a75, c80, a80 in rows:
        out[as_of] = {"caution_buys": int(cn),
                      "caution_buys_age75_share": _ratio(c75, cn), "caution_buys_age80_share": _ratio(c80, cn),
                      "caution_amount_age75_share": _ratio(a75, camt), "caution_amount_age80_share": _ratio(a80, camt)}
    return out


def _buy_figures(
    con: SqlConnection, dates: Sequence[date], window_days: int
) -> dict[date, dict[str, Any]]:
    """Per date: overview, by branch and by product type, in one grouped pass (GROUPING SETS)."""
    rows = con.execute(f"""
        WITH b AS ({_windowed_buys(window_days, caution_only=False)})
        -- GROUPING(a, b) spelled bit by bit: Spark's grouping() takes one column
        SELECT as_of, branch_id, product_type, GROUPING(branch_id) * 2 + GROUPING(product_type) AS level,
               count(*), sum(amount_jpy), sum(fee_jpy),
               sum(amount_jpy) FILTER (WHERE affiliated),
               sum(amount_jpy) FILTER (WHERE product_type = 'structured_bond')
        FROM b
        GROUP BY GROUPING SETS ((as_of), (as_of, branch_id), (as_of, product_type))
    """, _date_params(dates)).fetchall()
    empty = {"buys": 0, "buy_amount_jpy": 0.0, "fee_jpy": 0.0, "fee_rate_weighted": None, "affiliated_share": None}
    out: dict[date, dict[str, Any]] = {d: {"overview": dict(empty), "by_branch": [], "by_product_type": []}
                                       for d in dates}
    for as_of, branch, ptype, level, n, amount, fees, aff, sb in rows:
        entry = out[as_of]
        if level == 3:  # neither branch nor product type: the whole window
            entry["overview"] = {
                "buys": int(n), "buy_amount_jpy": amount or 0.0, "fee_jpy": fees or 0.0,
                # percent, like the contract's rates (upfront_fee_rate 3.3 = 3.3%)
                "fee_rate_weighted": (fees or 0) / amount * 100 if amount else None,
                "affiliated_share": _ratio(aff, amount),
            }
        elif level == 1 and amount:  # by branch
            entry["by_branch"].append({
                "branch_id": branch, "buys": int(n), "buy_amount_jpy": amount,
                "structured_bond_share": (sb or 0) / amount, "affiliated_share": (aff or 0) / amount,
                "fee_rate_weighted": (fees or 0) / amount * 100})
        elif level == 2:  # by product type
            entry["by_product_type"].append({"product_type": ptype, "buys": int(n), "buy_amount_jpy": amount,
                                             "fee_rate_weighted": (fees or 0) / amount * 100 if amount else None})
    for entry in out.values():
        entry["by_branch"].sort(key=lambda b: (-b["structured_bond_share"], b["branch_id"]))
        entry["by_product_type"].sort(key=lambda p: -(p["buy_amount_jpy"] or 0))
    return out


def _switch_rates(
    con: SqlConnection, dates: Sequence[date], window_days: int
) -> dict[date, dict[str, Any]]:
    """Share of investment-trust buys that are switches: in a switch group, or within 30 days after a sell."""
    # A buy is a switch when it is in a switch group or a sell of the same customer came in the 30 days before.
    # The join on the customer (then the 30-day test) costs a third of a window over each customer's trades.
    # Only the buys it matches are made distinct (by trade_id, the contract's key): a DISTINCT over every
    # (customer, day) of buys kept almost all of them and grew faster than the data (x23 for x10 at 110M).
    rows = con.execute(f"""
        WITH it AS (
            SELECT t.trade_id, t.customer_id, t.trade_date, t.side, t.amount_jpy, t.switch_group_id
            FROM trades t JOIN products d ON d.product_id = t.product_id
            WHERE d.product_type = 'investment_trust'
              AND t.trade_date <= $last AND t.trade_date > $first - INTERVAL {int(window_days) + 30} DAY
        ), sells AS (
            SELECT DISTINCT customer_id, trade_date AS sold_on FROM it WHERE side = 'sell'
        ), buys AS (
            SELECT trade_id, customer_id, trade_date, amount_jpy, switch_group_id
            FROM it WHERE side = 'buy' AND trade_date > $first - INTERVAL {int(window_days)} DAY
        ), after_sell AS (
            -- buys outside a switch group that a sell preceded: counted once more, as switches
            SELECT DISTINCT b.trade_id, b.trade_date, b.amount_jpy
            FROM buys b JOIN sells s
              ON s.customer_id = b.customer_id AND s.sold_on BETWEEN b.trade_date - INTERVAL 30 DAY AND b.trade_date
            WHERE b.switch_group_id IS NULL
        ), flagged AS (
            SELECT trade_date, amount_jpy, false AS again, switch_group_id IS NOT NULL AS is_switch FROM buys
            UNION ALL SELECT trade_date, amount_jpy, true, true FROM after_sell
        )
        SELECT w.as_of, count(*) FILTER (WHERE NOT again), sum(amount_jpy) FILTER (WHERE NOT again),
               count(*) FILTER (WHERE is_switch), sum(amount_jpy) FILTER (WHERE is_switch)
        FROM flagged f JOIN (SELECT unnest($dates::DATE[]) AS as_of) w
          ON f.trade_date <= w.as_of AND f.trade_date > w.as_of - INTERVAL {int(window_days)} DAY
        GROUP BY w.as_of
    """, _date_params(dates)).fetchall()
    out: dict[date, dict[str, Any]] = {
        d: {"investment_trust_buys": 0, "switch_share": None, "switch_amount_share": None} for d in dates}
    for as_of, n, amount, sn, samt in rows:
        out[as_of] = {"investment_trust_buys": int(n), "switch_share": _ratio(sn, n),
                      "switch_amount_share": _ratio(samt, amount)}
    return out


def monitoring_for_dates(
    con: SqlConnection, dates: Sequence[date], *, window_days: int = WINDOW_DAYS
) -> dict[date, dict[str, Any]]:
    """The `monitoring` key for every date at once: sales-behaviour indicators over each window."""
    if not dates:
        return {}
    buys = _buy_figures(con, dates, window_days)
    ages = _caution_ages(con, dates, window_days)
    switches = _switch_rates(con, dates, window_days)
    out: dict[date, dict[str, Any]] = {}
    for d in dates:
        start = d - timedelta(days=window_days - 1)
        out[d] = {"monitoring": {
            "window": {"from": start.isoformat(), "to": d.isoformat(), "days": window_days},
            **buys[d]["overview"], **ages[d], **switches[d],
            "by_product_type": buys[d]["by_product_type"], "by_branch": buys[d]["by_branch"],
        }}
    return out


def monitoring_indicators(
    con: SqlConnection, as_of: date, *, window_days: int = WINDOW_DAYS
) -> dict[str, Any]:
    """The `monitoring` key of one kpis.json date: sales-behaviour indicators over the window up to `as_of`."""
    return monitoring_for_dates(con, [as_of], window_days=window_days)[as_of]
