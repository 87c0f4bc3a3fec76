"""`kansa demo` runs every analysis from nothing (no ../shared) and leaves reports a person can open."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from kansa.cli import app


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
    assert len(conduct_rules) >= 12  # planted cases for every rule; a handful may not fit 400 customers
    cyber_rules = set(pq.read_table(res / "cyber" / "flags.parquet").column("rule_id").to_pylist())
    assert "privileged_use_without_request" in cyber_rules
    kpis = json.loads((res / "conduct" / "kpis.json").read_text(encoding="utf-8"))
    assert kpis and "investment_trust" in json.dumps(kpis)
    assert list((res / "assessment" / "feedback").glob("*.pdf")), "no feedback report as PDF"
    # the workspace carries the provenance of what was loaded
    assert (out / "workspace" / "kansa.duckdb").is_file()
