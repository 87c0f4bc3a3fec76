"""Answering the self-assessment: draft, submit, resubmit; options from the framework; the workbook path."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from openpyxl import load_workbook

from kansa.services import assessment_round as service
from kansa.web.assessments.models import Response, Round, Submission
from kansa.web.trail.models import Event
from tests.web.matrix.assessments import FRAMEWORK, full_answers
from tests.web.people import make_world, signed_in


def form(answers: dict[str, dict[str, str]], action: str) -> dict[str, str]:
    """The POST body the answer page sends."""
    body = {"action": action}
    for q, a in answers.items():
        body[f"a-{q}"] = a["value"]
        body[f"c-{q}"] = a.get("comment", "")
    return body


def filled_workbook(code: str, answers: dict[str, dict[str, str]]) -> bytes:
    """The workbook kansa makes for `code`, filled in as a person would (option values typed in the answer cells)."""
    fw = service.framework(FRAMEWORK)
    wb = load_workbook(io.BytesIO(service.blank_workbook(fw, code, "x", "ja")))
    ws = wb["回答"]
    for row in ws.iter_rows(min_row=4):
        qid = row[1].value
        if qid in answers:
            row[7].value = answers[qid]["value"]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class AnswerTest(TestCase):
    """The institution answers in the browser."""

    def setUp(self) -> None:
        self.w = make_world()
        self.round = Round.objects.create(framework=FRAMEWORK, fiscal_year=2026, k=5)
        self.round.institutions.set([self.w.own, self.w.other])
        self.url = f"/assessments/rounds/{self.round.pk}/answer/save/"
        self.auditor = signed_in(self.w.users["auditor"])

    def events(self, kind: str) -> list[Event]:
        return list(Event.objects.filter(object_type=kind).order_by("id"))

    def test_a_draft_keeps_partial_answers_and_goes_to_the_trail(self) -> None:
        some = dict(list(full_answers().items())[:3])
        r = self.auditor.post(self.url, form(some, "draft"))
        assert r.status_code == 302
        resp = Response.objects.get(round=self.round, institution=self.w.own)
        assert resp.status == Response.DRAFT and resp.draft == some
        assert not Submission.objects.exists()
        [event] = self.events("assessment_response")
        assert event.action == "create" and event.institution_code == self.w.own.code
        assert event.after["draft"] == some  # type: ignore[index]
        page = self.auditor.get(f"/assessments/rounds/{self.round.pk}/answer/").content.decode()
        first = next(iter(some))
        assert f'value="{some[first]["value"]}" selected' in page

    def test_submitting_needs_every_question_and_stores_nothing_otherwise(self) -> None:
        some = dict(list(full_answers().items())[:3])
        r = self.auditor.post(self.url, form(some, "submit"))
        assert r.status_code == 400
        body = r.content.decode()
        missing = next(q for q in full_answers() if q not in some)
        assert "未回答です" in body and missing in body and "何も保存していません" in body
        assert not Response.objects.exists() and not Submission.objects.exists()
        assert not self.events("assessment_response")

    def test_an_answer_outside_the_options_is_refused_and_nothing_stored(self) -> None:
        answers = full_answers()
        qid = next(iter(answers))
        answers[qid] = {"value": "maybe", "comment": ""}
        for action in ("draft", "submit"):
            r = self.auditor.post(self.url, form(answers, action))
            assert r.status_code == 400
            body = r.content.decode()
            assert "選択肢にない回答です" in body and "maybe" in body and qid in body
        assert not Response.objects.exists() and not Submission.objects.exists()
        assert not self.events("assessment_response") and not self.events("assessment_submission")

    def test_not_applicable_needs_a_reason(self) -> None:
        fw = service.framework(FRAMEWORK)
        ref = next(r for r in fw.refs() if any(o.is_na for o in r.question.answers.options))
        na = next(o.value for o in ref.question.answers.options if o.is_na)
        answers = full_answers()
        answers[ref.question.id] = {"value": na, "comment": ""}
        r = self.auditor.post(self.url, form(answers, "submit"))
        assert r.status_code == 400 and "コメント(理由)が必要です" in r.content.decode()
        answers[ref.question.id]["comment"] = "インターネットバンキングを提供していない"
        assert self.auditor.post(self.url, form(answers, "submit")).status_code == 302
        assert Submission.objects.get().answers[ref.question.id]["value"] == na

    def test_resubmitting_adds_a_version_and_keeps_the_history(self) -> None:
        first = full_answers(0)
        assert self.auditor.post(self.url, form(first, "submit")).status_code == 302
        second = full_answers(1)
        assert self.auditor.post(self.url, form(second, "submit")).status_code == 302
        v1, v2 = Submission.objects.order_by("version")
        assert (v1.version, v2.version) == (1, 2)
        assert v1.answers == first and v2.answers == second and first != second
        subs = self.events("assessment_submission")
        assert [e.after["version"] for e in subs] == [1, 2]  # type: ignore[index]
        assert [e.action for e in self.events("assessment_response")] == ["create", "change"]
        page = self.auditor.get(f"/assessments/rounds/{self.round.pk}/").content.decode()
        assert "提出済み" in page and page.count("<td>web </td>") == 2

    def test_management_reads_but_does_not_write(self) -> None:
        c = signed_in(self.w.users["management"])
        page = c.get(f"/assessments/rounds/{self.round.pk}/answer/").content.decode()
        assert "disabled" in page and 'id="submit-answers"' not in page
        assert c.post(self.url, form(full_answers(), "submit")).status_code == 403
        assert not Response.objects.exists()

    def test_the_supervisor_writes_into_no_institution(self) -> None:
        c = signed_in(self.w.users["supervisor"])
        assert c.post(self.url, form(full_answers(), "submit")).status_code == 403
        wb = SimpleUploadedFile("a.xlsx", filled_workbook(self.w.own.code, full_answers()))
        assert c.post(f"/assessments/rounds/{self.round.pk}/upload/", {"workbook": wb}).status_code == 403
        assert not Response.objects.exists() and not Submission.objects.exists()

    def test_the_supervisor_sees_who_has_answered(self) -> None:
        self.auditor.post(self.url, form(full_answers(), "submit"))
        page = signed_in(self.w.users["supervisor"]).get(f"/assessments/rounds/{self.round.pk}/").content.decode()
        assert "提出済み 1 機関・未提出 1 機関" in page
        answered = page.split('class="answered"')[1].split("</tr>")[0]
        unanswered = page.split('class="unanswered"')[1].split("</tr>")[0]
        assert self.w.own.name in answered and self.w.other.name in unanswered


class WorkbookTest(TestCase):
    """Submitting by the Excel workbook goes through the importer's checks."""

    def setUp(self) -> None:
        self.w = make_world()
        self.round = Round.objects.create(framework=FRAMEWORK, fiscal_year=2026, k=5)
        self.round.institutions.set([self.w.own, self.w.other])
        self.auditor = signed_in(self.w.users["auditor"])
        self.url = f"/assessments/rounds/{self.round.pk}/upload/"

    def upload(self, body: bytes, name: str = "answers.xlsx") -> Any:
        return self.auditor.post(self.url, {"workbook": SimpleUploadedFile(name, body)})

    def test_the_downloaded_workbook_is_made_for_the_own_institution(self) -> None:
        r = self.auditor.get(f"/assessments/rounds/{self.round.pk}/workbook/")
        assert r.status_code == 200 and self.w.own.code in r["Content-Disposition"]
        meta = {row[0]: row[1] for row in load_workbook(io.BytesIO(r.content))["_meta"].iter_rows(values_only=True)}
        assert meta["institution_id"] == self.w.own.code and meta["framework_version"] == "2026.1"

    def test_a_filled_workbook_is_submitted(self) -> None:
        answers = full_answers(1)
        r = self.upload(filled_workbook(self.w.own.code, answers))
        assert r.status_code == 302, r.content.decode()[:2000]
        sub = Submission.objects.get()
        assert sub.source == "xlsx" and sub.version == 1 and len(sub.source_sha256) == 64
        assert {q: a["value"] for q, a in sub.answers.items()} == {q: a["value"] for q, a in answers.items()}
        assert Event.objects.filter(object_type="assessment_submission").count() == 1

    def test_a_workbook_for_another_institution_is_refused_and_nothing_stored(self) -> None:
        r = self.upload(filled_workbook(self.w.other.code, full_answers()))
        assert r.status_code == 400
        body = r.content.decode()
        assert "別の金融機関" in body and self.w.other.code in body and "何も保存していません" in body
        assert not Submission.objects.exists() and not Response.objects.exists()
        assert not Event.objects.filter(object_type__startswith="assessment_").exists()

    def test_an_answer_outside_the_options_in_the_workbook_is_refused(self) -> None:
        answers = full_answers()
        qid = next(iter(answers))
        answers[qid] = {"value": "たぶん", "comment": ""}
        r = self.upload(filled_workbook(self.w.own.code, answers))
        assert r.status_code == 400
        body = r.content.decode()
        assert "選択肢にない回答です" in body and "たぶん" in body and qid in body
        assert not Submission.objects.exists()

    def test_a_file_that_is_not_a_workbook_is_refused(self) -> None:
        r = self.upload(b"institution_id,question_id,answer\n", "answers.csv")
        assert r.status_code == 400 and "Excel の回答票" in r.content.decode()
        r = self.upload(b"PK\x03\x04 not really a zip", "answers.xlsx")
        assert r.status_code == 400 and "Excel ブックとして読めません" in r.content.decode()
        assert not Submission.objects.exists()
