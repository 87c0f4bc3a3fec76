"""The scan page leads with the ranked cases; coverage says which rules did not run and why; the cyber view."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from kansa.web.scans.models import Case, Coverage, Flag, Scan
from tests.web.guard import CommittingTestCase
from tests.web.people import make_world, signed_in
from tests.web.scan_data import conduct_folder, cyber_folder, zip_folder  # noqa: F401 (fixtures)


def run_upload(c: object, data: bytes, kind: str = "conduct") -> Scan:
    """Upload, then run the queue's worker in-process as `kansa web worker` would."""
    r = c.post("/scans/", {"data": SimpleUploadedFile("data.zip", data, "application/zip"),  # type: ignore[attr-defined]
                           "kind": kind})
    assert r.status_code == 302, r.content.decode()[:500]
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*")
    scan = Scan.objects.order_by("-id").first()
    assert scan is not None and scan.status == "done", scan and scan.error
    return scan


@pytest.mark.usefixtures("_folders")
class ReviewQueueTest(CommittingTestCase):
    """Cases stored and ranked, flags linked, coverage honest, cyber view by area."""

    conduct: Path
    cyber: Path

    def test_every_flag_is_in_one_stored_case_and_the_page_leads_with_the_top_case(self) -> None:
        w = make_world()
        c = signed_in(w.users["auditor"])
        scan = run_upload(c, zip_folder(self.conduct))
        flags = Flag.objects.filter(scan=scan)
        assert flags.count() > 0 and not flags.filter(case__isnull=True).exists()
        cases = list(Case.objects.filter(scan=scan).order_by("rank"))
        assert [k.rank for k in cases] == list(range(1, len(cases) + 1))
        assert all(a.score >= b.score for a, b in itertools.pairwise(cases))   # type: ignore[operator]
        for k in cases[:5]:   # the stored count is the flags linked to it
            assert k.flag_count == flags.filter(case=k).count()
        body = c.get(f"/scans/{scan.pk}/").content.decode()
        top = cases[0]
        queue_at, bands_at = body.index('id="queue"'), body.index('data-chart="bands"')
        assert queue_at < bands_at   # the cases come before the KPI charts
        assert f'data-case="{top.case_id}"' in body and top.reason_ja.split(":")[0] in body
        listed = c.get(f"/scans/{scan.pk}/flags/", {"case": top.pk}).content.decode()
        assert f"{top.flag_count} 件" in listed
        # coverage: every rule has a row; all ran on a full data folder
        cov = Coverage.objects.filter(scan=scan)
        assert cov.count() >= 14 and not cov.exclude(status="evaluated").exists()
        # the case's reason follows the reader's language (stored per user)
        en = c
        assert en.post("/accounts/language/", {"language": "en", "next": "/"}).status_code == 302
        assert top.reason_en.split(":")[0] in en.get(f"/scans/{scan.pk}/").content.decode()

    def test_without_trades_the_trade_rules_say_not_evaluated_and_never_no_finding(self) -> None:
        w = make_world()
        c = signed_in(w.users["auditor"])
        scan = run_upload(c, zip_folder(self.conduct, leave_out=("trades.csv",)))
        missing = Coverage.objects.filter(scan=scan, status="not_evaluated", reason="table_absent", detail="trades")
        assert missing.count() >= 3
        body = c.get(f"/scans/{scan.pk}/").content.decode()
        for row in missing:
            cell = re.search(rf'<tr data-rule="{row.rule_id}" class="not-evaluated">(.*?)</tr>', body, re.S)
            assert cell is not None, row.rule_id
            assert "未実施" in cell.group(1) and "trades" in cell.group(1) and "該当なし" not in cell.group(1)
        assert not Flag.objects.filter(scan=scan, rule_id__in=[r.rule_id for r in missing]).exists()

    def test_the_heat_map_counts_flags_by_branch_and_rule_in_the_database(self) -> None:
        w = make_world()
        c = signed_in(w.users["management"])
        scan = run_upload(signed_in(w.users["auditor"]), zip_folder(self.conduct))
        f = Flag.objects.filter(scan=scan).exclude(branch="").first()
        assert f is not None
        n = Flag.objects.filter(scan=scan, branch=f.branch, rule_id=f.rule_id).count()
        body = c.get(f"/scans/{scan.pk}/heatmap/").content.decode()
        assert 'data-chart="heatmap"' in body
        assert f"?branch={f.branch}&amp;rule_id={f.rule_id}\">{n}</a>" in body
        filtered = c.get(f"/scans/{scan.pk}/flags/", {"branch": f.branch, "rule_id": f.rule_id}).content.decode()
        assert f"{n} 件" in filtered

    def test_a_cyber_scan_shows_findings_by_area_kev_exposure_and_privileged_exceptions(self) -> None:
        w = make_world()
        c = signed_in(w.users["risk_compliance"])
        scan = run_upload(c, zip_folder(self.cyber), kind="cyber")
        assert scan.kind == "cyber" and scan.details["kev"]["version"]
        flags = Flag.objects.filter(scan=scan)
        priv = flags.filter(area="privileged").count()
        assert priv > 0 and not flags.filter(area="").exists()
        assert scan.details["kev_match_count"] > 0   # the synthetic inventory carries KEV products
        assert Coverage.objects.filter(scan=scan).count() == 16
        body = c.get(f"/scans/{scan.pk}/").content.decode()
        row = re.search(r'<tr data-area="privileged">(.*?)</tr>', body, re.S)
        assert row is not None and f"<td>{priv}</td>" in row.group(1)
        assert f"一致 {scan.details['kev_match_count']} 件" in body and "特権アクセスの例外" in body
        assert "auth.log" in scan.manifest   # the logs were read and their digest kept


@pytest.fixture
def _folders(request: pytest.FixtureRequest) -> None:
    request.cls.conduct = request.getfixturevalue("conduct_folder")
    request.cls.cyber = request.getfixturevalue("cyber_folder")
