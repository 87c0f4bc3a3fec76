"""Start Django from the command line and do the operator's one-off jobs (init, trail verification)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from kansa.messages import ConfigError, InputError, UsageError


def setup() -> None:
    """Configure Django from the environment (refusing production without a secret key)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kansa.web.settings")
    try:
        import django
        from django.core.exceptions import ImproperlyConfigured
    except ModuleNotFoundError as exc:
        raise ConfigError("web_not_installed", missing=exc.name) from exc
    try:
        django.setup()
    except ImproperlyConfigured as exc:
        if "KANSA_SECRET_KEY" in str(exc):
            raise ConfigError("web_no_secret_key") from exc
        raise


def migrate() -> None:
    """Apply the database migrations."""
    from django.core.management import call_command
    call_command("migrate", interactive=False, verbosity=0)


@dataclass(frozen=True)
class NewAdmin:
    """The first administrator and the institution they administer."""

    username: str
    password: str
    institution_code: str
    institution_name: str
    institution_type: str = "other"


def create_admin(a: NewAdmin) -> None:
    """Create the institution (if new) and its admin, after Django's password validators agree."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from kansa.web.org.models import ADMIN, Institution, Membership
    from kansa.web.trail.chain import record

    User = get_user_model()
    if User.objects.filter(username=a.username).exists():
        raise UsageError("web_user_exists", username=a.username)
    try:
        validate_password(a.password, User(username=a.username))
    except ValidationError as exc:
        raise InputError("web_password_rejected", reasons=" ".join(exc.messages)) from exc
    with transaction.atomic():
        inst, _ = Institution.objects.get_or_create(
            code=a.institution_code, defaults={"name": a.institution_name, "type": a.institution_type})
        user = User.objects.create_user(a.username, password=a.password)
        Membership.objects.create(user=user, institution=inst, role=ADMIN)
        record("kansa web init", "create", "user", user.pk, institution_code=inst.code,
               after={"username": a.username, "role": "admin"})


def verify_trail() -> tuple[int, int | None, str]:
    """(events checked, first broken event id or None, reason)."""
    from kansa.web.trail.chain import verify
    v = verify()
    return v.checked, v.broken_id, v.reason


def run_worker(batch: bool = False) -> None:
    """Run the database task queue's worker (django-tasks db_worker); with `batch`, exit once the queue is empty."""
    from django.core.management import call_command

    args = ["--no-reload", "--queue-name", "*"] + (["--batch", "--no-startup-delay"] if batch else [])
    call_command("db_worker", *args)
