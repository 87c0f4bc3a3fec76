"""On synthetic institutions the catalog has not seen: every cyber rule finds its planted cases, not the controls."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kansa.cli import app
from kansa.engine import load_catalog
from tests.integration.quality import measure

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
    catalog = {r.id for r in load_catalog("cyber")}
    assert catalog <= set(quality), f"rules without planted cases: {catalog - set(quality)}"
    for q in quality.values():
        assert q.planted > 0, f"{q.rule_id}: nothing planted"
        assert q.recall >= 0.95, f"{q.rule_id}: recall {q.recall:.2f} ({q.found}/{q.planted})"
        assert q.precision >= 0.9, f"{q.rule_id}: precision {q.precision:.2f} ({q.found}/{q.flagged})"
        assert q.near_misses_flagged == 0, f"{q.rule_id}: {q.near_misses_flagged} near-misses flagged"
