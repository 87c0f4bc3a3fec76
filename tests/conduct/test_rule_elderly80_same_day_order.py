"""elderly80_same_day_order: same-day orders from customers aged 80+, and the next-day near misses."""

from __future__ import annotations

from kansa.engine.testing import customer, flagged, product, run_rule, trade

RULE = "elderly80_same_day_order"


def _world(*trades: dict) -> dict:
    return {
        "customers": [customer("C80", "1945-03-01"), customer("C79", "1945-03-02")],
        "products": [product("SB", "structured_bond", is_complex=True, is_caution_product=True),
                     product("BOND", "bond", risk_class=2)],
        "trades": list(trades),
    }


def test_it_flags_an_order_taken_on_the_solicitation_day_from_an_80_year_old() -> None:
    flags = run_rule(RULE, _world(trade("T1", "2025-03-01", "C80", "SB", solicitation_date="2025-03-01")), "2026-03-31")
    assert flagged(flags) == {"T1"}
    assert "80歳" in flags.to_pylist()[0]["reason"]


def test_next_day_orders_79_year_olds_and_plain_bonds_are_not_flagged() -> None:
    world = _world(
        trade("NEXT", "2025-03-02", "C80", "SB", solicitation_date="2025-03-01"),
        trade("AGE79", "2025-03-01", "C79", "SB", solicitation_date="2025-03-01"),
        trade("BOND", "2025-03-01", "C80", "BOND", solicitation_date="2025-03-01"),
        trade("NODATE", "2025-03-01", "C80", "SB"),
        trade("ONLINE", "2025-03-01", "C80", "SB", channel="online", solicited=None,
              solicitation_date="2025-03-01"),
    )
    assert flagged(run_rule(RULE, world, "2026-03-31")) == set()
