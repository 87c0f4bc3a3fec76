"""staff_affiliated_skew and staff_high_fee_skew: salespeople far above their colleagues' median."""

from __future__ import annotations

import json

from kansa.engine.testing import customer, flagged, product, run_rule, trade


def _staff_trades(staff: str, n: int, product_id: str, first: int = 0) -> list[dict]:
    return [trade(f"{staff}-{first + i}", "2026-01-15", "C1", product_id, staff_id=staff) for i in range(n)]


def _world(*trades: list[dict]) -> dict:
    return {
        "customers": [customer("C1", "1970-01-01")],
        "products": [product("OWN", is_affiliated=True, upfront_fee_rate=3.3),
                     product("EXT", is_affiliated=False, upfront_fee_rate=1.1),
                     product("MID", is_affiliated=False, upfront_fee_rate=2.1)],
        "trades": [t for group in trades for t in group],
    }


def test_affiliated_skew_flags_30_points_above_the_median_and_needs_30_buys() -> None:
    world = _world(
        *(_staff_trades(f"S_MED{i}", 30, "EXT") for i in range(3)),          # 0% x3 -> median 0%
        _staff_trades("S_HIGH", 21, "EXT") + _staff_trades("S_HIGH", 9, "OWN", 21),    # 30% -> flag
        _staff_trades("S_NEAR", 22, "EXT") + _staff_trades("S_NEAR", 8, "OWN", 22),    # 26.7% -> no
        _staff_trades("S_FEW", 29, "OWN"),                                     # 100% but 29 buys
    )
    flags = run_rule("staff_affiliated_skew", world, "2026-03-31")
    assert flagged(flags) == {"S_HIGH"}
    ev = json.loads(flags.to_pylist()[0]["evidence"])
    assert ev["affiliated_share_pct"] == 30.0 and ev["median_pct"] == 0.0 and ev["buys"] == 30


def test_buys_older_than_the_window_are_left_out() -> None:
    old = [trade(f"OLD-{i}", "2025-03-31", "C1", "OWN", staff_id="S_OLD") for i in range(30)]
    world = _world(_staff_trades("S_A", 30, "EXT"), _staff_trades("S_B", 30, "EXT"), old)
    assert flagged(run_rule("staff_affiliated_skew", world, "2026-03-31")) == set()


def test_high_fee_skew_flags_one_point_above_the_median() -> None:
    world = _world(
        *(_staff_trades(f"S_{i}", 30, "EXT") for i in range(3)),   # 1.1% x3 -> median 1.1%
        _staff_trades("S_HIGH", 30, "MID"),                # 2.1%: exactly 1.0 point above -> flag
        _staff_trades("S_NEAR", 29, "MID") + _staff_trades("S_NEAR", 1, "EXT", 29),   # 2.067%: no
    )
    flags = run_rule("staff_high_fee_skew", world, "2026-03-31")
    assert flagged(flags) == {"S_HIGH"}
    assert "2.10%" in flags.to_pylist()[0]["reason"]
