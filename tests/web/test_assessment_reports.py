"""Benchmark and feedback in the app: cohort statistics only where the k rule allows, each institution its own."""

from __future__ import annotations

import io
import re

from django.test import TestCase
from pypdf import PdfReader

from kansa.web.assessments.models import BenchmarkRun, Response, Round, Submission
from kansa.web.org.models import Institution
from kansa.web.trail.models import Event
from tests.web.matrix.assessments import FRAMEWORK, full_answers
from tests.web.people import make_world, signed_in

K = 5


def rows_of(body: str, table: str) -> list[str]:
    """The <tr> elements of one table of a page."""
    part = body.split(f'id="{table}"')[1].split("</table>")[0]
    return re.findall(r"<tr.*?</tr>", part, flags=re.S)


class BenchmarkTest(TestCase):
    """Five regional banks of one size band and five of another, and one shinkin bank alone in its type.

    The k rule (k=5) hides the shinkin cohorts (n=1); secondary suppression then hides the regional banks' type
    and their large band (n=5 each), which would otherwise give the shinkin figure away by subtraction; the
    medium band (n=5) and all institutions stay published. (As kansa.assessment.cohorts decides: asserted below.)
    """

    def setUp(self) -> None:
        self.w = make_world()          # own: regional bank, medium; other: shinkin, small
        medium = [self.w.own] + [Institution.objects.create(code=f"01{i:02d}", name=f"中規模銀行{i}",
                                                            type="regional_bank", size_band="medium")
                                 for i in range(4)]
        self.large = [Institution.objects.create(code=f"02{i:02d}", name=f"大規模銀行{i}", type="regional_bank",
                                                 size_band="large") for i in range(5)]
        self.silent = Institution.objects.create(code="0900", name="未回答信用組合", type="shinkumi",
                                                 size_band="small")
        self.round = Round.objects.create(framework=FRAMEWORK, fiscal_year=2026, k=K)
        self.round.institutions.set([*medium, *self.large, self.w.other, self.silent])
        for i, inst in enumerate([*medium, *self.large, self.w.other]):
            resp = Response.objects.create(round=self.round, institution=inst, status=Response.SUBMITTED)
            Submission.objects.create(response=resp, institution=inst, version=1, source="web",
                                      answers=full_answers(i % 4))
        self.supervisor = signed_in(self.w.users["supervisor"])
        r = self.supervisor.post(f"/assessments/rounds/{self.round.pk}/benchmark/")
        assert r.status_code == 302
        self.run = BenchmarkRun.objects.get()

    def feedback(self, client_user: str, code: str) -> str:
        r = signed_in(self.w.users[client_user]).get(f"/assessments/runs/{self.run.pk}/feedback/{code}/")
        assert r.status_code == 200
        return r.content.decode()

    def test_the_run_is_recorded_with_what_it_used(self) -> None:
        assert self.run.respondents == 11 and self.run.submissions.count() == 11 and self.run.suppressed_groups == 4
        [event] = Event.objects.filter(object_type="assessment_benchmark")
        assert event.after["respondents"] == 11  # type: ignore[index]

    def test_the_supervisor_sees_suppressed_cohorts_blank_and_every_report(self) -> None:
        body = self.supervisor.get(f"/assessments/runs/{self.run.pk}/").content.decode()
        shinkin = [r for r in rows_of(body, "cohorts") if "<td>信用金庫" in r]
        assert shinkin and all(re.search(r"\d+\.\d", r) is None for r in shinkin), shinkin
        banks = next(r for r in rows_of(body, "cohorts") if "<td>地方銀行・中規模</td>" in r)
        assert len(re.findall(r">\d+\.\d<", banks)) >= 3, banks   # five members: published
        assert f"/feedback/{self.w.other.code}/" in body and f"/feedback/{self.w.own.code}/" in body
        assert "0900 未回答信用組合" in body.split('id="non-respondents"')[1]

    def test_an_institution_alone_in_its_cohort_sees_no_statistics_of_it(self) -> None:
        body = self.feedback("other_admin", self.w.other.code)
        own_rows = [r for r in rows_of(body, "cohort-stats") if "<td>信用金庫" in r]
        assert own_rows and all('class="suppressed"' in r and "非公表" in r for r in own_rows)
        assert not re.search(r"\d+\.\d", "".join(own_rows))

    def test_a_publishable_cohort_shows_its_statistics_to_its_members(self) -> None:
        body = self.feedback("auditor", self.w.own.code)
        peers = [r for r in rows_of(body, "cohort-stats") if "<td>地方銀行・中規模</td>" in r]
        assert peers and all('class="published"' in r for r in peers)
        assert all(re.search(r"<td>5</td>", r) for r in peers)
        medians = [r for r in rows_of(body, "domains") if re.search(r"\d+\.\d</td>\s*<td class=\"n\">\d", r)]
        assert medians, "peer medians shown in the domain table"

    def test_secondary_suppression_hides_a_cohort_of_five_from_its_members(self) -> None:
        from django.contrib.auth import get_user_model

        from kansa.web.org.models import Membership
        user = get_user_model().objects.create_user("large_admin", password="x-Kansa-2026!")
        Membership.objects.create(user=user, role="admin", institution=self.large[0])
        self.w.users["large_admin"] = user
        body = self.feedback("large_admin", self.large[0].code)
        rows = rows_of(body, "cohort-stats")
        large = [r for r in rows if "<td>地方銀行・大規模</td>" in r]
        bank_type = [r for r in rows if "<td>地方銀行</td>" in r]
        everyone = [r for r in rows if "<td>全体</td>" in r]
        assert large and all('class="suppressed"' in r for r in large + bank_type)
        assert everyone and all('class="published"' in r and "<td>11</td>" in r for r in everyone)

    def test_an_institution_reads_only_its_own_report(self) -> None:
        c = signed_in(self.w.users["auditor"])
        assert c.get(f"/assessments/runs/{self.run.pk}/feedback/{self.w.other.code}/").status_code == 404
        assert c.get(f"/assessments/runs/{self.run.pk}/feedback/{self.w.other.code}/pdf/").status_code == 404
        assert c.get(f"/assessments/runs/{self.run.pk}/").status_code == 403
        page = c.get(f"/assessments/rounds/{self.round.pk}/").content.decode()
        assert f"/feedback/{self.w.own.code}/" in page and f"/feedback/{self.w.other.code}/" not in page

    def test_the_pdf_is_the_institutions_report_without_hidden_figures(self) -> None:
        r = signed_in(self.w.users["other_admin"]).get(f"/assessments/runs/{self.run.pk}/feedback/"
                                                       f"{self.w.other.code}/pdf/")
        assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
        assert self.w.other.name in text
        assert "秘匿" in text or "比較は表示しません" in text, text[:1500]

    def test_a_resubmission_after_the_run_does_not_change_the_run(self) -> None:
        before = self.feedback("auditor", self.w.own.code)
        resp = Response.objects.get(round=self.round, institution=self.w.own)
        Submission.objects.create(response=resp, institution=self.w.own, version=2, source="web",
                                  answers=full_answers(3))
        assert self.feedback("auditor", self.w.own.code).split('id="overall"')[1].split("</table>")[0] == \
            before.split('id="overall"')[1].split("</table>")[0]
