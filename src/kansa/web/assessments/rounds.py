"""Rounds in the database <-> the assessment service: drafts, submissions and benchmark runs, each on the trail."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from kansa.assessment.benchmark import Benchmark
from kansa.assessment.model import Framework
from kansa.services import assessment_round as service
from kansa.web.assessments.models import BenchmarkRun, Response, Round, Submission
from kansa.web.org.models import Institution
from kansa.web.trail.chain import record

Answers = dict[str, dict[str, str]]


def framework_of(rnd: Round) -> Framework:
    """The framework a round asks."""
    return service.framework(rnd.framework)


def participants(rnd: Round) -> list[service.Participant]:
    """The institutions asked to answer, as the service knows them."""
    return [service.Participant(i.code, i.name, i.type, i.size_band) for i in rnd.institutions.order_by("code")]


def response_for(rnd: Round, inst: Institution) -> Response:
    """The institution's response to the round (a blank draft until someone saves)."""
    return Response.objects.filter(round=rnd, institution=inst).first() or Response(round=rnd, institution=inst)


def save_draft(user: Any, resp: Response, answers: Answers) -> Response:
    """Keep the answers as the draft (checked already); the change goes to the trail."""
    with transaction.atomic():
        before = None if resp.pk is None else {"status": resp.status, "draft": resp.draft}
        created = resp.pk is None
        resp.draft = answers
        resp.updated_by = user
        resp.save()
        record(user.username, "create" if created else "change", "assessment_response", resp.pk,
               institution_code=resp.institution.code, before=before,
               after={"status": resp.status, "draft": answers, "round": resp.round_id})
    return resp


def submit(user: Any, resp: Response, answers: Answers, source: str, source_name: str = "",
           sha256: str = "") -> Submission:
    """Store a new submitted version (earlier versions stay); the response and the submission go to the trail."""
    with transaction.atomic():
        if resp.pk is not None:   # lock the response row: two submits at once cannot take the same version
            resp = Response.objects.select_for_update().get(pk=resp.pk)
        before = None if resp.pk is None else {"status": resp.status, "draft": resp.draft}
        created = resp.pk is None
        resp.status, resp.draft, resp.updated_by = Response.SUBMITTED, answers, user
        resp.save()
        version = (resp.submissions.order_by("-version").values_list("version", flat=True).first() or 0) + 1
        sub = Submission.objects.create(response=resp, institution=resp.institution, version=version,
                                        submitted_by=user, source=source, source_name=source_name,
                                        source_sha256=sha256, answers=answers)
        code = resp.institution.code
        record(user.username, "create" if created else "change", "assessment_response", resp.pk,
               institution_code=code, before=before,
               after={"status": resp.status, "draft": answers, "round": resp.round_id})
        record(user.username, "create", "assessment_submission", sub.pk, institution_code=code,
               after={"round": resp.round_id, "version": version, "source": source, "source_name": source_name,
                      "source_sha256": sha256, "answers": answers})
    return sub


def current_submissions(rnd: Round) -> dict[str, Submission]:
    """The latest submitted version of every institution of the round (by institution code)."""
    out: dict[str, Submission] = {}
    for sub in Submission.objects.filter(response__round=rnd).select_related("institution").order_by("version"):
        out[sub.institution.code] = sub
    return out


def run(user: Any, rnd: Round) -> BenchmarkRun:
    """Benchmark the round over the current submissions and keep which ones it used."""
    subs = current_submissions(rnd)
    bench = _compute(rnd, rnd.k, subs.values())
    with transaction.atomic():
        br = BenchmarkRun.objects.create(round=rnd, k=rnd.k, run_by=user, respondents=len(bench.scores),
                                         suppressed_groups=service.suppressed_groups(bench))
        br.submissions.set(subs.values())
        record(user.username, "create", "assessment_benchmark", br.pk,
               after={"round": rnd.pk, "k": rnd.k, "submissions": sorted(s.pk for s in subs.values()),
                      "respondents": br.respondents, "suppressed_groups": br.suppressed_groups})
    return br


def benchmark_of(br: BenchmarkRun) -> Benchmark:
    """The benchmark of a run, recomputed from the submissions it pinned (the library is deterministic)."""
    return _compute(br.round, br.k, br.submissions.select_related("institution"))


def _compute(rnd: Round, k: int, subs: Any) -> Benchmark:
    fw = framework_of(rnd)
    return service.benchmark(fw, participants(rnd), {
        s.institution.code: service.submission(fw, s.institution.code, s.answers, s.source_name or s.source,
                                                s.source_sha256, s.source) for s in subs}, k)


def rounds_for(institutions: QuerySet[Institution]) -> QuerySet[Round]:
    """Rounds that ask any of these (already scoped) institutions."""
    return Round.objects.filter(institutions__in=institutions).distinct()
