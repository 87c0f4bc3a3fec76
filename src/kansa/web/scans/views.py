"""Scans: upload a data folder, watch progress; the review queue leads; flags with filters and detail."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from kansa.messages import InputError
from kansa.web.org.models import ADMIN, AUDITOR, BUSINESS_LINE, RISK_COMPLIANCE, Institution
from kansa.web.org.scoping import membership, require_write, scoped, scoped_get
from kansa.web.scans import charts, review
from kansa.web.scans.models import Case, Flag, Scan
from kansa.web.scans.tasks import run_scan, upload_dir
from kansa.web.scans.upload import Limits, extract_zip
from kansa.web.scans.work import DispositionForm, ExplanationForm
from kansa.web.trail.chain import record

SCANNERS = (AUDITOR, RISK_COMPLIANCE, ADMIN)
FILTERS = ("rule_id", "branch", "salesperson", "severity")
PAGE_SIZE = 100


class UploadForm(forms.Form):
    """A zip of a data folder (the CSV exports), scanned for conduct or cyber."""

    data = forms.FileField(label=_("データフォルダ（zip）"))
    kind = forms.ChoiceField(label=_("スキャンの種類"), required=False,
                             choices=[(Scan.CONDUCT, _("顧客本位（コンダクト）")), (Scan.CYBER, _("サイバー"))])


@login_required
@require_http_methods(["GET", "POST"])
def scan_list(request: HttpRequest) -> HttpResponse:
    """Scans the user may read; members who scan may upload a new data folder."""
    m = membership(request.user)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST":
        if m.institution is None:   # the supervisor writes into no institution
            raise PermissionDenied
        inst: Institution = m.institution
        require_write(request.user, inst, *SCANNERS)
        if form.is_valid():
            f = form.cleaned_data["data"]
            try:
                with transaction.atomic():
                    scan = Scan.objects.create(institution=inst, created_by=request.user, source_name=f.name,
                                               kind=form.cleaned_data.get("kind") or Scan.CONDUCT)
                    extract_zip(f.name, f, f.size, upload_dir(scan.pk),
                                Limits(upload_bytes=_max_bytes()))
                    record(request.user.username, "create", "scan", scan.pk, institution_code=inst.code,
                           after={"source": f.name, "kind": scan.kind})
                    transaction.on_commit(lambda: run_scan.enqueue(scan.pk))
                return redirect("scans:scan_detail", pk=scan.pk)
            except InputError as exc:
                form.add_error("data", exc.render(_lang(request)))
    scans = scoped(request.user, Scan.objects.select_related("institution"))[:100]
    return render(request, "scans/scan_list.html", {"scans": scans, "form": form,
                                                     "can_scan": m.role in SCANNERS},
                  status=400 if form.errors else 200)


def _max_bytes() -> int:
    from django.conf import settings
    return int(settings.KANSA_UPLOAD_MAX_BYTES)


def _lang(request: HttpRequest) -> Any:
    return "en" if getattr(request, "LANGUAGE_CODE", "ja") == "en" else "ja"


@login_required
@require_GET
def scan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A scan: progress (polled by htmx while it runs), then the ranked review queue, coverage, KPIs, inputs."""
    scan = scoped_get(request.user, Scan.objects.select_related("institution"), pk=pk)
    ctx: dict[str, Any] = {"scan": scan, "flag_count": scan.flags.count()}
    if request.headers.get("HX-Request"):
        return render(request, "scans/_progress.html", ctx)
    lang = review.lang_of(request)
    ctx["others"] = scoped(request.user, Scan.objects.filter(institution=scan.institution, status=Scan.DONE,
                                                             kind=scan.kind)).exclude(pk=scan.pk)[:20]
    ctx["coverage"] = review.coverage_rows(request.user, scan, lang)
    ctx["not_evaluated"] = sum(1 for c in ctx["coverage"] if not c["evaluated"])
    if scan.kind == Scan.CYBER:
        ctx.update(review.cyber_view(request.user, scan, lang))
        return render(request, "scans/cyber_detail.html", ctx)
    ctx["queue"] = review.review_queue(request.user, scan, lang)
    ctx["case_count"] = scoped(request.user, Case.objects.filter(scan=scan)).count()
    for name, build in (("bands", charts.return_bands), ("trend", charts.profit_trend),
                        ("top20", charts.top20_cost_return)):
        option = build(scan.kpis)
        ctx[name] = json.dumps(option, ensure_ascii=False) if option else ""
    return render(request, "scans/scan_detail.html", ctx)


@login_required
@require_GET
def flag_list(request: HttpRequest, pk: int) -> HttpResponse:
    """A scan's flags with filters (rule, branch, salesperson, severity, case), a page at a time."""
    scan = scoped_get(request.user, Scan.objects.select_related("institution"), pk=pk)
    flags = scoped(request.user, Flag.objects.filter(scan=scan))
    chosen = {k: request.GET.get(k, "") for k in FILTERS}
    options = {k: [(v, v == chosen[k]) for v in values]   # (value, selected): no nested loop in the template
               for k, values in _filter_values(scan, flags).items()}
    for k, v in chosen.items():
        if v:
            flags = flags.filter(**{k: v})
    case = None
    if request.GET.get("case", "").isdigit():
        case = scoped_get(request.user, Case.objects.filter(scan=scan), pk=int(request.GET["case"]))
        flags = flags.filter(case=case)
    page = Paginator(flags.order_by("rule_id", "entity_id", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({**{k: v for k, v in chosen.items() if v}, **({"case": case.pk} if case else {})})
    return render(request, "scans/flag_list.html", {
        "scan": scan, "flags": page.object_list, "page": page, "total": page.paginator.count, "chosen": chosen,
        "options": options, "case": case, "query": query})


def _filter_values(scan: Scan, flags: Any) -> dict[str, list[str]]:
    """The distinct rules, branches, salespeople and severities of a scan's (already scoped) flags.

    A finished scan's flags never change, so the four DISTINCT queries run once per scan and process, not on
    every page of the flag list; the key is the scan, which the caller has already checked the user may read.
    """
    key = f"kansa:flag-filters:{scan.pk}"
    values: dict[str, list[str]] | None = cache.get(key)
    if values is None:
        values = {k: list(flags.exclude(**{k: ""}).values_list(k, flat=True).distinct().order_by(k))
                  for k in FILTERS}
        if scan.status == Scan.DONE:
            cache.set(key, values, 3600)
    return values


@login_required
@require_GET
def flag_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One flag: its reason and evidence."""
    flag = scoped_get(request.user, Flag.objects.select_related("scan", "institution"), pk=pk)
    m = membership(request.user)
    own = m.institution_id == flag.institution_id
    return render(request, "scans/flag_detail.html", {
        "flag": flag, "explanations": flag.explanations.select_related("author"),
        "dispositions": flag.dispositions.select_related("author"),
        "can_explain": own and m.role == BUSINESS_LINE, "can_dispose": own and m.role == AUDITOR,
        "explain_form": ExplanationForm(), "dispose_form": DispositionForm(),
                                                      "evidence": json.dumps(flag.evidence, ensure_ascii=False,
                                                                             indent=2)})
