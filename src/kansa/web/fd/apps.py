"""App config of the policies-and-comparison screens."""

from __future__ import annotations

from django.apps import AppConfig


class FdWebConfig(AppConfig):
    """kansa.web.fd: label fd_web (kansa.fd is the library pillar)."""

    name = "kansa.web.fd"
    label = "fd_web"
    default_auto_field = "django.db.models.BigAutoField"
