"""Samples of any loaded table in the web app: a data folder (zip) uploaded to the engagement, one contract table
read through kansa.services, random with the seed recorded or stratified, each sampled item tested."""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
import zipfile
from datetime import date
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from kansa.web.audit.models import AuditEngagement
from kansa.web.scans.models import Flag, Scan
from kansa.web.trail.models import Event
from tests.web.people import make_world, signed_in

_FOLDER: dict[str, bytes] = {}


def _data_folder() -> dict[str, bytes]:
    """A small synthetic institution's files, made once for the module."""
    if not _FOLDER:
        from kansa.synth.conduct import generate_conduct
        with tempfile.TemporaryDirectory() as tmp:
            generate_conduct(Path(tmp), customers=300, seed=7)
            (Path(tmp) / "answer_key.csv").unlink(missing_ok=True)
            _FOLDER.update({p.name: p.read_bytes() for p in Path(tmp).iterdir()})
    return _FOLDER


def _zip(files: dict[str, bytes], name: str = "data.zip") -> SimpleUploadedFile:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, body in files.items():
            zf.writestr(n, body)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="application/zip")


class TableSampleTest(TestCase):
    """The auditor samples trades of the uploaded data, not only the scan's flags."""

    def setUp(self) -> None:
        self.w = make_world()
        self.auditor = signed_in(self.w.users["auditor"])
        scan = Scan.objects.create(institution=self.w.own, source_name="x.zip", status="done", as_of=date(2025, 3, 31))
        Flag.objects.create(scan=scan, institution=self.w.own, rule_id="r", entity_type="trade", entity_id="T1",
                            branch="B001", severity="high", reason="-")
        self.auditor.post("/audit/universe/")
        self.auditor.post("/audit/engagements/", {"title": "取引の検証", "type": "compliance",
                                                  "entities": "branch:B001", "days": 10, "quarter": 1})
        self.e = AuditEngagement.objects.get(institution=self.w.own)
        self.url = f"/audit/engagements/{self.e.pk}/table-sample/"

    def _post(self, files: dict[str, bytes], **form: object) -> object:
        data = {"table": "trades", "strata": "", "seed": 20260401, "confidence": 0.95, "tolerable_rate": 0.05}
        return self.auditor.post(self.url, {**data, **form, "data": _zip(files)}, follow=True)

    def test_a_random_table_sample_records_seed_size_source_and_rows_and_takes_results(self) -> None:
        files = _data_folder()
        self._post(files)
        self._post(files)
        self.e.refresh_from_db()
        first, second = self.e.data["samples"]
        trades = {r["trade_id"]: r for r in csv.DictReader(io.StringIO(files["trades.csv"].decode("utf-8-sig")))}
        sha = hashlib.sha256(files["trades.csv"]).hexdigest()
        assert first["id"] == "E-01-S1" and second["id"] == "E-01-S2"
        assert first["seed"] == 20260401 and first["population"] == len(trades) and len(first["items"]) == 59
        assert first["source"] == f"trades (trades.csv SHA-256 {sha})" and first["method"] == "random"
        assert [i["key"] for i in first["items"]] == [i["key"] for i in second["items"]]   # same seed, same draw
        item = first["items"][0]
        assert item["row"]["customer_id"] == trades[item["key"]]["customer_id"]
        page = self.auditor.get(f"/audit/engagements/{self.e.pk}/").content.decode()
        assert item["key"] in page and trades[item["key"]]["customer_id"] in page
        r = self.auditor.post(f"/audit/engagements/{self.e.pk}/test/", {
            "sample": "E-01-S1", "key": item["key"], "result": "exception", "note": "承認記録なし"})
        assert r.status_code == 302
        self.e.refresh_from_db()
        assert self.e.data["samples"][0]["items"][0]["result"] == "exception"
        assert Event.objects.filter(action="engagement.sample", object_id="E-01").count() == 2

    def test_a_stratified_table_sample_covers_every_branch(self) -> None:
        files = _data_folder()
        self._post(files, strata="branch_id", tolerable_rate=0.1)
        self.e.refresh_from_db()
        (sample,) = self.e.data["samples"]
        branches = {r["branch_id"] for r in csv.DictReader(io.StringIO(files["trades.csv"].decode("utf-8-sig")))}
        assert {i["stratum"] for i in sample["items"]} == branches
        assert sample["method"] == "stratified by trades.branch_id"

    def test_a_folder_failing_the_contract_or_an_unknown_column_stores_nothing_and_says_why(self) -> None:
        files = _data_folder()
        r = self._post({"trades.csv": files["trades.csv"]})
        assert "branches" in r.content.decode()  # type: ignore[attr-defined]
        r = self._post(files, strata="支店")
        assert "支店" in r.content.decode() and "branch_id" in r.content.decode()  # type: ignore[attr-defined]
        r = self._post(files, confidence=1.5)
        assert "confidence" in r.content.decode()  # type: ignore[attr-defined]
        self.e.refresh_from_db()
        assert self.e.data["samples"] == []

    def test_only_the_auditor_of_the_institution_draws(self) -> None:
        files = _data_folder()
        for role in ("management", "business_line", "supervisor"):
            r = signed_in(self.w.users[role]).post(self.url, {"table": "trades", "seed": 1, "confidence": 0.95,
                                                              "tolerable_rate": 0.05, "data": _zip(files)})
            assert r.status_code in {403, 404}, role
        self.e.refresh_from_db()
        assert self.e.data["samples"] == []
