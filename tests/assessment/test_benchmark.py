"""Peer benchmark: cohort statistics by hand, percentile ranks, k-suppression (primary and secondary), trend."""

from __future__ import annotations

import pytest

from kansa.assessment.answers import Answer, Submission
from kansa.assessment.benchmark import OVERALL, Round, comparable_pairs, run_benchmark
from kansa.assessment.cohorts import benchmark_cohort
from kansa.assessment.institutions import Institution
from kansa.assessment.loader import question_set_checksum
from kansa.assessment.model import Framework
from kansa.assessment.scoring import score_institution
from kansa.assessment.stats import describe, percentile_rank
from kansa.assessment.synth import previous_framework


def submission(fw: Framework, iid: str, answers: dict[str, str]) -> Submission:
    """A checked submission built directly (what the importer would produce)."""
    return Submission(iid, fw.id, fw.version, question_set_checksum(fw),
                      {q: Answer(v) for q, v in answers.items()}, "test", "", "test")


# Six answer patterns with distinct scores, from weakest to strongest.
PATTERNS = [
    {"GOV-01-1": "no", "GOV-01-2": "no", "GOV-02-1": "no", "PRO-01-1": "t1", "PRO-02-1": "no"},
    {"GOV-01-1": "partial", "GOV-01-2": "no", "GOV-02-1": "no", "PRO-01-1": "t1", "PRO-02-1": "no"},
    {"GOV-01-1": "yes", "GOV-01-2": "partial", "GOV-02-1": "no", "PRO-01-1": "t2", "PRO-02-1": "no"},
    {"GOV-01-1": "yes", "GOV-01-2": "yes", "GOV-02-1": "no", "PRO-01-1": "t3", "PRO-02-1": "partial"},
    {"GOV-01-1": "yes", "GOV-01-2": "yes", "GOV-02-1": "partial", "PRO-01-1": "t3", "PRO-02-1": "yes"},
    {"GOV-01-1": "yes", "GOV-01-2": "yes", "GOV-02-1": "yes", "PRO-01-1": "t4", "PRO-02-1": "na"},
]
# The two large shinkin answer in a way no one else does (t2 on PRO-01-1 with "yes" elsewhere).
LARGE = {"GOV-01-1": "yes", "GOV-01-2": "yes", "GOV-02-1": "yes", "PRO-01-1": "t2", "PRO-02-1": "yes"}


def population(fw: Framework) -> tuple[list[Institution], dict]:
    """shinkin: 6 small, 5 medium, 2 large (too few); one regional bank that never answered."""
    people, subs = [], {}
    for i, pattern in enumerate(PATTERNS):
        people.append(Institution(f"SS{i}", f"小{i}信用金庫", "shinkin", "small"))
        subs[f"SS{i}"] = submission(fw, f"SS{i}", pattern)
    for i in range(5):
        people.append(Institution(f"SM{i}", f"中{i}信用金庫", "shinkin", "medium"))
        subs[f"SM{i}"] = submission(fw, f"SM{i}", PATTERNS[i + 1])
    for i in range(2):
        people.append(Institution(f"SL{i}", f"大{i}信用金庫", "shinkin", "large"))
        subs[f"SL{i}"] = submission(fw, f"SL{i}", LARGE)
    people.append(Institution("RB0", "未回答銀行", "regional_bank", "medium"))
    return people, subs


def test_stats_by_hand() -> None:
    d = describe([0, 25, 50, 75, 100, 100])
    assert (d["n"], d["mean"], d["median"], d["q1"], d["q3"]) == (6, 350 / 6, 62.5, 31.25, 93.75)
    assert percentile_rank(0, [0, 25, 50, 75, 100, 100]) == pytest.approx(100 * 0.5 / 6)
    assert percentile_rank(100, [0, 25, 50, 75, 100, 100]) == pytest.approx(100 * 5 / 6)


def test_cohort_statistics_match_the_scores(small: Framework) -> None:
    people, subs = population(small)
    b = run_benchmark(Round(small, subs), people, k=5)
    overall = [score_institution(small, PATTERNS[i]).score for i in range(6)]
    row = b.domain_stat("shinkin/small", OVERALL)
    assert row is not None and not row["suppressed"]
    expected = describe([v for v in overall if v is not None])
    assert {k: row[k] for k in expected} == pytest.approx(expected)
    weakest = next(r for r in b.institution_rows if r["institution_id"] == "SS0" and r["domain_id"] == OVERALL)
    assert weakest["percentile_in_peer_cohort"] == pytest.approx(100 * 0.5 / 6)


def test_option_shares_are_what_the_supervisors_publish(small: Framework) -> None:
    people, subs = population(small)
    b = run_benchmark(Round(small, subs), people, k=5)
    shares = {r["option"]: r["share"] for r in b.option_shares
              if r["cohort"] == "shinkin/small" and r["question_id"] == "GOV-01-1"}
    assert shares == pytest.approx({"yes": 400 / 6, "partial": 100 / 6, "no": 100 / 6, "na": 0.0})


def test_no_statistic_for_a_cohort_under_k_nor_for_the_sibling_that_would_reveal_it(small: Framework) -> None:
    people, subs = population(small)
    b = run_benchmark(Round(small, subs), people, k=5)
    assert b.cohorts["shinkin/large"].reason == "n<k" and not b.cohorts["shinkin/large"].published
    # shinkin total minus small would give the large pair away through the medium group: hide medium too
    assert b.cohorts["shinkin/medium"].reason == "secondary"
    assert b.cohorts["shinkin/small"].published and b.cohorts["shinkin"].published
    for table in (b.domain_stats, b.question_stats, b.option_shares):
        hidden = [r for r in table if r["cohort"] in ("shinkin/large", "shinkin/medium")]
        assert hidden and all(r["suppressed"] for r in hidden)
        assert all(r.get(f) is None for r in hidden for f in ("n", "mean", "median", "q1", "q3", "share", "count"))
    large = [r for r in b.institution_rows if r["institution_id"] == "SL0"]
    assert all(r["percentile_in_peer_cohort"] is None for r in large)
    assert {r["benchmark_cohort"] for r in large} == {"shinkin"}         # compared with the whole type instead
    assert benchmark_cohort(b.institutions["SS0"], b.cohorts).key == "shinkin/small"


def test_a_larger_k_suppresses_more_and_k1_nothing(small: Framework) -> None:
    people, subs = population(small)
    assert not run_benchmark(Round(small, subs), people, k=7).cohorts["shinkin/small"].published
    b1 = run_benchmark(Round(small, subs), people, k=1)
    assert all(c.published for c in b1.cohorts.values() if c.n)


def test_non_respondents_are_listed(small: Framework) -> None:
    people, subs = population(small)
    subs["ZZ9"] = submission(small, "ZZ9", PATTERNS[0])
    b = run_benchmark(Round(small, subs), people, k=5)
    assert [i.institution_id for i in b.non_respondents] == ["RB0"]
    assert b.unknown_respondents == ["ZZ9"]


def test_the_trend_uses_comparable_questions_only(small: Framework) -> None:
    prev_fw = previous_framework(small)
    assert prev_fw.version == "2025.1"
    assert [(c.question.id, p.question.id) for c, p in comparable_pairs(small, prev_fw)] == [
        ("GOV-01-1", "GOV-1"), ("GOV-02-1", "GOV-2"), ("PRO-01-1", "PRO-1")]
    people, subs = population(small)
    before = {iid: submission(prev_fw, iid, {"GOV-1": "no", "GOV-2": "no", "PRO-1": "t1"}) for iid in subs}
    b = run_benchmark(Round(small, subs), people, k=5, previous=Round(prev_fw, before))
    ss2 = {r["domain_id"]: r for r in b.trend_institution if r["institution_id"] == "SS2"}
    # SS2 now: GOV-01-1 yes, GOV-02-1 no (GOV-01-2 is new and left out); PRO-01-1 t2
    assert ss2["GOV"]["current"] == pytest.approx(50.0) and ss2["GOV"]["previous"] == 0.0
    assert ss2["PRO"]["change"] == pytest.approx(100 / 3)
    assert ss2["GOV"]["comparable_questions"] == 2
    hidden = [r for r in b.trend_domain if r["cohort"] == "shinkin/large"]
    assert hidden and all(r["suppressed"] and r["mean"] is None for r in hidden)


def test_a_trend_cohort_with_fewer_than_k_in_both_rounds_is_suppressed(small: Framework) -> None:
    prev_fw = previous_framework(small)
    people, subs = population(small)
    before = {iid: submission(prev_fw, iid, {"GOV-1": "no", "GOV-2": "no", "PRO-1": "t1"}) for iid in ["SS0", "SS1"]}
    b = run_benchmark(Round(small, subs), people, k=5, previous=Round(prev_fw, before))
    row = next(r for r in b.trend_domain if r["cohort"] == "shinkin/small" and r["domain_id"] == OVERALL)
    assert row["suppressed"] and row["mean"] is None
