"""As a new user would, in chromium: universe from a scan, scores and why, plan checks, approval, engagement,
sample, finding with its true cause, remediation by the first line, re-test and close, board report PDF."""

from __future__ import annotations

import io
import re
import tempfile
from datetime import date
from pathlib import Path

import pypdf
from playwright.sync_api import Page

from kansa.audit.plan import fiscal_year_of
from kansa.progress import NULL_REPORTER
from kansa.web.audit.models import AuditEngagement
from kansa.web.scans.adapter import run_conduct
from kansa.web.scans.models import Flag, Scan
from tests.web.browser import BrowserTestCase
from tests.web.people import World, make_world

TRUE_CAUSE = "支店の業績評価が手数料収入に偏っている"
TITLE = "高齢顧客への複雑商品の販売で適合性確認が不十分"


def _real_scan(world: World) -> Scan:
    """A conduct scan of a small synthetic institution through the engine, stored as the scans app stores it."""
    from kansa.synth.conduct import generate_conduct
    with tempfile.TemporaryDirectory() as tmp:
        generate_conduct(Path(tmp), customers=300, seed=7)
        (Path(tmp) / "answer_key.csv").unlink(missing_ok=True)
        out = run_conduct(Path(tmp), NULL_REPORTER)
    scan = Scan.objects.create(institution=world.own, source_name="synth.zip", status="done", as_of=out.as_of,
                               kpis=out.kpis)
    Flag.objects.bulk_create([Flag(scan=scan, institution=world.own, rule_id=f.rule_id, entity_type=f.entity_type,
                                   entity_id=f.entity_id, branch=f.branch, salesperson=f.salesperson,
                                   severity=f.severity, score=f.score, event_date=f.event_date, reason=f.reason,
                                   evidence=f.evidence) for f in out.flags])
    return scan


class BrowserAuditTest(BrowserTestCase):
    """The issue's walk-through, one role after another."""

    def _as(self, world: World, role: str) -> None:
        """Switch to `role`'s own browser context, signing in once (a TOTP code is never replayed)."""
        if role not in self.pages:
            context = self.browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
            self.addCleanup(context.close)
            self.page = context.new_page()
            self.sign_in(world.users[role].username)  # type: ignore[attr-defined]
            self.pages[role] = self.page
        self.page = self.pages[role]

    def _engagement(self, title: str, type_: str, entities: str, days: str) -> None:
        page = self.page
        page.goto(self.url("/audit/"))
        page.fill("#engagement-form input[name=title]", title)
        page.select_option("#engagement-form select[name=type]", type_)
        page.fill("#engagement-form input[name=entities]", entities)
        page.fill("#engagement-form input[name=days]", days)
        self.submit("#engagement-form button[type=submit]")

    def _add_to_plan(self, plan_url: str, key: str) -> None:
        self.page.goto(plan_url)
        self.page.select_option("#plan-change select[name=add]", key)
        self.submit("#plan-change button[type=submit]")

    def test_a_new_user_runs_the_audit_year_end_to_end(self) -> None:
        self.pages: dict[str, Page] = {}
        world = make_world()
        scan = _real_scan(world)
        self._as(world, "auditor")
        page = self.page
        page.goto(self.url("/audit/"))
        self.submit("#build-universe")
        universe = page.inner_text("#universe")
        assert "branch:" in universe and "theme:cyber" in universe
        self.shot("audit-universe")
        # the highest-scored branch (rows are by score; a product type's return signal may rank above it)
        page.click("#universe a:has-text('branch:') >> nth=0")
        signals = page.inner_text("#signals")
        assert "conduct_flags_per_branch" in signals and f"#{scan.pk}" in page.inner_text("main")
        top = page.inner_text("h1 small")
        self.shot("audit-score-why")

        fy = fiscal_year_of(date.today())
        page.goto(self.url("/audit/"))
        page.fill("#plan-form input[name=fiscal_year]", str(fy))
        page.fill("#plan-form input[name=capacity_days]", "200")
        self.submit("#plan-form button[type=submit]")
        self._engagement("高リスク支店の業務監査", "compliance", top, "40")
        page.click(f"#plans a:has-text('FY{fy}')")
        plan_url = page.url
        self._add_to_plan(plan_url, "E-01")
        checks = page.inner_text("#checks")
        assert "サイバーセキュリティ" in checks and "テーマ" in checks, checks
        self.shot("audit-plan-checks-fire")
        self._engagement("サイバー・企業文化のテーマ監査", "theme", "theme:cyber,theme:culture_incentives", "30")
        self._add_to_plan(plan_url, "E-02")
        checks = page.inner_text("#checks")
        assert "サイバーセキュリティ" not in checks and "テーマ" not in checks, checks
        for line in checks.splitlines():   # a high-risk entity out of its cycle: plan it too, until checks clear
            found = re.search(r"高リスクの (\S+?)（", line)
            if found:
                self._engagement(f"{found.group(1)} の監査", "compliance", found.group(1), "5")
                key = AuditEngagement.objects.filter(institution=world.own).order_by("-id").first().key  # type: ignore
                self._add_to_plan(plan_url, key)
        assert page.locator("#checks-pass").count() == 1, page.inner_text("#checks")
        self.shot("audit-plan-checks-clear")
        self.submit("#submit-plan")
        assert "submitted" in page.inner_text("#plan-status")

        self._as(world, "management")
        page = self.page
        page.goto(plan_url)
        self.submit("#approve-plan")
        status = page.inner_text("#plan-status")
        assert "approved" in status and "management_user" in status
        self.shot("audit-plan-approved")

        self._as(world, "auditor")
        page = self.page
        e01 = AuditEngagement.objects.get(institution=world.own, key="E-01")
        page.goto(self.url(f"/audit/engagements/{e01.pk}/"))
        self.submit("#phase-fieldwork")
        page.fill("#sample-form input[name=seed]", "42")
        self.submit("#sample-form button[type=submit]")
        sample = page.inner_text(".sample")
        assert "seed 42" in sample and "E-01-S1" in sample
        page.select_option(".sample select[name=result] >> nth=0", "exception")
        self.submit(".sample button.test-item >> nth=0")
        assert "exception" in page.inner_text(".sample")
        for name, value in (("title", TITLE), ("condition", "80歳以上の顧客12名に仕組債を販売"),
                            ("criteria", "高齢顧客への勧誘に関する社内規程"), ("cause", "確認手続の形骸化"),
                            ("effect", "顧客の損失と苦情"), ("true_cause", TRUE_CAUSE), ("due", f"{fy + 1}-03-31")):
            page.fill(f"#finding-form [name={name}]", value)
        page.select_option("#finding-form select[name=severity]", "high")
        page.select_option("#finding-form select[name=root_cause]", "culture_incentives")
        page.select_option("#finding-form select[name=owner]", "business_line_user")
        self.submit("#finding-form button[type=submit]")
        assert TITLE in page.inner_text("#engagement-findings")
        self.shot("audit-engagement-finding")

        self._as(world, "business_line")
        page = self.page
        page.goto(self.url("/audit/"))
        page.click("#findings a >> nth=0")
        assert TRUE_CAUSE in page.inner_text("#true-cause")
        self.submit("#agree")
        page.fill("textarea[name=remediation]", "業績評価に顧客損益と苦情を加える")
        self.submit("#remediate")
        assert "remediating" in page.inner_text("#finding-status")
        self.shot("audit-first-line-remediates")
        finding_url = page.url

        self._as(world, "auditor")
        page = self.page
        page.goto(finding_url)
        page.check("input[name=passed]")
        self.submit("#retest-button")
        self.submit("#close")
        assert "closed" in page.inner_text("#finding-status")
        self.shot("audit-finding-closed")

        page.goto(self.url("/audit/"))
        with page.expect_download() as info:
            page.click("#board-report")
        pdf = Path(info.value.path()).read_bytes()
        text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
        assert TITLE in text and TRUE_CAUSE in text, text[:2000]
