"""The annual audit plan: engagements against capacity, plan checks said in words, and approval."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kansa.audit.errors import AuditUsageError, TransitionError
from kansa.audit.events import now, record
from kansa.audit.model import Book, Engagement, Event, Plan, PlanVersion
from kansa.audit.risk import RiskScore
from kansa.i18n import Lang
from kansa.messages import render

THEME_TYPES = ("theme", "culture", "business_model")
PLAN_TRANSITIONS = {"draft": ("submitted",), "submitted": ("approved", "draft"), "approved": ()}


@dataclass(frozen=True)
class PlanCheck:
    """One thing wrong with a plan: a message code and its fields, rendered in the reader's language."""

    code: str
    fields: Mapping[str, Any] = field(default_factory=dict)

    def render(self, lang: Lang = "ja") -> str:
        """The check in words."""
        return render(self.code, lang, self.fields)


def fiscal_year_of(day: date) -> int:
    """The fiscal year (April to March) a date falls in: 2026-03-31 -> 2025."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_end(fiscal_year: int) -> date:
    """The last day of a fiscal year (31 March of the next calendar year)."""
    return date(fiscal_year + 1, 3, 31)


def plan_engagements(book: Book, plan: Plan) -> list[Engagement]:
    """The engagements a plan lists (unknown ids are a usage error)."""
    out = []
    for eid in plan.engagement_ids:
        if eid not in book.engagements:
            raise AuditUsageError("audit_unknown_id", kind="engagement", id=eid)
        out.append(book.engagements[eid])
    return out


def _months_between(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def check_plan(book: Book, plan: Plan, scores: Mapping[str, RiskScore]) -> list[PlanCheck]:
    """Every plan check that fires, in a stable order; an empty list means the plan passes."""
    engagements = plan_engagements(book, plan)
    covered = {eid for e in engagements for eid in e.entity_ids}
    checks: list[PlanCheck] = []
    cyber = any(e.type == "system_audit" or "theme:cyber" in e.entity_ids
                or any(book.entities.get(x) is not None and book.entities[x].kind == "system" for x in e.entity_ids)
                for e in engagements)
    if not cyber:
        checks.append(PlanCheck("plan_check_no_cyber"))
    year_end = fiscal_year_end(plan.fiscal_year)
    for eid, score in sorted(scores.items()):
        entity = book.entities.get(eid)
        if entity is None or score.rating != "high" or eid in covered:
            continue
        last = entity.last_audited
        if last is None or _months_between(last, year_end) > entity.cycle_months:
            checks.append(PlanCheck("plan_check_high_risk_out_of_cycle", {
                "entity": eid, "name": entity.name, "cycle": entity.cycle_months,
                "last": last.isoformat() if last else "—"}))
    if not any(e.type in THEME_TYPES for e in engagements):
        checks.append(PlanCheck("plan_check_no_theme"))
    days = sum(e.days for e in engagements)
    if days > plan.capacity_days:
        checks.append(PlanCheck("plan_check_over_capacity", {
            "days": f"{days:g}", "capacity": f"{plan.capacity_days:g}", "excess": f"{days - plan.capacity_days:g}"}))
    for e in engagements:
        if e.type == "system_audit" and not any(m.role in ("system_auditor", "co_source") for m in e.team):
            checks.append(PlanCheck("plan_check_system_audit_unstaffed", {"engagement": e.id, "title": e.title}))
    return checks


def new_plan(book: Book, fiscal_year: int, capacity_days: float, who: str) -> Event:
    """Start a draft plan for a fiscal year."""
    plan = Plan(fiscal_year=fiscal_year, capacity_days=capacity_days)
    book.plans[str(fiscal_year)] = plan
    return record(book, who, "plan.create", f"plan:{fiscal_year}", None, plan)


def get_plan(book: Book, fiscal_year: int) -> Plan:
    """The plan of a fiscal year (a usage error when there is none)."""
    plan = book.plans.get(str(fiscal_year))
    if plan is None:
        raise AuditUsageError("audit_no_plan", fiscal_year=fiscal_year)
    return plan


def _move(book: Book, plan: Plan, after: str, who: str) -> Event:
    before = plan.status
    if after not in PLAN_TRANSITIONS[before]:
        raise TransitionError("audit_illegal_transition", kind="plan", id=plan.fiscal_year, before=before,
                              after=after, allowed=", ".join(PLAN_TRANSITIONS[before]) or "—")
    plan.status = after
    return record(book, who, f"plan.{after}", f"plan:{plan.fiscal_year}",
                  {"status": before, "version": plan.version}, {"status": after, "version": plan.version})


def submit_plan(book: Book, fiscal_year: int, who: str) -> Event:
    """Draft -> submitted to management."""
    plan = get_plan(book, fiscal_year)
    event = _move(book, plan, "submitted", who)
    plan.submitted_by, plan.submitted_at = who, event.when
    return event


def approve_plan(book: Book, fiscal_year: int, who: str) -> Event:
    """Submitted -> approved by management (who and when recorded)."""
    plan = get_plan(book, fiscal_year)
    event = _move(book, plan, "approved", who)
    plan.approved_by, plan.approved_at = who, event.when
    return event


def return_plan(book: Book, fiscal_year: int, who: str) -> Event:
    """Submitted -> back to draft (management sends it back)."""
    return _move(book, get_plan(book, fiscal_year), "draft", who)


def change_plan(book: Book, fiscal_year: int, who: str, *, add: list[str] | None = None,
                remove: list[str] | None = None, capacity_days: float | None = None) -> Event:
    """Change a plan's engagements or capacity; a change to an approved plan opens a new draft version."""
    plan = get_plan(book, fiscal_year)
    if plan.status == "submitted":
        raise TransitionError("audit_illegal_transition", kind="plan", id=fiscal_year, before="submitted",
                              after="draft (edit)", allowed="approved, draft")
    before = {"version": plan.version, "status": plan.status, "engagement_ids": list(plan.engagement_ids),
              "capacity_days": plan.capacity_days}
    if plan.status == "approved":
        assert plan.approved_by is not None and plan.approved_at is not None
        plan.history.append(PlanVersion(plan.version, list(plan.engagement_ids), plan.capacity_days,
                                        plan.approved_by, plan.approved_at))
        plan.version += 1
        plan.status, plan.submitted_by, plan.submitted_at, plan.approved_by, plan.approved_at = (
            "draft", None, None, None, None)
    for eid in add or []:
        if eid not in book.engagements:
            raise AuditUsageError("audit_unknown_id", kind="engagement", id=eid)
        if eid not in plan.engagement_ids:
            plan.engagement_ids.append(eid)
    plan.engagement_ids = [e for e in plan.engagement_ids if e not in set(remove or [])]
    if capacity_days is not None:
        plan.capacity_days = capacity_days
    after = {"version": plan.version, "status": plan.status, "engagement_ids": list(plan.engagement_ids),
             "capacity_days": plan.capacity_days}
    return record(book, who, "plan.change", f"plan:{fiscal_year}", before, after, when=now())
