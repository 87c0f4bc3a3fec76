"""The conduct scan: rules, KPIs, complaints and the report for one institution at one evaluation date."""

from __future__ import annotations

import resource
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import duckdb
import pyarrow as pa

from kansa.conduct.complaints import branch_rates, by_category, complaints_summary, yearly_trend
from kansa.conduct.indicators import monitoring_for_dates
from kansa.conduct.kpis import compute_kpis, evaluation_dates
from kansa.contract.schema import tables_of
from kansa.engine import DuckDBEngine, load_catalog, load_params
from kansa.engine.base import BaseEngine
from kansa.engine.connection import SqlConnection, has_table
from kansa.engine.flags import empty_flags
from kansa.engine.params import RuleParams, check_params
from kansa.engine.spark_stage import spark_backend
from kansa.engine.spec import RuleSpec
from kansa.i18n import Lang
from kansa.messages import UsageError
from kansa.progress import NULL_REPORTER, Reporter

EngineName = Literal["duckdb", "spark"]
# the tables whose date decides what a rule's scope and period are
DATE_COLUMNS = {"trades": "trade_date", "complaints": "received_date", "positions": "as_of_date"}
# every table a conduct scan reads (rules, KPIs, complaints): what Spark is handed
CONDUCT_TABLES: tuple[str, ...] = tuple(tables_of("conduct"))
OUTPUTS: tuple[str, ...] = (
    "cases.csv", "coverage.csv",
    "flags.csv", "flags.parquet", "kpis.json", "complaints_summary.csv", "report.html", "report.pdf", "report.xlsx",
)


@dataclass
class ScanResult:
    """What a scan produced: the evaluation date, flags, KPIs, complaint figures, files and timings."""

    as_of: date
    out_dir: Path
    flags: pa.Table
    kpis: list[dict[str, Any]]
    complaints: dict[str, Any]
    coverage: pa.Table | None = None       # one row per rule: evaluated or not, and why (kansa.engine.coverage)
    cases: pa.Table | None = None          # the review queue (kansa.conduct.cases)
    files: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


@contextmanager
def timed(timings: dict[str, float], name: str) -> Iterator[None]:
    """Record how long a step took and the process's peak memory after it (the benchmark shows both)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - start
        # ru_maxrss is in KB on Linux; the peak so far tells which step raised it
        timings[f"peak_mb:{name}"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_rules(
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: date,
    params: RuleParams | Path | None = None,
    engine: EngineName = "duckdb",
    lang: Lang = "ja",
    reporter: Reporter = NULL_REPORTER,
    timings: dict[str, float] | None = None,
    runner: BaseEngine | None = None,
) -> tuple[pa.Table, list[RuleSpec], RuleParams]:
    """Run the conduct catalog (on `runner` when given); returns flags, the rule specs and the parameters used."""

    rules = load_catalog("conduct")
    used = load_params(params, rules) if isinstance(params, Path) else check_params(params or {}, rules)
    if engine not in ("duckdb", "spark"):
        raise UsageError("engine_unknown", value=engine)
    with ExitStack() as stack:
        if runner is None:
            runner = (DuckDBEngine(con) if engine == "duckdb"
                      else stack.enter_context(spark_backend(con, CONDUCT_TABLES))[0])
        # One rule at a time (the engine's run over one spec), so that the time of each rule is known:
        # the benchmark names the slow ones.
        task = reporter.task("progress_rules", total=len(rules))
        parts = []
        for spec in sorted(rules, key=lambda r: r.id):
            with timed(timings if timings is not None else {}, f"rule:{spec.id}"):
                parts.append(runner.run([spec], as_of=as_of, params=used, lang=lang))
            task.advance(item=spec.id)
        task.done()
    flags = pa.concat_tables(parts) if parts else empty_flags()
    return flags, rules, used


def compute_conduct_kpis(con: SqlConnection, as_of: date) -> list[dict[str, Any]]:
    """The FSA common KPIs at every evaluation date up to `as_of` (one pass over trades for every date)."""
    dates = evaluation_dates(con, up_to=as_of) or [as_of]
    monitoring = monitoring_for_dates(con, dates)
    return compute_kpis(con, dates, extra=monitoring.__getitem__)


def compute_complaints(con: SqlConnection) -> dict[str, Any]:
    """Complaint figures for the outputs and the report (empty when there is no complaints table)."""
    if not has_table(con, "complaints"):
        return {"summary": [], "by_category": [], "branch_rates": [], "trend": []}
    rates = branch_rates(con) if con.execute("SELECT count(*) FROM complaints").fetchall()[0][0] else []
    return {
        "summary": complaints_summary(con),
        "by_category": by_category(con),
        "branch_rates": rates,
        "trend": yearly_trend(rates),
    }


