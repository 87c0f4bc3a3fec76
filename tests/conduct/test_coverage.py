"""Coverage: a rule that could not run says so and why (coverage.csv and every report), never "no finding"."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from kansa.engine import load_catalog
from kansa.services import run_conduct_scan
from tests.conduct.institution import tables, write_csv, write_workbook

TRADE_RULES = {r.id for r in load_catalog("conduct") if "trades" in r.tables}


def _coverage(out: Path) -> dict[str, dict[str, str]]:
    with (out / "coverage.csv").open(encoding="utf-8-sig") as fh:
        return {r["rule_id"]: r for r in csv.DictReader(fh)}


def _text(html: Path) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def without_trades(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("notrades")
    data = write_workbook(base / "data", tables(), skip=("trades",))
    run_conduct_scan(data, out=base / "out", as_of=date(2026, 3, 31), formats=("csv", "html", "pdf", "xlsx"))
    return base / "out"


def test_a_workbook_without_trades_names_every_trade_rule_not_evaluated_table_absent(without_trades: Path) -> None:
    cov = _coverage(without_trades)
    assert TRADE_RULES and len(TRADE_RULES) >= 10
    for rule in TRADE_RULES:
        assert (cov[rule]["status"], cov[rule]["reason"], cov[rule]["detail"]) == (
            "not_evaluated", "table_absent", "trades"), rule
    others = set(cov) - TRADE_RULES
    assert others and all(cov[r]["status"] == "evaluated" for r in others)


def test_the_html_report_says_which_rules_did_not_run_and_why(without_trades: Path) -> None:
    text = _text(without_trades / "report.html")
    assert f"評価できなかったルール: {len(TRADE_RULES)}本" in text
    assert "「該当なし」ではありません" in text
    for rule in TRADE_RULES:
        assert re.search(rf"{rule} : 未評価 — テーブル trades が提供されていません", text), rule
    # each trade rule's own section says 未評価 with the reason; "該当なし" is left to rules that did run
    assert text.count("未評価 : テーブル trades が提供されていません (table_absent)") == len(TRADE_RULES)
    assert text.count("該当なし —") <= len(_coverage(without_trades)) - len(TRADE_RULES)


def test_the_pdf_report_read_back_says_the_rules_were_not_evaluated(without_trades: Path) -> None:
    text = "".join(page.extract_text() or "" for page in PdfReader(without_trades / "report.pdf").pages)
    flat = re.sub(r"\s+", "", text)
    assert "評価できなかったルール" in flat
    assert "テーブルtradesが提供されていません" in flat
    assert flat.count("未評価") >= len(TRADE_RULES)


def test_the_workbook_has_a_coverage_sheet_with_the_reason(without_trades: Path) -> None:
    sheet = openpyxl.load_workbook(without_trades / "report.xlsx", read_only=True)["coverage"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True) if r and r[0]}
    assert rows["elderly_long_maturity"][1] == "not_evaluated"
    assert "trades" in str(rows["elderly_long_maturity"][2])


def test_an_empty_column_a_rule_needs_is_column_empty(tmp_path: Path) -> None:
    data = tables()
    for p in data["products"]:
        p.pop("maturity_date")
    run_conduct_scan(write_csv(tmp_path / "data", data), out=tmp_path / "out", as_of=date(2026, 3, 31),
                     formats=("csv",))
    cov = _coverage(tmp_path / "out")
    assert (cov["elderly_long_maturity"]["status"], cov["elderly_long_maturity"]["reason"],
            cov["elderly_long_maturity"]["detail"]) == ("not_evaluated", "column_empty", "products.maturity_date")
    assert cov["suitability_mismatch"]["status"] == "evaluated"


def test_trades_after_the_evaluation_date_are_excluded_and_counted(tmp_path: Path) -> None:
    data = tables()
    late = dict(data["trades"][0], trade_id="LATE", trade_date="2026-04-02")
    data["trades"].append(late)
    run_conduct_scan(write_csv(tmp_path / "data", data), out=tmp_path / "out", as_of=date(2026, 3, 31),
                     formats=("csv",))
    cov = _coverage(tmp_path / "out")
    assert cov["suitability_mismatch"]["rows_after_as_of"] == "1"
    assert cov["suitability_mismatch"]["rows_in_scope"] == str(len(data["trades"]) - 1)
    assert cov["suitability_mismatch"]["period_to"] == "2026-02-14"
    with (tmp_path / "out" / "flags.csv").open(encoding="utf-8-sig") as fh:
        flagged = {r["entity_id"] for r in csv.DictReader(fh)}
    assert "T85" in flagged and "LATE" not in flagged


def test_a_look_back_rule_reports_its_window_as_the_period(tmp_path: Path) -> None:
    run_conduct_scan(write_csv(tmp_path / "data", tables()), out=tmp_path / "out", as_of=date(2026, 3, 31),
                     formats=("csv",))
    cov = _coverage(tmp_path / "out")
    assert cov["staff_high_fee_skew"]["period_from"] == "2026-02-10"   # the first trade: inside the 365 days
    assert cov["complaint_cluster"]["period_from"] == "2026-03-01"
