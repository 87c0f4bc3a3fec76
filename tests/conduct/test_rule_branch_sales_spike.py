"""branch_sales_spike: a month far above the branch's own median (robust z), with enough history."""

from __future__ import annotations

import json

from kansa.engine.testing import customer, flagged, product, run_rule, trade

RULE = "branch_sales_spike"
HISTORY = [10.0, 12.0, 11.0, 9.0, 10.0, 13.0]  # million JPY, Oct 2024 - Mar 2025; median 10.5, MAD 1.0


def _world(branch: str, history: list[float], spike: float) -> dict:
    months = ["2024-10", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03"][-len(history):]
    trades = [trade(f"{branch}-{m}", f"{m}-15", "C1", "F1", branch_id=branch, amount_jpy=v * 1e6)
              for m, v in zip(months, history, strict=True)]
    trades.append(trade(f"{branch}-spike", "2025-04-10", "C1", "F1", branch_id=branch, amount_jpy=spike * 1e6))
    return {"customers": [customer("C1", "1970-01-01")], "products": [product("F1")], "trades": trades}


def test_it_flags_a_month_at_three_times_the_median_with_a_high_robust_z() -> None:
    flags = run_rule(RULE, _world("B01", HISTORY, 31.5), "2026-03-31")
    assert flagged(flags) == {"B01"}
    ev = json.loads(flags.to_pylist()[0]["evidence"])
    assert ev["month"] == 202504 and ev["median_jpy"] == 10_500_000 and ev["history_months"] == 6
    assert ev["ratio"] == 3.0 and ev["robust_z"] == round(0.6745 * 21.0, 2)


def test_just_under_three_times_the_median_is_not_flagged() -> None:
    assert flagged(run_rule(RULE, _world("B01", HISTORY, 31.4), "2026-03-31")) == set()


def test_five_months_of_history_are_not_enough() -> None:
    assert flagged(run_rule(RULE, _world("B01", HISTORY[1:], 40.0), "2026-03-31")) == set()


def test_a_high_ratio_with_a_low_robust_z_is_not_flagged() -> None:
    # a volatile history (MAD 8) makes 3x the median ordinary: z = 0.6745 * 21 / 8 < 3.5
    volatile = [2.0, 18.0, 10.5, 3.0, 20.0, 10.5]
    assert flagged(run_rule(RULE, _world("B01", volatile, 31.5), "2026-03-31")) == set()


def test_a_spike_before_the_evaluation_window_is_history_not_a_finding() -> None:
    world = _world("B01", HISTORY, 31.5)  # the spike is in April 2025
    assert flagged(run_rule(RULE, world, "2026-03-31", params={"eval_months": 12})) == {"B01"}
    assert flagged(run_rule(RULE, world, "2026-04-30", params={"eval_months": 12})) == set()
