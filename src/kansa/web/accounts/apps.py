"""Django app config for sign-in."""

from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Sign-in and MFA views."""

    name = "kansa.web.accounts"
    label = "kansa_accounts"
