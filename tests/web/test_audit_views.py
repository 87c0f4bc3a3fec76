"""The audit book's screens: scores explained and moving with the scan, plan checks, approval, findings, escalation."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pypdf
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase, override_settings

from kansa.web.audit.models import AuditEngagement, AuditEntity, AuditFinding, AuditNotice, AuditPlan
from kansa.web.scans.models import Flag, Scan
from kansa.web.trail.chain import verify
from kansa.web.trail.models import Event
from tests.web.guard import guard_lifted
from tests.web.people import World, make_world, signed_in


def _scan(world: World, flags_at: dict[str, int]) -> Scan:
    """A finished scan of the own institution with `n` conduct flags at each branch."""
    scan = Scan.objects.create(institution=world.own, source_name="x.zip", status="done", as_of=date(2025, 12, 31))
    Flag.objects.bulk_create([Flag(scan=scan, institution=world.own, rule_id="elderly_complex_product",
                                   entity_type="trade", entity_id=f"T{b}{i}", branch=b, severity="high", reason="-")
                              for b, n in flags_at.items() for i in range(n)])
    return scan


class AuditViewsTest(TestCase):
    """Auditor, management and the first line on one institution's book."""

    def setUp(self) -> None:
        self.w = make_world()
        self.auditor = signed_in(self.w.users["auditor"])
        self.mgmt = signed_in(self.w.users["management"])
        self.line = signed_in(self.w.users["business_line"])

    def _universe(self, flags_at: dict[str, int]) -> Scan:
        scan = _scan(self.w, flags_at)
        assert self.auditor.post("/audit/universe/").status_code == 302
        return scan

    def _entity_page(self, key: str) -> str:
        row = AuditEntity.objects.get(institution=self.w.own, key=key)
        return self.auditor.get(f"/audit/entities/{row.pk}/").content.decode()

    def test_the_universe_comes_from_the_latest_scan_with_themes_and_processes(self) -> None:
        self._universe({"B01": 3, "B02": 1})
        keys = set(AuditEntity.objects.filter(institution=self.w.own).values_list("key", flat=True))
        assert {"branch:B01", "branch:B02", "theme:cyber", "theme:culture_incentives", "process:suitability"} <= keys
        assert not AuditEntity.objects.filter(institution=self.w.other).exists()
        assert Event.objects.filter(action="entity.create", object_id="branch:B01").exists() and verify().ok

    def test_a_score_shows_its_signals_and_moves_when_the_scan_changes(self) -> None:
        first = self._universe({"B01": 2})
        before = self._entity_page("branch:B01")
        assert "conduct_flags_per_branch" in before and "2 flags" in before and f"#{first.pk}" in before
        second = _scan(self.w, {"B01": 30})
        after = self._entity_page("branch:B01")
        assert "30 flags" in after and f"#{second.pk}" in after
        score = lambda html: float(html.split('id="score">')[1].split("=")[1].split("(")[0])  # noqa: E731
        assert score(after) > score(before)

    def test_an_override_needs_a_reason_and_goes_into_the_trail(self) -> None:
        self._universe({"B01": 1})
        row = AuditEntity.objects.get(institution=self.w.own, key="branch:B01")
        url = f"/audit/entities/{row.pk}/override/"
        assert self.auditor.post(url, {"inherent": 5, "control": 5, "reason": ""}).status_code == 400
        assert self.auditor.post(url, {"inherent": 5, "control": 5, "reason": "新任支店長"}).status_code == 302
        assert "新任支店長" in self._entity_page("branch:B01")
        assert Event.objects.get(action="entity.risk_override").after["reason"] == "新任支店長"

    def _plan_with(self, *engagements: dict[str, Any]) -> AuditPlan:
        self.auditor.post("/audit/plans/", {"fiscal_year": 2025, "capacity_days": 100})
        plan = AuditPlan.objects.get(institution=self.w.own, key="2025")
        for e in engagements:
            assert self.auditor.post("/audit/engagements/", {"quarter": 1, **e}).status_code == 302
            key = AuditEngagement.objects.filter(institution=self.w.own).order_by("-id").first().key  # type: ignore
            self.auditor.post(f"/audit/plans/{plan.pk}/change/", {"add": key})
        return plan

    def _checks(self, plan: AuditPlan) -> str:
        html = self.auditor.get(f"/audit/plans/{plan.pk}/").content.decode()
        return html.split('id="checks">')[1].split("</ul>")[0]

    def test_plan_checks_fire_on_a_plan_without_cyber_or_theme_and_clear_when_added(self) -> None:
        self._universe({"B01": 1})
        plan = self._plan_with({"title": "支店監査", "type": "compliance", "entities": "branch:B01", "days": 30})
        checks = self._checks(plan)
        assert "サイバー" in checks and "テーマ" in checks and 'id="checks-pass"' not in checks
        self._plan_with({"title": "サイバー", "type": "compliance", "entities": "theme:cyber", "days": 20},
                        {"title": "企業文化", "type": "culture", "entities": "theme:culture_incentives", "days": 20})
        checks = self._checks(plan)
        assert "サイバー" not in checks and "テーマ" not in checks
        self.auditor.post(f"/audit/plans/{plan.pk}/change/", {"capacity_days": 10})
        assert "10" in self._checks(plan) and 'class="check"' in self._checks(plan)

    def test_only_management_approves_and_a_later_change_needs_approval_again(self) -> None:
        self._universe({"B01": 1})
        plan = self._plan_with({"title": "サイバー", "type": "compliance", "entities": "theme:cyber", "days": 20})
        assert self.auditor.post(f"/audit/plans/{plan.pk}/submit/").status_code == 302
        assert self.auditor.post(f"/audit/plans/{plan.pk}/approve/").status_code == 403
        assert self.line.post(f"/audit/plans/{plan.pk}/approve/").status_code == 403
        assert self.mgmt.post(f"/audit/plans/{plan.pk}/approve/").status_code == 302
        plan.refresh_from_db()
        assert plan.status == "approved" and plan.data["approved_by"] == "management_user"
        self.auditor.post(f"/audit/plans/{plan.pk}/change/", {"capacity_days": 150})
        plan.refresh_from_db()
        assert plan.status == "draft" and plan.data["version"] == 2
        assert plan.data["history"][0]["approved_by"] == "management_user"

    def _finding(self, due: date) -> AuditFinding:
        self._universe({"B01": 5})
        self._plan_with({"title": "支店監査", "type": "compliance", "entities": "branch:B01", "days": 30})
        e = AuditEngagement.objects.get(institution=self.w.own, key="E-01")
        r = self.auditor.post(f"/audit/engagements/{e.pk}/finding/", {
            "entity": "branch:B01", "title": "高齢顧客への複雑商品販売", "condition": "c", "criteria": "c",
            "cause": "c", "effect": "e", "severity": "high", "root_cause": "culture_incentives",
            "true_cause": "手数料偏重の業績評価", "owner": "business_line_user", "due": due.isoformat()})
        assert r.status_code == 302, r.content
        return AuditFinding.objects.get(institution=self.w.own, key="F-001")

    def test_a_finding_moves_only_along_its_states_and_closes_after_a_passed_retest(self) -> None:
        f = self._finding(date.today() + timedelta(days=30))
        move = f"/audit/findings/{f.pk}/move/"
        assert self.line.post(move, {"after": "closed"}).status_code == 403       # the line never closes
        assert self.auditor.post(move, {"after": "agreed"}).status_code == 403    # the owner agrees, not audit
        self.line.post(move, {"after": "remediating"})                             # skipping a step: refused
        f.refresh_from_db()
        assert f.status == "identified"
        self.line.post(move, {"after": "agreed"})
        self.line.post(move, {"after": "remediating", "remediation": "評価体系の見直し"})
        self.auditor.post(move, {"after": "closed"})                                # no re-test yet: refused
        f.refresh_from_db()
        assert f.status == "remediating" and f.data["remediation"] == "評価体系の見直し"
        self.auditor.post(f"/audit/findings/{f.pk}/retest/", {"passed": "on", "note": "ok"})
        self.auditor.post(move, {"after": "closed"})
        f.refresh_from_db()
        assert f.status == "closed" and f.data["retest"]["passed"] is True
        assert [e.action for e in Event.objects.filter(object_id="F-001").order_by("id")] == [
            "finding.create", "finding.agreed", "finding.remediating", "finding.retest", "finding.closed"]
        assert self.w.users["risk_compliance"] and signed_in(
            self.w.users["risk_compliance"]).get(f"/audit/findings/{f.pk}/").status_code == 403

    @override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    def test_an_overdue_finding_escalates_to_owner_and_management_by_notice_and_mail(self) -> None:
        for role in ("business_line", "management"):
            u = self.w.users[role]
            u.email = f"{role}@example.jp"  # type: ignore[attr-defined]
            u.save()  # type: ignore[attr-defined]
        self._finding(date.today() - timedelta(days=10))
        mail.outbox.clear()
        assert self.auditor.post("/audit/escalate/").status_code == 302
        assert {n.to for n in AuditNotice.objects.all()} == {"business_line_user", "management"}
        assert sorted(m.to[0] for m in mail.outbox) == ["business_line@example.jp", "management@example.jp"]
        assert "F-001" in mail.outbox[0].subject and "手数料偏重" in mail.outbox[0].body
        assert "F-001" in self.mgmt.get("/audit/").content.decode()

    def test_a_finding_not_yet_due_sends_nothing(self) -> None:
        self._finding(date.today() + timedelta(days=1))
        mail.outbox.clear()
        self.auditor.post("/audit/escalate/")
        assert not AuditNotice.objects.exists() and not mail.outbox

    def test_the_supervisor_reads_none_of_the_book(self) -> None:
        self._universe({"B01": 1})
        sup = signed_in(self.w.users["supervisor"])
        assert sup.get("/audit/").status_code == 403
        row = AuditEntity.objects.filter(institution=self.w.own).first()
        assert sup.get(f"/audit/entities/{row.pk}/").status_code == 403  # type: ignore[union-attr]

    def test_the_same_root_cause_on_the_same_entity_in_two_engagements_is_a_pattern(self) -> None:
        f1 = self._finding(date.today() + timedelta(days=30))
        assert "branch:B01" not in self.auditor.get("/audit/").content.decode().split('id="recurrences">')[1][:200]
        self._plan_with({"title": "再監査", "type": "compliance", "entities": "branch:B01", "days": 10})
        e2 = AuditEngagement.objects.get(institution=self.w.own, key="E-02")
        self.auditor.post(f"/audit/engagements/{e2.pk}/finding/", {
            "entity": "branch:B01", "title": "再発", "condition": "c", "criteria": "c", "cause": "c", "effect": "e",
            "severity": "medium", "root_cause": "culture_incentives", "true_cause": "評価体系が変わっていない",
            "owner": "business_line_user", "due": "2030-03-31"})
        home = self.auditor.get("/audit/").content.decode().split('id="recurrences">')[1].split("</ul>")[0]
        assert "culture_incentives / branch:B01: E-01, E-02 (F-001, F-002)" in home
        assert 'id="recurrence"' in self.auditor.get(f"/audit/findings/{f1.pk}/").content.decode()

    def test_a_stratified_sample_records_its_seed_and_every_rule_branch_stratum(self) -> None:
        self._universe({"B01": 40, "B02": 3})
        self._plan_with({"title": "支店監査", "type": "compliance", "entities": "branch:B01", "days": 30})
        e = AuditEngagement.objects.get(institution=self.w.own, key="E-01")
        url = f"/audit/engagements/{e.pk}/sample/"
        self.auditor.post(url, {"seed": 7, "confidence": 0.95, "tolerable_rate": 0.1, "stratified": "on"})
        self.auditor.post(url, {"seed": 7, "confidence": 0.95, "tolerable_rate": 0.1})
        e.refresh_from_db()
        strat, rand = e.data["samples"]
        assert strat["seed"] == 7 and strat["population"] == 43 and rand["method"] == "random"
        assert {i["stratum"] for i in strat["items"]} == {"elderly_complex_product / B01",
                                                          "elderly_complex_product / B02"}
        assert len(rand["items"]) == 29   # ln(0.05)/ln(0.9) rounded up, kansa.audit.sampling
        item = rand["items"][0]["key"]
        self.auditor.post(f"/audit/engagements/{e.pk}/test/", {"sample": "E-01-S2", "key": item,
                                                                "result": "exception", "note": "署名なし"})
        e.refresh_from_db()
        assert e.data["samples"][1]["items"][0]["result"] == "exception"
        row = e.data["samples"][1]["items"][0]["row"]
        assert row["rule_id"] == "elderly_complex_product" and row["severity"] == "high"
        assert row["branch"] in {"B01", "B02"} and Flag.objects.get(pk=int(row["flag"])).entity_id == item.split(":")[1]

    def test_a_changed_audit_event_in_the_trail_is_named(self) -> None:
        f = self._finding(date.today() + timedelta(days=30))
        self.line.post(f"/audit/findings/{f.pk}/move/", {"after": "agreed"})
        event = Event.objects.get(action="finding.agreed", object_id="F-001")
        assert verify().ok and event.institution_code == self.w.own.code
        with guard_lifted(), connection.cursor() as cur:
            cur.execute("UPDATE kansa_trail_event SET actor = %s WHERE id = %s", ["someone_else", event.id])
        v = verify()
        assert v.broken_id == event.id and "changed" in v.reason

    def test_evidence_is_kept_by_sha256_and_a_disguised_program_is_refused(self) -> None:
        import hashlib
        import tempfile
        self._universe({"B01": 1})
        self._plan_with({"title": "支店監査", "type": "compliance", "entities": "branch:B01", "days": 30})
        e = AuditEngagement.objects.get(institution=self.w.own, key="E-01")
        url = f"/audit/engagements/{e.pk}/evidence/"
        pdf = b"%PDF-1.4 minimal evidence"
        with tempfile.TemporaryDirectory() as tmp, self.settings(KANSA_AUDIT_EVIDENCE_DIR=tmp):
            self.auditor.post(url, {"file": SimpleUploadedFile("調書.pdf", pdf)})
            bad = self.auditor.post(url, {"file": SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00 program")},
                                    follow=True)
            exe = self.auditor.post(url, {"file": SimpleUploadedFile("tool.exe", b"MZ")}, follow=True)
            digest = hashlib.sha256(pdf).hexdigest()
            stored = list(Path(tmp).rglob("*.pdf"))
            assert [p.name for p in stored] == [f"{digest}.pdf"] and not stored[0].stat().st_mode & 0o111
        e.refresh_from_db()
        assert [v["sha256"] for v in e.data["evidence"]] == [digest]
        assert "invoice.pdf" in bad.content.decode() and "tool.exe" in exe.content.decode()

    def test_the_engagement_report_pdf_names_its_finding_and_true_cause(self) -> None:
        f = self._finding(date.today() + timedelta(days=30))
        e = AuditEngagement.objects.get(institution=self.w.own, key=f.data["engagement_id"])
        r = self.mgmt.get(f"/audit/engagements/{e.pk}/report/")
        assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
        text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(r.content)).pages).replace("\n", "")
        assert "高齢顧客への複雑商品販売" in text and "手数料偏重の業績評価" in text

    def test_the_demo_year_imports_once_and_every_screen_has_something(self) -> None:
        from kansa.audit.demo import demo_book
        from kansa.web.audit.book import import_book
        n = import_book(self.w.own, demo_book("0001"), "demo")
        assert n > 20 and import_book(self.w.own, demo_book("0001"), "demo") == n   # the second time adds nothing
        home = self.mgmt.get("/audit/").content.decode()
        assert "F-0" in home and "FY2025" in home
        plan = AuditPlan.objects.get(institution=self.w.own, key="2025")
        assert self.mgmt.get(f"/audit/plans/{plan.pk}/").status_code == 200
        assert Event.objects.filter(action="findings.import").count() == AuditFinding.objects.count() > 0
        assert not AuditFinding.objects.filter(institution=self.w.other).exists() and verify().ok

    def test_a_high_risk_entity_outside_its_cycle_fires_a_check_until_it_is_planned(self) -> None:
        self._universe({"B01": 1, "B02": 1})
        row = AuditEntity.objects.get(institution=self.w.own, key="branch:B02")
        self.auditor.post(f"/audit/entities/{row.pk}/override/", {"inherent": 5, "control": 5, "reason": "不祥事"})
        plan = self._plan_with({"title": "サイバー", "type": "theme", "entities": "theme:cyber", "days": 20})
        checks = self._checks(plan)
        assert "branch:B02" in checks and "branch:B01" not in checks   # B01 is not high risk: no check
        self._plan_with({"title": "B02 監査", "type": "compliance", "entities": "branch:B02", "days": 20})
        assert 'id="checks-pass"' in self._checks(plan)

    def test_a_second_plan_for_the_same_year_is_refused_and_the_first_is_kept(self) -> None:
        self._universe({"B01": 1})
        plan = self._plan_with({"title": "サイバー", "type": "theme", "entities": "theme:cyber", "days": 20})
        r = self.auditor.post("/audit/plans/", {"fiscal_year": 2025, "capacity_days": 5}, follow=True)
        assert "fiscal_year" in r.content.decode()
        plan.refresh_from_db()
        assert plan.data["engagement_ids"] == ["E-01"] and plan.data["capacity_days"] == 100
