"""The board report PDF, read back as text, carries the planted true cause, the overdue count and the posture."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pypdf
import pytest

from kansa.audit.demo import PLANTED_TRUE_CAUSE, demo_book
from kansa.audit.errors import AuditUsageError
from kansa.audit.findings import overdue
from kansa.audit.report import posture, quarter_end, write_board_report, write_engagement_report
from tests.audit.builders import write_flags


def _text(pdf: Path) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages).replace("\n", "")


def test_the_q3_board_report_names_the_true_cause_and_the_overdue_count(tmp_path: Path) -> None:
    book = demo_book()
    late = overdue(book, quarter_end(2025, 3))
    assert len(late) == 2
    conduct = write_flags(tmp_path / "conduct", [("suitability_mismatch", "trade", "T1", "high")] * 3
                          + [("short_term_switch", "trade", "T2", "medium")])
    files = write_board_report(book, tmp_path / "out", 2025, 3, "ja", posture(conduct_scan=conduct))
    text = _text(files["pdf"])
    assert PLANTED_TRUE_CAUSE in text
    assert "期限超過の指摘 2 件" in text and "令和7年12月31日" in text
    assert "再発している根本原因 1 件" in text and "企業文化・インセンティブ" in text
    assert "顧客本位フラグ 3 1" in text   # high 3, medium 1 from the scan
    sheet = openpyxl.load_workbook(files["xlsx"])["期限超過"]
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == [f.id for f in late]


def test_the_annual_report_counts_more_overdue_and_english_works(tmp_path: Path) -> None:
    book = demo_book()
    files = write_board_report(book, tmp_path, 2025, None, "en")
    text = _text(files["pdf"])
    n = len(overdue(book, quarter_end(2025, None)))
    assert n == 3 and f"Overdue findings: {n}." in text and "full year" in text


def test_a_year_without_a_plan_is_a_coded_error(tmp_path: Path) -> None:
    with pytest.raises(AuditUsageError) as exc:
        write_board_report(demo_book(), tmp_path, 2030, 1, pdf=False)
    assert exc.value.code == "audit_no_plan"


def test_the_engagement_report_shows_the_findings_with_their_true_cause(tmp_path: Path) -> None:
    files = write_engagement_report(demo_book(), "E-03", tmp_path)
    text = _text(files["pdf"])
    assert "顧客本位の業務運営テーマ監査" in text and PLANTED_TRUE_CAUSE in text and "F-04" in text
