"""short_term_switch: a fund sold within 180 days of the first buy, then another fund bought with a fee."""

from __future__ import annotations

import json

from kansa.engine.testing import customer, flagged, product, run_rule, trade

RULE = "short_term_switch"


def _world(*trades: dict) -> dict:
    return {
        "customers": [customer("C1", "1970-01-01"), customer("C2", "1970-01-01")],
        "products": [product("F1"), product("F2"), product("SB", "structured_bond")],
        "trades": list(trades),
    }


def test_it_flags_a_sell_at_179_days_followed_by_a_fee_paying_buy_within_30_days() -> None:
    world = _world(
        trade("B0", "2025-01-01", "C1", "F1"),
        trade("S1", "2025-06-29", "C1", "F1", side="sell"),               # 179 days after the first buy
        trade("B1", "2025-07-29", "C1", "F2", fee_jpy=33_000.0),          # 30 days later
    )
    flags = run_rule(RULE, world, "2026-03-31")
    assert flagged(flags) == {"S1"}
    ev = json.loads(flags.to_pylist()[0]["evidence"])
    assert ev["held_days"] == 179 and ev["days_to_buy"] == 30 and ev["buy_trade_ids"] == ["B1"]
    assert ev["buy_fee_jpy"] == 33_000


def test_near_misses_180_days_31_days_no_fee_same_fund_other_customer_or_not_a_fund() -> None:
    world = _world(
        trade("B0", "2025-01-01", "C1", "F1"),
        trade("S180", "2025-06-30", "C1", "F1", side="sell"),             # held 180 days
        trade("B31", "2025-07-31", "C1", "F2", fee_jpy=10.0),              # 31 days after S180
        trade("B0b", "2025-01-01", "C2", "F1"),
        trade("S2", "2025-02-01", "C2", "F1", side="sell"),
        trade("NOFEE", "2025-02-02", "C2", "F2", fee_jpy=0.0),
        trade("SAME", "2025-02-03", "C2", "F1", fee_jpy=100.0),
        trade("SBBUY", "2025-02-03", "C2", "SB", fee_jpy=100.0),
        trade("OTHER", "2025-02-03", "C1", "F2", fee_jpy=100.0),           # C1 sold nothing then
    )
    assert flagged(run_rule(RULE, world, "2026-03-31")) == set()


def test_holding_is_counted_from_the_first_buy_not_the_latest() -> None:
    world = _world(
        trade("B0", "2024-01-01", "C1", "F1"),
        trade("B1", "2025-06-01", "C1", "F1"),
        trade("S1", "2025-06-10", "C1", "F1", side="sell"),
        trade("B2", "2025-06-11", "C1", "F2", fee_jpy=100.0),
    )
    assert flagged(run_rule(RULE, world, "2026-03-31")) == set()


def test_a_redemption_at_the_funds_maturity_is_no_switch_but_a_sale_eight_days_before_is() -> None:
    world = {
        "customers": [customer("C1", "1970-01-01"), customer("C2", "1970-01-01")],
        "products": [product("FM", maturity_date="2025-06-30"), product("F2")],
        "trades": [
            trade("B1", "2025-03-01", "C1", "FM"),
            trade("RED", "2025-06-30", "C1", "FM", side="sell"),           # the fund's wind-up: a redemption
            trade("RB", "2025-07-02", "C1", "F2", fee_jpy=30_000.0),
            trade("B2", "2025-03-01", "C2", "FM"),
            trade("EARLY", "2025-06-22", "C2", "FM", side="sell"),         # 8 days before maturity: a switch
            trade("EB", "2025-06-25", "C2", "F2", fee_jpy=30_000.0),
        ],
    }
    assert flagged(run_rule(RULE, world, "2026-03-31")) == {"EARLY"}
    # an institution that treats the last month as redemption too
    assert flagged(run_rule(RULE, world, "2026-03-31", {"redemption_days": 30})) == set()
