"""The audit book by hand: entities created, edited and retired; the work program picked from the library; the
board and engagement reports as Excel; overdue escalation once per episode (button, and `kansa web escalate`)."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import openpyxl
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import TestCase, override_settings
from typer.testing import CliRunner

from kansa.audit.plan import fiscal_year_of
from kansa.cli import app as cli
from kansa.web.audit.models import AuditEngagement, AuditEntity, AuditNotice, AuditPlan
from kansa.web.org.models import MANAGEMENT, Membership
from kansa.web.scans.models import Flag, Scan
from kansa.web.trail.chain import verify
from kansa.web.trail.models import Event
from tests.web.people import make_world, signed_in

ENTITY = {"kind": "third_party", "key": "NTT-DATA", "name": "勘定系委託先", "owner": "システム部", "cycle_months": 24,
          "last_audited": "2023-10-01", "inherent_judgement": 4, "control_judgement": 3}


def _xlsx(body: bytes) -> dict[str, list[tuple[Any, ...]]]:
    wb = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


class HandWorkTest(TestCase):
    """The head of audit's own edits and what management receives."""

    def setUp(self) -> None:
        self.w = make_world()
        self.auditor = signed_in(self.w.users["auditor"])
        self.mgmt = signed_in(self.w.users["management"])
        scan = Scan.objects.create(institution=self.w.own, source_name="x.zip", status="done",
                                   as_of=date(2025, 12, 31))
        Flag.objects.create(scan=scan, institution=self.w.own, rule_id="elderly_complex_product", entity_type="trade",
                            entity_id="T1", branch="B01", severity="high", reason="-")
        assert self.auditor.post("/audit/universe/").status_code == 302

    def _entity(self, key: str) -> AuditEntity:
        return AuditEntity.objects.get(institution=self.w.own, key=key)

    def _engagement(self, type_: str = "compliance", entities: str = "branch:B01") -> AuditEngagement:
        r = self.auditor.post("/audit/engagements/", {"title": "支店監査", "type": type_, "entities": entities,
                                                      "days": 20, "quarter": 1})
        assert r.status_code == 302
        return AuditEngagement.objects.filter(institution=self.w.own).order_by("-id")[0]

    # 1. the universe by hand
    def test_an_entity_added_by_hand_is_scored_with_its_judgement_and_trailed(self) -> None:
        assert self.auditor.post("/audit/entities/new/", ENTITY).status_code == 302
        row = self._entity("third_party:NTT-DATA")
        assert row.kind == "third_party" and row.data["owner"] == "システム部" and row.data["cycle_months"] == 24
        page = self.auditor.get(f"/audit/entities/{row.pk}/").content.decode()
        assert "勘定系委託先" in page and "inherent_judgement" in page and "2023-10-01" in page
        event = Event.objects.get(action="entity.create", object_id="third_party:NTT-DATA")
        assert event.actor == "auditor_user" and event.after["inherent_judgement"] == 4 and verify().ok
        # the same id twice is refused and the first stays as it was
        again = self.auditor.post("/audit/entities/new/", {**ENTITY, "owner": "別部署"}, follow=True)
        assert "third_party:NTT-DATA" in again.content.decode() and self._entity(row.key).data["owner"] == "システム部"

    def test_a_hand_edit_changes_only_what_changed_and_moves_the_score(self) -> None:
        row = self._entity("branch:B01")
        before = self.auditor.get(f"/audit/entities/{row.pk}/").content.decode()
        score = lambda html: float(html.split('id="score">')[1].split("=")[1].split("(")[0])  # noqa: E731
        form = {"name": row.data["name"], "owner": "山田支店長", "cycle_months": 12, "last_audited": "2020-04-01",
                "inherent_judgement": 5, "control_judgement": row.data["control_judgement"]}
        assert self.auditor.post(f"/audit/entities/{row.pk}/edit/", form).status_code == 302
        row.refresh_from_db()
        assert row.data["owner"] == "山田支店長" and row.data["cycle_months"] == 12
        assert row.data["last_audited"] == "2020-04-01"
        event = Event.objects.get(action="entity.edit", object_id="branch:B01")
        assert set(event.after) == {"owner", "cycle_months", "last_audited", "inherent_judgement"}
        assert event.before["owner"] == "支店長" and event.after["inherent_judgement"] == 5
        after = self.auditor.get(f"/audit/entities/{row.pk}/").content.decode()
        assert score(after) > score(before)
        # the same form again changes nothing and adds no event
        self.auditor.post(f"/audit/entities/{row.pk}/edit/", form)
        assert Event.objects.filter(action="entity.edit").count() == 1
        bad = self.auditor.post(f"/audit/entities/{row.pk}/edit/", {**form, "cycle_months": 0})
        assert bad.status_code == 400 and "cycle_months" in bad.content.decode()

    def test_a_retired_entity_needs_a_reason_leaves_the_scores_and_cannot_be_planned(self) -> None:
        row = self._entity("branch:B01")
        url = f"/audit/entities/{row.pk}/retire/"
        assert self.auditor.post(url, {"on": "2025-09-30", "reason": ""}).status_code == 400
        assert self.mgmt.post(url, {"on": "2025-09-30", "reason": "統合"}).status_code == 403
        assert self.auditor.post(url, {"on": "2025-09-30", "reason": "B02 に統合"}).status_code == 302
        row.refresh_from_db()
        assert row.data["retired_on"] == "2025-09-30" and row.data["retired_reason"] == "B02 に統合"
        assert Event.objects.get(action="entity.retire", object_id="branch:B01").after["reason"] == "B02 に統合"
        page = self.auditor.get(f"/audit/entities/{row.pk}/").content.decode()
        assert 'id="retired"' in page and 'id="score"' not in page and 'id="entity-edit"' not in page
        home = self.auditor.get("/audit/").content.decode().split('id="universe"')[1].split("</table>")[0]
        assert "廃止（2025-09-30）" in home
        self.auditor.post("/audit/engagements/", {"title": "x", "type": "compliance", "entities": "branch:B01",
                                                  "days": 5, "quarter": 1})
        assert not AuditEngagement.objects.filter(institution=self.w.own).exists()

    def test_another_institution_cannot_edit_or_retire_this_book(self) -> None:
        row = self._entity("branch:B01")
        other = signed_in(self.w.users["other_admin"])
        assert other.post(f"/audit/entities/{row.pk}/retire/", {"on": "2025-01-01", "reason": "x"}).status_code in {
            403, 404}
        row.refresh_from_db()
        assert "retired_on" not in row.data or row.data["retired_on"] is None

    # 2. the work program from the library
    def test_steps_are_picked_from_the_library_with_their_rule_and_question_links(self) -> None:
        e = self._engagement()
        assert [s["id"] for s in e.data["steps"]] == ["WP-CON-01", "WP-CON-02"]
        page = self.auditor.get(f"/audit/engagements/{e.pk}/").content.decode()
        picker = page.split('id="step-add"')[1].split("</form>")[0]
        assert "WP-SYS-02" in picker and "IAM-02-1" in picker and "WP-CON-01" not in picker
        url = f"/audit/engagements/{e.pk}/steps/"
        assert self.auditor.post(url + "add/", {"step": "WP-SYS-02"}).status_code == 302
        assert self.auditor.post(url + "remove/", {"step": "WP-CON-02"}).status_code == 302
        self.auditor.post(url + "add/", {"step": "WP-NOPE-9"})      # unknown: refused
        self.auditor.post(url + "add/", {"step": "WP-SYS-02"})      # twice: refused
        e.refresh_from_db()
        assert [s["id"] for s in e.data["steps"]] == ["WP-CON-01", "WP-SYS-02"]
        assert e.data["steps"][1]["rule_ids"] == ["privileged_use_without_request", "request_self_approved"]
        assert e.data["steps"][1]["question_ids"] == ["IAM-02-1"]
        row = self.auditor.get(f"/audit/engagements/{e.pk}/").content.decode().split('id="step-WP-SYS-02"')[1]
        assert "request_self_approved" in row.split("</tr>")[0] and "IAM-02-1" in row.split("</tr>")[0]
        actions = list(Event.objects.filter(object_id=e.key, action__startswith="engagement.step")
                       .values_list("action", flat=True).order_by("id"))
        assert actions == ["engagement.step_add", "engagement.step_remove"]

    def test_a_concluded_step_stays_and_a_closed_engagement_keeps_its_program(self) -> None:
        e = self._engagement()
        url = f"/audit/engagements/{e.pk}/steps/"
        done = {"step": "WP-CON-01", "conclusion": "承認記録を30件確認"}
        assert self.auditor.post(url + "done/", done).status_code == 302
        self.auditor.post(url + "remove/", {"step": "WP-CON-01"})   # done: refused
        for phase in ("fieldwork", "reporting", "closed"):
            self.auditor.post(f"/audit/engagements/{e.pk}/phase/", {"after": phase})
        self.auditor.post(url + "add/", {"step": "WP-SYS-01"})       # closed: refused
        e.refresh_from_db()
        assert [(s["id"], s["done"]) for s in e.data["steps"]] == [("WP-CON-01", True), ("WP-CON-02", False)]
        assert e.data["steps"][0]["conclusion"] == "承認記録を30件確認"

    # 4. Excel for management
    def test_the_board_and_engagement_reports_download_as_excel_with_formulas_escaped(self) -> None:
        e = self._engagement()
        fy = fiscal_year_of(date.today())
        self.auditor.post("/audit/plans/", {"fiscal_year": fy, "capacity_days": 100})
        p = AuditPlan.objects.get(institution=self.w.own, key=str(fy))
        self.auditor.post(f"/audit/plans/{p.pk}/change/", {"add": e.key})
        self.auditor.post(f"/audit/engagements/{e.pk}/finding/", {
            "entity": "branch:B01", "title": "=HYPERLINK(\"http://x\")", "condition": "c", "criteria": "c",
            "cause": "c", "effect": "e", "severity": "high", "root_cause": "process", "true_cause": "承認手順がない",
            "owner": "business_line_user", "due": (date.today() - timedelta(days=3)).isoformat()})
        r = self.mgmt.get("/audit/board-report/", {"fiscal_year": fy, "fmt": "xlsx"})   # the whole year
        assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
        assert f'filename="board_report_FY{fy}.xlsx"' in r["Content-Disposition"]
        sheets = _xlsx(r.content)
        findings = sheets["指摘事項"]
        assert findings[1][0] == "F-001" and findings[1][6] == "承認手順がない"
        assert findings[1][3] == "'=HYPERLINK(\"http://x\")"          # written as text, never as a formula
        assert [row[0] for row in sheets["期限超過"][1:]] == ["F-001"]
        r = self.mgmt.get(f"/audit/engagements/{e.pk}/report/", {"fmt": "xlsx"})
        sheets = _xlsx(r.content)
        assert [row[0] for row in sheets["監査手続"][1:]] == ["WP-CON-01", "WP-CON-02"]
        assert sheets["指摘事項"][1][4] == "承認手順がない"
        assert self.mgmt.get("/audit/board-report/", {"fiscal_year": fy, "fmt": "doc"}).status_code == 400
        line = signed_in(self.w.users["business_line"])
        assert line.get("/audit/board-report/", {"fiscal_year": fy, "fmt": "xlsx"}).status_code == 403


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
class EscalationTest(TestCase):
    """Overdue findings reach management once per overdue episode, however often the step runs."""

    def setUp(self) -> None:
        self.w = make_world()
        for role in ("business_line", "management"):
            u: Any = self.w.users[role]
            u.email = f"{role}@minato.example.jp"
            u.save()
        self.auditor = signed_in(self.w.users["auditor"])
        scan = Scan.objects.create(institution=self.w.own, source_name="x.zip", status="done")
        Flag.objects.create(scan=scan, institution=self.w.own, rule_id="r", entity_type="trade", entity_id="T1",
                            branch="B01", severity="high", reason="-")
        self.auditor.post("/audit/universe/")
        self.auditor.post("/audit/engagements/", {"title": "t", "type": "compliance", "entities": "branch:B01",
                                                  "days": 5, "quarter": 1})
        e = AuditEngagement.objects.get(institution=self.w.own)
        for n, (days, severity) in enumerate([(10, "low"), (-5, "high")], start=1):
            self.auditor.post(f"/audit/engagements/{e.pk}/finding/", {
                "entity": "branch:B01", "title": f"指摘{n}", "condition": "c", "criteria": "c", "cause": "c",
                "effect": "e", "severity": severity, "root_cause": "process", "true_cause": "手順書がない",
                "owner": "business_line_user", "due": (date.today() - timedelta(days=days)).isoformat()})
        mail.outbox.clear()

    def test_a_low_severity_overdue_finding_reaches_management_once_however_often_it_runs(self) -> None:
        for _ in range(3):
            assert self.auditor.post("/audit/escalate/").status_code == 302
        notices = list(AuditNotice.objects.values_list("finding_key", "to", "mailed_to"))
        assert sorted(notices) == [("F-001", "business_line_user", ["business_line@minato.example.jp"]),
                                   ("F-001", "management", ["management@minato.example.jp"])]
        assert sorted(m.to[0] for m in mail.outbox) == ["business_line@minato.example.jp",
                                                        "management@minato.example.jp"]
        assert Event.objects.filter(object_type="audit.notice").count() == 2 and verify().ok
        assert "手順書がない" in mail.outbox[0].body and "F-001" in mail.outbox[0].subject
        first = AuditNotice.objects.filter(to="management").get()
        with self.assertRaises(IntegrityError), transaction.atomic():   # the database refuses a second one too
            AuditNotice.objects.create(institution=self.w.own, finding_key="F-001", to="management", text="again",
                                       episode=first.episode)

    def test_a_new_due_date_missed_again_is_a_new_episode(self) -> None:
        self.auditor.post("/audit/escalate/")
        from kansa.web.audit import book as books

        def extend(b: Any) -> None:   # management agreed a new due date, which is then missed too
            b.findings["F-001"].due = date.today() - timedelta(days=1)
        books.change(self.w.own, "auditor_user", extend)
        self.auditor.post("/audit/escalate/")
        episodes = sorted(AuditNotice.objects.filter(to="management").values_list("episode", flat=True))
        assert len(episodes) == 2 and episodes[0] != episodes[1] and len(mail.outbox) == 4

    def test_kansa_web_escalate_runs_every_institution_with_its_own_people_only(self) -> None:
        other_mgr = get_user_model().objects.create_user("other_mgr", email="mgr@yamanami.example.jp")
        Membership.objects.create(user=other_mgr, role=MANAGEMENT, institution=self.w.other)
        args = ["web", "escalate", "--as-of", (date.today() + timedelta(days=1)).isoformat()]
        first = CliRunner().invoke(cli, args)
        assert first.exit_code == 0, first.output
        assert "0001: 通知 2 件" in first.output and "0002: 通知 0 件" in first.output
        again = CliRunner().invoke(cli, args)
        assert "0001: 通知 0 件" in again.output and "既送 2" in again.output
        assert all("yamanami" not in m.to[0] for m in mail.outbox) and len(mail.outbox) == 2
        assert Event.objects.filter(object_type="audit.notice", actor="kansa web escalate").count() == 2
