"""An engagement's work program picked from the library (steps linked to kansa rules and framework questions),
and attribute samples of any loaded table."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from kansa.audit import engagement as eng
from kansa.audit.model import Book, Engagement, Event
from kansa.messages import KansaError
from kansa.services.audit_tables import folder_table_sample
from kansa.web.audit.access import apply, form_errors, lang, own_engagement
from kansa.web.audit.forms import ConcludeForm, StepForm, TableSampleForm
from kansa.web.org.models import AUDITOR
from kansa.web.scans.upload import Limits, extract_zip


def library_choices(e: Engagement) -> list[dict[str, Any]]:
    """Library steps not yet in the program, those of the engagement's own type first, each with its links."""
    taken = {s.id for s in e.steps}
    free = [s for s in eng.library() if s["id"] not in taken]
    return sorted(free, key=lambda s: (s.get("type") != e.type, s["id"]))


@login_required
@require_POST
def step_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a library step into the work program."""
    row, who = own_engagement(request, pk, AUDITOR)
    form = StepForm(request.POST)
    if not form.is_valid():
        return form_errors(form)
    step = form.cleaned_data["step"]
    return apply(request, row.institution, lambda b: eng.add_step(b, row.key, step, who),
                 reverse("audit:engagement", args=[pk]))


@login_required
@require_POST
def step_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a step not yet done out of the work program."""
    row, who = own_engagement(request, pk, AUDITOR)
    form = StepForm(request.POST)
    if not form.is_valid():
        return form_errors(form)
    step = form.cleaned_data["step"]
    return apply(request, row.institution, lambda b: eng.remove_step(b, row.key, step, who),
                 reverse("audit:engagement", args=[pk]))


@login_required
@require_POST
def step_done(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a step's conclusion (the step is then done)."""
    row, who = own_engagement(request, pk, AUDITOR)
    form = ConcludeForm(request.POST)
    if not form.is_valid():
        return form_errors(form)
    d = form.cleaned_data
    return apply(request, row.institution, lambda b: eng.conclude_step(b, row.key, d["step"], d["conclusion"], who),
                 reverse("audit:engagement", args=[pk]))


@login_required
@require_POST
def table_sample(request: HttpRequest, pk: int) -> HttpResponse:
    """Sample one table of an uploaded data folder: read by kansa.services (validated, DuckDB), seed recorded.

    The folder is unpacked with the scan upload's zip checks into a private temporary folder and removed after
    the draw; the sample keeps the table file's name and SHA-256, so the same draw can be repeated on it.
    """
    row, who = own_engagement(request, pk, AUDITOR)
    form = TableSampleForm(request.POST, request.FILES)
    if not form.is_valid():
        return form_errors(form)
    d = form.cleaned_data
    strata = tuple(c.strip() for c in d["strata"].split(",") if c.strip())
    with tempfile.TemporaryDirectory(prefix="kansa-audit-table-") as tmp:
        limit = int(getattr(settings, "KANSA_UPLOAD_MAX_BYTES", Limits.upload_bytes))
        try:
            folder = extract_zip(d["data"].name, d["data"], d["data"].size, Path(tmp) / "data",
                                 Limits(upload_bytes=limit))
            sample = folder_table_sample(folder, d["table"], "pending", seed=d["seed"], confidence=d["confidence"],
                                         tolerable_rate=d["tolerable_rate"], strata=strata, lang=lang(request))
        except KansaError as exc:   # a bad zip, a folder that fails the contract, a table it lacks
            messages.error(request, exc.render(lang(request)))
            return redirect("audit:engagement", pk=pk)

    def rule(b: Book) -> Event:
        e = eng.get_engagement(b, row.key)
        sample.id = f"{row.key}-S{len(e.samples) + 1}"   # numbered under the book's lock
        return eng.add_sample(b, row.key, sample, who)
    return apply(request, row.institution, rule, reverse("audit:engagement", args=[pk]))

