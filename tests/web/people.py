"""Test people: one user per role at two institutions, signed in with a verified TOTP device."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from kansa.web.org.models import ADMIN, ROLES, SUPERVISOR, Institution, Membership

PASSWORD = "Kansa-Test-Passw0rd!"


@dataclass
class World:
    """Two institutions (own, other) and one user per role; supervisor belongs to none."""

    own: Institution
    other: Institution
    users: dict[str, object]


def make_world() -> World:
    """Create the institutions and users."""
    own = Institution.objects.create(code="0001", name="みなと銀行", type="regional_bank", size_band="medium")
    other = Institution.objects.create(code="0002", name="やまなみ信用金庫", type="shinkin", size_band="small")
    users: dict[str, object] = {}
    for role in ROLES:
        u = get_user_model().objects.create_user(f"{role}_user", password=PASSWORD)
        Membership.objects.create(user=u, role=role,
                                  institution=None if role == SUPERVISOR else own)
        users[role] = u
    o = get_user_model().objects.create_user("other_admin", password=PASSWORD)
    Membership.objects.create(user=o, role=ADMIN, institution=other)
    users["other_admin"] = o
    return World(own, other, users)


def signed_in(user: object) -> Client:
    """A client whose session passed the password and TOTP (as django-otp records a verified device)."""
    c = Client()
    c.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    s = c.session
    s[DEVICE_ID_SESSION_KEY] = device.persistent_id
    s.save()
    return c
