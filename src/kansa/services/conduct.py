"""The conduct pillar through the one door: run rules, KPIs and complaints; write outputs as a separate step."""

from __future__ import annotations

import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kansa.conduct.cases import build_cases, write_cases
from kansa.conduct.complaints import write_summary_csv
from kansa.conduct.kpis import write_kpis
from kansa.conduct.scan import (
    CONDUCT_TABLES,
    DATE_COLUMNS,
    EngineName,
    ScanResult,
    compute_complaints,
    compute_conduct_kpis,
    run_rules,
    timed,
)
from kansa.engine import DuckDBEngine, RuleParams, RuleSpec
from kansa.engine.base import BaseEngine
from kansa.engine.connection import SqlConnection
from kansa.engine.coverage import coverage_table, write_coverage
from kansa.engine.flags import write_flags
from kansa.engine.spark_stage import spark_backend
from kansa.i18n import Lang
from kansa.messages import UsageError
from kansa.outputs import relocate, staged_folder
from kansa.progress import NULL_REPORTER, Reporter
from kansa.safepath import check_output
from kansa.services.dates import conduct_as_of
from kansa.services.source import Source, open_source

FORMATS: tuple[str, ...] = ("csv", "parquet", "html", "pdf", "xlsx")


@dataclass(frozen=True)
class SparkOptions:
    """Where a Spark scan runs: the master URL (None: local, or spark-submit's) and the Parquet staging folder."""

    master: str | None = None
    stage: Path | None = None  # on a cluster: shared storage every executor reads at the same path


@dataclass
class ConductRun:
    """A finished conduct evaluation in memory: the scan result, the rules and parameters, and its source."""

    result: ScanResult
    rules: list[RuleSpec]
    params: RuleParams
    source: Source
    engine: EngineName = "duckdb"
    timings: dict[str, float] = field(default_factory=dict)


def check_formats(formats: Sequence[str]) -> tuple[str, ...]:
    """The requested output formats, refused by name when one is unknown."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UsageError("format_unknown", value=",".join(unknown), allowed=",".join(FORMATS))
    return tuple(formats)


def run_conduct(
    source: Source,
    *,
    as_of: date | None = None,
    params: RuleParams | Path | None = None,
    engine: EngineName = "duckdb",
    lang: Lang = "ja",
    reporter: Reporter = NULL_REPORTER,
    spark: SparkOptions | None = None,
) -> ConductRun:
    """Evaluate the conduct catalog, KPIs and complaints at the evaluation date (given or the positions' own).

    With `engine="spark"` the rules, KPIs and complaint figures all run on Spark (`spark` says where);
    coverage and cases, derived from the flags, are built on DuckDB as for every engine.
    """
    timings: dict[str, float] = {}
    con = source.con
    when = conduct_as_of(con, as_of)
    if engine not in ("duckdb", "spark"):
        raise UsageError("engine_unknown", value=engine)
    with ExitStack() as stack:
        runner: BaseEngine = DuckDBEngine(con)
        analytics: SqlConnection = con
        if engine == "spark":
            opts = spark or SparkOptions()
            with timed(timings, "spark_stage"):
                runner, analytics = stack.enter_context(
                    spark_backend(con, CONDUCT_TABLES, master=opts.master, stage=opts.stage))
        with timed(timings, "rules"):
            flags, rules, used = run_rules(con, as_of=when, params=params, engine=engine, lang=lang,
                                           reporter=reporter, timings=timings, runner=runner)
        with timed(timings, "kpis"):
            kpis = compute_conduct_kpis(analytics, when)
        with timed(timings, "complaints"):
            complaints = compute_complaints(analytics)
    with timed(timings, "coverage"):
        coverage = coverage_table(con, rules, as_of=when, date_columns=DATE_COLUMNS, present=source.supplied_tables(),
                                  params=used)
    with timed(timings, "cases"):
        cases, flags = build_cases(con, flags, when)
    result = ScanResult(as_of=when, out_dir=Path(), flags=flags, kpis=kpis, complaints=complaints,
                        coverage=coverage, cases=cases, timings=timings)
    return ConductRun(result, rules, used, source, engine, timings)


def write_conduct_outputs(
    run: ConductRun, out: Path, *, formats: Sequence[str] = FORMATS, lang: Lang = "ja", top_n: int = 20
) -> dict[str, Path]:
    """Write the outputs into a stage beside `out`, moved into place once all are written (complete or absent)."""
    check_formats(formats)
    with staged_folder(out) as stage:
        _write_conduct_outputs_into(run, stage, formats=formats, lang=lang, top_n=top_n)
    files = relocate(run.result.files, stage, out)
    run.result.files.clear()
    run.result.files.update(files)
    run.result.out_dir = out
    return run.result.files


def _write_conduct_outputs_into(
    run: ConductRun, out: Path, *, formats: Sequence[str] = FORMATS, lang: Lang = "ja", top_n: int = 20
) -> dict[str, Path]:
    """Write flags, kpis.json and complaints_summary.csv (always) and the chosen formats into `out`."""

    chosen = check_formats(formats)
    out.mkdir(parents=True, exist_ok=True)
    result = run.result
    result.out_dir = out
    files = result.files
    files.update(write_flags(result.flags, out, chosen))
    if result.cases is not None:
        files["cases.csv"] = write_cases(result.cases, out / "cases.csv")
    if result.coverage is not None:
        files["coverage.csv"] = write_coverage(result.coverage, out / "coverage.csv")
    files["kpis.json"] = write_kpis(result.kpis, out / "kpis.json")
    files["complaints_summary.csv"] = write_summary_csv(result.complaints["summary"], out / "complaints_summary.csv")
    reports = tuple(f for f in chosen if f in ("html", "pdf", "xlsx"))
    if reports:
        from kansa.conduct.report import write_reports  # HTML, PDF, Excel: only when asked for

        with timed(run.timings, "report"):
            files.update(write_reports(run.source.con, result, rules=run.rules, params=run.params, lang=lang,
                                       top_n=top_n, source=run.source.origin, engine=run.engine, formats=reports))
    return files


def run_conduct_scan(
    data_dir: Path | None = None,
    workspace: Path | None = None,
    *,
    out: Path,
    as_of: date | None = None,
    params_file: Path | None = None,
    engine: EngineName = "duckdb",
    lang: Lang = "ja",
    reporter: Reporter = NULL_REPORTER,
    report: bool | Sequence[str] = True,
    formats: Sequence[str] | None = None,
    top_n: int = 20,
    memory_limit: str | None = None,
    temp_directory: Path | None = None,
    spark: SparkOptions | None = None,
) -> ScanResult:
    """`kansa conduct scan` in one call: open, evaluate, write. `report=False` writes no HTML/PDF/Excel."""
    timings: dict[str, float] = {}
    check_output(out, [p for p in (data_dir, workspace, params_file) if p is not None], folder=True)
    start = time.perf_counter()
    source = open_source(data_dir, workspace, domain="conduct", lang=lang, reporter=reporter,
                         memory_limit=memory_limit, temp_directory=temp_directory)
    timings["open"] = time.perf_counter() - start
    try:
        run = run_conduct(source, as_of=as_of, params=params_file, engine=engine, lang=lang, reporter=reporter,
                          spark=spark)
        run.timings.update(timings)
        if formats is None:
            reports: tuple[str, ...] = (("html", "pdf", "xlsx") if report is True
                                        else () if report is False else tuple(report))
            formats = ("csv", "parquet", *reports)
        write_conduct_outputs(run, out, formats=formats, lang=lang, top_n=top_n)
        return run.result
    finally:
        source.close()
