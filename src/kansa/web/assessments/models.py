"""A round (framework x fiscal year), each institution's answers (draft + submitted versions), benchmark runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kansa.web.org.models import Institution


class Round(models.Model):
    """A self-assessment round a supervisor opens: one framework version, one fiscal year, the institutions asked."""

    framework = models.CharField(_("フレームワーク"), max_length=100)   # built-in spec, e.g. kansa-regional@2026.1
    fiscal_year = models.IntegerField(_("事業年度"))
    k = models.IntegerField(_("最小公表件数 k"), default=5)
    institutions = models.ManyToManyField(Institution, related_name="assessment_rounds")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-fiscal_year", "-id"]

    def __str__(self) -> str:
        return f"FY{self.fiscal_year} {self.framework}"


class Response(models.Model):
    """One institution's answers to one round: the draft being edited and its status."""

    DRAFT, SUBMITTED = "draft", "submitted"
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="responses")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="assessment_responses")
    status = models.CharField(max_length=10, default=DRAFT)
    draft = models.JSONField(default=dict)            # question id -> {"value", "comment"}
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "institution"], name="one_response_per_round")]


class Submission(models.Model):
    """One submitted version of a response; a resubmission adds a version, earlier ones stay as history."""

    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="submissions")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="assessment_submissions")
    version = models.IntegerField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=10)           # web | xlsx
    source_name = models.CharField(max_length=255, blank=True, default="")
    source_sha256 = models.CharField(max_length=64, blank=True, default="")
    answers = models.JSONField(default=dict)           # question id -> {"value", "comment", "evidence"}

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["response", "version"], name="one_submission_per_version")]


class BenchmarkRun(models.Model):
    """A benchmark of a round over the submissions current when it ran (pinned, so reports stay reproducible)."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="runs")
    k = models.IntegerField()
    submissions = models.ManyToManyField(Submission, related_name="runs")
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    run_at = models.DateTimeField(auto_now_add=True)
    respondents = models.IntegerField(default=0)
    suppressed_groups = models.IntegerField(default=0)

    class Meta:
        ordering = ["-id"]
