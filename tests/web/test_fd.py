"""見える化 screens: the supervisor's submissions, comparison and downloads; an institution's policies, coverage,
year on year and the say-do table with the auditor's decisions; who sees what."""

from __future__ import annotations

import io
import tempfile
from datetime import date
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from openpyxl import load_workbook
from pypdf import PdfReader

from kansa.web.fd.models import KpiSubmission
from kansa.web.trail.models import Event
from tests.web.fd_workbooks import GOOD, workbook
from tests.web.fd_world import POLICY_2025, add_document
from tests.web.people import make_world, signed_in

PUBLISHED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "fd" / "common_kpi_published.csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX)


class UploadDir(TestCase):
    """Each test keeps uploaded files in its own folder."""

    def setUp(self) -> None:
        self._tmp = tempfile.TemporaryDirectory()
        self._override = override_settings(KANSA_UPLOAD_DIR=self._tmp.name)
        self._override.enable()
        self.w = make_world()

    def tearDown(self) -> None:
        self._override.disable()
        self._tmp.cleanup()


class SubmissionTest(UploadDir):
    def test_a_good_workbook_is_stored_with_a_trail_event(self) -> None:
        r = signed_in(self.w.users["supervisor"]).post("/fd/submissions/", {
            "workbooks": [_xlsx("midori.xlsx", workbook("みどり銀行"))]})
        assert r.status_code == 302
        sub = KpiSubmission.objects.get()
        assert (sub.firm, sub.positive_share, sub.as_of.isoformat()) == ("みどり銀行", 76.0, "2025-03-31")
        assert Event.objects.filter(action="create", object_type="kpi_submission", object_id=str(sub.pk)).exists()

    def test_bands_that_do_not_add_up_are_refused_naming_the_cell_and_nothing_is_stored(self) -> None:
        bad = workbook("あおば銀行", bands=dict(GOOD, m10_0=15.5))   # adds up to 103
        r = signed_in(self.w.users["supervisor"]).post("/fd/submissions/", {
            "workbooks": [_xlsx("midori.xlsx", workbook("みどり銀行")), _xlsx("aoba.xlsx", bad)]})
        body = r.content.decode()
        assert r.status_code == 400
        assert "aoba.xlsx" in body and "B4:B11" in body and "103" in body and "/tmp" not in body
        assert not KpiSubmission.objects.exists()   # the good one is not stored either
        assert not Event.objects.filter(object_type="kpi_submission").exists()

    def test_a_file_that_is_not_a_workbook_is_refused(self) -> None:
        r = signed_in(self.w.users["supervisor"]).post("/fd/submissions/", {
            "workbooks": [SimpleUploadedFile("x.xlsx", b"not a zip")]})
        assert r.status_code == 400 and "x.xlsx" in r.content.decode()
        assert not KpiSubmission.objects.exists()

    def test_a_post_without_a_workbook_is_refused(self) -> None:
        r = signed_in(self.w.users["supervisor"]).post("/fd/submissions/", {})
        assert r.status_code == 400 and not KpiSubmission.objects.exists()

    def test_only_the_supervisor_submits(self) -> None:
        for role in ("auditor", "management", "admin"):
            r = signed_in(self.w.users[role]).post("/fd/submissions/", {
                "workbooks": [_xlsx("m.xlsx", workbook("みどり銀行"))]})
            assert r.status_code == 403
        assert not KpiSubmission.objects.exists()


class CompareTest(UploadDir):
    def _submit(self) -> None:
        c = signed_in(self.w.users["supervisor"])
        files = [_xlsx(f"{n}.xlsx", workbook(n, positive=p, bands=_bands(p))) for n, p in
                 (("みどり銀行", 76.0), ("あおば銀行", 64.0), ("はるかぜ銀行", 81.0))]
        assert c.post("/fd/submissions/", {"workbooks": files}).status_code == 302

    def test_the_comparison_places_each_firm_within_its_type(self) -> None:
        self._submit()
        body = signed_in(self.w.users["supervisor"]).get("/fd/compare/").content.decode()
        for firm in ("みどり銀行", "あおば銀行", "はるかぜ銀行"):
            assert firm in body
        assert "1 / 3" in body and "3 / 3" in body   # はるかぜ first, あおば last among regional banks
        assert 'data-chart="boxplot"' in body and 'data-chart="heatmap"' not in body   # no policies yet

    def test_the_published_figures_are_compared_by_type(self) -> None:
        assert PUBLISHED.is_file(), PUBLISHED
        with override_settings(KANSA_FD_PUBLISHED=str(PUBLISHED)):
            body = signed_in(self.w.users["supervisor"]).get("/fd/compare/?as_of=2025-03-31").content.decode()
        assert "みずほ信託銀行" in body and "92.3" in body and "92.0" in body   # two sources, both kept
        assert "<td>15</td>" in body   # 15 major banks published for 2025

    def test_the_coverage_heat_map_shows_institutions_with_policies(self) -> None:
        add_document(self.w.own, 2025, POLICY_2025)
        body = signed_in(self.w.users["supervisor"]).get("/fd/compare/").content.decode()
        assert 'data-chart="heatmap"' in body and self.w.own.name in body

    def test_excel_and_pdf_downloads_read_back(self) -> None:
        self._submit()
        c = signed_in(self.w.users["supervisor"])
        r = c.get("/fd/compare/download/xlsx/")
        assert r.status_code == 200 and r["Content-Type"] == XLSX
        wb = load_workbook(io.BytesIO(r.content))
        cells = {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row}
        assert {"みどり銀行", "あおば銀行", "はるかぜ銀行"} <= cells
        r = c.get("/fd/compare/download/pdf/")
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
        assert "はるかぜ銀行" in text
        assert c.get("/fd/compare/download/docx/").status_code == 404


def _bands(positive: float) -> dict[str, float]:
    """Bands consistent with a positive share (the four bands at 0% and above make it up)."""
    neg = 100.0 - positive
    return dict(zip(GOOD, (neg * 0.1, neg * 0.2, neg * 0.3, neg * 0.4, positive * 0.4, positive * 0.3,
                           positive * 0.2, positive * 0.1), strict=True))


class YearOnYearAndLanguageTest(UploadDir):
    def test_year_on_year_change_is_shown_when_a_firm_has_two_base_dates(self) -> None:
        c = signed_in(self.w.users["supervisor"])
        files = [_xlsx("m24.xlsx", workbook("みどり銀行", as_of=date(2024, 3, 31), positive=70.0, bands=_bands(70.0))),
                 _xlsx("m25.xlsx", workbook("みどり銀行", positive=76.0))]
        assert c.post("/fd/submissions/", {"workbooks": files}).status_code == 302
        body = c.get("/fd/compare/?as_of=2025-03-31").content.decode()
        table = body[body.index('id="yoy"'):]
        assert "2024-03-31" in table and "<td>6.0</td>" in table
        body = c.get("/fd/compare/?as_of=2024-03-31").content.decode()
        assert 'id="no-yoy"' in body

    def test_the_comparison_reads_in_english_after_switching(self) -> None:
        c = signed_in(self.w.users["supervisor"])
        c.post("/fd/submissions/", {"workbooks": [_xlsx("m.xlsx", workbook("みどり銀行"))]})
        c.post("/accounts/language/", {"language": "en", "next": "/"})
        body = c.get("/fd/compare/").content.decode()
        assert "Common KPIs compared by firm type" in body and "Regional bank" in body
        assert "共通KPIの比較（業態別）" not in body
