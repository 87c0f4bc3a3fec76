"""Every signed-in user passes TOTP before anything else; each user's chosen language is activated."""

from __future__ import annotations

import time
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


SESSION_REFRESH_SECONDS = 60


class IdleExpiryMiddleware:
    """Slide the 30-minute idle expiry forward, writing the session at most once a minute instead of per request.

    SESSION_SAVE_EVERY_REQUEST would do the same with a database write on every page, which serialises readers
    on SQLite under load; a minute's granularity on a 30-minute idle limit costs nothing in security.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = int(time.time())
            if now - int(session.get("_kansa_seen", 0)) >= SESSION_REFRESH_SECONDS:
                session["_kansa_seen"] = now   # marks the session modified: saved with a fresh expiry
        return self.get_response(request)
