"""The universe from a workspace in one step, then edited; the `kansa audit` commands end to end."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pypdf
import pytest
from typer.testing import CliRunner

from kansa.audit.demo import PLANTED_TRUE_CAUSE
from kansa.audit.errors import AuditUsageError
from kansa.audit.model import Book
from kansa.audit.store import read_book
from kansa.audit.universe import build_universe, edit_entity
from kansa.cli import app
from tests.audit.builders import write_flags

runner = CliRunner()


def test_the_universe_has_branches_lines_products_processes_and_themes(workspace: Path) -> None:
    book = Book("t")
    events = build_universe(workspace, book, who="cae")
    kinds = {e.id for e in book.entities.values()}
    assert {"branch:B1", "branch:B2", "business_line:sales", "business_line:advisor",
            "product_type:structured_bond", "product:P1", "process:privileged_access",
            "theme:cyber", "theme:culture_incentives", "theme:business_model", "theme:conduct"} <= kinds
    assert "product:P2" not in kinds            # plain products are audited through their type
    assert len(events) == len(book.entities) and events[0].who == "cae"


def test_edits_survive_a_rebuild(workspace: Path) -> None:
    book = Book("t")
    build_universe(workspace, book)
    event = edit_entity(book, "branch:B1", "cae", owner="山田支店長", last_audited=date(2024, 4, 1))
    assert event.before == {"owner": "支店長", "last_audited": None}
    assert build_universe(workspace, book) == []
    assert book.entities["branch:B1"].owner == "山田支店長"
    with pytest.raises(AuditUsageError):
        edit_entity(book, "branch:B1", "cae", kind="system")


def test_cli_universe_risk_and_a_missing_workspace(workspace: Path, tmp_path: Path) -> None:
    book = tmp_path / "books" / "bank.json"
    res = runner.invoke(app, ["audit", "universe", "--workspace", str(workspace), "--book", str(book)])
    assert res.exit_code == 0, res.output
    assert "branch:B1" in read_book(book).entities
    scan = write_flags(tmp_path / "scan", [("suitability_mismatch", "trade", f"T{i}", "high") for i in range(30)])
    res = runner.invoke(app, ["audit", "risk", "--book", str(book), "--workspace", str(workspace),
                              "--conduct-scan", str(scan), "--top", "1"], terminal_width=250)
    assert res.exit_code == 0, res.output
    assert "branch:B1" in res.output and "conduct_flags_per_1000_trades=30" in res.output
    res = runner.invoke(app, ["audit", "universe", "--workspace", str(tmp_path / "nowhere"), "--book", str(book),
                              "--lang", "en"])
    assert res.exit_code == 2 and "no workspace here" in res.output


def test_cli_demo_plan_check_and_board_report(tmp_path: Path) -> None:
    book = tmp_path / "demo.json"
    assert runner.invoke(app, ["audit", "demo", "--book", str(book)]).exit_code == 0
    res = runner.invoke(app, ["audit", "plan-check", "--book", str(book), "--fiscal-year", "2025", "--lang", "en",
                              "--as-of", "2025-04-01"])
    assert res.exit_code == 0 and "passes every check" in res.output
    res = runner.invoke(app, ["audit", "board-report", "--fiscal-year", "2025", "--quarter", "3", "--book",
                              str(book), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    pdf = tmp_path / "out" / "board_report_FY2025Q3.pdf"
    assert PLANTED_TRUE_CAUSE in "".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages).replace("\n", "")
    bad = tmp_path / "bad.json"
    bad.write_text('{"institution": 3}', encoding="utf-8")
    res = runner.invoke(app, ["audit", "plan-check", "--book", str(bad), "--fiscal-year", "2025", "--lang", "en"])
    assert res.exit_code == 1 and "institution" in res.output and "Traceback" not in res.output


def test_the_demo_book_has_every_status_overdue_items_and_one_recurrence(workspace: Path, tmp_path: Path) -> None:
    from kansa.audit.demo import write_demo_book
    from kansa.audit.findings import overdue, recurrences
    from kansa.audit.model import FINDING_STATUSES

    book = read_book(write_demo_book(tmp_path, "bank", workspace=workspace))
    assert {f.status for f in book.findings.values()} == set(FINDING_STATUSES)
    assert "branch:B1" in book.entities and book.plans["2025"].status == "approved"
    assert len(overdue(book, date(2026, 1, 15))) == 3
    [r] = recurrences(book.findings.values())
    assert r.root_cause == "culture_incentives" and PLANTED_TRUE_CAUSE in r.true_causes
