"""branch_sales_spike: a month far above the branch's own median (robust z), with enough history."""

from __future__ import annotations

import json

from kansa.engine.testing import customer, flagged, product, run_rule, trade

RULE = "branch_sales_spike"
HISTORY = [10.0, 12.0, 11.0, 9.0, 10.0, 13.0]  # million JPY, Oct 2024 - Mar 2025; median 10.5, MAD 1.0


def _buys(branch: str, month: str, amount: float, n: int) -> list[dict]:
    """`n` buys in the month that add up to `amount` million JPY."""
    return [trade(f"{branch}-{month}-{k}", f"{month}-{10 + k % 15:02d}", "C1", "F1", branch_id=branch,
                  amount_jpy=amount * 1e6 / n) for k in range(n)]


def _world(branch: str, history: list[float], spike: float, n: int = 5, spike_n: int = 20,
           others: tuple[dict, ...] = ()) -> dict:
    """A branch with `n` buys a month of history and `spike_n` buys in April 2025 (a campaign: many sales)."""
    months = ["2024-10", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03"][-len(history):]
    trades = [t for m, v in zip(months, history, strict=True) for t in _buys(branch, m, v, n)]
    trades += _buys(branch, "2025-04", spike, spike_n)
    for o in others:
        trades += o["trades"]
    return {"customers": [customer("C1", "1970-01-01")], "products": [product("F1")], "trades": trades}


def test_it_flags_a_month_at_three_times_the_median_with_a_high_robust_z() -> None:
    flags = run_rule(RULE, _world("B01", HISTORY, 31.5), "2026-03-31")
    assert flagged(flags) == {"B01"}
    ev = json.loads(flags.to_pylist()[0]["evidence"])
    assert ev["month"] == 202504 and ev["median_jpy"] == 10_500_000 and ev["history_months"] == 6
    assert ev["ratio"] == 3.0 and ev["robust_z"] == round(0.6745 * 21.0, 2)
    assert ev["buys"] == 20 and ev["median_buys"] == 5 and ev["count_z"] == round(2 * (20 ** 0.5 - 5 ** 0.5), 2)


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


def test_a_few_large_orders_on_a_low_volume_line_are_not_a_spike() -> None:
    # three times the amount, but the same five sales a month: a few large orders, no campaign
    assert flagged(run_rule(RULE, _world("B01", HISTORY, 40.0, spike_n=5), "2026-03-31")) == set()


def test_the_count_statistic_and_the_minimum_count_decide_at_their_thresholds() -> None:
    # median 5 buys: 2(sqrt(n) - sqrt(5)) is 2.74 at n = 13 and 3.01 at n = 14
    assert flagged(run_rule(RULE, _world("B01", HISTORY, 40.0, spike_n=13), "2026-03-31")) == set()
    assert flagged(run_rule(RULE, _world("B01", HISTORY, 40.0, spike_n=14), "2026-03-31")) == {"B01"}
    # median 1 buy: 9 buys pass the count statistic (4.0) but not the minimum of 10 buys
    assert flagged(run_rule(RULE, _world("B01", HISTORY, 40.0, n=1, spike_n=9), "2026-03-31")) == set()
    assert flagged(run_rule(RULE, _world("B01", HISTORY, 40.0, n=1, spike_n=10), "2026-03-31")) == {"B01"}


def test_a_rise_at_every_branch_in_the_same_month_is_the_season_not_a_spike() -> None:
    peers = tuple(_world(b, HISTORY, 31.5) for b in ("B02", "B03", "B04"))
    assert flagged(run_rule(RULE, _world("B01", HISTORY, 31.5, others=peers), "2026-03-31")) == set()
    # twice the peers' rise still stands out
    flags = run_rule(RULE, _world("B01", HISTORY, 63.0, spike_n=40, others=peers), "2026-03-31")
    assert flagged(flags) == {"B01"}
    ev = json.loads(flags.to_pylist()[0]["evidence"])
    assert ev["peer_ratio"] == 3.0 and ev["peer_branches"] == 3
