"""Complementary-disclosure attacks on the published benchmark: no group of 1..k-1 can be recovered."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kansa.assessment.benchmark import Benchmark, Round, run_benchmark
from kansa.assessment.cohorts import FAMILIES, LEAVES, protect
from kansa.assessment.feedback import FeedbackRenderer, write_reports
from kansa.assessment.institutions import Institution
from kansa.assessment.model import Framework
from kansa.assessment.outputs import write_outputs
from kansa.assessment.synth import previous_framework

from .conftest import submission

YES = {"GOV-01-1": "yes", "GOV-01-2": "yes", "GOV-02-1": "yes", "PRO-01-1": "t4", "PRO-02-1": "yes"}
NO = {"GOV-01-1": "no", "GOV-01-2": "no", "GOV-02-1": "no", "PRO-01-1": "t1", "PRO-02-1": "no"}


def population(fw: Framework, sizes: dict[str, int], answers: dict[str, dict[str, str]] | None = None
               ) -> tuple[list[Institution], dict]:
    """`sizes`: cohort key type/band -> respondents; every other institution answers YES, the n-th NO."""
    people, subs = [], {}
    for key, count in sizes.items():
        t, band = key.split("/")
        for i in range(count):
            iid = f"{t[:2].upper()}{band[0].upper()}{i}"
            people.append(Institution(iid, iid, t, band))
            subs[iid] = submission(fw, iid, (answers or {}).get(key, YES if i % 2 else NO))
    return people, subs


def recovered_groups(rows: Iterable[dict[str, Any]], counts: dict[str, int]) -> list[tuple[str, int]]:
    """What an attacker gets from published rows of one statistic: every set of finest cohorts (bands) whose
    total is a sum/difference of published totals, with its size (least squares, independent of kansa's SVD)."""
    published = [r["cohort"] for r in rows if not r["suppressed"] and counts.get(r["cohort"], 0) > 0]
    leaves = [c for c in LEAVES if counts.get(c, 0) > 0]
    if not published or not leaves:
        return []
    a = np.array([[1.0 if leaf == c or leaf.startswith(c + "/") or c == "all" else 0.0 for leaf in leaves]
                  for c in published])
    found = []
    for size in range(1, len(leaves) + 1):
        for combo in itertools.combinations(range(len(leaves)), size):
            target = np.zeros(len(leaves))
            target[list(combo)] = 1.0
            x = np.linalg.lstsq(a.T, target, rcond=None)[0]
            if np.allclose(a.T @ x, target, atol=1e-6):
                found.append(("+".join(leaves[i] for i in combo), sum(counts[leaves[i]] for i in combo)))
    return found


def assert_no_small_group_recoverable(bench: Benchmark, out: Path) -> int:
    """Run the attack on every statistic of benchmark.json; return how many statistics were attacked."""
    doc = json.loads((out / "benchmark.json").read_text(encoding="utf-8"))
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for table, key in (("domain_stats", ("domain_id",)), ("question_stats", ("question_id",)),
                       ("option_shares", ("question_id", "option")), ("trend_domain", ("domain_id",))):
        for r in doc.get(table, []):
            groups.setdefault((table, *(r[k] for k in key)), []).append(r)
    answered = {c: bench.cohorts[c].n for c in bench.cohorts}
    for stat, rows in groups.items():
        for group, n in recovered_groups(rows, answered):
            assert n == 0 or n >= bench.k, (stat, group, n)
    return len(groups)


def _run(tmp_path: Path, fw: Framework, sizes: dict[str, int], k: int = 5, **kw: Any) -> tuple[Benchmark, Path]:
    people, subs = population(fw, sizes, kw.get("answers"))
    prev = None
    if kw.get("previous"):
        pfw = previous_framework(fw)
        prev = Round(pfw, {i: submission(pfw, i, {"GOV-1": "no", "GOV-2": "no", "PRO-1": "t1"}) for i in subs})
    bench = run_benchmark(Round(fw, subs), people, k, prev)
    write_outputs(bench, tmp_path)
    written = write_reports(FeedbackRenderer(bench), tmp_path)     # every report renders with gaps in its figures
    assert len(written) == 1 + len(bench.scores)
    return bench, tmp_path


def test_a_cohort_of_exactly_k_is_published_and_of_k_minus_1_is_not() -> None:
    counts = {"all": 9, "regional_bank": 9, "shinkin": 0, "shinkumi": 0, "regional_bank/small": 5,
              "regional_bank/medium": 4, "regional_bank/large": 0}
    reasons = protect({**{f"{t}/{s}": 0 for t in ("shinkin", "shinkumi") for s in ("small", "medium", "large")},
                       **counts}, 5)
    assert reasons["regional_bank/medium"] == "n<k"
    # 5 is enough on its own, but type minus it would give the 4 away: it goes too (secondary)
    assert reasons["regional_bank/small"] == "secondary"
    assert reasons["regional_bank"] is None and reasons["all"] is None


def test_two_small_siblings_cannot_be_recovered_together_from_the_type_total(tmp_path: Path, small: Framework) -> None:
    # small 2 + medium 2 = 4 < k: regional-bank total minus the large band would reveal the pair
    bench, out = _run(tmp_path, small, {"regional_bank/small": 2, "regional_bank/medium": 2,
                                        "regional_bank/large": 10, "shinkin/small": 12})
    assert bench.cohorts["regional_bank/large"].reason == "secondary"
    assert bench.cohorts["regional_bank"].published
    assert assert_no_small_group_recoverable(bench, out) > 20


def test_a_secondary_type_is_not_given_back_by_its_bands(tmp_path: Path, small: Framework) -> None:
    # regional banks: 3 (hidden). all minus shinkin minus shinkumi would reveal them; shinkumi is hidden in
    # turn, but shinkumi/small alone equals shinkumi, so that band must go as well
    bench, out = _run(tmp_path, small, {"regional_bank/small": 3, "shinkin/small": 10, "shinkin/medium": 10,
                                        "shinkumi/small": 6})
    assert bench.cohorts["regional_bank"].reason == "n<k"
    assert not bench.cohorts["shinkumi"].published and not bench.cohorts["shinkumi/small"].published
    assert bench.cohorts["all"].published and bench.cohorts["shinkin/small"].published
    assert_no_small_group_recoverable(bench, out)


@pytest.mark.parametrize("sizes", [
    {"regional_bank/small": 4, "regional_bank/medium": 5, "shinkin/small": 5, "shinkin/large": 1,
     "shinkumi/medium": 7},
    {"regional_bank/small": 6, "regional_bank/medium": 6, "regional_bank/large": 6, "shinkin/small": 1,
     "shinkin/medium": 1, "shinkumi/large": 3},
    {"regional_bank/small": 5, "shinkin/small": 5, "shinkumi/small": 5},
    {"regional_bank/small": 2, "shinkin/medium": 2},                      # k-1 in all: nothing at all
])
def test_no_mix_of_cohort_sizes_leaks_a_small_group(tmp_path: Path, small: Framework, sizes: dict[str, int]) -> None:
    bench, out = _run(tmp_path, small, sizes, previous=True)
    assert_no_small_group_recoverable(bench, out)
    if sum(sizes.values()) < bench.k:
        assert not any(c.published for c in bench.cohorts.values())
        html = (out / "feedback" / "RES0.html").read_text(encoding="utf-8")
        assert "他機関との比較は表示しません" in html


def test_not_applicable_answers_cannot_be_recovered_by_subtraction(tmp_path: Path, small: Framework) -> None:
    # PRO-02-1 is N/A for the 7 small regional banks except 3; the medium band (6) all answer it.
    # The type's question figure over 9 values minus the medium band's 6 would give the small band's 3 values.
    na = {**YES, "PRO-02-1": "na"}
    people, subs = population(small, {"regional_bank/small": 7, "regional_bank/medium": 6})
    for i in range(4):
        subs[f"RES{i}"] = submission(small, f"RES{i}", na)
    bench = run_benchmark(Round(small, subs), people, 5)
    write_reports(FeedbackRenderer(bench), tmp_path)
    rows = {r["cohort"]: r for r in bench.question_stats if r["question_id"] == "PRO-02-1"}
    assert rows["regional_bank/small"]["suppression"] == "n<k"      # 3 values
    assert rows["regional_bank/medium"]["suppressed"] or rows["regional_bank"]["suppressed"]
    assert not rows["regional_bank/medium"]["suppressed"] or not rows["regional_bank"]["suppressed"]
    write_outputs(bench, tmp_path)
    assert_no_small_group_recoverable(bench, tmp_path)


def test_percentile_ranks_follow_the_published_statistic(tmp_path: Path, small: Framework) -> None:
    bench, _ = _run(tmp_path, small, {"regional_bank/small": 5, "regional_bank/medium": 4, "shinkin/small": 8})
    for row in bench.institution_rows:
        stat = bench.domain_stat(row["peer_cohort"], row["domain_id"])
        if stat is None or stat["suppressed"]:
            assert row["percentile_in_peer_cohort"] is None
    small_bank = [r for r in bench.institution_rows if r["peer_cohort"] == "regional_bank/small"]
    assert small_bank and all(r["percentile_in_peer_cohort"] is None for r in small_bank)   # secondary


def test_the_trend_of_exactly_k_is_published_and_of_k_minus_1_is_not(tmp_path: Path, small: Framework) -> None:
    bench, out = _run(tmp_path, small, {"shinkin/small": 5, "shinkin/medium": 6, "shinkumi/small": 4,
                                        "regional_bank/small": 9, "regional_bank/large": 2},
                      previous=True)
    trend = {(r["cohort"], r["domain_id"]): r for r in bench.trend_domain}
    assert not trend[("shinkin/small", "GOV")]["suppressed"]
    assert trend[("shinkumi/small", "GOV")]["suppressed"]
    assert_no_small_group_recoverable(bench, out)


def test_all_minus_a_band_cannot_give_away_a_small_type_with_a_small_band(tmp_path: Path, small: Framework) -> None:
    # regional banks 2 (hidden); shinkin small 10 + large 1. Hiding the shinkin type is not enough:
    # all minus shinkin/small would give the 2 regional banks plus the large shinkin (3 < k) together
    bench, out = _run(tmp_path, small, {"regional_bank/small": 2, "shinkin/small": 10, "shinkin/large": 1})
    assert_no_small_group_recoverable(bench, out)
    assert not (bench.cohorts["all"].published and bench.cohorts["shinkin/small"].published)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 9, 30]), min_size=9, max_size=9), st.integers(2, 6))
def test_protect_leaves_no_small_group_recoverable_for_any_sizes(sizes: list[int], k: int) -> None:
    counts = dict(zip(LEAVES, sizes, strict=True))
    for t in FAMILIES["all"]:
        counts[t] = sum(counts[c] for c in FAMILIES[t])
    counts["all"] = sum(counts[t] for t in FAMILIES["all"])
    reasons = protect(counts, k)
    rows = [{"cohort": c, "suppressed": reasons[c] is not None} for c in counts]
    for group, n in recovered_groups(rows, counts):
        assert n == 0 or n >= k, (counts, reasons, group)
    assert all(reasons[c] for c in counts if 0 < counts[c] < k)


def _trend_rows(fw: Framework, current: int, before: list[str]) -> dict[str, dict[str, Any]]:
    """shinkin/small: `current` respondents now; `before`: who answered last round (ids SHS0..)."""
    people, subs = population(fw, {"shinkin/small": current})
    people += [Institution(iid, iid, "shinkin", "small") for iid in before if iid not in subs]
    pfw = previous_framework(fw)
    prev = {i: submission(pfw, i, {"GOV-1": "no", "GOV-2": "no", "PRO-1": "t1"}) for i in before}
    bench = run_benchmark(Round(fw, subs), people, 5, Round(pfw, prev))
    return {r["cohort"]: r for r in bench.trend_domain if r["domain_id"] == "GOV"}


def test_one_newcomer_cannot_be_read_off_the_trend_beside_this_round(small: Framework) -> None:
    # 6 now, 5 of them last round as well: this round's total minus the 5's change and last round's total
    # would give the newcomer's score
    row = _trend_rows(small, 6, [f"SHS{i}" for i in range(5)])["shinkin/small"]
    assert row["suppressed"] and row["suppression"] == "difference<k" and row["mean"] is None
    # the same 6 in both rounds: nothing to single out
    assert not _trend_rows(small, 6, [f"SHS{i}" for i in range(6)])["shinkin/small"]["suppressed"]


def test_one_leaver_cannot_be_read_off_the_trend_beside_last_round(small: Framework) -> None:
    row = _trend_rows(small, 6, [f"SHS{i}" for i in range(6)] + ["SHS9"])["shinkin/small"]
    assert row["suppressed"] and row["suppression"] == "difference<k"
    # five who left and five who joined: the difference rests on ten institutions
    many = _trend_rows(small, 10, [f"SHS{i}" for i in range(5)] + [f"OLD{i}" for i in range(5)])
    assert not many["shinkin/small"]["suppressed"]


def test_newcomers_of_two_bands_cannot_be_read_off_together(small: Framework) -> None:
    # one newcomer in the small and one in the medium band (each hidden), five in the large band (shown);
    # the type's trend (7 newcomers) minus the large band's would give the two together (2 < k)
    people, subs = population(small, {"regional_bank/small": 6, "regional_bank/medium": 6,
                                      "regional_bank/large": 15})
    pfw = previous_framework(small)
    new = {"RES0", "REM0", *(f"REL{i}" for i in range(5))}
    before = {i: submission(pfw, i, {"GOV-1": "no", "GOV-2": "no", "PRO-1": "t1"}) for i in subs if i not in new}
    bench = run_benchmark(Round(small, subs), people, 5, Round(pfw, before))
    rows = {r["cohort"]: r for r in bench.trend_domain if r["domain_id"] == "GOV"}
    assert rows["regional_bank/small"]["suppression"] == "difference<k"
    assert rows["regional_bank/medium"]["suppression"] == "difference<k"
    assert rows["regional_bank"]["suppressed"] or rows["regional_bank/large"]["suppressed"]
    assert rows["all"]["suppressed"] or rows["regional_bank/large"]["suppressed"]
