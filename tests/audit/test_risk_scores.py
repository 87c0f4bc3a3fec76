"""Risk scores move when the underlying scan changes, and say which signal moved them and from which file."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from kansa.audit.errors import AuditConfigError, AuditUsageError
from kansa.audit.model import Book
from kansa.audit.risk import assess, collect_signals, load_weights, override_risk
from kansa.audit.universe import build_universe
from tests.audit.builders import write_flags, write_kpis

AS_OF = date(2026, 1, 15)


def _scores(ws: Path, conduct: Path | None = None, cyber: Path | None = None, book: Book | None = None) -> dict:
    book = book or Book("t")
    if not book.entities:
        build_universe(ws, book)
    return assess(book, collect_signals(ws, conduct, cyber), as_of=AS_OF)


def test_more_flags_at_a_branch_raise_its_control_risk_and_say_why(workspace: Path, tmp_path: Path) -> None:
    quiet = write_flags(tmp_path / "scan1", [("suitability_mismatch", "trade", "T1", "high")])
    busy = write_flags(tmp_path / "scan2", [("suitability_mismatch", "trade", f"T{i}", "high") for i in range(20)]
                       + [("complaint_cluster", "staff", "S1", "medium")])
    before, after = _scores(workspace, quiet)["branch:B1"], _scores(workspace, busy)["branch:B1"]
    assert after.control > before.control and after.overall > before.overall
    sig = next(s for s in after.signals if s.name == "conduct_flags_per_1000_trades")
    assert sig.value == 21.0 and sig.source.endswith("scan2/flags.csv") and "21 flags / 1000 trades" in sig.detail
    assert sig.contribution == pytest.approx(1.05)
    # the other branch did not change
    assert _scores(workspace, quiet)["branch:B2"].overall == _scores(workspace, busy)["branch:B2"].overall


def test_flags_on_customers_staff_and_households_count_for_their_branch(workspace: Path, tmp_path: Path) -> None:
    scan = write_flags(tmp_path / "s", [("churning_customer", "customer", "C70", "high"),
                                        ("complaint_cluster", "staff", "S2", "high"),
                                        ("household_concentration", "household", "H40", "high")])
    sig = next(s for s in _scores(workspace, scan)["branch:B2"].signals if s.name == "conduct_flags_per_1000_trades")
    assert sig.value == 6.0   # 3 flags / 500 trades


def test_complaints_and_negative_return_share_raise_inherent_risk(workspace: Path, tmp_path: Path) -> None:
    scan = write_flags(tmp_path / "s", [])
    write_kpis(scan, {"structured_bond": 0.5, "investment_trust": 0.05})
    scores = _scores(workspace, scan)
    assert scores["branch:B2"].inherent > scores["branch:B1"].inherent   # 10 vs 0 complaints per 1,000 trades
    sb, it = scores["product_type:structured_bond"], scores["product_type:investment_trust"]
    assert sb.inherent > it.inherent
    assert any(s.name == "negative_return_share" and s.value == 0.5 and s.source.endswith("kpis.json")
               for s in sb.signals)


def test_cyber_flags_raise_the_risk_of_the_system_they_are_about(workspace: Path, tmp_path: Path) -> None:
    book = Book("t")
    build_universe(workspace, book)
    from kansa.audit.model import Entity

    book.entities["system:A1"] = Entity("system:A1", "system", "勘定系")
    clean = write_flags(tmp_path / "c0", [])
    dirty = write_flags(tmp_path / "c1", [("software_known_exploited", "software", "A1:vendor:prod:1.0", "high"),
                                          ("backup_stale_or_untested", "asset", "A1", "high")])
    ev = json.dumps({"asset_id": "A1"})
    event = write_flags(tmp_path / "c2", [("privileged_use_without_request", "event", "auth.log:1", "high")], ev)
    base = assess(book, collect_signals(cyber_scan=clean), as_of=AS_OF)["system:A1"]
    worse = assess(book, collect_signals(cyber_scan=dirty), as_of=AS_OF)["system:A1"]
    logged = assess(book, collect_signals(cyber_scan=event), as_of=AS_OF)["system:A1"]
    assert worse.inherent > base.inherent and worse.control > base.control
    assert {s.name for s in worse.signals} >= {"kev_exposure", "backup_without_restore_test"}
    assert any(s.name == "privileged_without_approval" and s.value == 1 for s in logged.signals)


def test_time_since_last_audit_counts_only_past_the_cycle(workspace: Path) -> None:
    book = Book("t")
    build_universe(workspace, book)
    book.entities["branch:B1"].last_audited = date(2024, 1, 1)    # 24 of 36 months: inside
    book.entities["branch:B2"].last_audited = date(2020, 1, 1)    # 72 months: one cycle over
    scores = assess(book, [], as_of=AS_OF)
    over = {s.entity_id: s.value for x in scores.values() for s in x.signals if s.name == "cycle_overrun"}
    assert over["branch:B1"] == 0 and over["branch:B2"] == pytest.approx(1.0, abs=0.05)


def test_an_override_needs_a_reason_and_returns_a_trail_event(workspace: Path) -> None:
    book = Book("t")
    build_universe(workspace, book)
    with pytest.raises(AuditUsageError) as exc:
        override_risk(book, "branch:B1", 5, 5, "  ", "部長")
    assert exc.value.code == "audit_override_reason"
    event = override_risk(book, "branch:B1", 5, 4, "新任支店長で不正リスク", "部長")
    assert event.who == "部長" and event.before is None and event.after["reason"] == "新任支店長で不正リスク"
    score = assess(book, [], as_of=AS_OF)["branch:B1"]
    assert (score.inherent, score.control, score.rating) == (5, 4, "high")
    assert any(s.name == "cycle_overrun" for s in score.signals)   # the signals still show


def test_weights_are_parameters_and_bad_ones_are_named(tmp_path: Path) -> None:
    good = tmp_path / "w.yaml"
    good.write_text("signals:\n  kev_exposure: {weight: 2}\nratings: {high: 10}\n", encoding="utf-8")
    weights = load_weights(good)
    assert weights["signals"]["kev_exposure"]["weight"] == 2.0 and weights["ratings"]["high"] == 10
    bad = tmp_path / "bad.yaml"
    bad.write_text("signals:\n  kev_exposure: {weight: lots}\n", encoding="utf-8")
    with pytest.raises(AuditConfigError) as exc:
        load_weights(bad)
    assert "signals.kev_exposure.weight" in exc.value.render("en")
