"""The book edited by hand: entities added, edited within limits and retired; work-program steps from the library."""

from __future__ import annotations

from datetime import date

import pytest

from kansa.audit import engagement as eng
from kansa.audit import plan as plans
from kansa.audit.errors import AuditUsageError, TransitionError
from kansa.audit.model import Book, Engagement, Entity
from kansa.audit.risk import assess
from kansa.audit.universe import active, add_entity, edit_entity, retire_entity


def _book() -> Book:
    book = Book("t")
    for eid, kind in (("branch:B1", "branch"), ("theme:cyber", "theme")):
        book.entities[eid] = Entity(eid, kind, eid, cycle_months=12, inherent_judgement=5, control_judgement=5)
    return book


def test_a_hand_added_entity_is_refused_twice_and_with_a_kind_outside_the_list() -> None:
    book = _book()
    event = add_entity(book, Entity("third_party:V1", "third_party", "委託先", "システム部", 24), "cae")
    assert event.what == "entity.create" and event.after["owner"] == "システム部"
    with pytest.raises(AuditUsageError):
        add_entity(book, Entity("third_party:V1", "third_party", "別名"), "cae")
    with pytest.raises(AuditUsageError):
        add_entity(book, Entity("vendor:V2", "vendor", "x"), "cae")
    assert book.entities["third_party:V1"].name == "委託先"


@pytest.mark.parametrize("field, value", [("cycle_months", 0), ("cycle_months", 121), ("inherent_judgement", 6),
                                          ("control_judgement", 0.5), ("name", " ")])
def test_an_edit_outside_the_limits_is_refused_and_changes_nothing(field: str, value: object) -> None:
    book = _book()
    with pytest.raises(AuditUsageError) as exc:
        edit_entity(book, "branch:B1", "cae", **{field: value})
    assert field in exc.value.render("en")
    assert book.entities["branch:B1"].cycle_months == 12 and book.entities["branch:B1"].name == "branch:B1"


def test_a_retired_entity_keeps_its_history_but_leaves_scores_and_plan_checks() -> None:
    book = _book()
    scores = assess(book, [], as_of=date(2026, 3, 31))
    plans.new_plan(book, 2025, 100, "cae")
    plan = book.plans["2025"]
    fired = [c.code for c in plans.check_plan(book, plan, scores)]
    assert fired.count("plan_check_high_risk_out_of_cycle") == 2
    with pytest.raises(AuditUsageError) as exc:
        retire_entity(book, "branch:B1", "cae", date(2025, 9, 30), " ")
    assert exc.value.code == "audit_retire_reason"
    event = retire_entity(book, "branch:B1", "cae", date(2025, 9, 30), "統合")
    assert event.after == {"retired_on": "2025-09-30", "reason": "統合"}
    scores = assess(book, [], as_of=date(2026, 3, 31))
    assert "branch:B1" not in scores and "branch:B1" in book.entities and list(active(book)) == ["theme:cyber"]
    assert [c.code for c in plans.check_plan(book, plan, scores)].count("plan_check_high_risk_out_of_cycle") == 1
    with pytest.raises(AuditUsageError):
        retire_entity(book, "branch:B1", "cae", date(2025, 10, 1), "again")
    with pytest.raises(AuditUsageError):
        eng.new_engagement(book, Engagement("E1", "x", "compliance", ["branch:B1"], 5), "cae")


def test_steps_come_from_the_library_of_any_type_once_each_and_stay_once_concluded() -> None:
    book = _book()
    eng.new_engagement(book, Engagement("E1", "x", "theme", ["theme:cyber"], 5), "cae")
    assert [s.id for s in book.engagements["E1"].steps] == ["WP-CON-03"]
    event = eng.add_step(book, "E1", "WP-SYS-03", "cae")
    assert event.after["rule_ids"] == ["backup_stale_or_untested", "backup_not_321"]
    assert event.after["question_ids"] == ["DAT-01-1"]
    with pytest.raises(AuditUsageError):
        eng.add_step(book, "E1", "WP-SYS-03", "cae")
    with pytest.raises(AuditUsageError):
        eng.add_step(book, "E1", "WP-XXX-99", "cae")
    eng.conclude_step(book, "E1", "WP-SYS-03", "復旧テスト記録なし", "cae")
    with pytest.raises(AuditUsageError):
        eng.remove_step(book, "E1", "WP-SYS-03", "cae")
    assert eng.remove_step(book, "E1", "WP-CON-03", "cae").before["id"] == "WP-CON-03"
    assert [(s.id, s.done, s.conclusion) for s in book.engagements["E1"].steps] == [
        ("WP-SYS-03", True, "復旧テスト記録なし")]
    for phase in ("fieldwork", "reporting", "closed"):
        eng.advance_phase(book, "E1", phase, "cae")
    with pytest.raises(TransitionError):
        eng.add_step(book, "E1", "WP-SYS-01", "cae")
