"""Sign-in as a bank requires: password, TOTP enrolment at first sign-in, recovery codes, lock-out, headers."""

from __future__ import annotations

import re

import pyotp
from django.contrib.auth import get_user_model
from django.test import Client, TestCase

from kansa.web.org.models import Institution, Membership
from kansa.web.trail.models import Event

PASSWORD = "Kansa-Test-Passw0rd!"


def _user(name: str = "tanaka") -> object:
    inst = Institution.objects.create(code="0101", name="みなと銀行", type="regional_bank")
    u = get_user_model().objects.create_user(name, password=PASSWORD)
    Membership.objects.create(user=u, institution=inst, role="auditor")
    return u


def _login(c: Client, name: str, password: str = PASSWORD) -> int:
    return int(c.post("/accounts/login/", {"username": name, "password": password}).status_code)


def _enrol(c: Client) -> tuple[str, list[str]]:
    page = c.get("/accounts/mfa/").content.decode()
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page)
    assert secret, page
    r = c.post("/accounts/mfa/", {"token": pyotp.TOTP(secret.group(1)).now()})
    codes = re.findall(r"<li><code>([0-9a-f]{10})</code></li>", r.content.decode())
    return secret.group(1), codes


class SignInTest(TestCase):
    """The whole sign-in path through the real views."""

    def test_password_alone_reaches_only_the_mfa_page(self) -> None:
        _user()
        c = Client()
        assert _login(c, "tanaka") == 302
        r = c.get("/")
        assert r.status_code == 302 and r["Location"] == "/accounts/mfa/"
        assert c.get("/institutions/").status_code == 302

    def test_first_sign_in_enrols_totp_and_shows_ten_recovery_codes(self) -> None:
        _user()
        c = Client()
        _login(c, "tanaka")
        _secret, codes = _enrol(c)
        assert len(codes) == 10 and len(set(codes)) == 10
        assert c.get("/").status_code == 200
        assert Event.objects.filter(object_type="mfa_device", actor="tanaka").exists()

    def test_later_sign_in_needs_a_current_code_and_refuses_a_wrong_one(self) -> None:
        _user()
        c = Client()
        _login(c, "tanaka")
        secret, _codes = _enrol(c)
        c2 = Client()
        _login(c2, "tanaka")
        r = c2.post("/accounts/mfa/", {"token": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"})
        assert "コードが正しくありません" in r.content.decode()
        assert c2.get("/").status_code == 302

    def test_a_recovery_code_works_once(self) -> None:
        _user()
        c = Client()
        _login(c, "tanaka")
        _secret, codes = _enrol(c)
        c2 = Client()
        _login(c2, "tanaka")
        c2.post("/accounts/mfa/", {"token": codes[0]})
        assert c2.get("/").status_code == 200
        c3 = Client()
        _login(c3, "tanaka")
        c3.post("/accounts/mfa/", {"token": codes[0]})
        assert c3.get("/").status_code == 302

    def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(self) -> None:
        _user()
        for _ in range(5):
            assert _login(Client(), "tanaka", "wrong-password") in {200, 429}
        c = Client()
        status = _login(c, "tanaka")
        assert status == 429
        assert c.get("/").status_code == 302


class SecurityHeadersTest(TestCase):
    """CSP without inline script, HSTS on https, no framing, nosniff, secure cookies."""

    def test_headers_on_the_login_page(self) -> None:
        r = Client().get("/accounts/login/", secure=True)
        csp = r["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert r["Strict-Transport-Security"].startswith("max-age=31536000")
        assert r["X-Frame-Options"] == "DENY" and r["X-Content-Type-Options"] == "nosniff"
        assert r.cookies["csrftoken"]["secure"]
        assert "<script>" not in r.content.decode()

    def test_pages_carry_no_inline_script_and_load_vendored_htmx(self) -> None:
        body = Client().get("/accounts/login/").content.decode()
        assert re.findall(r"<script(?![^>]*\bsrc=)", body) == []
        assert "/static/vendor/htmx-2.0.4.min.js" in body
        # Every script and stylesheet comes from this server: no absolute or protocol-relative URL.
        # (Matching the word "cdn" in the body was flaky: a random CSRF token can contain it.)
        external = re.findall(r"""(?:src|href)=["'](?:https?:)?//""", body)
        assert external == []

    def test_vendored_static_files_are_served(self) -> None:
        r = Client().get("/static/vendor/htmx-2.0.4.min.js")
        assert r.status_code == 200 and b"htmx" in b"".join(r.streaming_content)  # type: ignore[attr-defined]
