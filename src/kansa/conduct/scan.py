"""The conduct scan: rules, KPIs, complaints and the report for one institution at one evaluation date."""

from __future__ import annotations

import resource
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import duckdb
import pyarrow as pa
from rich.progress import Progress

from kansa.conduct.complaints import branch_rates, by_category, complaints_summary, write_summary_csv, yearly_trend
from kansa.conduct.indicators import monitoring_for_dates
from kansa.conduct.kpis import compute_kpis, evaluation_dates, write_kpis
from kansa.engine.flags import empty_flags, write_flags
from kansa.i18n import Lang

EngineName = Literal["duckdb", "spark"]
OUTPUTS: tuple[str, ...] = (
    "flags.csv", "flags.parquet", "kpis.json", "complaints_summary.csv", "report.html", "report.pdf", "report.xlsx",
)


class ScanError(RuntimeError):
    """A scan that cannot run (no data, no evaluation date, bad parameters); the message is ja / en."""


@dataclass
class ScanResult:
    """What a scan produced: the evaluation date, flags, KPIs, complaint figures, files and timings."""

    as_of: date
    out_dir: Path
    flags: pa.Table
    kpis: list[dict[str, Any]]
    complaints: dict[str, Any]
    files: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


@contextmanager
def _timed(timings: dict[str, float], name: str) -> Iterator[None]:
    """Record how long a step took and the process's peak memory after it (the benchmark shows both)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - start
        # ru_maxrss is in KB on Linux; the peak so far tells which step raised it
        timings[f"peak_mb:{name}"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _sql_text(value: str) -> str:
    """A value for a single-quoted SQL literal."""
    return value.replace("'", "''")


def _table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the connection has a table or view called `name`."""
    row = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchall()[0]
    return bool(row and row[0])


def open_connection(data_dir: Path | None, workspace: Path | None, lang: Lang) -> duckdb.DuckDBPyConnection:
    """The DuckDB connection for `DATA_DIR | --workspace WS` (validated; LoadFailed on bad data)."""
    if (data_dir is None) == (workspace is None):
        raise ScanError("データフォルダか --workspace のどちらか一方を指定してください / "
                        "give either a data folder or --workspace, not both or neither")
    from kansa.contract.load import LoadFailed, load_directory
    from kansa.workspace import memory_connection, open_source

    if workspace is not None:
        return open_source(workspace=workspace, lang=lang)
    assert data_dir is not None
    # Loaded here rather than through open_source so that the report can name the files and their SHA-256.
    result = load_directory(data_dir, lang=lang, domain="conduct")
    if not result.ok:
        raise LoadFailed(result.issues)
    con = memory_connection(result)
    manifest = pa.table({
        "table_name": [f.table for f in result.files], "path": [str(f.path) for f in result.files],
        "sha256": [f.sha256 for f in result.files], "size_bytes": [f.size for f in result.files],
        "row_count": [f.rows for f in result.files], "encoding": [f.encoding for f in result.files],
        "loaded_at": [f.loaded_at for f in result.files],
    })
    con.register("_manifest_in", manifest)
    con.execute("CREATE TABLE _load_manifest AS SELECT * FROM _manifest_in")
    con.unregister("_manifest_in")
    return con


def resolve_as_of(con: duckdb.DuckDBPyConnection, as_of: date | None) -> date:
    """The evaluation date: `as_of` when given, else the latest positions as_of_date."""
    if as_of is not None:
        return as_of
    if _table_exists(con, "positions"):
        row = con.execute("SELECT max(as_of_date) FROM positions").fetchall()[0]
        if row and row[0] is not None:
            return row[0]
    raise ScanError("評価基準日を決められません（positions が空です）。--as-of で指定してください / "
                    "no evaluation date: positions is empty; give --as-of")


def _spark_engine(con: duckdb.DuckDBPyConnection, tables: list[str], workdir: Path) -> Any:
    """A SparkEngine over Parquet copies of the connection's tables (the same data the DuckDB run sees)."""
    from kansa.engine import SparkEngine

    for name in tables:
        if _table_exists(con, name):
            con.execute(f"COPY (SELECT * FROM {name}) TO '{workdir / (name + '.parquet')}' (FORMAT parquet)")
    return SparkEngine.from_parquet(workdir)


def run_rules(
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: date,
    params_file: Path | None = None,
    engine: EngineName = "duckdb",
    lang: Lang = "ja",
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
) -> tuple[pa.Table, list[Any], dict[str, dict[str, Any]]]:
    """Run the conduct catalog; returns flags, the rule specs and the parameter overrides used."""
    from kansa.engine import DuckDBEngine, load_catalog, load_params

    rules = load_catalog("conduct")
    params = load_params(params_file, rules) if params_file is not None else {}
    if engine not in ("duckdb", "spark"):
        raise ScanError(f"--engine は duckdb か spark です / --engine must be duckdb or spark, not {engine!r}")
    with tempfile.TemporaryDirectory(prefix="kansa-spark-") as tmp:
        runner = (DuckDBEngine(con) if engine == "duckdb"
                  else _spark_engine(con, sorted({t for r in rules for t in r.tables}), Path(tmp)))
        # One rule at a time (the engine's run over one spec), so that the time of each rule is known:
        # the benchmark names the slow ones.
        task = progress.add_task("ルール / rules", total=len(rules)) if progress is not None else None
        parts = []
        for spec in sorted(rules, key=lambda r: r.id):
            if progress is not None and task is not None:
                progress.update(task, description=spec.id)
            with _timed(timings if timings is not None else {}, f"rule:{spec.id}"):
                parts.append(runner.run([spec], as_of=as_of, params=params, lang=lang))
            if progress is not None and task is not None:
                progress.advance(task)
    flags = pa.concat_tables(parts) if parts else empty_flags()
    return flags, rules, params


def compute_complaints(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Complaint figures for the outputs and the report (empty when there is no complaints table)."""
    if not _table_exists(con, "complaints"):
        return {"summary": [], "by_category": [], "branch_rates": [], "trend": []}
    rates = branch_rates(con) if con.execute("SELECT count(*) FROM complaints").fetchall()[0][0] else []
    return {
        "summary": complaints_summary(con),
        "by_category": by_category(con),
        "branch_rates": rates,
        "trend": yearly_trend(rates),
    }


def run_conduct_scan(
    data_dir: Path | None = None,
    workspace: Path | None = None,
    *,
    out: Path,
    as_of: date | None = None,
    params_file: Path | None = None,
    engine: EngineName = "duckdb",
    lang: Lang = "ja",
    con: duckdb.DuckDBPyConnection | None = None,
    progress: Progress | None = None,
    report: bool | Sequence[str] = True,
    top_n: int = 20,
    memory_limit: str | None = None,
    temp_directory: Path | None = None,
) -> ScanResult:
    """Run the whole conduct scan and write flags, KPIs, complaints summary and the report into `out`.

    Give `data_dir` (validated and loaded in memory) or `workspace` (a loaded workspace), or an open
    `con` holding the contract tables. `report=False` skips the HTML/PDF/Excel report (the benchmark);
    a list such as ("html", "xlsx") writes only those.
    `memory_limit` (e.g. "2GB") and `temp_directory` bound DuckDB's memory: beyond it, it spills to disk.
    """
    timings: dict[str, float] = {}
    with _timed(timings, "open"):
        con = con if con is not None else open_connection(data_dir, workspace, lang)
        if memory_limit:
            con.execute(f"SET memory_limit = '{_sql_text(memory_limit)}'")
        if temp_directory is not None:
            con.execute(f"SET temp_directory = '{_sql_text(str(temp_directory))}'")
        as_of = resolve_as_of(con, as_of)
    with _timed(timings, "rules"):
        flags, rules, params = run_rules(con, as_of=as_of, params_file=params_file, engine=engine, lang=lang,
                                         progress=progress, timings=timings)
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    files["flags.csv"], files["flags.parquet"] = write_flags(flags, out)
    with _timed(timings, "kpis"):
        dates = evaluation_dates(con, up_to=as_of) or [as_of]
        monitoring = monitoring_for_dates(con, dates)  # one pass over trades for every date
        kpis = compute_kpis(con, dates, extra=monitoring.__getitem__)
        files["kpis.json"] = write_kpis(kpis, out / "kpis.json")
    with _timed(timings, "complaints"):
        complaints = compute_complaints(con)
        files["complaints_summary.csv"] = write_summary_csv(complaints["summary"], out / "complaints_summary.csv")
    result = ScanResult(as_of=as_of, out_dir=out, flags=flags, kpis=kpis, complaints=complaints,
                        files=files, timings=timings)
    if report:
        from kansa.conduct.report import write_reports

        with _timed(timings, "report"):
            formats = ("html", "pdf", "xlsx") if report is True else tuple(report)
            files.update(write_reports(con, result, rules=rules, params=params, lang=lang, top_n=top_n,
                                       source=workspace or data_dir, engine=engine, formats=formats))
    return result
