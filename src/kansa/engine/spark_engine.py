"""The Spark engine (extra `kansa[spark]`): the same specs, transpiled by SQLGlot, over the same Parquet."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

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


def local_session(cores: int = 2, *, small: bool = False, master: str | None = None) -> Any:
    """A SparkSession: local[cores] unless `master` (e.g. spark://host:7077) says otherwise; UTC, no UI.

    Under spark-submit the cluster's own master and memory settings stand: nothing here overrides them.
    `small` tunes the session for tiny tables.
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
        builder = builder.config("spark.sql.shuffle.partitions", str(cores)).config("spark.driver.memory", "1g")
    return (
        builder.appName("kansa")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        # naive timestamps are Tokyo wall time: a UTC session leaves them unshifted
        .config("spark.sql.session.timeZone", "UTC")
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


class SparkEngine(BaseEngine):
    """Runs rules on Spark SQL over temp views; reason and evidence are built exactly as on DuckDB."""

    dialect = "spark"

    def __init__(self, spark: Any) -> None:
        self.spark = spark
        self._finisher = duckdb.connect()

    @classmethod
    def from_parquet(cls, folder: Path, spark: Any = None, *, master: str | None = None) -> SparkEngine:
        """Register every `<folder>/<table>.parquet` as a view named after the table."""
        engine = cls(spark if spark is not None else local_session(master=master))
        for path in sorted(Path(folder).glob("*.parquet")):
            engine.spark.read.parquet(str(path)).createOrReplaceTempView(path.stem)
        return engine

    def register(self, name: str, table: pa.Table) -> None:
        """Add a derived table that rules may read under `name`."""
        self.spark.createDataFrame(table).createOrReplaceTempView(name)

    def _run_one(self, spec: RuleSpec, sql: str, lang: Lang) -> pa.Table:
        raw = _naive_timestamps(self.spark.sql(sql).toArrow())
        self._finisher.register("r", raw)
        try:
            return self._finisher.sql(finish_sql(spec, "r", raw.column_names, lang) + " " + ORDER_BY).to_arrow_table()
        finally:
            self._finisher.unregister("r")
