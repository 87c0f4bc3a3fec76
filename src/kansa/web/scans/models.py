"""A scan of one institution's data and the flags it raised (stored whole, or not at all)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kansa.web.org.models import Institution


class Scan(models.Model):
    """One conduct scan: inputs (manifest), versions, parameters, status and progress."""

    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    CONDUCT, CYBER = "conduct", "cyber"
    kind = models.CharField(max_length=10, default=CONDUCT)
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
    details = models.JSONField(default=dict)         # cyber: KEV catalogue, KEV matches, review list

    class Meta:
        ordering = ["-id"]


class Case(models.Model):
    """One entry of the review queue: a customer/household, salesperson or branch with its flags, ranked."""

    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="cases")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="cases")
    case_id = models.CharField(max_length=120)
    subject_type = models.CharField(max_length=20)
    subject_id = models.CharField(max_length=80)
    score = models.FloatField(null=True)
    rank = models.IntegerField()
    rule_ids = models.CharField(max_length=1000, blank=True, default="")
    flag_count = models.IntegerField(default=0)
    reason_ja = models.TextField(blank=True, default="")
    reason_en = models.TextField(blank=True, default="")
    branch = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        ordering = ["rank"]
        indexes = [models.Index(fields=["scan", "rank"])]
        constraints = [models.UniqueConstraint(fields=["scan", "case_id"], name="case_unique_per_scan")]


class Coverage(models.Model):
    """Whether a rule ran in the scan, and if not why: a rule that did not run is never shown as 'no finding'."""

    EVALUATED, NOT_EVALUATED = "evaluated", "not_evaluated"
    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="coverage")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="coverage")
    rule_id = models.CharField(max_length=80)
    status = models.CharField(max_length=20)
    reason = models.CharField(max_length=40, blank=True, default="")
    detail = models.CharField(max_length=200, blank=True, default="")
    rows_in_scope = models.IntegerField(null=True)
    period_from = models.DateField(null=True)
    period_to = models.DateField(null=True)
    rows_after_as_of = models.IntegerField(null=True)

    class Meta:
        ordering = ["rule_id"]


class Flag(models.Model):
    """A red flag: rule, entity, severity, evidence and reason."""

    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="flags")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="flags")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, related_name="flags")
    area = models.CharField(max_length=40, blank=True, default="")   # cyber: the control area
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
