"""Attribute sampling: sample sizes for a confidence and tolerable deviation rate, and reproducible draws."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from typing import Any

from kansa.audit.errors import AuditUsageError
from kansa.audit.model import Sample, SampleItem


def _binom_cdf(k: int, n: int, p: float) -> float:
    return sum(math.comb(n, i) * p ** i * (1 - p) ** (n - i) for i in range(k + 1))


def sample_size(confidence: float, tolerable_rate: float, expected_rate: float = 0.0,
                max_n: int = 5000) -> int:
    """The attribute-sampling size (AICPA method, large population, binomial).

    The smallest n such that, with ceil(n x expected) deviations found, the chance the true rate exceeds the
    tolerable rate is at most 1 - confidence. With no expected deviations this is ln(1-c)/ln(1-t) rounded up.
    """
    if not 0 < confidence < 1:
        raise AuditUsageError("audit_bad_value", field="confidence", value=confidence, allowed="0 < c < 1")
    if not 0 < tolerable_rate < 1:
        raise AuditUsageError("audit_bad_value", field="tolerable_rate", value=tolerable_rate, allowed="0 < t < 1")
    if not 0 <= expected_rate < tolerable_rate:
        raise AuditUsageError("audit_bad_value", field="expected_rate", value=expected_rate,
                              allowed=f"0 <= e < {tolerable_rate}")
    risk = 1 - confidence
    for n in range(1, max_n + 1):
        k = math.ceil(round(n * expected_rate, 9))
        if _binom_cdf(k, n, tolerable_rate) <= risk + 1e-12:
            return n
    raise AuditUsageError("audit_bad_value", field="expected_rate", value=expected_rate,
                          allowed=f"a sample under {max_n}")


def draw_random(keys: Sequence[str], n: int, seed: int) -> list[SampleItem]:
    """n keys drawn without replacement with a recorded seed (all of them when fewer)."""
    rng = random.Random(seed)
    chosen = rng.sample(list(keys), min(n, len(keys)))
    return [SampleItem(key=k) for k in chosen]


def draw_stratified(rows: Sequence[Mapping[str, Any]], key: str, strata: Sequence[str], n: int,
                    seed: int) -> list[SampleItem]:
    """n rows spread over strata (e.g. rule_id x branch) in proportion, at least one from each stratum."""
    groups: dict[str, list[str]] = {}
    for row in rows:
        label = " / ".join(str(row.get(s, "")) for s in strata)
        groups.setdefault(label, []).append(str(row[key]))
    total = sum(len(v) for v in groups.values())
    rng = random.Random(seed)
    items: list[SampleItem] = []
    for label in sorted(groups):
        members = groups[label]
        take = min(len(members), max(1, round(n * len(members) / max(1, total))))
        items += [SampleItem(key=k, stratum=label) for k in rng.sample(members, take)]
    return items


def make_sample(sample_id: str, source: str, rows: Sequence[Mapping[str, Any]], key: str, *, seed: int,
                confidence: float = 0.95, tolerable_rate: float = 0.05, expected_rate: float = 0.0,
                strata: Sequence[str] = ()) -> Sample:
    """A sample from any rows (flags of a scan, rows of a table): sized by attribute sampling, seed recorded."""
    n = sample_size(confidence, tolerable_rate, expected_rate)
    items = (draw_stratified(rows, key, strata, n, seed) if strata
             else draw_random([str(r[key]) for r in rows], n, seed))
    method = f"stratified by {', '.join(strata)}" if strata else "random"
    return Sample(sample_id, source, method, seed, confidence, tolerable_rate, expected_rate, len(rows), items)
