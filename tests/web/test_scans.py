"""Scans in the browser: upload a zip, the worker runs it from the database queue, flags are stored whole."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase, override_settings

from kansa.web.scans.models import Flag, Scan
from kansa.web.trail.models import Event
from tests.web.guard import CommittingTestCase
from tests.web.people import make_world, signed_in


@pytest.fixture(scope="session")
def conduct_zip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A small synthetic institution's conduct exports (kansa synth conduct), zipped."""
    from kansa.synth.conduct import generate_conduct
    folder = tmp_path_factory.mktemp("conduct")
    generate_conduct(folder, customers=300, seed=7)
    return _zip_folder(folder)


def _zip_folder(folder: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.glob("*.csv")):
            if p.name != "answer_key.csv":     # the answer key never reaches the app
                zf.write(p, p.name)
    return buf.getvalue()


@pytest.mark.usefixtures("_zip_attr")
class ScanFlowTest(CommittingTestCase):
    """Upload -> queue -> worker -> flags, KPIs, manifest; filters; heat map; failures leave nothing."""

    zip_bytes: bytes

    def _upload(self, c: object, data: bytes, name: str = "conduct.zip") -> object:
        return c.post("/scans/", {"data": SimpleUploadedFile(name, data, "application/zip")})  # type: ignore[attr-defined]

    def test_upload_queues_a_scan_and_the_worker_stores_its_flags(self) -> None:
        w = make_world()
        c = signed_in(w.users["auditor"])
        r = self._upload(c, self.zip_bytes)  # committed: the on-commit hook queues the scan now
        assert r.status_code == 302  # type: ignore[attr-defined]
        scan = Scan.objects.get()
        assert scan.status == "queued"
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*")
        scan.refresh_from_db()
        assert scan.status == "done", scan.error
        assert scan.as_of is not None and "customers.csv" in scan.manifest and len(scan.manifest["trades.csv"]) == 64
        assert scan.versions["kansa"] and scan.kpis
        n = Flag.objects.filter(scan=scan).count()
        assert n > 0 and Flag.objects.filter(scan=scan, institution=w.own).count() == n
        assert Event.objects.filter(object_type="scan", after__status="done").exists()
        detail = c.get(f"/scans/{scan.pk}/").content.decode()  # type: ignore[attr-defined]
        assert 'data-chart="bands"' in detail and "investment_trust" in detail and "customers.csv" in detail
        body = c.get(f"/scans/{scan.pk}/flags/").content.decode()  # type: ignore[attr-defined]
        assert f"{n} 件" in body
        assert 'data-chart="heatmap"' in c.get(f"/scans/{scan.pk}/heatmap/").content.decode()  # type: ignore[attr-defined]
        rule = Flag.objects.filter(scan=scan).values_list("rule_id", flat=True).first()
        body = c.get(f"/scans/{scan.pk}/flags/", {"rule_id": rule}).content.decode()  # type: ignore[attr-defined]
        assert f"{Flag.objects.filter(scan=scan, rule_id=rule).count()} 件" in body
        # the other institution and the first line of another bank see nothing of it
        assert signed_in(w.users["other_admin"]).get(f"/scans/{scan.pk}/flags/").status_code == 404  # type: ignore[attr-defined]
        assert signed_in(w.users["supervisor"]).get(f"/scans/{scan.pk}/flags/").status_code == 200  # type: ignore[attr-defined]

    def test_a_failed_scan_stores_no_flags_and_says_why(self) -> None:
        w = make_world()
        c = signed_in(w.users["auditor"])
        broken = io.BytesIO()
        with zipfile.ZipFile(broken, "w") as zf:
            zf.writestr("customers.csv", "not,the,contract\n1,2,3\n")
        self._upload(c, broken.getvalue())
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*")
        scan = Scan.objects.get()
        assert scan.status == "failed" and "customers.csv" in scan.error  # names the file that failed
        assert Flag.objects.count() == 0

    def test_a_bad_zip_is_refused_with_a_clear_message_and_no_scan(self) -> None:
        w = make_world()
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("../../etc/evil.csv", "x")
        r = self._upload(signed_in(w.users["auditor"]), buf.getvalue())
        assert r.status_code == 400 and "安全でないパス" in r.content.decode()  # type: ignore[attr-defined]
        assert Scan.objects.count() == 0

    @override_settings(KANSA_UPLOAD_MAX_BYTES=50)
    def test_an_oversized_upload_is_refused(self) -> None:
        w = make_world()
        r = self._upload(signed_in(w.users["auditor"]), self.zip_bytes)
        assert r.status_code == 400 and Scan.objects.count() == 0  # type: ignore[attr-defined]


@pytest.fixture
def _zip_attr(request: pytest.FixtureRequest, conduct_zip: bytes) -> None:
    request.cls.zip_bytes = conduct_zip


class FlagWorkTest(TestCase):
    """Explain (first line), disposition (auditor), compare two scans; each on the trail."""

    def _scan(self, inst: object, keys: list[tuple[str, str]]) -> Scan:
        s = Scan.objects.create(institution=inst, source_name="x.zip", status="done")
        for rule, entity in keys:
            Flag.objects.create(scan=s, institution=inst, rule_id=rule, entity_type="customer", entity_id=entity,
                                severity="high", reason="理由")
        return s

    def test_first_line_explains_and_auditor_disposes_with_the_trail_recording_both(self) -> None:
        w = make_world()
        flag = self._scan(w.own, [("elderly_high_risk", "C1")]).flags.get()
        r = signed_in(w.users["business_line"]).post(f"/scans/flags/{flag.pk}/explain/",
                                                     {"text": "顧客の意向を確認済み"})
        assert r.status_code == 302
        auditor = signed_in(w.users["auditor"])
        r = auditor.post(f"/scans/flags/{flag.pk}/dispose/", {"kind": "no_issue", "reason": ""})
        assert r.status_code == 400 and "理由が必要" in r.content.decode()
        assert auditor.post(f"/scans/flags/{flag.pk}/dispose/", {"kind": "follow_up"}).status_code == 302
        assert auditor.post(f"/scans/flags/{flag.pk}/dispose/",
                            {"kind": "no_issue", "reason": "説明と記録が一致"}).status_code == 302
        body = auditor.get(f"/scans/flags/{flag.pk}/").content.decode()
        assert "顧客の意向を確認済み" in body and "説明と記録が一致" in body
        last = Event.objects.filter(object_type="disposition").order_by("-id").first()
        assert last is not None and last.before == {"kind": "follow_up", "reason": ""}
        assert last.after == {"kind": "no_issue", "reason": "説明と記録が一致"}
        assert Event.objects.filter(object_type="explanation", actor="business_line_user").exists()

    def test_compare_names_new_persisting_and_resolved(self) -> None:
        w = make_world()
        old = self._scan(w.own, [("r1", "C1"), ("r1", "C2")])
        new = self._scan(w.own, [("r1", "C2"), ("r2", "C3"), ("r2", "C4")])
        body = signed_in(w.users["management"]).get(f"/scans/{new.pk}/compare/{old.pk}/").content.decode()
        assert 'id="n-new">2<' in body and 'id="n-persisting">1<' in body and 'id="n-resolved">1<' in body
        other = self._scan(w.other, [("r1", "C1")])
        assert signed_in(w.users["supervisor"]).get(f"/scans/{new.pk}/compare/{other.pk}/").status_code == 404
