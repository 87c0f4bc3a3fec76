"""The audit book of each institution, one row per record; the record itself is kansa.audit's dataclass as JSON.

Rows hold the fields the screens filter on as columns (kind, status, phase) and the whole record in `data`, so
kansa.audit's rules run on exactly what is stored (kansa.audit.store.book_from_dict checks it on load).
"""

from __future__ import annotations

from django.db import models

from kansa.web.org.models import Institution


class Record(models.Model):
    """Common shape: institution, the record's id in the book, and the record."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=200)
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["key"]


class AuditEntity(Record):
    """An auditable entity (owner, cycle, last audited, judgement, manual risk override with reason)."""

    kind = models.CharField(max_length=20)

    class Meta(Record.Meta):
        constraints = [models.UniqueConstraint(fields=["institution", "key"], name="audit_entity_unique")]


class AuditPlan(Record):
    """The plan of one fiscal year: engagements, capacity, version, submitted/approved by whom and when."""

    status = models.CharField(max_length=12)

    class Meta(Record.Meta):
        constraints = [models.UniqueConstraint(fields=["institution", "key"], name="audit_plan_unique")]


class AuditEngagement(Record):
    """An engagement: type, phase, team, work-program steps, samples with their per-item results."""

    phase = models.CharField(max_length=12)

    class Meta(Record.Meta):
        constraints = [models.UniqueConstraint(fields=["institution", "key"], name="audit_engagement_unique")]


class AuditFinding(Record):
    """A finding with its true cause, owner (a first- or second-line user name), due date and status."""

    status = models.CharField(max_length=12)
    owner = models.CharField(max_length=150, blank=True, default="")

    class Meta(Record.Meta):
        constraints = [models.UniqueConstraint(fields=["institution", "key"], name="audit_finding_unique")]


class AuditNotice(models.Model):
    """An overdue-finding escalation shown in the application (and sent as e-mail)."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    finding_key = models.CharField(max_length=200)
    to = models.CharField(max_length=150)
    text = models.TextField()
    at = models.DateTimeField(auto_now_add=True)
    episode = models.CharField(max_length=220, default="")    # finding@due date: one notice per overdue episode
    mailed_to = models.JSONField(default=list)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [models.UniqueConstraint(fields=["institution", "finding_key", "to", "episode"],
                                               name="audit_notice_once_per_episode")]
