"""Matrix entries for the audit book (kansa.web.audit): auditor builds, management approves, owners remediate."""

from __future__ import annotations

from datetime import date
from typing import Any

from kansa.audit.events import snapshot
from kansa.audit.model import Engagement, Entity, Finding, Plan
from kansa.web.audit.models import AuditEngagement, AuditEntity, AuditFinding, AuditPlan
from tests.web.matrix import Entry

A, M, B, R = "auditor", "management", "business_line", "risk_compliance"
BOOK = {A, M}
POSTED = {400, 302}   # empty form -> 400; a form-less action -> 302 (kansa.audit's refusal shown as a message)

MATRIX: dict[str, Entry] = {
    "audit:home": ("GET", False, {A, M, B, R}, set(), {200}, {302}),
    "audit:universe_build": ("POST", False, {A}, set(), {302, 400}, {302}),   # 400 when no scan is done
    "audit:entity": ("GET", "entity", BOOK, set(), {200}, {302}),
    "audit:entity_override": ("POST", "entity", {A}, set(), {400}, {302}),
    "audit:entity_create": ("POST", False, {A}, set(), {400}, {302}),
    "audit:entity_edit": ("POST", "entity", {A}, set(), {400}, {302}),
    "audit:entity_retire": ("POST", "entity", {A}, set(), {400}, {302}),
    "audit:plan_create": ("POST", False, {A}, set(), {400}, {302}),
    "audit:plan": ("GET", "plan", BOOK, set(), {200}, {302}),
    "audit:plan_change": ("POST", "plan", {A}, set(), {400}, {302}),
    "audit:plan_submit": ("POST", "plan", {A}, set(), {302}, {302}),
    "audit:plan_approve": ("POST", "plan", {M}, set(), {302}, {302}),
    "audit:plan_return": ("POST", "plan", {M}, set(), {302}, {302}),
    "audit:engagement_create": ("POST", False, {A}, set(), {400}, {302}),
    "audit:engagement": ("GET", "engagement", BOOK, set(), {200}, {302}),
    "audit:engagement_team": ("POST", "engagement", {A}, set(), {400}, {302}),
    "audit:engagement_phase": ("POST", "engagement", {A}, set(), {400}, {302}),
    "audit:engagement_sample": ("POST", "engagement", {A}, set(), {400}, {302}),
    "audit:engagement_evidence": ("POST", "engagement", {A}, set(), {400}, {302}),
    "audit:engagement_report": ("GET", "engagement", BOOK, set(), {200}, {302}),
    "audit:sample_test": ("POST", "engagement", {A}, set(), {400}, {302}),
    "audit:step_add": ("POST", "engagement", {A}, set(), {400}, {302}),
    "audit:step_remove": ("POST", "engagement", {A}, set(), {400}, {302}),
    "audit:step_done": ("POST", "engagement", {A}, set(), {400}, {302}),
    "audit:table_sample": ("POST", "engagement", {A}, set(), {400}, {302}),
    "audit:finding_create": ("POST", "engagement", {A}, set(), {400}, {302}),
    "audit:finding": ("GET", "finding", {A, M, B}, set(), {200}, {302}),   # owned by business_line_user
    "audit:finding_move": ("POST", "finding", {A, B}, set(), {400}, {302}),
    "audit:finding_retest": ("POST", "finding", {A}, set(), {302}, {302}),   # wrong status -> refused, 302
    "audit:escalate": ("POST", False, {A}, set(), {302}, {302}),
    "audit:board_report": ("GET", False, BOOK, set(), {400}, {302}),   # no fiscal year given -> 400
}


def _row(model: Any, inst: Any, key: str, record: Any, **cols: str) -> Any:
    return model.objects.create(institution=inst, key=key, data=snapshot(record), **cols)


def objects(inst: Any) -> dict[str, dict[str, object]]:
    """An entity, a plan, an engagement and a finding (owned by business_line_user) of this institution."""
    ent = _row(AuditEntity, inst, "branch:B01", Entity("branch:B01", "branch", "本店"), kind="branch")
    plan = _row(AuditPlan, inst, "2025", Plan(2025, 100, ["E-01"]), status="draft")
    e = _row(AuditEngagement, inst, "E-01", Engagement("E-01", "t", "compliance", ["branch:B01"], 10), phase="planning")
    f = Finding("F-001", "E-01", "branch:B01", "t", "c", "c", "c", "e", "high", "process", "tc",
                "business_line_user", date(2026, 1, 1))
    fr = _row(AuditFinding, inst, "F-001", f, status="identified", owner="business_line_user")
    return {"entity": {"pk": ent.pk}, "plan": {"pk": plan.pk}, "engagement": {"pk": e.pk}, "finding": {"pk": fr.pk}}
