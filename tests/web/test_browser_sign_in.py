"""In a real browser: password, TOTP enrolment at first sign-in, the dashboard; a wrong code is refused."""

from __future__ import annotations

import re

import pyotp

from tests.web.browser import BrowserTestCase
from tests.web.people import make_world


class BrowserSignInTest(BrowserTestCase):
    """The sign-in path as a user clicks through it."""

    def test_first_sign_in_enrols_totp_and_reaches_the_dashboard(self) -> None:
        world = make_world()
        user = world.users["auditor"]
        self.sign_in(user.username)  # type: ignore[attr-defined]
        body = self.page.inner_text("body")
        assert "回復コード" in body and len(re.findall(r"\b[0-9a-f]{10}\b", body)) == 10, body[:500]
        self.page.goto(self.url("/"))
        assert "/accounts/" not in self.page.url
        assert world.own.name in self.page.inner_text("body")
        self.shot("dashboard-auditor")

    def test_a_wrong_code_keeps_the_user_out(self) -> None:
        world = make_world()
        name = world.users["auditor"].username  # type: ignore[attr-defined]
        secret = self.sign_in(name)
        self.context.clear_cookies()
        page = self.page
        page.goto(self.url("/accounts/login/"))
        page.fill("input[name=username]", name)
        page.fill("input[name=password]", "Kansa-Test-Passw0rd!")
        self.submit()
        wrong = "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
        page.fill("input[name=token]", wrong)
        self.submit()
        assert "コードが正しくありません" in page.inner_text("body")
        page.goto(self.url("/"))
        assert "/accounts/" in page.url
