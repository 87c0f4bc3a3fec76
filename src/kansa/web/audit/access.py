"""Who may do what in the audit book, and the small helpers every audit view shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from kansa.audit.model import Book, Event
from kansa.messages import KansaError
from kansa.web.audit import book as books
from kansa.web.audit.models import AuditEngagement
from kansa.web.org.models import AUDITOR, BUSINESS_LINE, MANAGEMENT, RISK_COMPLIANCE, Institution
from kansa.web.org.scoping import require_role, require_write, scoped_get

READERS = (AUDITOR, MANAGEMENT)                       # the whole book
OWNERS = (BUSINESS_LINE, RISK_COMPLIANCE)             # first and second line: the findings they own
FINDING_READERS = (*READERS, *OWNERS)


def lang(request: HttpRequest) -> Any:
    """The reader's language for kansa.audit's messages."""
    return "en" if getattr(request, "LANGUAGE_CODE", "ja") == "en" else "ja"


def institution(request: HttpRequest, *roles: str) -> Institution:
    """The user's own institution if their role is among `roles` (the supervisor reads none of the book)."""
    m = require_role(request.user, *roles)
    inst: Institution = scoped_get(request.user, Institution.objects, pk=m.institution_id)
    return inst


def writer(request: HttpRequest, *roles: str) -> Institution:
    """The institution whose book the user may change with one of `roles`."""
    inst = institution(request, *roles)
    require_write(request.user, inst, *roles)
    return inst


def own_engagement(request: HttpRequest, pk: int, *roles: str) -> tuple[AuditEngagement, str]:
    """An engagement of the user's institution they may change with one of `roles`, and who they are."""
    row: AuditEngagement = scoped_get(request.user, AuditEngagement.objects, pk=pk)
    writer(request, *roles)
    return row, request.user.get_username()


def apply(request: HttpRequest, inst: Institution, rule: Callable[[Book], Event | list[Event] | None],
          back: str, ok: str = "") -> HttpResponse:
    """Run one kansa.audit rule on the stored book; its refusal is shown in the user's language."""
    try:
        books.change(inst, request.user.get_username(), rule)
    except KansaError as exc:
        messages.error(request, exc.render(lang(request)))
    else:
        if ok:
            messages.success(request, ok)
    return redirect(back)


def form_errors(form: Any) -> HttpResponse:
    """An invalid form: 400 with the errors as text."""
    return HttpResponse(" ".join(f"{k}: {e}" for k, errs in form.errors.items() for e in errs), status=400)
