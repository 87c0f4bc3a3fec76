"""`kansa demo` runs every analysis from nothing (no ../shared) and leaves reports a person can open."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
from pypdf import PdfReader
from typer.testing import CliRunner

from kansa.cli import app
from kansa.engine import load_catalog


def test_the_demo_runs_every_analysis_and_writes_the_reports(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = CliRunner().invoke(app, ["demo", "--out", str(out), "--customers", "400", "--assets", "40",
                                      "--institutions", "30", "--lang", "en"])
    assert result.exit_code == 0, result.output
    res = out / "results"
    for report in ("conduct/report.pdf", "conduct/report.xlsx", "cyber/report.pdf", "cyber/report.html",
                   "assessment/overview.pdf", "assessment/overview.html"):
        path = res / report
        assert path.is_file() and path.stat().st_size > 2_000, report
    conduct_rules = set(pq.read_table(res / "conduct" / "flags.parquet").column("rule_id").to_pylist())
    cyber_rules = set(pq.read_table(res / "cyber" / "flags.parquet").column("rule_id").to_pylist())
    # every rule's section has findings, or the coverage says why it has none (never a silent 該当なし)
    for domain, found in (("conduct", conduct_rules), ("cyber", cyber_rules)):
        coverage = _coverage(res / domain / "coverage.csv")
        assert set(coverage) == {r.id for r in load_catalog(domain)}, domain
        silent = {r for r, (status, reason) in coverage.items() if r not in found and not (
            status == "not_evaluated" and reason)}
        assert not silent, (domain, sorted(silent))
    assert "privileged_use_without_request" in cyber_rules
    kpis = json.loads((res / "conduct" / "kpis.json").read_text(encoding="utf-8"))
    assert kpis and "investment_trust" in json.dumps(kpis)
    assert list((res / "assessment" / "feedback").glob("*.pdf")), "no feedback report as PDF"
    # the workspace carries the provenance of what was loaded
    assert (out / "workspace" / "kansa.duckdb").is_file()
    # the KEV rule ran on the shipped snapshot (a rule that did not run must not look like one that found nothing)
    assert "software_known_exploited" in cyber_rules
    assert (res / "cyber" / "kev_review.csv").is_file()
    # the audit year: a book and a board report whose posture section reads the scans above
    assert json.loads((res / "audit" / "demo.json").read_text(encoding="utf-8"))["findings"]
    board = pdf_text(res / "audit" / "board_report_FY2025Q3.pdf")
    assert "Overdue findings" in board and "True cause" in board
    severities = pq.read_table(res / "conduct" / "flags.parquet").column("severity").to_pylist()
    posture = board[board.index("Conduct flags"):board.index("Cyber flags")].split()
    assert posture[2:4] == [str(severities.count("high")), str(severities.count("medium"))], posture


def _coverage(path: Path) -> dict[str, tuple[str, str]]:
    """rule_id -> (status, reason) from a scan's coverage.csv."""
    with path.open(encoding="utf-8-sig") as fh:
        return {r["rule_id"]: (r["status"], r["reason"]) for r in csv.DictReader(fh)}


def pdf_text(path: Path) -> str:
    """The text of every page of a PDF, as a reader would copy it."""
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
