"""Benchmark runs and feedback: the supervisor runs and reads every report; an institution reads only its own."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from kansa.assessment.benchmark import Benchmark
from kansa.services import assessment_round as service
from kansa.web.assessments import rounds
from kansa.web.assessments.models import BenchmarkRun
from kansa.web.assessments.views import READERS, lang_of, round_or_404
from kansa.web.org.models import SUPERVISOR, Institution
from kansa.web.org.scoping import require_role, scoped, scoped_get


@login_required
@require_POST
def benchmark(request: HttpRequest, pk: int) -> HttpResponse:
    """The supervisor benchmarks a round over the submitted answers (the library's scoring and k rule)."""
    require_role(request.user, SUPERVISOR)
    br = rounds.run(request.user, round_or_404(pk))
    return redirect("assessments:run_detail", pk=br.pk)


def _round_label(br: BenchmarkRun) -> str:
    return f"FY{br.round.fiscal_year} · {br.run_at:%Y-%m-%d}"


@login_required
@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The supervisor's overview: participation, cohort statistics (suppressed cells blank), each report."""
    require_role(request.user, SUPERVISOR)
    br = get_object_or_404(BenchmarkRun.objects.select_related("round"), pk=pk)
    bench = rounds.benchmark_of(br)
    ctx = service.renderer(bench, lang_of(request), _round_label(br)).overview_context()
    return render(request, "assessments/run_detail.html", {
        "run": br, "round": br.round, "k": bench.k, "participation": ctx["participation"],
        "domain_ids": ctx["domain_ids"], "dist": ctx["dist"], "non_respondents": ctx["non_respondents"],
        "respondents": [bench.institutions[i] for i in bench.scores]})


def _feedback_target(request: HttpRequest, pk: int, code: str) -> tuple[BenchmarkRun, Institution, Benchmark]:
    """The run and institution whose report the user may read (own institution, or any for the supervisor)."""
    require_role(request.user, *READERS)
    inst: Institution = scoped_get(request.user, Institution.objects.all(), code=code)
    mine = scoped(request.user, Institution.objects.all())
    br = BenchmarkRun.objects.select_related("round").filter(pk=pk, round__in=rounds.rounds_for(mine)).first()
    if br is None:
        raise Http404
    bench = rounds.benchmark_of(br)
    if inst.code not in bench.scores:
        raise Http404
    return br, inst, bench


@login_required
@require_GET
def feedback(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """One institution's feedback report in the page; cohort figures only where the k rule publishes them."""
    br, inst, bench = _feedback_target(request, pk, code)
    lang = lang_of(request)
    ctx: dict[str, Any] = service.renderer(bench, lang, _round_label(br)).feedback_context(inst.code)
    ctx["radar"] = mark_safe(ctx["radar"])  # SVG from kansa.reports.charts, our own labels
    return render(request, "assessments/feedback.html", {
        **ctx, "run": br, "institution": inst,
        "cohort_stats": service.own_cohort_statistics(bench, inst.code, lang)})


@login_required
@require_GET
def feedback_pdf(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """The same report as the PDF the CLI writes."""
    br, inst, bench = _feedback_target(request, pk, code)
    body = service.feedback_pdf(bench, inst.code, lang_of(request), _round_label(br))
    out = HttpResponse(body, content_type="application/pdf")
    out["Content-Disposition"] = f'attachment; filename="feedback_FY{br.round.fiscal_year}_{inst.code}.pdf"'
    return out
