"""Small descriptive statistics: quantiles (linear, as numpy's default) and percentile ranks."""

from __future__ import annotations

from collections.abc import Sequence


def quantile(sorted_values: Sequence[float], q: float) -> float:
    """The q-quantile (0..1) of already sorted values by linear interpolation."""
    if not sorted_values:
        raise ValueError("no values")
    pos = (len(sorted_values) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def describe(values: Sequence[float]) -> dict[str, float]:
    """n, mean, median and quartiles of the values (which must not be empty)."""
    s = sorted(values)
    return {"n": len(s), "mean": sum(s) / len(s), "median": quantile(s, 0.5), "q1": quantile(s, 0.25),
            "q3": quantile(s, 0.75)}


def percentile_rank(value: float, values: Sequence[float]) -> float:
    """Share (0..100) of the values below `value`, counting ties as half: the mid-rank percentile."""
    below = sum(1 for v in values if v < value)
    equal = sum(1 for v in values if v == value)
    return 100.0 * (below + 0.5 * equal) / len(values)
