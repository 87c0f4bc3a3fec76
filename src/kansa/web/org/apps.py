"""Django app config for institutions and roles."""

from __future__ import annotations

from django.apps import AppConfig


class OrgConfig(AppConfig):
    """Institutions and memberships."""

    name = "kansa.web.org"
    label = "kansa_org"
    default_auto_field = "django.db.models.BigAutoField"
