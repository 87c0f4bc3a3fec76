"""Django app config for scans and flags."""

from __future__ import annotations

from django.apps import AppConfig


class ScansConfig(AppConfig):
    """Scans run in the background; their flags are the work."""

    name = "kansa.web.scans"
    label = "kansa_scans"
    default_auto_field = "django.db.models.BigAutoField"
