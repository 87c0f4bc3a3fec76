"""Scans: upload a data folder, watch progress; flags with filters, heat map and detail."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from kansa.messages import InputError
from kansa.web.org.models import ADMIN, AUDITOR, BUSINESS_LINE, RISK_COMPLIANCE, Institution
from kansa.web.org.scoping import membership, require_write, scoped, scoped_get
from kansa.web.scans import charts
from kansa.web.scans.models import Flag, Scan
from kansa.web.scans.tasks import run_scan, upload_dir
from kansa.web.scans.upload import Limits, extract_zip
from kansa.web.scans.work import DispositionForm, ExplanationForm
from kansa.web.trail.chain import record

SCANNERS = (AUDITOR, RISK_COMPLIANCE, ADMIN)
FILTERS = ("rule_id", "branch", "salesperson", "severity")


class UploadForm(forms.Form):
    """A zip of a data folder (the CSV exports)."""

    data = forms.FileField(label=_("データフォルダ（zip）"))


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
                    scan = Scan.objects.create(institution=inst, created_by=request.user, source_name=f.name)
                    extract_zip(f.name, f, f.size, upload_dir(scan.pk),
                                Limits(upload_bytes=_max_bytes()))
                    record(request.user.username, "create", "scan", scan.pk, institution_code=inst.code,
                           after={"source": f.name})
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
    """A scan: status and progress (polled by htmx while it runs), inputs and versions."""
    scan = scoped_get(request.user, Scan.objects.select_related("institution"), pk=pk)
    template = "scans/_progress.html" if request.headers.get("HX-Request") else "scans/scan_detail.html"
    others = scoped(request.user, Scan.objects.filter(institution=scan.institution, status=Scan.DONE)
                    ).exclude(pk=scan.pk)[:20]
    bands, trend = charts.return_bands(scan.kpis), charts.profit_trend(scan.kpis)
    return render(request, template, {
        "scan": scan, "flag_count": scan.flags.count(), "others": others,
        "bands": json.dumps(bands, ensure_ascii=False) if bands else "",
        "trend": json.dumps(trend, ensure_ascii=False) if trend else ""})


@login_required
@require_GET
def flag_list(request: HttpRequest, pk: int) -> HttpResponse:
    """A scan's flags with filters (rule, branch, salesperson, severity) and a branch x rule heat map."""
    scan = scoped_get(request.user, Scan.objects.select_related("institution"), pk=pk)
    flags = scoped(request.user, Flag.objects.filter(scan=scan))
    chosen = {k: request.GET.get(k, "") for k in FILTERS}
    options = {k: sorted(v for v in set(flags.values_list(k, flat=True)) if v) for k in FILTERS}
    for k, v in chosen.items():
        if v:
            flags = flags.filter(**{k: v})
    cells = Counter(flags.exclude(branch="").values_list("branch", "rule_id"))
    branches = sorted({b for b, _r in cells})
    rules = sorted({r for _b, r in cells})
    heat = {"tooltip": {}, "xAxis": {"type": "category", "data": rules, "axisLabel": {"rotate": 30}},
            "yAxis": {"type": "category", "data": branches},
            "visualMap": {"min": 0, "max": max(cells.values(), default=1), "orient": "horizontal"},
            "series": [{"type": "heatmap", "data": [[rules.index(r), branches.index(b), n]
                                                    for (b, r), n in cells.items()]}]}
    return render(request, "scans/flag_list.html", {
        "scan": scan, "flags": flags[:500], "total": flags.count(), "chosen": chosen, "options": options,
        "heat": json.dumps(heat, ensure_ascii=False)})


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
