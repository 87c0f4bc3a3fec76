"""`--format` on `conduct scan` and `cyber scan`: only the outputs asked for, kpis.json and complaints always."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kansa.cli import app
from kansa.synth.conduct import generate_conduct
from kansa.synth.cyber import generate_cyber

REPORTS = ("report.html", "report.pdf", "report.xlsx")


@pytest.fixture(scope="module")
def conduct_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic bank written as CSV (an unseen seed)."""
    data = tmp_path_factory.mktemp("conduct") / "data"
    generate_conduct(data, customers=300, seed=23)
    return data


def _scan(args: list[str]) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output


def test_conduct_format_csv_writes_flags_kpis_and_complaints_but_no_report(conduct_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _scan(["conduct", "scan", str(conduct_data), "--out", str(out), "--format", "csv", "--lang", "en"])
    written = {p.name for p in out.iterdir() if not p.name.startswith(".")}  # .kansa-output: outputs.py
    assert written == {"flags.csv", "kpis.json", "complaints_summary.csv", "cases.csv", "coverage.csv"}
    kpis = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    assert kpis, "kpis.json holds the KPI snapshots"
    with (out / "complaints_summary.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert len(rows) > 1 and sum(int(r[-1]) for r in rows[1:]) > 0  # the synthetic bank has complaints
    with (out / "flags.csv").open(encoding="utf-8-sig", newline="") as f:
        assert len(list(csv.reader(f))) > 1  # planted cases are flagged


def test_conduct_format_pdf_alone_still_writes_kpis_and_complaints(conduct_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _scan(["conduct", "scan", str(conduct_data), "--out", str(out), "--format", "parquet,pdf"])
    written = {p.name for p in out.iterdir() if not p.name.startswith(".")}  # .kansa-output: outputs.py
    assert written == {"flags.parquet", "kpis.json", "complaints_summary.csv", "cases.csv", "coverage.csv",
                       "report.pdf"}
    from pypdf import PdfReader

    text = "".join(page.extract_text() or "" for page in PdfReader(out / "report.pdf").pages)
    assert "顧客本位" in text  # the Japanese report reads back as text


def test_conduct_rejects_an_unknown_format_by_name(conduct_data: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["conduct", "scan", str(conduct_data), "--out", str(tmp_path / "o"),
                                      "--format", "csv,docx", "--lang", "en"])
    assert result.exit_code == 2
    assert "docx" in result.output
    assert not (tmp_path / "o" / "flags.csv").exists()


def test_cyber_format_csv_writes_no_report(tmp_path: Path) -> None:
    data = tmp_path / "data"
    generate_cyber(data, assets=30, seed=11)
    out = tmp_path / "out"
    _scan(["cyber", "scan", str(data), "--out", str(out), "--format", "csv", "--as-of", "2026-03-31"])
    written = {p.name for p in out.iterdir() if not p.name.startswith(".")}  # .kansa-output: outputs.py
    assert "flags.csv" in written
    assert not written & {*REPORTS, "flags.parquet"}
