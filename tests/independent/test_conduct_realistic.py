"""The default synthetic institution is realistic: its background is not guarded clean, so its answer key for
the background is what the independent implementation of the rules finds; the planted cases are still found,
the near-misses still spared, and the review queue stays a size an audit team can work through."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from kansa.services import run_conduct_scan
from kansa.synth.conduct import generate_conduct
from tests.independent.conduct import RULES, flags

AS_OF = dt.date(2026, 3, 31)
CUSTOMERS = 3_000
# reviewable: at most 120 cases per 1,000 customers over the three fiscal years (seed 5 while the rates in
# kansa.synth.realistic were set: 86.5), and a spike at no more than a third of the branches
MAX_CASES_PER_1000 = 120.0
MAX_SPIKE_SHARE = 1 / 3


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("seed", [61, 67])   # held out: never used while setting the realistic rates
def test_the_realistic_institution_agrees_with_the_independent_rules_and_stays_reviewable(
        tmp_path: Path, seed: int, capsys: pytest.CaptureFixture[str]) -> None:
    data, out = tmp_path / "data", tmp_path / "out"
    generate_conduct(data, customers=CUSTOMERS, seed=seed)   # the default: realistic
    run_conduct_scan(data, out=out, as_of=AS_OF, formats=("csv",))
    engine: dict[str, set[str]] = {r: set() for r in RULES}
    for row in _rows(out / "flags.csv"):
        engine[row["rule_id"]].add(row["entity_id"])
    independent = flags(data, AS_OF)
    key = _rows(data / "answer_key.csv")
    background = 0
    for rule in RULES:
        assert engine[rule] == independent[rule], (rule, sorted(engine[rule] ^ independent[rule])[:5])
        planted = {k["entity_id"] for k in key if k["rule_id"] == rule and k["expected"] == "flag"}
        spared = {k["entity_id"] for k in key if k["rule_id"] == rule and k["expected"] == "no_flag"}
        assert planted and planted <= engine[rule], (rule, sorted(planted - engine[rule]))
        assert not engine[rule] & spared, (rule, sorted(engine[rule] & spared))
        background += len(engine[rule] - planted)
    # not guarded: the background trips the trade rules on its own
    assert background > 50
    assert all(engine[r] - {k["entity_id"] for k in key if k["rule_id"] == r} for r in (
        "elderly_caution_no_approval", "elderly80_same_day_order", "suitability_mismatch", "short_term_switch"))
    cases = _rows(out / "cases.csv")
    per_1000 = 1000 * len(cases) / CUSTOMERS
    branches = _rows(data / "branches.csv")
    spike_share = len(engine["branch_sales_spike"]) / len(branches)
    with capsys.disabled():
        print(f"\nseed {seed}: {len(cases)} cases ({per_1000:.1f} per 1,000 customers), {background} background flags, "
              f"spike at {len(engine['branch_sales_spike'])} of {len(branches)} branches ({spike_share:.0%})")
    assert 10 <= per_1000 <= MAX_CASES_PER_1000
    assert spike_share <= MAX_SPIKE_SHARE
