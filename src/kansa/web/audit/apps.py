"""Django app config for internal audit management."""

from __future__ import annotations

from django.apps import AppConfig


class AuditWebConfig(AppConfig):
    """The audit book per institution; every rule lives in kansa.audit."""

    name = "kansa.web.audit"
    label = "audit_web"
    default_auto_field = "django.db.models.BigAutoField"
