"""suitability_mismatch: risk above tolerance, complex products for the inexperienced; professionals exempt."""

from __future__ import annotations

import json

from kansa.engine.testing import customer, flagged, product, run_rule, trade

RULE = "suitability_mismatch"


def _world(*trades: dict) -> dict:
    return {
        "customers": [
            customer("LOW", "1970-01-01", risk_tolerance=2),
            customer("PRO", "1970-01-01", risk_tolerance=1, is_professional=True),
            customer("NEW", "1970-01-01", risk_tolerance=5, investment_experience="under_1y"),
            customer("SAFE", "1970-01-01", risk_tolerance=5, investment_purpose="preservation"),
            customer("PRO_NULL", "1970-01-01", risk_tolerance=2, is_professional=None),
        ],
        "products": [product("R4", risk_class=4), product("R3", risk_class=3),
                     product("CX", "structured_bond", risk_class=3, is_complex=True)],
        "trades": list(trades),
    }


def test_it_flags_a_gap_of_two_and_complex_products_for_new_or_cautious_customers() -> None:
    world = _world(
        trade("GAP2", "2025-01-10", "LOW", "R4"),
        trade("GAP1", "2025-01-10", "LOW", "R3"),
        trade("PRO", "2025-01-10", "PRO", "R4"),
        trade("NEWCX", "2025-01-10", "NEW", "CX"),
        trade("NEWPLAIN", "2025-01-10", "NEW", "R4"),
        trade("SAFECX", "2025-01-10", "SAFE", "CX"),
        trade("UNSOL", "2025-01-10", "LOW", "R4", solicited=False),
        trade("NULLPRO", "2025-01-10", "PRO_NULL", "R4"),
    )
    flags = run_rule(RULE, world, "2026-03-31")
    assert flagged(flags) == {"GAP2", "NEWCX", "SAFECX", "NULLPRO"}
    kinds = {r["entity_id"]: json.loads(r["evidence"])["mismatch"] for r in flags.to_pylist()}
    assert kinds["GAP2"] == "risk" and kinds["NEWCX"] == "complex"


def test_list_parameters_can_widen_the_inexperienced_levels() -> None:
    world = _world(trade("T", "2025-01-10", "LOW", "CX"))  # experience over_5y by default
    assert flagged(run_rule(RULE, world, "2026-03-31")) == set()
    widened = run_rule(RULE, world, "2026-03-31", params={"inexperienced": ["none", "under_1y", "over_5y"]})
    assert flagged(widened) == {"T"}
