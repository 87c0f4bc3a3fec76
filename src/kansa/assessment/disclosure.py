"""Which groups of institutions published totals give away: subsets of the finest cohorts in their linear span."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations

import numpy as np

_TOL = 1e-9


def membership(cohorts: Sequence[str], leaves: Sequence[str], leaves_of: Mapping[str, Sequence[str]]) -> np.ndarray:
    """A 0/1 matrix: row per cohort, column per leaf (finest cohort) it contains."""
    col = {leaf: j for j, leaf in enumerate(leaves)}
    m = np.zeros((len(cohorts), len(leaves)))
    for i, c in enumerate(cohorts):
        for leaf in leaves_of[c]:
            if leaf in col:
                m[i, col[leaf]] = 1.0
    return m


def subsets(n: int) -> np.ndarray:
    """Every non-empty subset of n leaves as a 0/1 row (2^n - 1 rows)."""
    rows = [np.isin(np.arange(n), combo).astype(float) for size in range(1, n + 1)
            for combo in combinations(range(n), size)]
    return np.array(rows) if rows else np.zeros((0, n))


def in_span(published: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """For each candidate row: can it be written as a linear combination of the published rows?

    Published totals can be added and subtracted at will, so the sum over a set of leaves is disclosed exactly
    when the set's indicator lies in the row space of the published cohorts' indicators.
    """
    if published.size == 0 or candidates.size == 0:
        return np.zeros(len(candidates), dtype=bool)
    u, sv, _ = np.linalg.svd(published.T, full_matrices=False)   # SVD: an orthonormal basis even when rank-deficient
    basis = u[:, sv > _TOL * max(1.0, float(sv.max()) if sv.size else 1.0)]
    residual = candidates - (candidates @ basis) @ basis.T
    return np.asarray(np.all(np.abs(residual) < 1e-7, axis=1))


def disclosed_small_groups(published: np.ndarray, leaf_counts: np.ndarray, k: int,
                           all_subsets: np.ndarray) -> np.ndarray:
    """The subsets (rows of `all_subsets`) of 1..k-1 members whose total the published rows give away."""
    sizes = all_subsets @ leaf_counts
    small = all_subsets[(sizes > 0) & (sizes < k)]
    return small[in_span(published, small)]
