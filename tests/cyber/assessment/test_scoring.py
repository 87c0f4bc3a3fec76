"""Scoring by hand on small cases: weights, N/A out of the denominator, cumulative levels, coverage, targets."""

from __future__ import annotations

import pytest

from kansa.cyber.assessment.model import Framework
from kansa.cyber.assessment.scoring import score_institution, targets_for_risk

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


def test_unanswered_questions_lower_the_answered_share_not_the_score(small: Framework) -> None:
    partial = {"GOV-01-1": "yes", "PRO-01-1": "t4"}
    s = score_institution(small, partial)
    assert s.answered_share == pytest.approx(2 / 5)
    assert s.domain("GOV").score == 100.0
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
