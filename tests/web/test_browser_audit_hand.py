"""In chromium, the head of audit's hand work: an entity added, edited and retired; a work-program step picked from
the library; a sample of the uploaded trades table tested; the engagement report downloaded as Excel."""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import date
from pathlib import Path

import openpyxl

from kansa.web.audit.models import AuditEngagement, AuditEntity
from kansa.web.scans.models import Flag, Scan
from kansa.web.trail.models import Event
from tests.web.browser import BrowserTestCase
from tests.web.people import make_world


class BrowserAuditHandTest(BrowserTestCase):
    """One auditor, one session."""

    def test_the_auditor_edits_the_universe_picks_steps_and_samples_a_table(self) -> None:
        world = make_world()
        scan = Scan.objects.create(institution=world.own, source_name="x.zip", status="done", as_of=date(2025, 3, 31))
        Flag.objects.create(scan=scan, institution=world.own, rule_id="elderly_complex_product", entity_type="trade",
                            entity_id="T1", branch="B001", severity="high", reason="-")
        self.sign_in(world.users["auditor"].username)  # type: ignore[attr-defined]
        page = self.page
        page.goto(self.url("/audit/"))
        self.submit("#build-universe")

        # a third party the data does not show, added by hand
        page.click("#entity-new summary")
        page.select_option("#entity-form select[name=kind]", "third_party")
        page.fill("#entity-form input[name=key]", "V-CLOUD")
        page.fill("#entity-form input[name=name]", "クラウド基盤の委託先")
        page.fill("#entity-form input[name=owner]", "システム部")
        page.fill("#entity-form input[name=cycle_months]", "12")
        self.submit("#entity-form button[type=submit]")
        assert "third_party:V-CLOUD" in page.inner_text("#universe")

        # its owner and last audit changed, then the branch retired with a reason
        page.click("#universe a:has-text('third_party:V-CLOUD')")
        page.fill("#entity-edit input[name=owner]", "IT統括部")
        page.fill("#entity-edit input[name=last_audited]", "2021-06-30")
        self.submit("#entity-edit button[type=submit]")
        facts = page.inner_text("#entity-facts")
        assert "IT統括部" in facts and "2021-06-30" in facts and "third_party" in facts
        self.shot("audit-entity-edited")
        branch = AuditEntity.objects.get(institution=world.own, key="branch:B001")
        page.goto(self.url(f"/audit/entities/{branch.pk}/"))
        page.fill("#entity-retire input[name=on]", "2025-09-30")
        page.fill("#entity-retire input[name=reason]", "B002 に統合")
        self.submit("#entity-retire button[type=submit]")
        assert "B002 に統合" in page.inner_text("#retired")
        assert [e.action for e in Event.objects.filter(object_id__in=["third_party:V-CLOUD", "branch:B001"])
                .order_by("id")][-3:] == ["entity.create", "entity.edit", "entity.retire"]

        # an engagement on the third party; a system-audit step picked from the library
        page.goto(self.url("/audit/"))
        page.fill("#engagement-form input[name=title]", "委託先の取引検証")
        page.select_option("#engagement-form select[name=type]", "compliance")
        page.fill("#engagement-form input[name=entities]", "third_party:V-CLOUD")
        page.fill("#engagement-form input[name=days]", "15")
        self.submit("#engagement-form button[type=submit]")
        e = AuditEngagement.objects.get(institution=world.own, key="E-01")
        page.goto(self.url(f"/audit/engagements/{e.pk}/"))
        page.select_option("#step-add select[name=step]", "WP-SYS-02")
        self.submit("#step-add button[type=submit]")
        step = page.inner_text("#step-WP-SYS-02")
        assert "request_self_approved" in step and "IAM-02-1" in step

        # a random sample of the trades table of the uploaded data folder, one item tested
        with tempfile.TemporaryDirectory() as tmp:
            from kansa.synth.conduct import generate_conduct
            data = Path(tmp) / "data"
            generate_conduct(data, customers=300, seed=7)
            (data / "answer_key.csv").unlink(missing_ok=True)
            upload = Path(tmp) / "data.zip"
            with zipfile.ZipFile(upload, "w") as zf:
                for f in data.iterdir():
                    zf.write(f, f.name)
            page.set_input_files("#table-sample-form input[name=data]", str(upload))
            page.select_option("#table-sample-form select[name=table]", "trades")
            page.fill("#table-sample-form input[name=seed]", "7")
            self.submit("#table-sample-form button[type=submit]")
        sample = page.inner_text("#sample-E-01-S1")
        assert "trades (trades.csv SHA-256" in sample and "seed 7" in sample and "59" in sample, sample
        page.select_option("#sample-E-01-S1 select[name=result] >> nth=0", "exception")
        page.fill("#sample-E-01-S1 input[name=note] >> nth=0", "承認記録なし")
        self.submit("#sample-E-01-S1 button.test-item >> nth=0")
        assert "exception 承認記録なし" in page.inner_text("#sample-E-01-S1")
        self.shot("audit-table-sample")

        with page.expect_download() as info:
            page.click("#engagement-report-xlsx")
        assert info.value.suggested_filename == "engagement_E-01.xlsx"
        wb = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()), read_only=True)
        samples = [tuple(r) for r in wb["サンプル"].iter_rows(values_only=True)]
        assert any(r[0] == "E-01-S1" and r[9] == "exception" and r[10] == "承認記録なし" for r in samples[1:])
        program = [r[0] for r in wb["監査手続"].iter_rows(values_only=True)]
        assert "WP-SYS-02" in program
