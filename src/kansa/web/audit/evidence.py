"""Engagement files: evidence in (kansa.audit checks type and size, stores by SHA-256, never runs it), report out."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from kansa.audit import engagement as eng
from kansa.audit.model import Book, Event
from kansa.services.audit import book_engagement_report
from kansa.web.audit import book as books
from kansa.web.audit.access import READERS, apply, form_errors, institution, lang, writer
from kansa.web.audit.models import AuditEngagement
from kansa.web.org.models import AUDITOR
from kansa.web.org.scoping import scoped_get


class EvidenceForm(forms.Form):
    """One evidence file (PDF, Excel, CSV, text, image, Word, mail)."""

    file = forms.FileField(label=_("証拠資料"))


def evidence_store() -> Path:
    """Where evidence files are kept (KANSA_AUDIT_EVIDENCE_DIR, else beside the scan uploads)."""
    return Path(getattr(settings, "KANSA_AUDIT_EVIDENCE_DIR", Path(settings.KANSA_UPLOAD_DIR) / "audit-evidence"))


@login_required
@require_POST
def engagement_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach an evidence file; a wrong type, an empty or oversized file, or content not matching it is refused."""
    row: AuditEngagement = scoped_get(request.user, AuditEngagement.objects, pk=pk)
    writer(request, AUDITOR)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        return form_errors(form)
    upload = form.cleaned_data["file"]
    if upload.size > eng.MAX_EVIDENCE_BYTES:
        return HttpResponse("file too large", status=400)
    who, store = request.user.get_username(), evidence_store() / row.institution.code
    with tempfile.TemporaryDirectory() as tmp:
        local = Path(tmp) / (Path(upload.name or "evidence").name or "evidence")
        with local.open("wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)

        def rule(b: Book) -> Event:
            return eng.attach_evidence(b, row.key, local, store, who)
        return apply(request, row.institution, rule, reverse("audit:engagement", args=[pk]))


@login_required
@require_GET
def engagement_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The engagement report PDF through kansa.services.audit."""
    row: AuditEngagement = scoped_get(request.user, AuditEngagement.objects, pk=pk)
    institution(request, *READERS)
    out = Path(tempfile.mkdtemp(prefix="kansa-engagement-"))
    try:
        pdf = book_engagement_report(books.load(row.institution), row.key, out, lang=lang(request))
        body, name = pdf.read_bytes(), pdf.name
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return HttpResponse(body, content_type="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
