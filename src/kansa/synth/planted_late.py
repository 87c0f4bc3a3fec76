"""Planted cases that depend on the background's totals: branch sales spikes and salesperson skews."""

from __future__ import annotations

import numpy as np

from kansa.synth.dates import month_index
from kansa.synth.institution import TYPE_INDEX
from kansa.synth.planted_base import Planted

_IT = TYPE_INDEX["investment_trust"]
_ONLINE_FUNDS = ("F002", "F003", "F014", "F009")


def _median_positive(series: np.ndarray) -> float:
    pos = series[series > 0]
    return float(np.median(pos)) if len(pos) else 0.0


def spikes(p: Planted, totals: np.ndarray, new_branch: int) -> None:
    """branch_sales_spike: two branches at 6x their median in the latest month, one at 2.5x (no flag),
    and a new branch at 6x with only three earlier months (no flag)."""
    f = p.frame
    r = "branch_sales_spike"
    months = month_index(np.array([f.start, f.end]))
    last_month_days = f.calendar.days[(month_index(f.calendar.days) == months[1]) & (f.calendar.days <= f.end)]
    for b, ratio, expected in ((1, 6.0, True), (2, 6.0, True), (3, 2.5, False)):
        series = totals[b * 8 + _IT]
        add = ratio * _median_positive(series[:-1]) - series[-1]
        _online_buys(p, b, add, last_month_days)
        p.expect(r, "branch", expected, entity_id=f.branch_id(b))
    # the new branch: 1,000,000 JPY in each of three months, then 6,000,000 JPY
    staff = p.salesperson(new_branch)
    for back, amount in ((3, 1_000_000), (2, 1_000_000), (1, 1_000_000), (0, 6_000_000)):
        days = f.calendar.days[(month_index(f.calendar.days) == months[1] - back) & (f.calendar.days <= f.end)]
        c = p.customer(branch=new_branch, age=48)
        for k in range(int(amount // 1_000_000)):
            p.buy(c, _ONLINE_FUNDS[k % 4] if k < 4 else "F001", int(days[(3 * k + 5) % len(days)]), 1_000_000,
                  staff=staff)
    p.expect(r, "branch", False, entity_id=f.branch_id(new_branch))


def _online_buys(p: Planted, branch: int, total: float, days: np.ndarray) -> None:
    k = 0
    while total > 0:
        c = p.customer(branch=branch, age=44)
        for product in _ONLINE_FUNDS:
            # a campaign: many ordinary orders (the rule wants the number of sales to rise, not a few large ones)
            amount = float(min(2_000_000, max(total, 0)))
            if amount <= 0:
                break
            p.buy(c, product, int(days[k % len(days)]), round(amount, -3), channel="online", solicited=0)
            total -= amount
            k += 1


def staff_skews(p: Planted, branch: int, staff: list[int], median_share: float, median_fee: float) -> None:
    """staff_affiliated_skew and staff_high_fee_skew: planted salespeople around the background median."""
    plan = [  # buys, in-house share (0-1), fee rate, affiliated expected, fee expected
        (40, 1.0, median_fee, True, False),
        (32, min(median_share + 0.42, 1.0), median_fee, True, False),
        (29, 1.0, median_fee, False, False),
        (40, median_share + 0.2, median_fee, False, False),
        (35, median_share, min(median_fee + 1.6, 3.3), False, True),
        (40, median_share, median_fee + 0.6, False, False),
        (29, median_share, 3.3, False, False),
    ]
    f = p.frame
    for s, (n, share, fee, aff_flag, fee_flag) in zip(staff, plan, strict=True):
        k_aff = round(share * n)
        groups = (("F004", "F019", k_aff), ("F020", "F002", n - k_aff))
        rows: list[tuple[str, float]] = []
        for hi, lo, k in groups:
            if k == 0:
                continue
            w = min(max(fee / 3.3, 0.0), 1.0)
            j = k if w >= 0.999 or k == 1 else (0 if w <= 0.001 else max(1, k // 2))
            a_hi = w * k * 1_000_000 / j if j else 0.0
            a_lo = (k * 1_000_000 - j * a_hi) / (k - j) if k > j else 0.0
            rows += [(hi, a_hi)] * j + [(lo, a_lo)] * (k - j)
        # a fixed shuffle so every month gets a similar mix
        order = [rows[i] for i in np.random.default_rng(len(rows)).permutation(len(rows))]
        c = -1
        for i, (product, amount) in enumerate(order):
            if i % 4 == 0:
                c = p.customer(branch=branch, age=46)
            d = p.bday(350 - int(i * 340 / n))
            if amount > 0:
                p.buy(c, product, d, round(amount, -3), staff=s)
        p.expect("staff_affiliated_skew", "staff", aff_flag, entity_id=f.staff_ids[s])
        p.expect("staff_high_fee_skew", "staff", fee_flag, entity_id=f.staff_ids[s])
