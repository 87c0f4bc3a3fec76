"""The report set does not grow with the data: top-N flags in the HTML and PDF, capped sheets in the workbook."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import openpyxl
from pypdf import PdfReader

from kansa.conduct.report import write_reports
from kansa.conduct.report_excel import EXCEL_TOP_ROWS
from kansa.conduct.scan import ScanResult
from tests.conduct.test_report_conduct import _con, _flags, _spec

MANY = EXCEL_TOP_ROWS + 700


def _result(tmp_path: Path) -> ScanResult:
    # rule a: MANY flags, scored so the worst is T00000 (high, highest score) and the mildest are low
    rows = [("a", "trade", f"T{i:05d}", "high" if i < 100 else "low", float(MANY - i)) for i in range(MANY)]
    rows += [("b", "trade", "T1", "medium", 1.0)]
    return ScanResult(as_of=date(2026, 3, 31), out_dir=tmp_path, flags=_flags(rows), kpis=[],
                      complaints={"summary": [], "by_category": [], "branch_rates": [], "trend": []})


def test_the_workbook_keeps_the_worst_flags_of_a_rule_and_says_where_the_rest_are(tmp_path: Path) -> None:
    write_reports(_con(), _result(tmp_path), rules=[_spec("a"), _spec("b")], params={}, formats=("xlsx",))
    ws = openpyxl.load_workbook(tmp_path / "report.xlsx", read_only=True)["a"]
    rows = list(ws.iter_rows(values_only=True))
    note, header, data = rows[0], rows[1], rows[2:]
    assert f"全{MANY:,}件のうち上位{EXCEL_TOP_ROWS:,}件" in str(note[0]) and "flags.csv" in str(note[0])
    assert header[1] == "entity_id" and len(data) == EXCEL_TOP_ROWS
    assert [r[1] for r in data[:2]] == ["T00000", "T00001"]  # worst first
    assert all(r[2] == "high" for r in data[:100]) and data[-1][1] == f"T{EXCEL_TOP_ROWS - 1:05d}"
    small = list(openpyxl.load_workbook(tmp_path / "report.xlsx", read_only=True)["b"].iter_rows(values_only=True))
    assert "上位" not in str(small[0][0]) and len(small) == 3  # title note, header, its one flag


def test_html_and_pdf_show_the_top_n_and_count_the_rest(tmp_path: Path) -> None:
    write_reports(_con(), _result(tmp_path), rules=[_spec("a"), _spec("b")], params={}, top_n=5,
                  formats=("html", "pdf"))
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert f"ほか {MANY - 5:,} 件" in html
    assert "T00004" in html and "T00005" not in html
    pdf = re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in PdfReader(tmp_path / "report.pdf").pages))
    assert f"ほか{MANY - 5:,}件" in pdf
    assert "T00004" in pdf and "T00005" not in pdf
    assert f"計{MANY + 1:,}件の指摘候補" in pdf  # the summary still counts every flag
