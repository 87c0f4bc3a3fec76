"""On synthetic institutions the catalog has not seen: every cyber rule finds its planted cases, not the controls."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kansa.cli import app
from kansa.engine import load_catalog
from tests.integration.quality import assert_meets_the_bar, measure

runner = CliRunner()


@pytest.mark.parametrize(("seed", "assets"), [(7, 90), (31337, 200)])
def test_every_cyber_rule_meets_recall_and_precision_on_unseen_seeds(
    tmp_path: Path, shared_data: Path, seed: int, assets: int
) -> None:
    data, out = tmp_path / "data", tmp_path / "out"
    synth = runner.invoke(app, ["synth", "cyber", "--out", str(data), "--assets", str(assets), "--seed", str(seed)])
    assert synth.exit_code == 0, synth.output
    scan = runner.invoke(app, [
        "cyber", "scan", str(data), "--out", str(out), "--lang", "en",
        "--kev", str(shared_data / "cisa_kev" / "known_exploited_vulnerabilities.json"),
        "--logs", str(data / "logs" / "auth.log"), "--logs", str(data / "logs" / "security.jsonl"),
    ])
    assert scan.exit_code == 0, scan.output

    quality = measure(data / "answer_key.csv", out / "flags.parquet")
    assert_meets_the_bar(quality, {r.id for r in load_catalog("cyber")})
