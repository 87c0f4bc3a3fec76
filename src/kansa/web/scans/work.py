"""Flags as work: the first line explains, the auditor dispositions, two scans are compared."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from kansa.web.org.models import AUDITOR, BUSINESS_LINE
from kansa.web.org.scoping import require_write, scoped, scoped_get
from kansa.web.scans.models import Disposition, Explanation, Flag, Scan
from kansa.web.trail.chain import record


class ExplanationForm(forms.Form):
    """The first line's account of what happened."""

    text = forms.CharField(label=_("説明"), widget=forms.Textarea, max_length=4000)


class DispositionForm(forms.Form):
    """The auditor's decision; `no_issue` needs a reason."""

    kind = forms.ChoiceField(label=_("判断"), choices=Disposition.KINDS)
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea, required=False, max_length=4000)

    def clean(self) -> dict[str, object]:
        """No issue without a reason is not an audit judgement."""
        data = super().clean() or {}
        if data.get("kind") == Disposition.NO_ISSUE and not str(data.get("reason", "")).strip():
            self.add_error("reason", _("「問題なし」には理由が必要です。"))
        return data


def _flag(request: HttpRequest, pk: int) -> Flag:
    flag: Flag = scoped_get(request.user, Flag.objects.select_related("institution"), pk=pk)
    return flag


@login_required
@require_POST
def explain(request: HttpRequest, pk: int) -> HttpResponse:
    """A first-line member of the flag's institution explains it."""
    flag = _flag(request, pk)
    require_write(request.user, flag.institution, BUSINESS_LINE)
    form = ExplanationForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    with transaction.atomic():
        e = Explanation.objects.create(flag=flag, author=request.user, text=form.cleaned_data["text"])
        record(request.user.username, "create", "explanation", e.pk, institution_code=flag.institution.code,
               after={"flag": flag.pk, "text": e.text})
    return redirect("scans:flag_detail", pk=flag.pk)


@login_required
@require_POST
def dispose(request: HttpRequest, pk: int) -> HttpResponse:
    """The flag's institution's auditor records a disposition (the previous one goes to the trail as before)."""
    flag = _flag(request, pk)
    require_write(request.user, flag.institution, AUDITOR)
    form = DispositionForm(request.POST)
    if not form.is_valid():
        return HttpResponse(" ".join(str(e) for errs in form.errors.values() for e in errs), status=400)
    with transaction.atomic():
        last = flag.dispositions.order_by("-at", "-id").first()
        d = Disposition.objects.create(flag=flag, author=request.user, **form.cleaned_data)
        record(request.user.username, "change" if last else "create", "disposition", flag.pk,
               institution_code=flag.institution.code,
               before={"kind": last.kind, "reason": last.reason} if last else None,
               after={"kind": d.kind, "reason": d.reason})
    return redirect("scans:flag_detail", pk=flag.pk)


def flag_keys(scan: Scan) -> set[tuple[str, str, str]]:
    """What identifies a flag across scans: rule, entity type, entity."""
    return set(scan.flags.values_list("rule_id", "entity_type", "entity_id"))


@login_required
@require_GET
def compare(request: HttpRequest, pk: int, base: int) -> HttpResponse:
    """Flags new in scan `pk`, persisting from scan `base`, and resolved since (same institution only)."""
    scan = scoped_get(request.user, Scan.objects.select_related("institution"), pk=pk)
    before = scoped_get(request.user, Scan.objects.filter(institution=scan.institution), pk=base)
    now, then = flag_keys(scan), flag_keys(before)
    return render(request, "scans/compare.html", {
        "scan": scan, "base": before, "new": sorted(now - then), "persisting": sorted(now & then),
        "resolved": sorted(then - now), "others": scoped(request.user, Scan.objects.filter(
            institution=scan.institution, status=Scan.DONE)).exclude(pk=scan.pk)})
