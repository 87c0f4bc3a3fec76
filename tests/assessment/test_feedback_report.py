"""The feedback report says what a supervisor would ask: why the maturity is what it is, what was left blank."""

from __future__ import annotations

from kansa.assessment.benchmark import Round, run_benchmark
from kansa.assessment.feedback import FeedbackRenderer
from kansa.assessment.institutions import Institution
from kansa.assessment.model import Framework

from .conftest import submission

FULL = {"GOV-01-1": "yes", "GOV-01-2": "yes", "GOV-02-1": "yes", "PRO-01-1": "t4", "PRO-02-1": "yes"}


def test_the_report_names_the_domain_holding_the_maturity_back_and_blank_answers(small: Framework) -> None:
    people = [Institution(f"S{i}", f"信金{i}", "shinkin", "small") for i in range(6)]
    subs = {p.institution_id: submission(small, p.institution_id, FULL) for p in people}
    blank = {k: v for k, v in FULL.items() if k != "PRO-01-1"}          # a basic question left blank
    subs["S0"] = submission(small, "S0", blank)
    renderer = FeedbackRenderer(run_benchmark(Round(small, subs), people, 5))
    ctx = renderer.feedback_context("S0")
    assert ctx["weakest"] == ["PRO"] and ctx["overall_level"] is None
    assert ctx["improvements"][0]["id"] == "PRO-01-1" and ctx["improvements"][0]["answer"] == "未回答"
    html = renderer.feedback_html("S0")
    assert "最も低い領域: PRO" in html and "成熟度は累積的です" in html and "未回答は0点" in html
    assert "white-space: nowrap" in html                                  # the tier badge stays on one line
    assert FeedbackRenderer(renderer.b, "en").feedback_context("S0")["improvements"][0]["answer"] == "not answered"
    assert FeedbackRenderer(renderer.b).feedback_context("S1")["weakest"] == []   # all equal


def test_the_overview_legend_names_domains_not_internal_ids(small: Framework) -> None:
    people = [Institution(f"S{i}", f"信金{i}", "shinkin", "small") for i in range(5)]
    subs = {p.institution_id: submission(small, p.institution_id, FULL) for p in people}
    html = FeedbackRenderer(run_benchmark(Round(small, subs), people, 5)).overview_html()
    assert "GOV: 経営の関与" in html and "_overall" not in html
