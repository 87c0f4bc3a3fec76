"""Sign-in, TOTP enrolment and verification, recovery codes, sign-out, language choice."""

from __future__ import annotations

import secrets

from django import forms
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kansa.web.trail.chain import record

RECOVERY_CODES = 10


class TokenForm(forms.Form):
    """A six-digit TOTP code or a recovery code."""

    token = forms.CharField(label=_("確認コード"), max_length=16,
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}))


def _confirmed_totp(user: object) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@login_required
@require_http_methods(["GET", "POST"])
def mfa(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP device at first sign-in, or verify a code (TOTP or recovery) at later ones."""
    if request.user.is_verified():
        return redirect("org:dashboard")
    if _confirmed_totp(request.user) is None:
        return _enrol(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"].strip())
        if device is not None:
            otp_login(request, device)
            return redirect("org:dashboard")
        form.add_error("token", _("コードが正しくありません。"))
    return render(request, "accounts/mfa_verify.html", {"form": form})


def _enrol(request: HttpRequest) -> HttpResponse:
    device, _created = TOTPDevice.objects.get_or_create(user=request.user, confirmed=False,
                                                        defaults={"name": "authenticator"})
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            device.confirmed = True
            device.save()
            codes = _new_recovery_codes(request.user)
            otp_login(request, device)
            record(request.user.username, "create", "mfa_device", device.pk,
                   institution_code=_institution_code(request.user), after={"kind": "totp"})
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
        form.add_error("token", _("コードが正しくありません。"))
    secret = device.bin_key.hex()
    return render(request, "accounts/mfa_enrol.html",
                  {"form": form, "config_url": device.config_url, "secret_b32": _b32(device.bin_key),
                   "secret_hex": secret})


def _b32(key: bytes) -> str:
    import base64
    return base64.b32encode(key).decode().rstrip("=")


def _new_recovery_codes(user: object) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(user=user, name="recovery")
    device.token_set.all().delete()
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    for c in codes:
        StaticToken.objects.create(device=device, token=c)
    return codes


def _institution_code(user: object) -> str:
    m = getattr(user, "membership", None)
    return m.institution.code if m is not None and m.institution is not None else ""


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Replace the recovery codes (shown once)."""
    codes = _new_recovery_codes(request.user)
    record(request.user.username, "change", "recovery_codes", request.user.pk,
           institution_code=_institution_code(request.user), after={"count": len(codes)})
    return render(request, "accounts/recovery_codes.html", {"codes": codes})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Sign out (POST only, so a link cannot sign anyone out)."""
    logout(request)
    return redirect("accounts:login")


@login_required
@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Store the user's display language (ja or en)."""
    m = getattr(request.user, "membership", None)
    lang = request.POST.get("language", "ja")
    if m is not None and lang in {"ja", "en"}:
        m.language = lang
        m.save(update_fields=["language"])
    nxt = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=False):
        nxt = ""   # never an open redirect to another site
    return redirect(nxt or "org:dashboard")
