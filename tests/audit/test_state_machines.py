"""Plan approval, engagement phases and finding status: legal moves pass, illegal ones raise coded errors."""

from __future__ import annotations

from datetime import date

import pytest

from kansa.audit import engagement as eng
from kansa.audit import findings as fnd
from kansa.audit import plan as pln
from kansa.audit.errors import TransitionError
from kansa.audit.model import Book, Engagement, Entity, Finding


def _book() -> Book:
    book = Book("t")
    book.entities["branch:B1"] = Entity("branch:B1", "branch", "本店")
    eng.new_engagement(book, Engagement("E1", "本店監査", "compliance", ["branch:B1"], 30), "auditor")
    eng.new_engagement(book, Engagement("E2", "本店監査2", "compliance", ["branch:B1"], 30), "auditor")
    return book


def _finding(book: Book, fid: str = "F1", engagement: str = "E1", root: str = "process") -> Finding:
    f = Finding(fid, engagement, "branch:B1", "承認漏れ", "c", "r", "ca", "e", "high", root, "真因の説明", "部長",
                date(2025, 9, 30), identified_on=date(2025, 6, 1))
    fnd.add_finding(book, f, "auditor")
    return f


def test_a_plan_is_submitted_then_approved_with_who_and_when() -> None:
    book = _book()
    pln.new_plan(book, 2025, 100, "cae")
    pln.change_plan(book, 2025, "cae", add=["E1"])
    pln.submit_plan(book, 2025, "cae")
    event = pln.approve_plan(book, 2025, "社長")
    plan = book.plans["2025"]
    assert (plan.status, plan.approved_by, plan.approved_at) == ("approved", "社長", event.when)
    assert event.before == {"status": "submitted", "version": 1} and event.after["status"] == "approved"


def test_a_draft_cannot_be_approved_without_being_submitted() -> None:
    book = _book()
    pln.new_plan(book, 2025, 100, "cae")
    with pytest.raises(TransitionError) as exc:
        pln.approve_plan(book, 2025, "社長")
    assert exc.value.code == "audit_illegal_transition" and "draft" in exc.value.render("en")


def test_a_change_after_approval_makes_a_new_version_that_needs_approval_again() -> None:
    book = _book()
    pln.new_plan(book, 2025, 100, "cae")
    pln.change_plan(book, 2025, "cae", add=["E1"])
    pln.submit_plan(book, 2025, "cae")
    pln.approve_plan(book, 2025, "社長")
    event = pln.change_plan(book, 2025, "cae", add=["E2"])
    plan = book.plans["2025"]
    assert (plan.version, plan.status, plan.approved_by) == (2, "draft", None)
    assert plan.history[0].engagement_ids == ["E1"] and plan.history[0].approved_by == "社長"
    assert event.before["version"] == 1 and event.after["engagement_ids"] == ["E1", "E2"]
    pln.submit_plan(book, 2025, "cae")
    with pytest.raises(TransitionError):   # a submitted plan is not edited: management has it
        pln.change_plan(book, 2025, "cae", remove=["E2"])
    pln.approve_plan(book, 2025, "社長")
    assert book.plans["2025"].status == "approved"


def test_engagement_phases_go_forward_one_at_a_time() -> None:
    book = _book()
    with pytest.raises(TransitionError):
        eng.advance_phase(book, "E1", "reporting", "auditor")
    for phase in ("fieldwork", "reporting", "closed"):
        assert eng.advance_phase(book, "E1", phase, "auditor").after == {"phase": phase}
    with pytest.raises(TransitionError):
        eng.advance_phase(book, "E1", "fieldwork", "auditor")


def test_a_finding_goes_through_every_status_with_a_retest_before_closing() -> None:
    book = _book()
    _finding(book)
    fnd.move_finding(book, "F1", "agreed", "部長")
    fnd.move_finding(book, "F1", "remediating", "部長")
    with pytest.raises(TransitionError) as exc:
        fnd.move_finding(book, "F1", "closed", "auditor")
    assert exc.value.code == "audit_illegal_transition"
    fnd.retest_finding(book, "F1", "auditor", passed=False, on=date(2025, 10, 1), note="未改善")
    assert book.findings["F1"].status == "remediating"
    fnd.retest_finding(book, "F1", "auditor", passed=True, on=date(2025, 10, 15))
    event = fnd.move_finding(book, "F1", "closed", "auditor", on=date(2025, 10, 20))
    assert event.before == {"status": "validated"} and book.findings["F1"].closed_on == date(2025, 10, 20)


@pytest.mark.parametrize("path, bad", [((), "remediating"), ((), "closed"), (("agreed",), "validated"),
                                       (("agreed", "remediating"), "agreed")])
def test_illegal_finding_moves_raise_a_coded_error(path: tuple[str, ...], bad: str) -> None:
    book = _book()
    _finding(book)
    for status in path:
        fnd.move_finding(book, "F1", status, "x")
    with pytest.raises(TransitionError) as exc:
        fnd.move_finding(book, "F1", bad, "x")
    assert exc.value.code == "audit_illegal_transition"
    assert bad in exc.value.render("ja")


def test_validated_cannot_close_without_a_passed_retest() -> None:
    book = _book()
    f = _finding(book)
    f.status = "validated"   # as if imported from an older book without the re-test
    with pytest.raises(TransitionError) as exc:
        fnd.move_finding(book, "F1", "closed", "auditor")
    assert exc.value.code == "audit_retest_required"


def test_every_overdue_finding_escalates_to_its_owner_and_to_management() -> None:
    book = _book()
    _finding(book, "F1")
    low = _finding(book, "F2")
    low.severity, low.due = "low", date(2025, 12, 1)
    done = _finding(book, "F3")
    done.status = "validated"
    notices = fnd.escalations(book, date(2025, 12, 15))
    assert [(n.finding_id, n.to) for n in notices] == [("F1", "部長"), ("F1", "management"), ("F2", "部長"),
                                                       ("F2", "management")]
    assert fnd.episode(notices[0]) == "F1@2025-09-30" and fnd.episode(notices[2]) == "F2@2025-12-01"
    assert notices[0].days_overdue == 76 and notices[0].true_cause == "真因の説明"
    assert fnd.escalations(book, date(2025, 9, 30)) == []   # due today is not overdue


def test_recurrence_is_the_same_root_cause_on_the_same_entity_in_two_engagements() -> None:
    book = _book()
    _finding(book, "F1", "E1", "culture_incentives")
    _finding(book, "F2", "E1", "culture_incentives")     # same engagement: not a recurrence yet
    _finding(book, "F3", "E2", "process")                 # other category: not a recurrence
    assert fnd.recurrences(book.findings.values()) == []
    _finding(book, "F4", "E2", "culture_incentives")
    [r] = fnd.recurrences(book.findings.values())
    assert (r.root_cause, r.entity_id, r.engagement_ids) == ("culture_incentives", "branch:B1", ("E1", "E2"))
