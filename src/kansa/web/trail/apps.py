"""Django app config for the trail."""

from __future__ import annotations

from django.apps import AppConfig


class TrailConfig(AppConfig):
    """Append-only events."""

    name = "kansa.web.trail"
    label = "kansa_trail"
    default_auto_field = "django.db.models.BigAutoField"
