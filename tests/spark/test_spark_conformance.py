"""The whole conduct scan on Spark: flags, KPIs (with monitoring indicators) and complaint figures as on DuckDB."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kansa.engine.testing import duckdb_world
from kansa.services.conduct import ConductRun, run_conduct
from kansa.services.source import Source, open_source
from kansa.synth.conduct import generate_conduct
from tests.engine.test_conformance import AS_OF, _comparable, _edge_world

pytestmark = [pytest.mark.spark, pytest.mark.slow]

# a seed no other test or benchmark uses: an institution nobody tuned the Spark path on
UNSEEN_SEED = 31


def normalised(value: Any) -> Any:
    """Floats to 12 significant digits (summation order may differ between engines), recursively."""
    if isinstance(value, float):
        return float(f"{value:.12g}")
    if isinstance(value, dict):
        return {k: normalised(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalised(v) for v in value]
    return value


def assert_same_scan(duck: ConductRun, spark: ConductRun) -> None:
    """Flags rule by rule, every KPI and indicator, and every complaint figure agree."""
    ours, theirs = _comparable(duck.result.flags), _comparable(spark.result.flags)
    for rid in sorted({r[0] for r in ours + theirs}):
        assert [r for r in ours if r[0] == rid] == [r for r in theirs if r[0] == rid], f"{rid}: engines disagree"
    kpis_duck = json.loads(json.dumps(duck.result.kpis, default=str))
    kpis_spark = json.loads(json.dumps(spark.result.kpis, default=str))
    assert normalised(kpis_spark) == normalised(kpis_duck)
    for key, rows in duck.result.complaints.items():
        assert normalised(spark.result.complaints[key]) == normalised(rows), f"complaints {key} differ"
    # the cases are built from the flags: the same flags give the same review queue
    assert duck.result.cases is not None and spark.result.cases is not None
    assert spark.result.cases.to_pylist() == duck.result.cases.to_pylist()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("unseen")
    generate_conduct(folder, customers=300, seed=UNSEEN_SEED, fmt="parquet", as_of=date(2026, 3, 31))
    return folder


def test_an_unseen_institution_gives_the_same_flags_kpis_and_complaints_on_spark(spark: Any, synthetic: Path) -> None:
    source = open_source(synthetic, domain="conduct")
    try:
        duck = run_conduct(source, engine="duckdb")
        on_spark = run_conduct(source, engine="spark")
    finally:
        source.close()
    # the comparison means something only where every part has content
    assert len({r["rule_id"] for r in duck.result.flags.to_pylist()}) >= 10
    latest = duck.result.kpis[-1]
    assert latest["investment_trust"]["customers"] > 0 and latest["investment_trust"]["top20"]
    assert latest["monitoring"]["buys"] > 0 and latest["monitoring"]["by_branch"]
    assert duck.result.complaints["summary"] and duck.result.complaints["branch_rates"]
    assert on_spark.engine == "spark" and "spark_stage" in on_spark.timings
    assert_same_scan(duck, on_spark)


def test_the_edge_world_gives_the_same_flags_kpis_and_complaints_on_spark(spark: Any) -> None:
    # leap-day births, fiscal-year-end trades, nulls in optional columns, complaints without a category
    source = Source(duckdb_world(_edge_world()), Path("edge"), "folder")
    duck = run_conduct(source, as_of=AS_OF, engine="duckdb")
    on_spark = run_conduct(source, as_of=AS_OF, engine="spark")
    assert duck.result.complaints["by_category"]
    assert any(r["derived"] for r in duck.result.complaints["by_category"])  # categories read from the text
    assert_same_scan(duck, on_spark)
