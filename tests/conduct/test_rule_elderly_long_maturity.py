"""elderly_long_maturity: 80+ customers buying products that mature ten or more years later."""

from __future__ import annotations

import json

from kansa.engine.testing import customer, flagged, product, run_rule, trade

RULE = "elderly_long_maturity"


def test_it_flags_a_maturity_on_the_tenth_anniversary_and_not_the_day_before() -> None:
    world = {
        "customers": [customer("C82", "1943-01-01"), customer("C79", "1946-01-01")],
        "products": [product("SB10", "structured_bond", maturity_date="2035-04-01"),
                     product("SB9", "structured_bond", maturity_date="2035-03-31"),
                     product("FUND", "investment_trust")],
        "trades": [trade("TEN", "2025-04-01", "C82", "SB10"), trade("NINE", "2025-04-01", "C82", "SB9"),
                   trade("NOMAT", "2025-04-01", "C82", "FUND"), trade("YOUNG", "2025-04-01", "C79", "SB10")],
    }
    flags = run_rule(RULE, world, "2026-03-31")
    assert flagged(flags) == {"TEN"}
    ev = json.loads(flags.to_pylist()[0]["evidence"])
    assert ev["age"] == 82 and ev["years_to_maturity"] == 10 and ev["maturity_date"] == "2035-04-01"


def test_it_flags_only_lock_in_products_by_early_exit_or_the_product_type_default() -> None:
    world = {
        "customers": [customer("C85", "1940-06-01")],
        "products": [
            product("SB", "structured_bond", maturity_date="2040-01-01"),             # default at_cost: flag
            product("INS", "foreign_currency_insurance", maturity_date="2040-01-01"),  # default at_cost: flag
            product("FUND", "investment_trust", maturity_date="2045-01-01"),           # wind-up date, redeemable daily
            product("JGB", "bond", maturity_date="2040-01-01"),                        # default liquid
            product("LOCKED", "bond", maturity_date="2040-01-01", early_exit="none"),  # explicit: flag
            product("SBLIQ", "structured_bond", maturity_date="2040-01-01", early_exit="liquid"),  # explicit: none
        ],
        "trades": [trade(p, "2026-01-05", "C85", p) for p in ("SB", "INS", "FUND", "JGB", "LOCKED", "SBLIQ")],
    }
    flags = run_rule(RULE, world, "2026-03-31")
    assert flagged(flags) == {"SB", "INS", "LOCKED"}
    exits = {f["entity_id"]: json.loads(f["evidence"])["early_exit"] for f in flags.to_pylist()}
    assert exits == {"SB": "at_cost", "INS": "at_cost", "LOCKED": "none"}


def test_an_institution_may_count_at_cost_exits_as_liquid() -> None:
    world = {
        "customers": [customer("C85", "1940-06-01")],
        "products": [product("SB", "structured_bond", maturity_date="2040-01-01"),
                     product("LOCKED", "other", maturity_date="2040-01-01", early_exit="none")],
        "trades": [trade("SB", "2026-01-05", "C85", "SB"), trade("LOCKED", "2026-01-05", "C85", "LOCKED")],
    }
    assert flagged(run_rule(RULE, world, "2026-03-31", {"lockin_exits": ["none"]})) == {"LOCKED"}
