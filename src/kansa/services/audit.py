"""The third line's own work through the one door: the audit book and the board report from the latest scans."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from kansa.audit.demo import write_demo_book
from kansa.audit.model import Book
from kansa.audit.report import Posture, posture, write_board_report, write_engagement_report
from kansa.audit.store import JsonBookStore
from kansa.i18n import Lang

ReportFormat = Literal["pdf", "xlsx"]


def board_report(book_file: Path, out: Path, fiscal_year: int, quarter: int | None = None, *,
                 conduct_scan: Path | None = None, cyber_scan: Path | None = None, lang: Lang = "ja",
                 pdf: bool = True) -> dict[str, Path]:
    """The audit-committee report of a fiscal quarter (or year) from a book and the scans' output folders."""
    book = JsonBookStore(book_file.parent).load(book_file.stem)
    return write_board_report(book, out, fiscal_year, quarter, lang, posture(conduct_scan, cyber_scan), pdf=pdf)


def audit_demo(folder: Path, *, workspace: Path | None, cyber_data: Path | None, conduct_scan: Path | None,
               cyber_scan: Path | None, lang: Lang = "ja") -> dict[str, Path]:
    """The demo's audit year (fiscal 2025 as of Q3) and its board report beside the scans it summarises."""
    book_file = write_demo_book(folder, "demo", workspace=workspace, cyber_data=cyber_data)
    files = board_report(book_file, folder, 2025, 3, conduct_scan=conduct_scan, cyber_scan=cyber_scan, lang=lang)
    return {"book": book_file, **files}


def book_board_report(book: Book, out: Path, fiscal_year: int, quarter: int | None = None, *,
                      posture_: Posture | None = None, lang: Lang = "ja", fmt: ReportFormat = "pdf") -> Path:
    """The board report (PDF, or the Excel workbook) of a book already in memory, with the posture it was given."""
    return write_board_report(book, out, fiscal_year, quarter, lang, posture_, pdf=fmt == "pdf")[fmt]


def book_engagement_report(book: Book, engagement_id: str, out: Path, *, lang: Lang = "ja",
                           fmt: ReportFormat = "pdf") -> Path:
    """The report (PDF, or the Excel workbook) of one engagement: scope, team, work program, samples, findings."""
    return write_engagement_report(book, engagement_id, out, lang, pdf=fmt == "pdf")[fmt]
