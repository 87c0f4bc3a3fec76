"""Every signed-in user passes TOTP before anything else; each user's chosen language is activated."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation

OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/")


class RequireMfaMiddleware:
    """A password alone reaches only the MFA enrolment/verification pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not user.is_verified() and not request.path.startswith(OPEN_PREFIXES):
            return redirect("accounts:mfa")
        return self.get_response(request)


class UserLanguageMiddleware:
    """Activate the language stored on the user's membership (Japanese unless they chose English)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        m = getattr(request.user, "membership", None) if request.user.is_authenticated else None
        if m is not None:
            translation.activate(m.language)
            request.LANGUAGE_CODE = m.language
        return self.get_response(request)
