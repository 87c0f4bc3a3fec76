"""見える化 for an institution: upload its policy documents (type, size and readability checked, nothing kept on
error), coverage with evidence, year on year, the say-do table and the auditor's decisions; isolation."""

from __future__ import annotations

import tempfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings

from kansa.web.fd.models import PolicyDocument, SayDoDecision
from kansa.web.fd.reading import documents_dir
from kansa.web.trail.models import Event
from tests.web.fd_world import EXPLAINED, NO_INHOUSE, POLICY_2024, POLICY_2025, add_document, add_scan
from tests.web.people import make_world, signed_in


class PolicyCase(TestCase):
    """Uploads go to a folder of the test's own."""

    def setUp(self) -> None:
        self._tmp = tempfile.TemporaryDirectory()
        self._override = override_settings(KANSA_UPLOAD_DIR=self._tmp.name)
        self._override.enable()
        self.w = make_world()

    def tearDown(self) -> None:
        self._override.disable()
        self._tmp.cleanup()

    def _upload(self, role: str, name: str, data: bytes, year: int = 2025, kind: str = "policy") -> object:
        return signed_in(self.w.users[role]).post(f"/fd/institutions/{self.w.own.code}/upload/", {
            "year": year, "kind": kind, "document": SimpleUploadedFile(name, data)})

    def _promise_id(self, fragment: str) -> str:
        body = signed_in(self.w.users["auditor"]).get(f"/fd/institutions/{self.w.own.code}/").content.decode()
        start = body.index(fragment, body.index('id="saydo"'))
        marker = 'data-promise="'
        at = body.rindex(marker, 0, start) + len(marker)
        return body[at:body.index('"', at)]


class UploadTest(PolicyCase):
    def test_a_text_policy_is_stored_with_its_digest_and_a_trail_event(self) -> None:
        r = self._upload("risk_compliance", "取組方針2025.txt", POLICY_2025.encode("utf-8"))
        assert r.status_code == 302
        doc = PolicyDocument.objects.get()
        assert (documents_dir(self.w.own) / doc.stored).read_text(encoding="utf-8") == POLICY_2025
        assert len(doc.sha256) == 64 and doc.name == "取組方針2025.txt"
        assert Event.objects.filter(object_type="policy_document", object_id=str(doc.pk),
                                    institution_code=self.w.own.code).exists()

    def test_a_cp932_policy_is_read(self) -> None:
        assert self._upload("auditor", "houshin.txt", POLICY_2025.encode("cp932")).status_code == 302
        body = signed_in(self.w.users["auditor"]).get(f"/fd/institutions/{self.w.own.code}/").content.decode()
        assert NO_INHOUSE in body

    def test_wrong_types_broken_files_and_oversized_files_are_refused_and_nothing_is_kept(self) -> None:
        cases = [("policy.exe", b"MZ\x90\x00", "policy"), ("policy.docx", b"PK\x03\x04 broken", "policy"),
                 ("policy.txt", b"", "policy"), ("table.txt", POLICY_2025.encode(), "table"),
                 ("policy.txt", b"\xff\xfe\x00\x81broken", "policy")]
        for name, data, kind in cases:
            r = self._upload("auditor", name, data, kind=kind)
            assert r.status_code == 400, name
        with override_settings(KANSA_FD_MAX_DOCUMENT_BYTES=100):
            r = self._upload("auditor", "long.txt", POLICY_2025.encode("utf-8"))
            assert r.status_code == 400 and "long.txt" in r.content.decode()
        assert not PolicyDocument.objects.exists()
        assert not documents_dir(self.w.own).exists() or not any(documents_dir(self.w.own).iterdir())
        assert not Event.objects.filter(object_type="policy_document").exists()

    def test_the_error_names_the_file_as_uploaded(self) -> None:
        r = self._upload("auditor", "houshin.exe", b"x")
        assert "houshin.exe" in r.content.decode()
        body = self._upload("auditor", "方針2025.docx", b"PK\x03\x04 broken").content.decode()
        assert "方針2025.docx" in body and "/tmp" not in body

    def test_business_line_admin_and_supervisor_upload_nothing(self) -> None:
        for role in ("business_line", "admin", "supervisor"):
            assert self._upload(role, "p.txt", POLICY_2025.encode()).status_code == 403, role
        r = signed_in(self.w.users["other_admin"]).post(f"/fd/institutions/{self.w.own.code}/upload/", {})
        assert r.status_code == 404
        assert not PolicyDocument.objects.exists()


class ReadingTest(PolicyCase):
    def test_coverage_restatement_and_year_on_year_are_shown_with_their_sentences(self) -> None:
        add_document(self.w.own, 2024, POLICY_2024)
        add_document(self.w.own, 2025, POLICY_2025)
        body = signed_in(self.w.users["management"]).get(f"/fd/institutions/{self.w.own.code}/").content.decode()
        assert 'id="coverage"' in body and "verdict-concrete" in body and "verdict-restated" in body
        assert "「2025年度より、グループ会社商品の販売額を営業店の業績評価から除外し" in body   # evidence sentence
        assert 'id="restatement"' in body
        assert 'id="year-2025"' in body and "2024 → 2025" in body and "改訂なし" not in body

    def test_an_unchanged_year_is_flagged(self) -> None:
        add_document(self.w.own, 2024, POLICY_2024)
        add_document(self.w.own, 2025, POLICY_2024, name="方針2025.txt")
        body = signed_in(self.w.users["auditor"]).get(f"/fd/institutions/{self.w.own.code}/").content.decode()
        assert "改訂なし" in body

    def test_without_a_scan_the_say_do_table_says_why(self) -> None:
        add_document(self.w.own, 2025, POLICY_2025)
        body = signed_in(self.w.users["auditor"]).get(f"/fd/institutions/{self.w.own.code}/").content.decode()
        assert 'id="no-scan"' in body and 'id="saydo"' not in body


class IsolationTest(PolicyCase):
    def test_another_institution_never_sees_the_documents_and_the_supervisor_does(self) -> None:
        add_document(self.w.own, 2025, POLICY_2025)
        r = signed_in(self.w.users["other_admin"]).get(f"/fd/institutions/{self.w.own.code}/")
        assert r.status_code == 404 and NO_INHOUSE not in r.content.decode()
        assert signed_in(self.w.users["business_line"]).get(f"/fd/institutions/{self.w.own.code}/").status_code == 403
        body = signed_in(self.w.users["supervisor"]).get(f"/fd/institutions/{self.w.own.code}/").content.decode()
        assert NO_INHOUSE in body and "upload-form" not in body and 'class="decide"' not in body

    def test_one_institutions_scan_is_not_used_for_another(self) -> None:
        add_document(self.w.own, 2025, POLICY_2025)
        add_scan(self.w.other)
        body = signed_in(self.w.users["auditor"]).get(f"/fd/institutions/{self.w.own.code}/").content.decode()
        assert 'id="no-scan"' in body


class SayDoTest(PolicyCase):
    def setUp(self) -> None:
        super().setUp()
        add_document(self.w.own, 2025, POLICY_2025)
        self.scan = add_scan(self.w.own)

    def test_the_contradicted_promise_is_not_kept_with_its_evidence_and_the_kept_one_kept(self) -> None:
        body = signed_in(self.w.users["auditor"]).get(f"/fd/institutions/{self.w.own.code}/").content.decode()
        table = body[body.index('id="saydo"'):]
        rows = table.split("<tr ")[1:]
        inhouse = next(r for r in rows if NO_INHOUSE in r)
        explained = next(r for r in rows if EXPLAINED in r)
        assert "saydo-not_kept" in inhouse and "S014" in inhouse and "staff_affiliated_skew" in inhouse
        assert "saydo-kept" in explained
        share = next(r for r in rows if "70%" in r)
        assert "saydo-not_kept" in share and "64.00" in share

    def test_the_auditor_confirms_and_the_trail_records_it(self) -> None:
        pid = self._promise_id(NO_INHOUSE)
        r = signed_in(self.w.users["auditor"]).post(f"/fd/institutions/{self.w.own.code}/decide/", {
            "promise_id": pid, "verdict": "confirm"})
        assert r.status_code == 302
        d = SayDoDecision.objects.get()
        assert (d.verdict, d.proposed, d.scan_id) == ("not_kept", "not_kept", self.scan.pk)
        e = Event.objects.get(object_type="saydo_decision")
        assert e.after["verdict"] == "not_kept" and e.institution_code == self.w.own.code

    def test_an_override_needs_a_reason(self) -> None:
        pid = self._promise_id(NO_INHOUSE)
        c = signed_in(self.w.users["auditor"])
        url = f"/fd/institutions/{self.w.own.code}/decide/"
        assert c.post(url, {"promise_id": pid, "verdict": "kept"}).status_code == 400
        assert not SayDoDecision.objects.exists()
        reason = "2名とも対象期間後に異動し、偏りは解消済み"
        assert c.post(url, {"promise_id": pid, "verdict": "kept", "reason": reason}).status_code == 302
        body = c.get(f"/fd/institutions/{self.w.own.code}/").content.decode()
        row = body[body.index(f'data-promise="{pid}"'):]
        assert reason in row[:row.index("</tr>")] and "saydo-kept" in body[body.rindex("<tr", 0, body.index(pid)):][:80]

    def test_an_unknown_promise_is_refused(self) -> None:
        r = signed_in(self.w.users["auditor"]).post(f"/fd/institutions/{self.w.own.code}/decide/", {
            "promise_id": "nope", "verdict": "confirm"})
        assert r.status_code == 400 and not SayDoDecision.objects.exists()

    def test_only_the_own_auditor_decides(self) -> None:
        pid = self._promise_id(NO_INHOUSE)
        for role in ("risk_compliance", "management", "supervisor", "business_line"):
            r = signed_in(self.w.users[role]).post(f"/fd/institutions/{self.w.own.code}/decide/", {
                "promise_id": pid, "verdict": "confirm"})
            assert r.status_code == 403, role
        assert not SayDoDecision.objects.exists()
