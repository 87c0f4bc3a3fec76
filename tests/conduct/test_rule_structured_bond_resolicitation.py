"""structured_bond_resolicitation: a new structured bond within 30 days of leaving another one."""

from __future__ import annotations

import json

from kansa.engine.testing import customer, flagged, product, run_rule, trade

RULE = "structured_bond_resolicitation"


def test_it_flags_a_buy_30_days_after_a_redemption_and_not_31_days() -> None:
    world = {
        "customers": [customer("C1", "1960-01-01"), customer("C2", "1960-01-01")],
        "products": [product("SB1", "structured_bond"), product("SB2", "structured_bond"),
                     product("F1", "investment_trust")],
        "trades": [
            trade("R1", "2025-05-01", "C1", "SB1", side="sell", solicited=None, staff_id=None),
            trade("B30", "2025-05-31", "C1", "SB2"),
            trade("R2", "2025-08-01", "C2", "SB1", side="sell"),
            trade("B31", "2025-09-01", "C2", "SB2"),
            trade("SAME", "2025-08-05", "C2", "SB1"),            # the same bond again: not another one
            trade("FUND", "2025-08-05", "C2", "F1"),
            trade("BEFORE", "2025-04-30", "C1", "SB2"),
        ],
    }
    flags = run_rule(RULE, world, "2026-03-31")
    assert flagged(flags) == {"B30"}
    ev = json.loads(flags.to_pylist()[0]["evidence"])
    assert ev["days_since_exit"] == 30 and ev["prior_exit_trade_ids"] == ["R1"]
