"""Read-only trail pages: an institution's auditors and admins see its events; nobody edits any."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kansa.web.org.models import ADMIN, AUDITOR, SUPERVISOR
from kansa.web.org.scoping import membership, require_role
from kansa.web.trail.models import Event


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    """The latest trail events the user may read."""
    m = require_role(request.user, AUDITOR, ADMIN, SUPERVISOR)
    qs = Event.objects.order_by("-id")
    if m.role != SUPERVISOR:
        qs = qs.filter(institution_code=membership(request.user).institution.code)
    return render(request, "trail/event_list.html", {"events": qs[:200]})
