"""Matrix entries for the self-assessment: rounds, answers, workbook, benchmark runs and feedback reports."""

from __future__ import annotations

from typing import Any

from kansa.services import assessment_round as service
from kansa.web.assessments.models import BenchmarkRun, Response, Round, Submission
from tests.web.matrix import Entry

FRAMEWORK = "kansa-regional@2026.1"
WRITERS = {"auditor", "risk_compliance", "admin"}
INSTITUTION_READERS = WRITERS | {"management"}
READERS = INSTITUTION_READERS | {"supervisor"}

MATRIX: dict[str, Entry] = {
    "assessments:round_list": ("GET", False, READERS, set(), {200}, {302}),
    "assessments:round_create": ("POST", False, {"supervisor"}, set(), {400}, {302}),   # empty form -> 400
    "assessments:round_detail": ("GET", "round", READERS, {"supervisor"}, {200}, {302}),
    "assessments:answer": ("GET", "round", INSTITUTION_READERS, set(), {200}, {302}),
    "assessments:answer_save": ("POST", "round", WRITERS, set(), {400}, {302}),          # no action -> 400
    "assessments:workbook": ("GET", "round", WRITERS, set(), {200}, {302}),
    "assessments:upload": ("POST", "round", WRITERS, set(), {400}, {302}),               # no file -> 400
    "assessments:benchmark": ("POST", "round", {"supervisor"}, {"supervisor"}, {302}, {302}),
    "assessments:run_detail": ("GET", "run", {"supervisor"}, {"supervisor"}, {200}, {302}),
    "assessments:feedback": ("GET", "feedback", READERS, {"supervisor"}, {200}, {302}),
    "assessments:feedback_pdf": ("GET", "feedback", READERS, {"supervisor"}, {200}, {302}),
}


def full_answers(choice: int = 0) -> dict[str, dict[str, str]]:
    """A complete set of answers to the framework: the `choice`-th scored option of every question."""
    fw = service.framework(FRAMEWORK)
    out = {}
    for ref in fw.refs():
        scored = [o for o in ref.question.answers.options if not o.is_na]
        out[ref.question.id] = {"value": scored[min(choice, len(scored) - 1)].value, "comment": ""}
    return out


def objects(inst: Any) -> dict[str, dict[str, object]]:
    """A round asking this institution, its submitted answers and a benchmark run over them."""
    rnd = Round.objects.create(framework=FRAMEWORK, fiscal_year=2026, k=5)
    rnd.institutions.set([inst])
    resp = Response.objects.create(round=rnd, institution=inst, status=Response.SUBMITTED)
    sub = Submission.objects.create(response=resp, institution=inst, version=1, source="web",
                                    answers=full_answers())
    run = BenchmarkRun.objects.create(round=rnd, k=5, respondents=1)
    run.submissions.set([sub])
    return {"round": {"pk": rnd.pk}, "run": {"pk": run.pk}, "feedback": {"pk": run.pk, "code": inst.code}}
