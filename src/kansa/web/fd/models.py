"""Uploaded policy documents (one institution's own), the auditor's say-do decisions, and checked KPI submissions."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kansa.web.org.models import Institution


class PolicyDocument(models.Model):
    """One policy, progress report or correspondence table of an institution for one year (file kept on disk)."""

    POLICY, PROGRESS, TABLE = "policy", "progress", "table"
    KINDS = [(POLICY, "取組方針 / policy"), (PROGRESS, "取組状況 / progress"), (TABLE, "対応表 / correspondence table")]
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="policy_documents")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    year = models.IntegerField()
    kind = models.CharField(max_length=10, choices=KINDS)
    name = models.CharField(max_length=255)
    stored = models.CharField(max_length=255)       # file name under the institution's folder
    sha256 = models.CharField(max_length=64)
    size = models.IntegerField()

    class Meta:
        ordering = ["year", "kind", "id"]


class SayDoDecision(models.Model):
    """The auditor's verdict on one promise (confirm or override with a reason); the latest one counts."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="saydo_decisions")
    promise_id = models.CharField(max_length=200, db_index=True)
    sentence = models.TextField()
    proposed = models.CharField(max_length=12)
    verdict = models.CharField(max_length=12)
    reason = models.TextField(blank=True, default="")
    scan = models.ForeignKey("kansa_scans.Scan", on_delete=models.SET_NULL, null=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class KpiSubmission(models.Model):
    """A common-KPI submission workbook that passed every check (refused workbooks are never stored)."""

    firm = models.CharField(max_length=200)
    firm_type = models.CharField(max_length=40)
    as_of = models.DateField()
    positive_share = models.FloatField()
    top20_cost = models.FloatField(null=True)
    top20_return = models.FloatField(null=True)
    top20_risk = models.FloatField(null=True)
    bands = models.JSONField(default=dict)
    source_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["firm_type", "firm", "as_of", "id"]
