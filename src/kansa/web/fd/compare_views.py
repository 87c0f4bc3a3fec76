"""The supervisor's screens: upload firms' common-KPI workbooks, the comparison by firm type, the coverage heat map."""

from __future__ import annotations

import hashlib
import json
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from kansa.fd.compare import places, type_stats, year_on_year
from kansa.fd.compare_report import type_label, write_compare
from kansa.fd.kpi_workbook import Submission, read_submission
from kansa.fd.messages import FdError, FdErrors
from kansa.fd.principles import default_principles
from kansa.fd.report import heatmap
from kansa.i18n import Lang
from kansa.web.fd import charts, reading
from kansa.web.fd.models import KpiSubmission
from kansa.web.org.models import SUPERVISOR
from kansa.web.org.scoping import require_role
from kansa.web.trail.chain import record

MAX_WORKBOOK_BYTES = 5 * 1024**2


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that accepts several workbooks at once."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Every selected file cleaned (Django's documented pattern for several files in one field)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        """A list of files, each checked as one."""
        single = super().clean
        if not data:   # nothing chosen: the field's own "required" error, never an empty success
            return [single(None, initial)]
        return [single(d, initial) for d in data] if isinstance(data, list | tuple) else [single(data, initial)]


class SubmissionForm(forms.Form):
    """One or more filled submission workbooks (.xlsx)."""

    workbooks = MultipleFileField(label=_("共通KPI報告様式（xlsx、複数可）"),
                                widget=MultipleFileInput(attrs={"multiple": True, "accept": ".xlsx"}))


def lang_of(request: HttpRequest) -> Lang:
    """The reader's language."""
    return "en" if getattr(request, "LANGUAGE_CODE", "ja") == "en" else "ja"


def _read(upload: Any) -> tuple[Submission, str]:
    """Read one uploaded workbook through kansa.fd (under its own name, so errors name it)."""
    name = Path(upload.name).name
    if not name.lower().endswith(".xlsx"):
        raise FdError("kpi_not_workbook", path=name, detail="not .xlsx")
    if upload.size > MAX_WORKBOOK_BYTES:
        raise FdError("kpi_not_workbook", path=name, detail=f"{upload.size} bytes > {MAX_WORKBOOK_BYTES}")
    data = upload.read()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            sub = read_submission(path)
        except FdErrors as exc:
            raise FdErrors([reading.as_uploaded(e, path, name) for e in exc.errors]) from exc
        except FdError as exc:
            raise reading.as_uploaded(exc, path, name) from exc
    return sub, hashlib.sha256(data).hexdigest()


@login_required
@require_http_methods(["GET", "POST"])
def submissions(request: HttpRequest) -> HttpResponse:
    """Upload submission workbooks: all stored, or (on any error, each naming its cell) none."""
    require_role(request.user, SUPERVISOR)
    lang = lang_of(request)
    form = SubmissionForm(request.POST, request.FILES) if request.method == "POST" else SubmissionForm()
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        read: list[tuple[Submission, str, str]] = []
        for upload in form.cleaned_data["workbooks"]:
            try:
                sub, digest = _read(upload)
                read.append((sub, digest, Path(upload.name).name))
            except FdErrors as exc:
                problems += exc.messages(lang)
            except FdError as exc:
                problems.append(exc.message(lang))
        if not problems:
            with transaction.atomic():
                for sub, digest, name in read:
                    row = KpiSubmission.objects.create(
                        firm=sub.firm, firm_type=sub.firm_type, as_of=sub.as_of, positive_share=sub.positive_share,
                        top20_cost=sub.weighted.get("cost"), top20_return=sub.weighted.get("return"),
                        top20_risk=sub.weighted.get("risk"), bands=sub.bands, source_name=name, sha256=digest,
                        uploaded_by=request.user)
                    record(request.user.username, "create", "kpi_submission", row.pk,
                           after={"firm": sub.firm, "as_of": sub.as_of, "source": name, "sha256": digest})
            return redirect("fd_web:compare")
    bad = request.method == "POST" and (bool(form.errors) or bool(problems))
    return render(request, "fd_web/submissions.html", {
        "form": form, "problems": problems, "rows": KpiSubmission.objects.all()[:500],
        "label": lambda t: type_label(t, lang)}, status=400 if bad else 200)


def _as_of(request: HttpRequest, dates: list[date]) -> date | None:
    """The base date chosen (?as_of=), else the latest one."""
    chosen = request.GET.get("as_of", "")
    for d in dates:
        if d.isoformat() == chosen:
            return d
    return dates[-1] if dates else None


@login_required
@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    """Firms by type at one base date: distribution, places, year on year, cost vs return, coverage heat map."""
    require_role(request.user, SUPERVISOR)
    lang = lang_of(request)
    records = reading.all_records()
    stats = type_stats(records)
    firm_places = places(records)
    yoy = year_on_year(records)
    dates = sorted({s.as_of for s in stats})
    as_of = _as_of(request, dates)
    firms = [a for inst in reading.firms_with_policies() if (a := reading.analyse(inst)) is not None]
    heat = charts.coverage_heatmap(firms, default_principles(), lang)
    dumps = lambda o: json.dumps(o, ensure_ascii=False)   # noqa: E731
    ctx: dict[str, Any] = {"dates": dates, "as_of": as_of, "records": len(records),
                           "heat": dumps(heat) if heat else "", "policy_firms": [f.firm for f in firms]}
    if as_of is not None:
        ctx |= {
            "stats": [(type_label(s.firm_type, lang), s) for s in stats if s.as_of == as_of],
            "places": [(type_label(p.firm_type, lang), p) for p in firm_places if p.as_of == as_of],
            "yoy": [(type_label(y.firm_type, lang), y) for y in yoy if y.as_of == as_of],
            "distribution": dumps(charts.distribution(stats, as_of, lang)),
            "place_chart": dumps(charts.places_chart(firm_places, as_of, lang)),
            "yoy_chart": dumps(charts.yoy_chart(yoy, as_of, lang)),
            "cost_chart": dumps(charts.cost_return_chart(records, lang))}
    return render(request, "fd_web/compare.html", ctx)


@login_required
@require_GET
def compare_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """The comparison as Excel or PDF, written by kansa.fd's own report (the heat map included)."""
    require_role(request.user, SUPERVISOR)
    if fmt not in ("xlsx", "pdf"):
        raise Http404
    lang = lang_of(request)
    principles = default_principles()
    firms = [a for inst in reading.firms_with_policies() if (a := reading.analyse(inst, principles)) is not None]
    with tempfile.TemporaryDirectory() as tmp:
        files = write_compare(reading.all_records(), Path(tmp), lang=lang, heatmap=heatmap(firms, principles, lang),
                              formats=(fmt,))
        data = files[f"compare.{fmt}"].read_bytes()
    record(request.user.username, "export", "fd_compare", fmt, after={"format": fmt})
    types = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}
    resp = HttpResponse(data, content_type=types[fmt])
    resp["Content-Disposition"] = f'attachment; filename="fd_compare.{fmt}"'
    return resp
