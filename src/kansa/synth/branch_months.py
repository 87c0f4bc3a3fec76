"""Branch x product type x month buy totals, and the cap that keeps the background clear of
`branch_sales_spike` (a month >= 3x the median of the months before it, with 6+ months of history).

The cap is computed once, on the whole institution's totals (every background chunk plus the planted
buys of the other rules), in calendar order: a month's cap depends only on earlier months, which are
final by then, so one pass is exact and nothing added later can move a median under a capped month.
"""

from __future__ import annotations

import numpy as np

from kansa.synth.dates import month_index
from kansa.synth.institution import TYPES, Frame

# Kept well inside the rule's defaults (3x the median, 6 months of history): a background month may
# reach 2.4x its history's median once 5 months exist. The March and September peaks (about 1.4x)
# stay; only a rare heavy month at a small branch is trimmed.
MAX_RATIO = 2.4
MIN_HISTORY = 5


def shape(frame: Frame) -> tuple[int, int, int]:
    """(cells, months, first month index): a cell is branch x product type, over the trading window."""
    first, last = month_index(np.array([frame.start, frame.end]))
    return len(frame.branch_names) * len(TYPES), int(last - first + 1), int(first)


def trade_cells(frame: Frame, branch: np.ndarray, prod: np.ndarray, date: np.ndarray) -> np.ndarray:
    """Flat (cell, month) index of each trade."""
    _, n_m, first = shape(frame)
    return (branch * len(TYPES) + frame.shelf.type_[prod]) * n_m + (month_index(date) - first)


def buy_totals(frame: Frame, branch: np.ndarray, prod: np.ndarray, date: np.ndarray, buy: np.ndarray,
               amount: np.ndarray) -> np.ndarray:
    """Buy amount per cell and month (cells x months)."""
    n_c, n_m, _ = shape(frame)
    flat = trade_cells(frame, branch[buy], prod[buy], date[buy])
    return np.bincount(flat, weights=amount[buy], minlength=n_c * n_m).reshape(n_c, n_m)


def cap_factors(background: np.ndarray, fixed: np.ndarray) -> np.ndarray:
    """Per cell and month, the factor (0-1) on background buys so that background + fixed never exceeds
    MAX_RATIO x the median of the cell's earlier months with buys, once MIN_HISTORY such months exist."""
    factor = np.ones_like(background)
    total = background + fixed
    n_m = background.shape[1]
    for m in range(MIN_HISTORY, n_m):
        prior = np.where(total[:, :m] > 0, total[:, :m], np.nan)
        enough = np.sum(total[:, :m] > 0, axis=1) >= MIN_HISTORY
        if not enough.any():
            continue
        median = np.zeros(len(total))
        median[enough] = np.nanmedian(prior[enough], axis=1)
        cap = MAX_RATIO * median
        over = enough & (total[:, m] > cap) & (background[:, m] > 0)
        # the rounding of each scaled buy to 1,000 JPY is covered by the margin below the rule's 3x
        factor[over, m] = np.clip((cap[over] - fixed[over, m]) / background[over, m], 0.0, 1.0)
        total[over, m] = background[over, m] * factor[over, m] + fixed[over, m]
    return factor


def worst_ratio(total: np.ndarray) -> float:
    """The highest month / median-of-earlier-months ratio over cells with MIN_HISTORY+1 earlier months
    (what `branch_sales_spike` would see with 6 months of history required); 0 when there is none."""
    worst = 0.0
    for m in range(MIN_HISTORY + 1, total.shape[1]):
        prior = np.where(total[:, :m] > 0, total[:, :m], np.nan)
        enough = (np.sum(total[:, :m] > 0, axis=1) > MIN_HISTORY) & (total[:, m] > 0)
        if enough.any():
            med = np.nanmedian(prior[enough], axis=1)
            worst = max(worst, float(np.max(total[enough, m] / med)))
    return worst
