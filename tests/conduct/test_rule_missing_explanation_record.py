"""missing_explanation_record: complex products sold on solicitation without a recorded explanation."""

from __future__ import annotations

from kansa.engine.testing import customer, flagged, product, run_rule, trade

RULE = "missing_explanation_record"


def test_it_flags_false_or_empty_records_for_complex_products_only() -> None:
    world = {
        "customers": [customer("C1", "1970-01-01")],
        "products": [product("CX", "structured_bond", is_complex=True), product("PLAIN")],
        "trades": [
            trade("FALSE", "2025-01-10", "C1", "CX", explanation_recorded=False),
            trade("EMPTY", "2025-01-10", "C1", "CX", explanation_recorded=None),
            trade("OK", "2025-01-10", "C1", "CX", explanation_recorded=True),
            trade("PLAIN", "2025-01-10", "C1", "PLAIN", explanation_recorded=False),
            trade("ONLINE", "2025-01-10", "C1", "CX", channel="online", solicited=None, explanation_recorded=False),
        ],
    }
    assert flagged(run_rule(RULE, world, "2026-03-31")) == {"FALSE", "EMPTY"}
