"""In a real browser: an institution answers and submits, the supervisor benchmarks and reads the feedback,
its management reads the institution's own feedback report."""

from __future__ import annotations

from kansa.web.assessments.models import Round, Submission
from tests.web.browser import BrowserTestCase
from tests.web.matrix.assessments import FRAMEWORK
from tests.web.people import make_world


class BrowserAssessmentTest(BrowserTestCase):
    """The self-assessment round as its people click through it."""

    def test_answer_submit_benchmark_and_feedback(self) -> None:
        world = make_world()
        rnd = Round.objects.create(framework=FRAMEWORK, fiscal_year=2026, k=5)
        rnd.institutions.set([world.own, world.other])
        page = self.page
        auditor = world.users["auditor"].username  # type: ignore[attr-defined]
        self.sign_in(auditor)
        page.goto(self.url(f"/assessments/rounds/{rnd.pk}/answer/"))
        chosen = page.eval_on_selector_all(
            "select[name^='a-']", "els => els.map(e => { e.selectedIndex = 1; return e.value; })")
        assert len(chosen) > 50 and all(chosen)
        self.shot("assessment-answer")
        self.submit("#submit-answers")
        assert "提出済み" in page.inner_text("#status")
        sub = Submission.objects.get()
        assert sub.institution == world.own and sub.version == 1 and len(sub.answers) == len(chosen)
        self.shot("assessment-submitted")

        self.context.clear_cookies()
        self.sign_in(world.users["supervisor"].username)  # type: ignore[attr-defined]
        page.goto(self.url(f"/assessments/rounds/{rnd.pk}/"))
        assert "提出済み 1 機関・未提出 1 機関" in page.inner_text("#answered")
        self.submit("main form button[type=submit]")
        assert "/assessments/runs/" in page.url
        assert world.other.name in page.inner_text("#non-respondents")
        self.shot("assessment-benchmark-supervisor")
        with page.expect_navigation():
            page.click(f"#feedback-links a[href$='/feedback/{world.own.code}/']")
        assert "結果還元レポート" in page.inner_text("h1") and world.own.name in page.inner_text("h1")
        assert "非公表" in page.inner_text("#cohort-stats")   # one respondent: below k, nothing published
        self.shot("assessment-feedback-supervisor")

        self.context.clear_cookies()
        self.sign_in(world.users["management"].username)  # type: ignore[attr-defined]
        page.goto(self.url(f"/assessments/rounds/{rnd.pk}/"))
        with page.expect_navigation():
            page.click("#reports a")
        assert world.own.name in page.inner_text("h1")
        assert page.inner_text("#overall")
        self.shot("assessment-feedback-institution")
        page.goto(self.url(f"/assessments/runs/1/feedback/{world.other.code}/"))
        assert world.other.name not in page.inner_text("body")
