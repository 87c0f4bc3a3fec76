"""Findings: their life from identified to closed (with audit's re-test), overdue escalation and recurrence."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from kansa.audit.errors import AuditUsageError, TransitionError
from kansa.audit.events import record
from kansa.audit.model import Book, Event, Finding, Retest

FINDING_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "identified": ("agreed",), "agreed": ("remediating",), "remediating": ("validated",),
    "validated": ("closed", "remediating"),   # a failed re-test sends it back to the first line
    "closed": (),
}
OPEN = ("identified", "agreed", "remediating", "validated")


def add_finding(book: Book, finding: Finding, who: str) -> Event:
    """Record a new finding (status identified) on an engagement and entity of the book."""
    if finding.engagement_id not in book.engagements:
        raise AuditUsageError("audit_unknown_id", kind="engagement", id=finding.engagement_id)
    if finding.entity_id not in book.entities:
        raise AuditUsageError("audit_unknown_id", kind="entity", id=finding.entity_id)
    finding.status = "identified"
    book.findings[finding.id] = finding
    return record(book, who, "finding.create", finding.id, None, finding)


def get_finding(book: Book, finding_id: str) -> Finding:
    """A finding by id (a usage error when unknown)."""
    finding = book.findings.get(finding_id)
    if finding is None:
        raise AuditUsageError("audit_unknown_id", kind="finding", id=finding_id)
    return finding


def move_finding(book: Book, finding_id: str, after: str, who: str, on: date | None = None) -> Event:
    """Move a finding one legal step; closing needs a passed re-test; illegal moves raise TransitionError."""
    finding = get_finding(book, finding_id)
    before = finding.status
    if after not in FINDING_TRANSITIONS.get(before, ()):
        raise TransitionError("audit_illegal_transition", kind="finding", id=finding_id, before=before, after=after,
                              allowed=", ".join(FINDING_TRANSITIONS.get(before, ())) or "—")
    if after == "closed" and (finding.retest is None or not finding.retest.passed):
        raise TransitionError("audit_retest_required", id=finding_id)
    finding.status = after
    if after == "closed":
        finding.closed_on = on or date.today()
    return record(book, who, f"finding.{after}", finding_id, {"status": before}, {"status": after})


def retest_finding(book: Book, finding_id: str, who: str, passed: bool, on: date, note: str = "") -> Event:
    """Audit's re-test of a remediated finding: passed -> validated, failed -> stays remediating."""
    finding = get_finding(book, finding_id)
    if finding.status != "remediating":
        raise TransitionError("audit_illegal_transition", kind="finding", id=finding_id, before=finding.status,
                              after="validated (re-test)", allowed="remediating")
    before = finding.retest
    finding.retest = Retest(by=who, on=on, passed=passed, note=note)
    if passed:
        finding.status = "validated"
    return record(book, who, "finding.retest", finding_id, before,
                  {"retest": finding.retest, "status": finding.status})


@dataclass(frozen=True)
class Notice:
    """An overdue finding to escalate: to whom, about what, how late (the web app sends it as mail)."""

    finding_id: str
    to: str
    title: str
    severity: str
    due: date
    days_overdue: int
    true_cause: str


def overdue(book: Book, as_of: date) -> list[Finding]:
    """Open findings past their due date (validated ones wait only for closing and do not count)."""
    return sorted((f for f in book.findings.values() if f.status in OPEN[:3] and f.due < as_of),
                  key=lambda f: (f.due, f.id))


def escalations(book: Book, as_of: date, management: str = "management") -> list[Notice]:
    """The notices to send for overdue findings: every overdue finding goes to its owner and to management."""
    notices = []
    for f in overdue(book, as_of):
        days = (as_of - f.due).days
        notices.append(Notice(f.id, f.owner, f.title, f.severity, f.due, days, f.true_cause))
        notices.append(Notice(f.id, management, f.title, f.severity, f.due, days, f.true_cause))
    return notices


def episode(notice: Notice) -> str:
    """The overdue episode a notice belongs to: a finding is late once per due date (a new due date, a new episode)."""
    return f"{notice.finding_id}@{notice.due.isoformat()}"


@dataclass(frozen=True)
class Recurrence:
    """The same root-cause category on the same entity or theme in more than one engagement."""

    root_cause: str
    entity_id: str
    engagement_ids: tuple[str, ...]
    finding_ids: tuple[str, ...]
    true_causes: tuple[str, ...]


def recurrences(findings: Iterable[Finding]) -> list[Recurrence]:
    """Patterns: root-cause category x entity seen across two or more engagements."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.root_cause, f.entity_id), []).append(f)
    out = []
    for (cause, entity), fs in sorted(groups.items()):
        engagements = tuple(sorted({f.engagement_id for f in fs}))
        if len(engagements) > 1:
            fs = sorted(fs, key=lambda f: f.id)
            out.append(Recurrence(cause, entity, engagements, tuple(f.id for f in fs),
                                  tuple(f.true_cause for f in fs)))
    return out
