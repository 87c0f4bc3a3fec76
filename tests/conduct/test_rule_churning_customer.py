"""churning_customer: three short-term switches in a year, with fees against current holdings."""

from __future__ import annotations

import json

from kansa.engine.testing import customer, flagged, product, run_rule, trade

RULE = "churning_customer"


def _switch(n: int, cust: str, day: str, fee: float = 30_000.0) -> list[dict]:
    """Buy fund A{n} 60 days before `day`, sell it on `day`, buy fund A{n+1} with a fee the next day."""
    from datetime import date, timedelta

    sell = date.fromisoformat(day)
    return [
        trade(f"{cust}-B{n}", (sell - timedelta(days=60)).isoformat(), cust, f"F{n}"),
        trade(f"{cust}-S{n}", day, cust, f"F{n}", side="sell"),
        trade(f"{cust}-N{n}", (sell + timedelta(days=1)).isoformat(), cust, f"F{n + 1}", fee_jpy=fee),
    ]


def _world(trades: list[dict]) -> dict:
    return {
        "customers": [customer("C1", "1960-01-01"), customer("C2", "1960-01-01")],
        "products": [product(f"F{i}") for i in range(1, 10)],
        "trades": trades,
        "positions": [{"as_of_date": "2026-03-31", "customer_id": "C1", "product_id": "F4",
                       "market_value_jpy": 1_000_000.0, "cumulative_purchase_jpy": 1_000_000.0}],
    }


def test_it_flags_three_switches_in_the_year_with_fees_and_their_share_of_holdings() -> None:
    trades = _switch(1, "C1", "2025-06-01") + _switch(4, "C1", "2025-09-01") + _switch(7, "C1", "2026-01-05")
    flags = run_rule(RULE, _world(trades), "2026-03-31")
    assert flagged(flags) == {"C1"}
    ev = json.loads(flags.to_pylist()[0]["evidence"])
    assert ev["switches"] == 3 and ev["switch_sell_ids"] == ["C1-S1", "C1-S4", "C1-S7"]
    assert ev["fees_paid_jpy"] == 90_000 and ev["holdings_jpy"] == 1_000_000 and ev["fees_to_holdings_pct"] == 9.0


def test_a_switch_older_than_365_days_does_not_count() -> None:
    # 2025-03-31 is 365 days before the evaluation date: outside the window
    trades = _switch(1, "C2", "2025-03-31") + _switch(4, "C2", "2025-09-01") + _switch(7, "C2", "2026-01-05")
    assert flagged(run_rule(RULE, _world(trades), "2026-03-31")) == set()
    trades = _switch(1, "C2", "2025-04-01") + _switch(4, "C2", "2025-09-01") + _switch(7, "C2", "2026-01-05")
    assert flagged(run_rule(RULE, _world(trades), "2026-03-31")) == {"C2"}
