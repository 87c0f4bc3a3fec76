"""`kansa conduct tune`: flags and cases at values around each rule's current threshold."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from kansa.cli import app
from kansa.conduct.tuning import candidate_values
from kansa.engine import load_catalog
from tests.conduct.institution import tables, write_csv


def test_candidate_values_surround_the_current_one_within_the_range() -> None:
    spec = next(r for r in load_catalog("conduct") if r.id == "elderly_long_maturity")
    assert candidate_values(spec.param("min_age"), 80) == [72, 76, 80, 84, 88]
    assert candidate_values(spec.param("min_years"), 1) == [1, 2, 3]          # min 1: nothing below
    spike = next(r for r in load_catalog("conduct") if r.id == "branch_sales_spike")
    assert candidate_values(spike.param("min_z"), 3.5) == [1.75, 2.625, 3.5, 4.375, 5.25]


def test_tune_writes_flags_and_cases_that_fall_as_the_threshold_rises(tmp_path: Path) -> None:
    data = write_csv(tmp_path / "data", tables())
    res = CliRunner().invoke(app, ["conduct", "tune", str(data), "--out", str(tmp_path / "out"), "--as-of",
                                   date(2026, 3, 31).isoformat(), "--rule", "elderly_long_maturity", "--lang", "en"])
    assert res.exit_code == 0, res.output
    with (tmp_path / "out" / "tuning.csv").open(encoding="utf-8-sig") as fh:
        rows = [r for r in csv.DictReader(fh) if r["param"] == "min_age"]
    by_value = {int(r["value"]): (int(r["flags"]), int(r["cases"])) for r in rows}
    # buyers of the 2040 structured bond: C85 (85), H1A (82), H1B (81), C40 (40); the household is one case
    assert by_value[80] == (3, 2) and by_value[84] == (1, 1) and by_value[88] == (0, 0)
    assert [r["current"] for r in rows] == ["false", "false", "true", "false", "false"]
