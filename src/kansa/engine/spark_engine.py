"""The Spark engine (extra `kansa[spark]`): the same specs, transpiled by SQLGlot, over the same Parquet."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import sqlglot
from sqlglot import exp

from kansa.engine.base import ORDER_BY, BaseEngine
from kansa.engine.finish import finish_sql
from kansa.engine.spec import RuleSpec
from kansa.i18n import Lang
from kansa.messages import ConfigError


class SparkUnavailable(ConfigError, RuntimeError):
    """pyspark (the optional extra) is not installed."""


def _pyspark() -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # optional extra
        raise SparkUnavailable("spark_missing") from exc
    return SparkSession


def driver_memory(data_bytes: int) -> str:
    """Driver heap for `data_bytes` of Parquet: 1 GB plus 8 times the data, at most 8 GB or a quarter of RAM.

    In local mode the driver is also the executor: a 1 GB heap left about 400 MB for the joins and
    aggregates of 10M trades (about 400 MB of Parquet, several times that decoded), which then spill.
    """
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not POSIX: keep to the cap
        ram = 32 * 2**30
    want = 2**30 + 8 * data_bytes
    cap = min(8 * 2**30, ram // 4)
    return f"{max(1, min(want, cap) // 2**30)}g"


def local_session(
    cores: int = 2, *, small: bool = False, master: str | None = None, memory: str = "1g"
) -> Any:
    """A SparkSession: local[cores] unless `master` (e.g. spark://host:7077) says otherwise; UTC, no UI.

    Under spark-submit the cluster's own master and memory settings stand: nothing here overrides them.
    `small` tunes the session for tiny tables; `memory` is the driver heap (see `driver_memory`).
    """
    session_cls = _pyspark()
    builder = session_cls.builder
    if small:
        # on tables of a few rows, re-planning stages at run time costs more than it saves
        builder = builder.config("spark.sql.adaptive.enabled", "false")
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ  # set by spark-submit for the Python driver
    if master:
        builder = builder.master(master)
    elif not submitted:
        builder = builder.master(f"local[{cores}]")
    if not submitted:
        builder = builder.config("spark.sql.shuffle.partitions", str(cores)).config("spark.driver.memory", memory)
    return (
        builder.appName("kansa")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        # naive timestamps are Tokyo wall time: a UTC session leaves them unshifted
        .config("spark.sql.session.timeZone", "UTC")
        # Arrow for any pandas hand-over; Arrow tables (flags out, derived tables in) use Arrow regardless
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )


def _naive_timestamps(table: pa.Table) -> pa.Table:
    """Spark hands timestamps back with a UTC zone; make them naive wall times as DuckDB gives them."""
    fields = []
    for f in table.schema:
        if pa.types.is_timestamp(f.type) and f.type.tz is not None:
            fields.append(pa.field(f.name, pa.timestamp("us")))
        else:
            fields.append(f)
    schema = pa.schema(fields)
    return table if schema == table.schema else table.cast(schema)


_VIEW_IDS = itertools.count()


def _shared_ctes(tree: exp.Query) -> list[str]:
    """The top-level CTEs read more than once, in definition order (those Spark would compute once per read).

    A name that a nested WITH defines again is left alone: renaming its readers would cross scopes.
    """
    top = list(tree.ctes)
    top_ids = {id(c) for c in top}
    nested = {c.alias for c in tree.find_all(exp.CTE) if id(c) not in top_ids}
    reads: dict[str, int] = {}
    for table in tree.find_all(exp.Table):
        if not table.args.get("db"):
            reads[table.name] = reads.get(table.name, 0) + 1
    return [c.alias for c in top if reads.get(c.alias, 0) > 1 and c.alias not in nested]


def _rename_reads(node: exp.Expr, views: dict[str, str]) -> None:
    """Point every read of a materialised CTE at its view, keeping the name the query uses as the alias."""
    for table in list(node.find_all(exp.Table)):
        if not table.args.get("db") and table.name in views:
            alias = table.alias or table.name
            table.replace(exp.to_table(views[table.name]).as_(alias))


@contextmanager
def materialized_ctes(spark: Any, sql: str) -> Iterator[str]:
    """`sql` with each CTE it reads more than once computed first, cached, and read from a temp view.

    Spark inlines a CTE at every read: branch_sales_spike's `monthly` (read by `history`, itself read twice,
    and by `mad`, read three times) scanned and aggregated the trades 16 times per run. DuckDB materialises
    such CTEs; this does the same on Spark. The result is the same relation, so the flags are unchanged.
    """
    tree = sqlglot.parse_one(sql, read="spark")
    shared = _shared_ctes(tree) if isinstance(tree, exp.Query) else []
    if not isinstance(tree, exp.Query) or not shared:
        yield sql
        return
    views: dict[str, str] = {}
    frames: list[Any] = []
    try:
        inline: list[exp.CTE] = []
        for cte in list(tree.ctes):
            if cte.alias not in shared:
                inline.append(cte)
                continue
            body = cte.this.copy()
            _rename_reads(body, views)
            if inline:  # the earlier CTEs it may read (Spark drops the ones it does not)
                body.set("with_", exp.With(expressions=[c.copy() for c in inline]))
                _rename_reads(body.args["with_"], views)
            view = f"_kansa_cte_{next(_VIEW_IDS)}_{cte.alias}"
            frame = spark.sql(body.sql(dialect="spark")).cache()
            frame.count()  # computed now, once: two readers in one job would otherwise both build the cache
            frame.createOrReplaceTempView(view)
            views[cte.alias] = view
            frames.append(frame)
        for cte in list(tree.ctes):
            if cte.alias in views:
                cte.pop()
        if not tree.ctes:
            tree.set("with_", None)
        _rename_reads(tree, views)
        yield tree.sql(dialect="spark")
    finally:
        for view in views.values():
            spark.catalog.dropTempView(view)
        for frame in frames:
            frame.unpersist()


class SparkEngine(BaseEngine):
    """Runs rules on Spark SQL over temp views; reason and evidence are built exactly as on DuckDB."""

    dialect = "spark"

    def __init__(self, spark: Any) -> None:
        self.spark = spark
        self._finisher = duckdb.connect()

    @classmethod
    def from_parquet(cls, folder: Path, spark: Any = None, *, master: str | None = None) -> SparkEngine:
        """Register every `<folder>/<table>.parquet` as a view named after the table (read by Spark, not Python)."""
        paths = sorted(Path(folder).glob("*.parquet"))
        if spark is None:
            spark = local_session(master=master, memory=driver_memory(sum(p.stat().st_size for p in paths)))
        engine = cls(spark)
        for path in paths:
            engine.spark.read.parquet(str(path)).createOrReplaceTempView(path.stem)
        return engine

    def register(self, name: str, table: pa.Table) -> None:
        """Add a derived table that rules may read under `name`."""
        self.spark.createDataFrame(table).createOrReplaceTempView(name)

    def _run_one(self, spec: RuleSpec, sql: str, lang: Lang) -> pa.Table:
        with materialized_ctes(self.spark, sql) as query:
            raw = _naive_timestamps(self.spark.sql(query).toArrow())
        self._finisher.register("r", raw)
        try:
            return self._finisher.sql(finish_sql(spec, "r", raw.column_names, lang) + " " + ORDER_BY).to_arrow_table()
        finally:
            self._finisher.unregister("r")
