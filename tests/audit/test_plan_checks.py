"""Plan checks fire on plans that leave out cyber, a high-risk entity in its cycle, themes, capacity or a system
auditor — and only then (each planted case has a near-miss control)."""

from __future__ import annotations

from datetime import date

import pytest

from kansa.audit import engagement as eng
from kansa.audit import plan as pln
from kansa.audit.model import Book, Engagement, Entity, TeamMember
from kansa.audit.risk import Signal, assess

FY = 2025


def _book(system_team: list[TeamMember] | None = None, capacity: float = 200) -> Book:
    book = Book("t")
    for e in (Entity("branch:B1", "branch", "本店", cycle_months=24, last_audited=date(2024, 6, 1)),
              Entity("branch:B2", "branch", "北支店", cycle_months=24, last_audited=date(2022, 6, 1),
                     inherent_judgement=3.0),
              Entity("system:A1", "system", "勘定系", cycle_months=24, last_audited=date(2024, 1, 1)),
              Entity("theme:culture_incentives", "theme", "企業文化", last_audited=date(2024, 1, 1))):
        book.entities[e.id] = e
    team = [TeamMember("佐藤"), TeamMember("田中", "system_auditor")] if system_team is None else system_team
    for e in (Engagement("E1", "本店監査", "compliance", ["branch:B1"], 40),
              Engagement("E2", "勘定系のシステム監査", "system_audit", ["system:A1"], 40, team=team),
              Engagement("E3", "企業文化の監査", "culture", ["theme:culture_incentives"], 40),
              Engagement("E4", "北支店監査", "compliance", ["branch:B2"], 40)):
        eng.new_engagement(book, e, "t")
    pln.new_plan(book, FY, capacity, "t")
    pln.change_plan(book, FY, "t", add=["E1", "E2", "E3", "E4"])
    return book


def _high_b2() -> list[Signal]:
    """Signals that make branch B2 high risk (many flags and complaints)."""
    return [Signal("branch:B2", "conduct_flags_per_1000_trades", 40.0, "scan/flags.csv"),
            Signal("branch:B2", "complaints_per_1000_trades", 20.0, "workspace:complaints")]


def _codes(book: Book, signals: list[Signal] | None = None) -> list[str]:
    scores = assess(book, signals if signals is not None else _high_b2(), as_of=date(2025, 4, 1))
    return [c.code for c in pln.check_plan(book, book.plans[str(FY)], scores)]


def test_a_complete_plan_passes_every_check() -> None:
    assert _codes(_book()) == []


def test_it_says_cyber_is_not_covered_when_the_system_audit_is_left_out() -> None:
    book = _book()
    pln.change_plan(book, FY, "t", remove=["E2"])
    assert _codes(book) == ["plan_check_no_cyber"]


def test_the_cyber_theme_alone_covers_cyber() -> None:
    book = _book()
    pln.change_plan(book, FY, "t", remove=["E2"])
    book.entities["theme:cyber"] = Entity("theme:cyber", "theme", "サイバー")
    eng.new_engagement(book, Engagement("E5", "サイバー態勢テーマ監査", "theme", ["theme:cyber"], 30), "t")
    pln.change_plan(book, FY, "t", add=["E5"])
    assert "plan_check_no_cyber" not in _codes(book)


def test_it_names_a_high_risk_entity_out_of_cycle_that_the_plan_leaves_out() -> None:
    book = _book()
    pln.change_plan(book, FY, "t", remove=["E4"])
    scores = assess(book, _high_b2(), as_of=date(2025, 4, 1))
    checks = pln.check_plan(book, book.plans[str(FY)], scores)
    assert [c.code for c in checks] == ["plan_check_high_risk_out_of_cycle"]
    assert "北支店" in checks[0].render("ja") and "2022-06-01" in checks[0].render("en")


def test_near_miss_high_risk_but_inside_its_cycle_is_not_flagged() -> None:
    book = _book()
    pln.change_plan(book, FY, "t", remove=["E4"])
    book.entities["branch:B2"].last_audited = date(2024, 6, 1)   # 22 months before the fiscal year ends
    assert _codes(book) == []


def test_near_miss_out_of_cycle_but_not_high_risk_is_not_flagged() -> None:
    book = _book()
    pln.change_plan(book, FY, "t", remove=["E4"])
    assert _codes(book, signals=[]) == []


def test_it_says_when_no_theme_culture_or_business_model_audit_is_planned() -> None:
    book = _book()
    pln.change_plan(book, FY, "t", remove=["E3"])
    assert _codes(book) == ["plan_check_no_theme"]


def test_it_says_the_plan_needs_more_days_than_the_team_has_and_not_at_exactly_capacity() -> None:
    assert _codes(_book(capacity=160)) == []
    book = _book(capacity=150)
    scores = assess(book, _high_b2(), as_of=date(2025, 4, 1))
    checks = pln.check_plan(book, book.plans[str(FY)], scores)
    assert [c.code for c in checks] == ["plan_check_over_capacity"]
    assert "160" in checks[0].render("en") and "10" in checks[0].render("ja")


@pytest.mark.parametrize("team, fires", [([TeamMember("佐藤")], True),
                                         ([TeamMember("佐藤"), TeamMember("監査法人", "co_source")], False)])
def test_a_system_audit_needs_a_system_auditor_or_co_source_partner(team: list[TeamMember], fires: bool) -> None:
    assert (_codes(_book(system_team=team)) == ["plan_check_system_audit_unstaffed"]) is fires
