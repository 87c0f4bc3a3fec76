"""Django app config for the self-assessment."""

from __future__ import annotations

from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    """Rounds, answers (drafts and submitted versions), benchmark runs."""

    name = "kansa.web.assessments"
    label = "kansa_assessments"
    default_auto_field = "django.db.models.BigAutoField"
