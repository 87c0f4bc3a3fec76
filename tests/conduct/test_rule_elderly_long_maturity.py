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
