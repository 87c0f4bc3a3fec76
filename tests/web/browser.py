"""Browser tests: Debian's chromium driven by Playwright against a live Django server (nothing downloaded).

Subclass BrowserTestCase; `self.page` is a fresh page, `self.sign_in(user)` goes through the real password and
TOTP pages, `self.shot(name)` keeps a screenshot under test-artifacts/screenshots/ (CI keeps them as artefacts).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any, ClassVar

import pyotp
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests.web.guard import FlushesTheTrail

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "Kansa-Test-Passw0rd!"


def chromium_path() -> str:
    """Debian's chromium (scripts/setup.sh --dev installs it); a missing browser is an error, not a skip."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise RuntimeError("chromium is not installed: run scripts/setup.sh --dev (apt package chromium)")
    return found


class BrowserTestCase(StaticLiveServerTestCase, FlushesTheTrail):
    """A live server on loopback and one chromium for the class; a new page (fresh cookies) per test."""

    host = "127.0.0.1"
    playwright: ClassVar[Playwright]
    browser: ClassVar[Browser]
    page: Page

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(executable_path=chromium_path(),
                                                     args=["--no-sandbox", "--disable-dev-shm-usage"])

    @classmethod
    def tearDownClass(cls) -> None:
        cls.browser.close()
        cls.playwright.stop()
        super().tearDownClass()

    def setUp(self) -> None:
        super().setUp()
        self.context = self.browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()

    def tearDown(self) -> None:
        self.context.close()
        super().tearDown()

    def url(self, path: str) -> str:
        """The live server's address of `path`."""
        return self.live_server_url + path

    def sign_in(self, username: str, password: str = PASSWORD, secret: str | None = None) -> str:
        """Sign in through the pages; enrol TOTP on first sign-in. Returns the TOTP secret for later sign-ins."""
        page = self.page
        page.goto(self.url("/accounts/login/"))
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        self.submit()
        page.wait_for_url(re.compile(r".*/accounts/mfa/.*"))
        if secret is None:
            secret = page.inner_text("#totp-secret").strip()
        page.fill("input[name=token]", pyotp.TOTP(secret).now())
        self.submit()
        return secret

    def submit(self, selector: str = "main button[type=submit], main input[type=submit]") -> None:
        """Click a form's submit button and wait for the page it leads to (a POST is never cut short)."""
        with self.page.expect_navigation():
            self.page.locator(selector).first.click()

    def shot(self, name: str, **options: Any) -> Path:
        """Keep a full-page screenshot of the current page as a test artefact."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True, **options)
        return path
