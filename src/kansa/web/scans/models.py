"""A scan of one institution's data and the flags it raised (stored whole, or not at all)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kansa.web.org.models import Institution


class Scan(models.Model):
    """One conduct scan: inputs (manifest), versions, parameters, status and progress."""

    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="scans")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    source_name = models.CharField(max_length=255)
    status = models.CharField(max_length=10, default=QUEUED)
    progress_done = models.IntegerField(default=0)
    progress_total = models.IntegerField(null=True)
    progress_label = models.CharField(max_length=200, blank=True, default="")
    error = models.TextField(blank=True, default="")
    as_of = models.DateField(null=True)
    params = models.JSONField(default=dict)
    manifest = models.JSONField(default=dict)        # input file -> SHA-256
    versions = models.JSONField(default=dict)        # kansa and rule versions
    kpis = models.JSONField(default=list)

    class Meta:
        ordering = ["-id"]


class Flag(models.Model):
    """A red flag: rule, entity, severity, evidence and reason."""

    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="flags")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="flags")
    rule_id = models.CharField(max_length=80, db_index=True)
    entity_type = models.CharField(max_length=40)
    entity_id = models.CharField(max_length=80)
    branch = models.CharField(max_length=40, blank=True, default="", db_index=True)
    salesperson = models.CharField(max_length=40, blank=True, default="", db_index=True)
    severity = models.CharField(max_length=10, db_index=True)
    score = models.FloatField(null=True)
    event_date = models.DateField(null=True)
    reason = models.TextField()
    evidence = models.JSONField(default=dict)

    class Meta:
        ordering = ["rule_id", "entity_id"]
        indexes = [models.Index(fields=["scan", "rule_id", "branch"])]


class Explanation(models.Model):
    """The first line's explanation of a flag at their institution (append-only: a new one supersedes)."""

    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="explanations")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    at = models.DateTimeField(auto_now_add=True)
    text = models.TextField()

    class Meta:
        ordering = ["at", "id"]


class Disposition(models.Model):
    """The auditor's decision on a flag; the latest one counts, earlier ones stay as history."""

    NO_ISSUE, FOLLOW_UP, FINDING = "no_issue", "follow_up", "finding"
    KINDS = [(NO_ISSUE, "問題なし / no issue"), (FOLLOW_UP, "フォローアップ / follow up"),
             (FINDING, "指摘事項 / finding")]
    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="dispositions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=10, choices=KINDS)
    reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["at", "id"]
