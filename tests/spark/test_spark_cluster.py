"""`kansa conduct scan --engine spark` against a real standalone cluster (master + worker on loopback)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from kansa.services import run_conduct_scan
from kansa.synth.conduct import generate_conduct
from tests.engine.test_conformance import _comparable
from tests.spark.cluster import Cluster, loopback_env, standalone_cluster
from tests.spark.test_spark_conformance import normalised

pytestmark = [pytest.mark.spark, pytest.mark.slow]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    pytest.importorskip("pyspark")  # a failure, not a skip, in CI (tests/conftest.py)
    with standalone_cluster(tmp_path_factory.mktemp("cluster")) as running:
        yield running


def _scan(data: Path, out: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI as a user runs it, in its own process (its own Spark driver)."""
    cmd = [sys.executable, "-m", "kansa", "conduct", "scan", str(data), "--out", str(out), "--lang", "en",
           "--format", "csv,parquet", *extra]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=240)


def test_a_scan_on_a_standalone_cluster_matches_duckdb(cluster: Cluster, tmp_path: Path) -> None:
    data = tmp_path / "data"
    generate_conduct(data, customers=200, seed=31, fmt="parquet", as_of=date(2026, 3, 31))
    run_conduct_scan(data, out=tmp_path / "duck", formats=("csv", "parquet"), lang="en")
    stage = tmp_path / "stage"
    # tiny tables: planning stages at run time and compiling whole stages cost more than they save (the
    # standard PYSPARK_SUBMIT_ARGS, as a bank's spark-submit --conf would set them)
    env = dict(loopback_env(), PYSPARK_SUBMIT_ARGS="--conf spark.sql.adaptive.enabled=false "
               "--conf spark.sql.codegen.wholeStage=false pyspark-shell")
    done = _scan(data, tmp_path / "spark", "--engine", "spark", "--spark-master", cluster.url,
                 "--spark-stage", str(stage), env=env)
    assert done.returncode == 0, done.stderr[-4000:] + "\n" + cluster.logs()
    # the work really ran on the cluster: the master granted this application an executor on the worker
    assert "Registering app kansa" in cluster.master_log.read_text(errors="replace"), cluster.logs()
    assert "Asked to launch executor" in cluster.worker_log.read_text(errors="replace"), cluster.logs()
    assert list(stage.iterdir()) == []  # the staged Parquet is removed after the scan
    duck, spark = tmp_path / "duck", tmp_path / "spark"
    flags_duck = pq.read_table(duck / "flags.parquet")
    assert flags_duck.num_rows > 0
    assert _comparable(pq.read_table(spark / "flags.parquet")) == _comparable(flags_duck)
    kpis = [json.loads((d / "kpis.json").read_text(encoding="utf-8")) for d in (duck, spark)]
    assert kpis[0][-1]["investment_trust"]["customers"] > 0
    assert normalised(kpis[1]) == normalised(kpis[0])
    summaries = [(d / "complaints_summary.csv").read_text(encoding="utf-8-sig") for d in (duck, spark)]
    assert summaries[0].count("\n") > 1 and summaries[1] == summaries[0]
    assert (spark / "cases.csv").read_bytes() == (duck / "cases.csv").read_bytes()

