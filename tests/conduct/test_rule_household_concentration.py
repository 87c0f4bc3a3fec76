"""household_concentration: families with most of their assets, deposits included, in structured bonds."""

from __future__ import annotations

import json

from kansa.engine.testing import customer, flagged, product, run_rule

RULE = "household_concentration"


def _pos(as_of: str, cust: str, prod: str, value: float) -> dict:
    return {"as_of_date": as_of, "customer_id": cust, "product_id": prod, "market_value_jpy": value,
            "cumulative_purchase_jpy": value}


def _world() -> dict:
    return {
        "customers": [customer("A1", "1950-01-01", household_id="H_A"),
                      customer("A2", "1952-01-01", household_id="H_A"),
                      customer("B1", "1950-01-01", household_id="H_B"),
                      customer("S1", "1950-01-01", household_id=None),
                      customer("T1", "1950-01-01", household_id="H_T")],
        "products": [product("SB", "structured_bond"), product("DEP", "deposit", risk_class=1)],
        "positions": [
            # H_A: 8.0M of 10.0M in structured bonds across two members: exactly 80% -> flag
            _pos("2026-03-31", "A1", "SB", 8_000_000), _pos("2026-03-31", "A2", "DEP", 2_000_000),
            # H_B: 79.99% -> near miss
            _pos("2026-03-31", "B1", "SB", 7_999_000), _pos("2026-03-31", "B1", "DEP", 2_001_000),
            # S1 (no household id: its own) 100% but only 900k in total -> below the floor
            _pos("2026-03-31", "S1", "SB", 900_000),
            # H_T concentrated only at an older date -> the latest date counts
            _pos("2025-09-30", "T1", "SB", 9_000_000), _pos("2026-03-31", "T1", "DEP", 9_000_000),
        ],
    }


def test_it_flags_a_household_at_exactly_80_percent_and_spares_the_near_misses() -> None:
    flags = run_rule(RULE, _world(), "2026-03-31")
    assert flagged(flags) == {"H_A"}
    row = flags.to_pylist()[0]
    ev = json.loads(row["evidence"])
    assert ev["customer_ids"] == ["A1", "A2"] and ev["share_pct"] == 80.0 and ev["total_jpy"] == 10_000_000
    assert ev["branch_id"] == "B01"  # for the branch x rule heat map
    assert row["entity_type"] == "household" and str(row["event_date"]) == "2026-03-31"
    assert "80.0%" in row["reason"]


def test_the_evaluation_date_picks_the_latest_positions_on_or_before_it() -> None:
    assert flagged(run_rule(RULE, _world(), "2025-12-31")) == {"H_T"}


def test_a_household_without_a_household_id_is_the_customer_and_the_floor_is_a_parameter() -> None:
    flags = run_rule(RULE, _world(), "2026-03-31", params={"min_total_jpy": 500_000})
    assert flagged(flags) == {"H_A", "S1"}
