"""elderly_caution_no_approval: planted sales without approval, and the near misses it must leave alone."""

from __future__ import annotations

import json

from kansa.engine.testing import customer, flagged, product, run_rule, trade

RULE = "elderly_caution_no_approval"
AS_OF = "2026-03-31"


def _world(*trades: dict) -> dict:
    return {
        "customers": [
            customer("C75", "1950-06-15"),            # 75 on 2025-06-15
            customer("C74", "1950-06-16"),            # still 74 on 2025-06-15
            customer("CCOG", "1940-01-01", cognitive_check_date="2024-07-01"),
        ],
        "products": [product("SB", "structured_bond", is_complex=True, is_caution_product=True, risk_class=4),
                     product("MMF", "investment_trust", risk_class=1)],
        "trades": list(trades),
    }


def test_it_flags_a_solicited_caution_buy_on_the_75th_birthday_without_approval() -> None:
    flags = run_rule(RULE, _world(trade("T1", "2025-06-15", "C75", "SB", amount_jpy=3_000_000.0)), AS_OF)
    assert flagged(flags) == {"T1"}
    row = flags.to_pylist()[0]
    assert row["severity"] == "high" and row["score"] == 75.0
    assert json.loads(row["evidence"])["age"] == 75
    assert "75歳" in row["reason"] and "3,000,000円" in row["reason"]


def test_it_leaves_alone_a_74_year_old_the_day_before_the_birthday() -> None:
    assert flagged(run_rule(RULE, _world(trade("T1", "2025-06-15", "C74", "SB")), AS_OF)) == set()


def test_approval_on_the_trade_date_counts_but_one_the_day_after_does_not() -> None:
    world = _world(
        trade("OK", "2025-07-01", "C75", "SB", manager_approval_at="2025-07-01T15:30:00"),
        trade("LATE", "2025-07-01", "C75", "SB", manager_approval_at="2025-07-02T09:00:00"),
    )
    assert flagged(run_rule(RULE, world, AS_OF)) == {"LATE"}


def test_unsolicited_online_orders_and_non_caution_products_are_not_flagged() -> None:
    world = _world(
        trade("ONLINE", "2025-07-01", "C75", "SB", channel="online", solicited=None, staff_id=None),
        trade("PHONE_NULL", "2025-07-01", "C75", "SB", channel="phone", solicited=None),   # empty -> solicited
        trade("UNSOL", "2025-07-01", "C75", "SB", solicited=False),
        trade("MMF", "2025-07-01", "C75", "MMF"),
        trade("SELL", "2025-07-01", "C75", "SB", side="sell"),
    )
    assert flagged(run_rule(RULE, world, AS_OF)) == {"PHONE_NULL"}


def test_a_cognitive_check_within_365_days_exempts_and_one_older_does_not() -> None:
    world = _world(
        trade("IN", "2025-07-01", "CCOG", "SB"),     # 365 days after the check
        trade("OUT", "2025-07-02", "CCOG", "SB"),    # 366 days after
    )
    assert flagged(run_rule(RULE, world, AS_OF)) == {"OUT"}


def test_parameters_override_the_age_and_trades_after_as_of_are_ignored() -> None:
    world = _world(trade("T1", "2025-06-15", "C74", "SB"), trade("LATER", "2026-04-01", "C75", "SB"))
    assert flagged(run_rule(RULE, world, AS_OF, params={"min_age": 74})) == {"T1"}


def test_the_reason_is_in_english_when_asked() -> None:
    flags = run_rule(RULE, _world(trade("T1", "2025-06-15", "C75", "SB")), AS_OF, lang="en")
    assert flags.to_pylist()[0]["reason"].startswith("A 75-year-old customer")
