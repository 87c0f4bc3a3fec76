"""The universe edited by hand: add an entity the data does not show, edit its owner, cycle and judgement, retire it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from kansa.audit import universe as uni
from kansa.audit.model import Book, Entity, Event
from kansa.web.audit.access import apply, form_errors, writer
from kansa.web.audit.forms import EntityEditForm, EntityForm, RetireForm
from kansa.web.audit.models import AuditEntity
from kansa.web.org.models import AUDITOR
from kansa.web.org.scoping import scoped_get

EDITED = ("name", "owner", "cycle_months", "last_audited", "inherent_judgement", "control_judgement")


def initial(data: dict[str, Any]) -> dict[str, Any]:
    """An entity record's editable fields as a form's initial values."""
    return {k: data.get(k) for k in EDITED}


@login_required
@require_POST
def entity_create(request: HttpRequest) -> HttpResponse:
    """A new entity by hand (a third party, a process or a theme the data does not show)."""
    inst = writer(request, AUDITOR)
    form = EntityForm(request.POST)
    if not form.is_valid():
        return form_errors(form)
    d, who = form.cleaned_data, request.user.get_username()
    eid = uni.entity_id(d["kind"], d["key"])
    entity = Entity(eid, d["kind"], d["name"].strip(), d["owner"].strip(), d["cycle_months"], d["last_audited"],
                    d["inherent_judgement"], d["control_judgement"])
    return apply(request, inst, lambda b: uni.add_entity(b, entity, who), reverse("audit:home"), ok=eid)


@login_required
@require_POST
def entity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change what the head of audit decides about an entity; only the fields that changed go into the trail."""
    row: AuditEntity = scoped_get(request.user, AuditEntity.objects, pk=pk)
    inst = writer(request, AUDITOR)
    form = EntityEditForm(request.POST)
    if not form.is_valid():
        return form_errors(form)
    d, who = form.cleaned_data, request.user.get_username()
    d["name"], d["owner"] = d["name"].strip(), d["owner"].strip()

    def rule(b: Book) -> Event | None:
        entity = uni.get_entity(b, row.key)
        changed = {k: d[k] for k in EDITED if getattr(entity, k) != d[k]}
        return uni.edit_entity(b, row.key, who, **changed) if changed else None
    return apply(request, inst, rule, reverse("audit:entity", args=[pk]))


@login_required
@require_POST
def entity_retire(request: HttpRequest, pk: int) -> HttpResponse:
    """Retire an entity with a date and reason; it stays in the book (findings keep pointing at it) unscored."""
    row: AuditEntity = scoped_get(request.user, AuditEntity.objects, pk=pk)
    inst = writer(request, AUDITOR)
    form = RetireForm(request.POST)
    if not form.is_valid():
        return form_errors(form)
    d, who = form.cleaned_data, request.user.get_username()
    return apply(request, inst, lambda b: uni.retire_entity(b, row.key, who, d["on"], d["reason"]),
                 reverse("audit:entity", args=[pk]))
