"""Audit work screens: engagements (team, phases, samples of flags) and findings through to closing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from kansa.audit import engagement as eng
from kansa.audit import findings as fnd
from kansa.audit.events import record as book_event
from kansa.audit.model import Book, Engagement, Event, Finding, TeamMember
from kansa.audit.sampling import make_sample
from kansa.web.audit import book as books
from kansa.web.audit.access import (
    FINDING_READERS,
    OWNERS,
    READERS,
    apply,
    form_errors,
    institution,
    own_engagement,
    writer,
)
from kansa.web.audit.evidence import EvidenceForm
from kansa.web.audit.forms import (
    EngagementForm,
    FindingForm,
    MoveForm,
    PhaseForm,
    RetestForm,
    SampleForm,
    TableSampleForm,
    TeamForm,
    TestResultForm,
)
from kansa.web.audit.models import AuditEngagement, AuditFinding
from kansa.web.audit.program import library_choices
from kansa.web.audit.scandata import latest_scan, scan_flags
from kansa.web.org.models import AUDITOR, Membership
from kansa.web.org.scoping import membership, scoped, scoped_get
from kansa.web.scans.models import Scan


def _next_key(pattern: str, taken: Mapping[str, object]) -> str:
    """The first free id of the pattern (imported books may have gaps; a record is never overwritten)."""
    n = len(taken) + 1
    while pattern.format(n) in taken:
        n += 1
    return pattern.format(n)


def _owners(request: HttpRequest) -> list[str]:
    rows = scoped(request.user, Membership.objects).filter(role__in=OWNERS).select_related("user")
    return sorted(m.user.get_username() for m in rows)


@login_required
@require_POST
def engagement_create(request: HttpRequest) -> HttpResponse:
    """A new engagement (phase planning, work program from the library)."""
    inst = writer(request, AUDITOR)
    form = EngagementForm(request.POST)
    if not form.is_valid():
        return form_errors(form)
    d, who = form.cleaned_data, request.user.get_username()
    entities = [x.strip() for x in d["entities"].split(",") if x.strip()]

    def rule(b: Book) -> Event:
        key = _next_key("E-{:02d}", b.engagements)
        return eng.new_engagement(b, Engagement(key, d["title"], d["type"], entities, d["days"], d["quarter"]), who)
    return apply(request, inst, rule, reverse("audit:home"))


@login_required
@require_GET
def engagement(request: HttpRequest, pk: int) -> HttpResponse:
    """The engagement: team, phase, work program, samples with results, findings, and the forms to work on it."""
    row = scoped_get(request.user, AuditEngagement.objects, pk=pk)
    institution(request, *READERS)
    book = books.load(row.institution)
    e = book.engagements[row.key]
    found = scoped(request.user, AuditFinding.objects).filter(institution=row.institution,
                                                              data__engagement_id=row.key)
    return render(request, "audit/engagement.html", {
        "row": row, "e": e, "findings": found, "auditor": membership(request.user).role == AUDITOR,
        "team_form": TeamForm(), "evidence_form": EvidenceForm(), "sample_form": SampleForm(initial={"seed": 20260401}),
        "library": library_choices(e), "table_form": TableSampleForm(initial={"seed": 20260401}),
        "finding_form": FindingForm(owners=_owners(request), initial={"entity": (e.entity_ids or [""])[0]}),
        "next_phase": eng.PHASE_TRANSITIONS[e.phase]})


@login_required
@require_POST
def engagement_team(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an in-house auditor, co-source partner or system auditor."""
    row, who = own_engagement(request, pk, AUDITOR)
    form = TeamForm(request.POST)
    if not form.is_valid():
        return form_errors(form)
    member = TeamMember(form.cleaned_data["name"], form.cleaned_data["role"])

    def rule(b: Book) -> Event:
        e = eng.get_engagement(b, row.key)
        e.team.append(member)
        return book_event(b, who, "engagement.team", row.key, None, member)
    return apply(request, row.institution, rule, reverse("audit:engagement", args=[pk]))


@login_required
@require_POST
def engagement_phase(request: HttpRequest, pk: int) -> HttpResponse:
    """Planning -> fieldwork -> reporting -> closed."""
    row, who = own_engagement(request, pk, AUDITOR)
    form = PhaseForm(request.POST)
    if not form.is_valid():
        return form_errors(form)
    after = form.cleaned_data["after"]
    return apply(request, row.institution, lambda b: eng.advance_phase(b, row.key, after, who),
                 reverse("audit:engagement", args=[pk]))


@login_required
@require_POST
def engagement_sample(request: HttpRequest, pk: int) -> HttpResponse:
    """Draw an attribute sample from the latest scan's flags (random or by rule and branch), seed recorded."""
    row, who = own_engagement(request, pk, AUDITOR)
    form = SampleForm(request.POST)
    scan = latest_scan(scoped(request.user, Scan.objects).filter(institution=row.institution))
    if not form.is_valid() or scan is None:
        return form_errors(form) if scan else HttpResponse("no finished scan", status=400)
    d, rows = form.cleaned_data, scan_flags(scan)

    def rule(b: Book) -> Event:
        e = eng.get_engagement(b, row.key)
        sample = make_sample(f"{row.key}-S{len(e.samples) + 1}", f"scan #{scan.pk} flags", rows, "key",
                             seed=d["seed"], confidence=d["confidence"], tolerable_rate=d["tolerable_rate"],
                             strata=("rule_id", "branch") if d["stratified"] else ())
        by_key = {r["key"]: r for r in rows}
        for item in sample.items:   # the tester sees the flag they test: rule, branch, severity, reason
            item.row = {k: v for k, v in by_key[item.key].items() if k != "key"}
        return eng.add_sample(b, row.key, sample, who)
    return apply(request, row.institution, rule, reverse("audit:engagement", args=[pk]))


@login_required
@require_POST
def sample_test(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the result of testing one sampled item."""
    row, who = own_engagement(request, pk, AUDITOR)
    form = TestResultForm(request.POST)
    if not form.is_valid():
        return form_errors(form)
    d = form.cleaned_data
    return apply(request, row.institution,
                 lambda b: eng.record_test(b, row.key, d["sample"], d["key"], d["result"], who, d["note"]),
                 reverse("audit:engagement", args=[pk]))


@login_required
@require_POST
def finding_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a finding with its root-cause category and true cause."""
    row, who = own_engagement(request, pk, AUDITOR)
    form = FindingForm(request.POST, owners=_owners(request))
    if not form.is_valid():
        return form_errors(form)
    d = form.cleaned_data

    def rule(b: Book) -> Event:
        key = _next_key("F-{:03d}", b.findings)
        f = Finding(key, row.key, d["entity"], d["title"], d["condition"], d["criteria"], d["cause"], d["effect"],
                    d["severity"], d["root_cause"], d["true_cause"], d["owner"], d["due"], d["remediation"],
                    identified_on=date.today())
        return fnd.add_finding(b, f, who)
    return apply(request, row.institution, rule, reverse("audit:engagement", args=[pk]))


def _finding(request: HttpRequest, pk: int) -> AuditFinding:
    """A finding the user may see: the whole book for auditor and management, their own for the lines."""
    row: AuditFinding = scoped_get(request.user, AuditFinding.objects, pk=pk)
    institution(request, *FINDING_READERS)
    if membership(request.user).role in OWNERS and row.owner != request.user.get_username():
        raise PermissionDenied
    return row


@login_required
@require_GET
def finding(request: HttpRequest, pk: int) -> HttpResponse:
    """The finding, its status, re-test, and what this user may do next."""
    row = _finding(request, pk)
    f = books.load(row.institution).findings[row.key]
    role = membership(request.user).role
    return render(request, "audit/finding.html", {
        "row": row, "f": f, "auditor": role == AUDITOR, "owner": row.owner == request.user.get_username(),
        "recurring": [r for r in fnd.recurrences(books.load(row.institution).findings.values())
                      if row.key in r.finding_ids], "retest_form": RetestForm()})


@login_required
@require_POST
def finding_move(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner agrees and remediates; audit closes (kansa.audit requires a passed re-test first)."""
    row = _finding(request, pk)
    role = membership(request.user).role
    if role not in (AUDITOR, *OWNERS):
        raise PermissionDenied
    writer(request, role)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return form_errors(form)
    after, plan_text = form.cleaned_data["after"], form.cleaned_data["remediation"]
    if (after == "closed") != (role == AUDITOR):
        raise PermissionDenied
    who = request.user.get_username()

    def rule(b: Book) -> Event:
        if plan_text:
            fnd.get_finding(b, row.key).remediation = plan_text
        return fnd.move_finding(b, row.key, after, who)
    return apply(request, row.institution, rule, reverse("audit:finding", args=[pk]))


@login_required
@require_POST
def finding_retest(request: HttpRequest, pk: int) -> HttpResponse:
    """Audit re-tests the remediation: passed -> validated, failed -> back to the owner."""
    row = _finding(request, pk)
    writer(request, AUDITOR)
    form = RetestForm(request.POST)
    if not form.is_valid():
        return form_errors(form)
    d, who = form.cleaned_data, request.user.get_username()
    return apply(request, row.institution,
                 lambda b: fnd.retest_finding(b, row.key, who, d["passed"], date.today(), d["note"]),
                 reverse("audit:finding", args=[pk]))
