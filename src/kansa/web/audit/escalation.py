"""Overdue findings escalate to management: a notice in the application and an e-mail, once per overdue episode.

The step is idempotent, so `kansa web escalate` can run from cron (or the auditor's button) as often as wanted:
a notice exists at most once per (institution, finding, recipient, episode); an episode is the due date that was
missed, so a finding given a new due date that it misses again escalates again. Each notice, its trail event and
its mail happen together: a mail that cannot be sent leaves no notice, and the next run tries again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from kansa.audit import findings as fnd
from kansa.web.audit import book as books
from kansa.web.audit.models import AuditNotice
from kansa.web.org.models import MANAGEMENT, Institution, Membership
from kansa.web.trail.chain import record

MANAGEMENT_TO = "management"


@dataclass(frozen=True)
class Escalated:
    """What one run did at one institution: notices made now, and those already made in an earlier run."""

    institution: str
    created: int
    already: int
    mails: int


def _text(n: fnd.Notice) -> str:
    return (f"{n.finding_id} {n.title}: {n.days_overdue}日超過 / {n.days_overdue} days overdue "
            f"(期限 due {n.due.isoformat()}, {n.severity}). 真因 / true cause: {n.true_cause}")


def _recipients(members: Iterable[Membership], to: str) -> list[str]:
    """E-mail addresses: management's members for management, else the owning user (if they have an address)."""
    if to == MANAGEMENT_TO:
        return sorted(m.user.email for m in members if m.role == MANAGEMENT and m.user.email)
    return sorted(m.user.email for m in members if m.user.get_username() == to and m.user.email)


def escalate(institution: Institution, members: QuerySet[Membership], actor: str, as_of: date) -> Escalated:
    """Escalate the institution's overdue findings as of a date; `members` is the institution's scoped membership."""
    book = books.load(institution)
    people = list(members.filter(institution=institution).select_related("user"))
    created = already = mails = 0
    for n in fnd.escalations(book, as_of, management=MANAGEMENT_TO):
        episode = fnd.episode(n)
        if AuditNotice.objects.filter(institution=institution, finding_key=n.finding_id, to=n.to,
                                      episode=episode).exists():
            already += 1
            continue
        to = _recipients(people, n.to)
        text = _text(n)
        try:
            with transaction.atomic():
                notice = AuditNotice.objects.create(institution=institution, finding_key=n.finding_id, to=n.to,
                                                    text=text, episode=episode, mailed_to=to)
                record(actor, "create", "audit.notice", notice.pk, institution_code=institution.code,
                       after={"finding": n.finding_id, "to": n.to, "episode": episode, "mailed_to": to,
                              "text": text})
                if to:
                    send_mail(f"[kansa] 期限超過の指摘事項 / overdue finding {n.finding_id}", text, None, to)
        except IntegrityError:   # a run at the same moment made this notice first (the constraint decides)
            already += 1
            continue
        created, mails = created + 1, mails + bool(to)
    return Escalated(institution.code, created, already, mails)


def escalate_all(actor: str, as_of: date) -> list[Escalated]:
    """Every institution's escalation, each with its own members only (the CLI and cron step; no signed-in user)."""
    return [escalate(inst, Membership.objects.filter(institution=inst), actor, as_of)
            for inst in Institution.objects.order_by("code")]
