"""On synthetic institutions the catalog has not seen: every conduct rule finds its planted cases, not the controls.

Precision is measured on the guarded background (every flag there is a planted case); the realistic default
is checked flag for flag against the independent implementation in tests/independent/test_conduct_realistic.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kansa.cli import app
from kansa.engine import load_catalog
from tests.integration.quality import assert_meets_the_bar, measure

runner = CliRunner()


@pytest.mark.parametrize(("seed", "customers", "fmt"), [(11, 700, "csv"), (4242, 1500, "parquet")])
def test_every_conduct_rule_meets_recall_and_precision_on_unseen_seeds(
    tmp_path: Path, seed: int, customers: int, fmt: str
) -> None:
    data, out = tmp_path / "data", tmp_path / "out"
    synth = runner.invoke(app, ["synth", "conduct", "--out", str(data), "--customers", str(customers),
                                "--seed", str(seed), "--format", fmt, "--background", "guarded"])
    assert synth.exit_code == 0, synth.output
    scan = runner.invoke(app, ["conduct", "scan", str(data), "--out", str(out), "--lang", "en"])
    assert scan.exit_code == 0, scan.output

    quality = measure(data / "answer_key.csv", out / "flags.parquet")
    assert_meets_the_bar(quality, {r.id for r in load_catalog("conduct")})
