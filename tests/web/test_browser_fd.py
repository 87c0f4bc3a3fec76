"""見える化 in a real browser: the supervisor receives submission workbooks and reads the comparison with its
charts; the auditor reads the institution's policy and confirms a say-do verdict."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.test import override_settings

from kansa.web.fd.models import SayDoDecision
from kansa.web.trail.models import Event
from tests.web.browser import BrowserTestCase
from tests.web.fd_workbooks import GOOD, workbook
from tests.web.fd_world import NO_INHOUSE, POLICY_2024, POLICY_2025, add_document, add_scan
from tests.web.people import make_world


def _bands(positive: float) -> dict[str, float]:
    neg = 100.0 - positive
    return dict(zip(GOOD, (neg * 0.1, neg * 0.2, neg * 0.3, neg * 0.4, positive * 0.4, positive * 0.3,
                           positive * 0.2, positive * 0.1), strict=True))


class BrowserFdTest(BrowserTestCase):
    """The supervisor's comparison and the auditor's say-do decision, clicked through."""

    def setUp(self) -> None:
        super().setUp()
        self._tmp = tempfile.TemporaryDirectory()
        self._override = override_settings(KANSA_UPLOAD_DIR=self._tmp.name)
        self._override.enable()

    def tearDown(self) -> None:
        self._override.disable()
        self._tmp.cleanup()
        super().tearDown()

    def test_the_supervisor_receives_workbooks_and_compares_firms_by_type(self) -> None:
        w = make_world()
        add_document(w.own, 2025, POLICY_2025)
        add_document(w.other, 2025, POLICY_2024)
        folder = Path(self._tmp.name) / "books"
        folder.mkdir()
        files = []
        for name, kind, p in (("みどり銀行", "regional_bank", 76.0), ("あおば銀行", "regional_bank", 64.0),
                              ("はるかぜ銀行", "regional_bank", 81.0), ("さくら証券", "securities", 58.0)):
            path = folder / f"{name}.xlsx"
            path.write_bytes(workbook(name, kind, bands=_bands(p), positive=p))
            files.append(str(path))
        bad = folder / "こがね銀行.xlsx"
        bad.write_bytes(workbook("こがね銀行", bands=dict(GOOD, m10_0=15.5)))
        self.sign_in("supervisor_user")
        page = self.page
        page.goto(self.url("/fd/submissions/"))
        page.set_input_files("input[name=workbooks]", [*files, str(bad)])
        self.submit()
        problems = page.inner_text("#problems")
        assert "こがね銀行.xlsx" in problems and "B4:B11" in problems
        self.shot("fd-submission-refused")
        page.set_input_files("input[name=workbooks]", files)
        self.submit()
        assert page.url.endswith("/fd/compare/")
        places = page.inner_text("#places")
        assert "はるかぜ銀行" in places and "1 / 3" in places and "さくら証券" in places
        for chart in ("#chart-distribution", "#chart-places", "#chart-cost", "#chart-heat"):
            page.wait_for_selector(f"{chart} canvas")   # ECharts drew it
        assert w.own.name in page.inner_text("main") and w.other.name in page.inner_text("main")
        self.shot("fd-compare-supervisor")

    def test_the_auditor_confirms_a_say_do_verdict(self) -> None:
        w = make_world()
        add_document(w.own, 2024, POLICY_2024)
        add_document(w.own, 2025, POLICY_2025)
        add_scan(w.own)
        self.sign_in("auditor_user")
        page = self.page
        page.goto(self.url("/"))
        with page.expect_navigation():
            page.click("nav >> text=見える化")
        assert page.url.endswith(f"/fd/institutions/{w.own.code}/")
        row = page.locator("#saydo tr", has_text=NO_INHOUSE)
        assert "S014" in row.inner_text() and "守られていない" in row.inner_text()
        row.locator("select[name=verdict]").select_option("confirm")
        with page.expect_navigation():
            row.locator("button[type=submit]").click()
        row = page.locator("#saydo tr", has_text=NO_INHOUSE)
        assert "auditor_user" in row.inner_text() and "saydo-not_kept" in (row.get_attribute("class") or "")
        assert SayDoDecision.objects.get().verdict == "not_kept"
        assert Event.objects.filter(object_type="saydo_decision").count() == 1
        self.shot("fd-saydo-auditor")
