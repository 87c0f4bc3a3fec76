"""On synthetic institutions the catalog has not seen: every conduct rule finds its planted cases, not the controls."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kansa.cli import app
from kansa.engine import load_catalog
from tests.integration.quality import measure

runner = CliRunner()


@pytest.mark.parametrize(("seed", "customers", "fmt"), [(11, 700, "csv"), (4242, 1500, "parquet")])
def test_every_conduct_rule_meets_recall_and_precision_on_unseen_seeds(
    tmp_path: Path, seed: int, customers: int, fmt: str
) -> None:
    data, out = tmp_path / "data", tmp_path / "out"
    synth = runner.invoke(app, ["synth", "conduct", "--out", str(data), "--customers", str(customers),
                                "--seed", str(seed), "--format", fmt])
    assert synth.exit_code == 0, synth.output
    scan = runner.invoke(app, ["conduct", "scan", str(data), "--out", str(out), "--lang", "en"])
    assert scan.exit_code == 0, scan.output

    quality = measure(data / "answer_key.csv", out / "flags.parquet")
    catalog = {r.id for r in load_catalog("conduct")}
    assert catalog <= set(quality), f"rules without planted cases: {catalog - set(quality)}"
    for q in quality.values():
        assert q.planted > 0, f"{q.rule_id}: nothing planted"
        assert q.recall >= 0.95, f"{q.rule_id}: recall {q.recall:.2f} ({q.found}/{q.planted})"
        assert q.precision >= 0.9, f"{q.rule_id}: precision {q.precision:.2f} ({q.found}/{q.flagged})"
        assert q.near_misses_flagged == 0, f"{q.rule_id}: {q.near_misses_flagged} near-misses flagged"
