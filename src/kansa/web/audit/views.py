"""Audit book screens: the universe with explained risk scores, and the annual plan with its checks and approval."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from kansa.audit import plan as plans
from kansa.audit.errors import AuditUsageError
from kansa.audit.findings import recurrences
from kansa.audit.model import Book, Event
from kansa.audit.risk import RiskScore, assess, override_risk
from kansa.web.audit import book as books
from kansa.web.audit.access import FINDING_READERS, READERS, apply, form_errors, institution, lang, writer
from kansa.web.audit.forms import (
    EngagementForm,
    EntityEditForm,
    EntityForm,
    OverrideForm,
    PlanChangeForm,
    PlanForm,
    RetireForm,
)
from kansa.web.audit.models import AuditEngagement, AuditEntity, AuditFinding, AuditNotice, AuditPlan
from kansa.web.audit.scandata import build_universe, latest_scan, scan_signals
from kansa.web.audit.universe import initial
from kansa.web.org.models import AUDITOR, MANAGEMENT, Institution
from kansa.web.org.scoping import membership, scoped, scoped_get
from kansa.web.scans.models import Scan


def scores(request: HttpRequest, book: Book) -> tuple[dict[str, RiskScore], Scan | None]:
    """Every entity's explained score from the institution's latest scan (kansa.audit.risk does the scoring)."""
    scan = latest_scan(scoped(request.user, Scan.objects))
    return assess(book, scan_signals(scan) if scan else [], as_of=date.today()), scan


def _rows(request: HttpRequest, model: Any, inst: Institution) -> Any:
    return scoped(request.user, model.objects).filter(institution=inst)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The audit book: universe and scores, plans, engagements, findings and notices (owners see their own)."""
    inst = institution(request, *FINDING_READERS)
    m = membership(request.user)
    findings = _rows(request, AuditFinding, inst)
    if m.role not in READERS:
        return render(request, "audit/home.html", {"inst": inst, "reader": False,
                                                    "findings": findings.filter(owner=request.user.get_username())})
    book = books.load(inst)
    risk, scan = scores(request, book)
    entities = sorted(_rows(request, AuditEntity, inst), key=lambda r: -risk[r.key].overall if r.key in risk else 0)
    return render(request, "audit/home.html", {
        "inst": inst, "reader": True, "auditor": m.role == AUDITOR, "scan": scan,
        "entities": [(r, risk.get(r.key)) for r in entities], "plans": _rows(request, AuditPlan, inst),
        "engagements": _rows(request, AuditEngagement, inst), "findings": findings,
        "recurrences": recurrences(book.findings.values()),
        "notices": scoped(request.user, AuditNotice.objects).filter(institution=inst)[:50],
        "plan_form": PlanForm(initial={"fiscal_year": plans.fiscal_year_of(date.today()), "capacity_days": 200}),
        "quarter": (date.today().month - 4) % 12 // 3 + 1,
        "engagement_form": EngagementForm(initial={"quarter": 1}),
        "entity_form": EntityForm(initial={"cycle_months": 36, "inherent_judgement": 2, "control_judgement": 2})})


@login_required
@require_POST
def universe_build(request: HttpRequest) -> HttpResponse:
    """Build the universe from the latest scan in one step (entities edited by hand stay as they are)."""
    inst = writer(request, AUDITOR)
    scan = latest_scan(scoped(request.user, Scan.objects).filter(institution=inst))
    if scan is None:
        return HttpResponse("no finished scan", status=400)
    who = request.user.get_username()
    return apply(request, inst, lambda b: build_universe(b, scan, who), reverse("audit:home"))


@login_required
@require_GET
def entity(request: HttpRequest, pk: int) -> HttpResponse:
    """One entity's score and the signals that made it, with the scan they came from."""
    row = scoped_get(request.user, AuditEntity.objects, pk=pk)
    institution(request, *READERS)
    risk, scan = scores(request, books.load(row.institution))
    return render(request, "audit/entity.html", {"row": row, "score": risk.get(row.key), "scan": scan,
                                                 "form": OverrideForm(), "edit_form": EntityEditForm(
                                                     initial=initial(row.data)),
                                                 "retire_form": RetireForm(initial={"on": date.today()}),
                                                 "auditor": membership(request.user).role == AUDITOR})


@login_required
@require_POST
def entity_override(request: HttpRequest, pk: int) -> HttpResponse:
    """A manual score with its reason (into the trail)."""
    row = scoped_get(request.user, AuditEntity.objects, pk=pk)
    inst = writer(request, AUDITOR)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        return form_errors(form)
    d, who = form.cleaned_data, request.user.get_username()
    return apply(request, inst, lambda b: override_risk(b, row.key, d["inherent"], d["control"], d["reason"], who),
                 reverse("audit:entity", args=[pk]))


@login_required
@require_POST
def plan_create(request: HttpRequest) -> HttpResponse:
    """A new draft plan for a fiscal year."""
    inst = writer(request, AUDITOR)
    form = PlanForm(request.POST)
    if not form.is_valid():
        return form_errors(form)
    fy, cap, who = form.cleaned_data["fiscal_year"], form.cleaned_data["capacity_days"], request.user.get_username()

    def rule(b: Book) -> Event:
        if str(fy) in b.plans:   # kansa.audit.plan.new_plan would start the year over: change the plan instead
            raise AuditUsageError("audit_bad_value", field="fiscal_year", value=fy, allowed="a year without a plan")
        return plans.new_plan(b, fy, cap, who)
    return apply(request, inst, rule, reverse("audit:home"))


@login_required
@require_GET
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan with its engagements, days against capacity, plan checks in words, and approval state."""
    row = scoped_get(request.user, AuditPlan.objects, pk=pk)
    institution(request, *READERS)
    book = books.load(row.institution)
    the_plan = book.plans[row.key]
    risk, scan = scores(request, book)
    checks = [c.render(lang(request)) for c in plans.check_plan(book, the_plan, risk)]
    listed = plans.plan_engagements(book, the_plan)
    role = membership(request.user).role
    return render(request, "audit/plan.html", {
        "row": row, "plan": the_plan, "checks": checks, "engagements": listed, "scan": scan,
        "days": sum(e.days for e in listed), "others": sorted(set(book.engagements) - set(the_plan.engagement_ids)),
        "auditor": role == AUDITOR, "management": role == MANAGEMENT, "form": PlanChangeForm()})


def _plan_action(request: HttpRequest, pk: int, role: str, action: str) -> HttpResponse:
    row = scoped_get(request.user, AuditPlan.objects, pk=pk)
    inst = writer(request, role)
    fy, who = int(row.key), request.user.get_username()
    rules = {"submit": plans.submit_plan, "approve": plans.approve_plan, "return": plans.return_plan}
    return apply(request, inst, lambda b: rules[action](b, fy, who), reverse("audit:plan", args=[pk]))


@login_required
@require_POST
def plan_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Add or remove an engagement or change capacity; after approval this opens a new version."""
    row = scoped_get(request.user, AuditPlan.objects, pk=pk)
    inst = writer(request, AUDITOR)
    form = PlanChangeForm(request.POST)
    if not form.is_valid() or not any(form.cleaned_data.get(k) not in (None, "") for k in form.fields):
        return form_errors(form) if form.errors else HttpResponse("nothing to change", status=400)
    d, who = form.cleaned_data, request.user.get_username()
    return apply(request, inst, lambda b: plans.change_plan(
        b, int(row.key), who, add=[d["add"]] if d["add"] else None, remove=[d["remove"]] if d["remove"] else None,
        capacity_days=d["capacity_days"]), reverse("audit:plan", args=[pk]))


@login_required
@require_POST
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The auditor submits the plan to management."""
    return _plan_action(request, pk, AUDITOR, "submit")


@login_required
@require_POST
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Management approves the submitted plan (who and when recorded)."""
    return _plan_action(request, pk, MANAGEMENT, "approve")


@login_required
@require_POST
def plan_return(request: HttpRequest, pk: int) -> HttpResponse:
    """Management sends the plan back to draft."""
    return _plan_action(request, pk, MANAGEMENT, "return")
