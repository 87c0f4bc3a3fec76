"""Engagement evidence files: kansa.audit checks type and size, stores them by SHA-256 and never runs them."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kansa.audit import engagement as eng
from kansa.audit.model import Book, Event
from kansa.web.audit.access import apply, form_errors, writer
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
