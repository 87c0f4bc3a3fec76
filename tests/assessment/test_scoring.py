"""Scoring by hand on small cases: weights, N/A out of the denominator, cumulative levels, coverage, targets."""

from __future__ import annotations

import pytest

from kansa.assessment.model import Framework
from kansa.assessment.scoring import score_institution, targets_for_risk

MIXED = {"GOV-01-1": "yes", "GOV-01-2": "partial", "GOV-02-1": "no", "PRO-01-1": "t3", "PRO-02-1": "na"}


def test_weighted_scores_leave_not_applicable_out(small: Framework) -> None:
    s = score_institution(small, MIXED, "X")
    # GOV: GOV-01 weight 2 split over 2 questions (1 each), GOV-02 weight 1: (1*1 + 1*0.5 + 1*0) / 3
    assert s.domain("GOV").score == pytest.approx(50.0)
    # PRO: t3 on a 1..4 scale is (3-1)/(4-1); PRO-02-1 is N/A, so it is not in the denominator
    assert s.domain("PRO").score == pytest.approx(100 * 2 / 3)
    # overall: domains weighted 2 and 1
    assert s.score == pytest.approx((2 * 50.0 + 1 * 100 * 2 / 3) / 3)
    assert s.answered_share == 1.0


def test_a_level_needs_every_statement_of_it_and_below(small: Framework) -> None:
    s = score_institution(small, MIXED)
    assert s.domain("GOV").level is None            # a baseline statement is only partly met
    assert s.domain("PRO").level == "baseline"      # the evolving statement is N/A: nothing to climb on
    assert s.level is None                          # overall: the lowest domain
    higher_only = {**MIXED, "GOV-01-2": "no", "GOV-02-1": "yes"}
    assert score_institution(small, higher_only).domain("GOV").level is None
    everything = {**MIXED, "GOV-01-2": "yes", "GOV-02-1": "yes", "PRO-02-1": "yes"}
    full = score_institution(small, everything)
    assert (full.domain("GOV").level, full.domain("PRO").level, full.level) == ("evolving", "evolving", "evolving")


def test_basic_coverage_counts_met_basic_questions(small: Framework) -> None:
    s = score_institution(small, MIXED)
    assert s.basic_coverage == pytest.approx(2 / 3)     # GOV-01-1 and PRO-01-1 met, GOV-01-2 not
    assert s.domain("GOV").basic_coverage == pytest.approx(1 / 2)
    assert s.domain("PRO").basic_coverage == 1.0


def test_unanswered_questions_count_as_not_met(small: Framework) -> None:
    partial = {"GOV-01-1": "yes", "PRO-01-1": "t4"}
    s = score_institution(small, partial)
    assert s.answered_share == pytest.approx(2 / 5)
    # GOV-01-2 and GOV-02-1 blank: 0 points each, still in the denominator (1 + 0 + 0) / 3
    assert s.domain("GOV").score == pytest.approx(100 / 3)
    assert s.domain("PRO").score == pytest.approx(100 * 1 / 2)      # t4 = 1, PRO-02-1 blank = 0
    assert s.domain("GOV").level is None            # an unanswered baseline question is not met
    assert s.basic_coverage == pytest.approx(2 / 3)


def test_the_inherent_risk_profile_sets_targets_and_gaps(small: Framework) -> None:
    targets = targets_for_risk(small, "high")
    assert targets == {"GOV": "evolving", "PRO": "evolving"}
    s = score_institution(small, MIXED, targets=targets)
    assert (s.domain("GOV").target, s.domain("GOV").level_gap) == ("evolving", 2)
    assert (s.domain("PRO").target, s.domain("PRO").level_gap) == ("evolving", 1)
    low = score_institution(small, MIXED, targets=targets_for_risk(small, "low"))
    assert low.domain("PRO").level_gap == 0
    with pytest.raises(ValueError, match="extreme"):
        targets_for_risk(small, "extreme")


THREE_LEVELS = {
    "id": "lv", "version": "1", "title": "Levels",
    "answer_sets": {"yn": [{"value": "y", "label": "Yes", "score": 1, "meets": True},
                           {"value": "c", "label": "Yes, compensating", "score": 1, "meets": True},
                           {"value": "n", "label": "No", "score": 0, "meets": False},
                           {"value": "na", "label": "N/A", "score": None, "meets": None}]},
    "levels": [{"id": "B", "label": "Baseline"}, {"id": "E", "label": "Evolving"},
               {"id": "I", "label": "Intermediate"}],
    "domains": [
        {"id": "A", "title": "A", "weight": 3, "requirements": [
            {"id": "A-B", "title": "b", "level": "B", "weight": 2, "questions": [
                {"id": "A-B-1", "text": "b1", "answers": "yn"}, {"id": "A-B-2", "text": "b2", "answers": "yn"}]},
            {"id": "A-E", "title": "e", "level": "E", "questions": [{"id": "A-E-1", "text": "e1", "answers": "yn"}]},
            {"id": "A-I", "title": "i", "level": "I", "questions": [{"id": "A-I-1", "text": "i1", "answers": "yn"}]}]},
        {"id": "N", "title": "N", "weight": 1, "requirements": [
            {"id": "N-B", "title": "nb", "level": "B", "questions": [
                {"id": "N-B-1", "text": "n1", "answers": "yn"}]}]},
    ],
}


@pytest.fixture
def three() -> Framework:
    """Three cumulative levels, a weighted domain and a one-question domain."""
    from kansa.assessment.loader import parse_framework

    return parse_framework(THREE_LEVELS)


def _lv(fw: Framework, **answers: str) -> str | None:
    return score_institution(fw, {k.replace("_", "-"): v for k, v in answers.items()}).domain("A").level


def test_intermediate_met_without_every_baseline_statement_is_no_level(three: Framework) -> None:
    assert _lv(three, A_B_1="y", A_B_2="n", A_E_1="y", A_I_1="y") is None
    assert _lv(three, A_B_1="y", A_B_2="c", A_E_1="n", A_I_1="y") == "B"   # compensating controls meet
    assert _lv(three, A_B_1="y", A_B_2="y", A_E_1="y", A_I_1="y") == "I"
    assert _lv(three, A_B_1="y", A_E_1="y", A_I_1="y") is None            # a blank baseline statement


def test_a_level_whose_statements_are_all_na_neither_blocks_nor_is_claimed(three: Framework) -> None:
    assert _lv(three, A_B_1="y", A_B_2="y", A_E_1="na", A_I_1="y") == "I"   # passed through
    assert _lv(three, A_B_1="y", A_B_2="y", A_E_1="na", A_I_1="n") == "B"   # not claimed on N/A alone
    assert _lv(three, A_B_1="na", A_B_2="na", A_E_1="y", A_I_1="n") == "E"
    assert _lv(three, A_B_1="na", A_B_2="na", A_E_1="na", A_I_1="na") is None


def test_an_na_only_domain_is_left_out_of_the_overall_score_and_level(three: Framework) -> None:
    s = score_institution(three, {"A-B-1": "y", "A-B-2": "n", "A-E-1": "y", "A-I-1": "n", "N-B-1": "na"})
    assert s.domain("N").score is None and s.domain("N").level is None
    # A: baseline weight 2 over 2 questions (1 each), others 1: (1 + 0 + 1 + 0) / 4
    assert s.domain("A").score == pytest.approx(50.0)
    assert s.score == pytest.approx(50.0)               # N has no score: A alone, whatever the weights
    every = {"A-B-1": "y", "A-B-2": "y", "A-E-1": "y", "A-I-1": "n", "N-B-1": "na"}
    assert score_institution(three, every).level == "E"    # N (all N/A) does not pull the overall to none
    assert score_institution(three, {**every, "N-B-1": "n"}).level is None
    both = score_institution(three, {**every, "N-B-1": "y"})
    # domain weights 3 and 1: (3 * 75 + 1 * 100) / 4
    assert both.score == pytest.approx((3 * 75 + 100) / 4)
    assert both.level == "B"          # overall = the lowest domain: N has baseline statements only
