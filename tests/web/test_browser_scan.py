"""In a real browser: upload and scan, the review queue, filter flags, explain and disposition one; the cyber view."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from kansa.web.scans.models import Disposition, Explanation, Flag, Scan
from tests.web.browser import BrowserTestCase
from tests.web.people import make_world
from tests.web.scan_data import conduct_folder, cyber_folder, zip_folder  # noqa: F401 (fixtures requested by name)


@pytest.mark.usefixtures("_zip_file")
class BrowserScanTest(BrowserTestCase):
    """The auditor scans; the first line explains a flag of their branch; the auditor dispositions it."""

    zip_path: Path
    cyber_zip: Path

    def _sign_in_as(self, username: str) -> None:
        """Sign out (cookies gone) and in as `username`, enrolling TOTP only on their first sign-in."""
        self.context.clear_cookies()
        secrets, steps = self.__dict__.setdefault("secrets", {}), self.__dict__.setdefault("steps", {})
        while steps.get(username) == int(time.time()) // 30:   # django-otp refuses a code used once already
            time.sleep(0.5)
        secrets[username] = self.sign_in(username, secret=secrets.get(username))
        steps[username] = int(time.time()) // 30

    def test_upload_scan_filter_explain_and_disposition(self) -> None:
        world = make_world()
        page = self.page
        self._sign_in_as("auditor_user")
        page.goto(self.url("/scans/"))
        page.set_input_files("input[name=data]", str(self.zip_path))
        page.select_option("select[name=kind]", "conduct")
        self.submit()
        scan = Scan.objects.get()
        assert page.url.endswith(f"/scans/{scan.pk}/") and scan.institution == world.own
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*")
        page.reload()
        scan.refresh_from_db()
        assert scan.status == "done", scan.error
        top = scan.cases.order_by("rank").first()
        assert top is not None
        first_row = page.locator("table.queue tbody tr.case").first
        assert first_row.get_attribute("data-case") == top.case_id
        assert "実施" in page.inner_text("#coverage") or "evaluated" in page.inner_text("#coverage")
        self.shot("scan-review-queue")

        # filter the flags by one rule: the count shown is that rule's flags
        flag = Flag.objects.filter(scan=scan).exclude(branch="").order_by("id").first()
        assert flag is not None
        page.goto(self.url(f"/scans/{scan.pk}/flags/"))
        page.select_option("select[name=rule_id]", flag.rule_id)
        self.submit()
        n = Flag.objects.filter(scan=scan, rule_id=flag.rule_id).count()
        assert re.search(rf"\b{n}\b", page.inner_text("#flag-total")), page.inner_text("#flag-total")
        assert set(page.locator("table.flags tbody tr td:first-child").all_inner_texts()) == {flag.rule_id}
        self.shot("flag-list-filtered")
        page.goto(self.url(f"/scans/{scan.pk}/heatmap/"))
        page.wait_for_selector("[data-chart=heatmap] canvas")   # ECharts drew it (no inline script, CSP intact)
        self.shot("heatmap")

        # the first line explains it
        self._sign_in_as("business_line_user")
        page.goto(self.url(f"/scans/flags/{flag.pk}/"))
        page.fill("textarea[name=text]", "顧客の意向を面談記録で確認済み")
        self.submit()
        assert "顧客の意向を面談記録で確認済み" in page.inner_text("#explanations")
        assert page.locator("select[name=kind]").count() == 0   # the first line cannot disposition
        assert Explanation.objects.filter(flag=flag).count() == 1

        # the auditor dispositions it: no_issue without a reason is refused, with one it is recorded
        self._sign_in_as("auditor_user")
        page.goto(self.url(f"/scans/flags/{flag.pk}/"))
        assert "顧客の意向を面談記録で確認済み" in page.inner_text("#explanations")
        page.select_option("select[name=kind]", "no_issue")
        page.fill("textarea[name=reason]", "面談記録と約定が一致")
        self.submit()
        recorded = page.inner_text("#dispositions")
        assert "no_issue" in recorded and "面談記録と約定が一致" in recorded
        d = Disposition.objects.get(flag=flag)
        assert d.kind == "no_issue" and d.author.username == "auditor_user"   # type: ignore[attr-defined]
        self.shot("flag-disposed")

    def test_a_cyber_upload_shows_areas_kev_and_privileged_exceptions(self) -> None:
        make_world()
        page = self.page
        self._sign_in_as("risk_compliance_user")
        page.goto(self.url("/scans/"))
        page.set_input_files("input[name=data]", str(self.cyber_zip))
        page.select_option("select[name=kind]", "cyber")
        self.submit()
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*")
        page.reload()
        scan = Scan.objects.get()
        assert scan.kind == "cyber" and scan.status == "done", scan.error
        priv = Flag.objects.filter(scan=scan, area="privileged").count()
        cells = page.locator("tr[data-area=privileged] td").all_inner_texts()
        assert cells[-1] == str(priv) and priv > 0
        assert str(scan.details["kev_match_count"]) in page.inner_text("#kev-summary")
        assert page.locator("table.privileged tbody tr").count() == min(priv, 200)
        self.shot("cyber-scan")


@pytest.fixture
def _zip_file(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    path = tmp_path / "conduct.zip"
    path.write_bytes(zip_folder(request.getfixturevalue("conduct_folder")))
    request.cls.zip_path = path
    cyber = tmp_path / "cyber.zip"
    cyber.write_bytes(zip_folder(request.getfixturevalue("cyber_folder")))
    request.cls.cyber_zip = cyber
