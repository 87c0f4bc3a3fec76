"""Detection quality against a synthetic institution's answer key: recall and precision per rule."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq


@dataclass(frozen=True)
class RuleQuality:
    """Counts and ratios for one rule."""

    rule_id: str
    planted: int
    found: int
    flagged: int           # every flag of the rule, planted or not
    near_misses_flagged: int

    @property
    def recall(self) -> float:
        """Share of planted cases that were flagged."""
        return self.found / self.planted if self.planted else 1.0

    @property
    def precision(self) -> float:
        """Share of flags that were planted cases."""
        return self.found / self.flagged if self.flagged else 1.0


def measure(answer_key: Path, flags_parquet: Path) -> dict[str, RuleQuality]:
    """Compare distinct flagged entities per rule with the answer key (`flag` / `no_flag` rows)."""
    with answer_key.open(encoding="utf-8-sig") as fh:
        key = list(csv.DictReader(fh))
    flags = pq.read_table(flags_parquet, columns=["rule_id", "entity_type", "entity_id"]).to_pylist()
    flagged = {(f["rule_id"], f["entity_type"], f["entity_id"]) for f in flags}
    expected = {(k["rule_id"], k["entity_type"], k["entity_id"]) for k in key if k["expected"] == "flag"}
    controls = {(k["rule_id"], k["entity_type"], k["entity_id"]) for k in key if k["expected"] == "no_flag"}
    rules = {k["rule_id"] for k in key} | {f[0] for f in flagged}
    return {
        r: RuleQuality(
            rule_id=r,
            planted=sum(1 for e in expected if e[0] == r),
            found=sum(1 for e in expected if e[0] == r and e in flagged),
            flagged=sum(1 for f in flagged if f[0] == r),
            near_misses_flagged=sum(1 for c in controls if c[0] == r and c in flagged),
        )
        for r in sorted(rules)
    }


def assert_meets_the_bar(quality: dict[str, RuleQuality], catalog: set[str]) -> None:
    """Every catalog rule has planted cases; recall >= 0.95, precision >= 0.9, no near-miss flagged."""
    assert catalog <= set(quality), f"rules without planted cases: {catalog - set(quality)}"
    for q in quality.values():
        assert q.planted > 0, f"{q.rule_id}: nothing planted"
        assert q.recall >= 0.95, f"{q.rule_id}: recall {q.recall:.2f} ({q.found}/{q.planted})"
        assert q.precision >= 0.9, f"{q.rule_id}: precision {q.precision:.2f} ({q.found}/{q.flagged})"
        assert q.near_misses_flagged == 0, f"{q.rule_id}: {q.near_misses_flagged} near-misses flagged"
