"""Hand a DuckDB connection's tables to Spark: validated tables staged as Parquet, read by a SparkEngine."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from kansa.engine.connection import SparkConnection, has_table
from kansa.engine.spark_engine import SparkEngine


@contextmanager
def spark_backend(
    con: duckdb.DuckDBPyConnection, tables: Iterable[str], *, master: str | None = None, stage: Path | None = None
) -> Iterator[tuple[SparkEngine, SparkConnection]]:
    """A SparkEngine (rules) and SparkConnection (KPIs, complaints) over Parquet copies of `tables`.

    The copies are of the tables the DuckDB run would read (validated, typed, ids normalised), so both
    engines see the same data. On a cluster `stage` must be storage every executor reads at the same path.
    """
    if stage is not None:
        stage.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kansa-spark-", dir=stage) as tmp:
        folder = Path(tmp)
        for name in sorted(set(tables)):
            if has_table(con, name):
                target = str(folder / f"{name}.parquet").replace("'", "''")
                con.execute(f'COPY (SELECT * FROM "{name}") TO \'{target}\' (FORMAT parquet)')
        engine = SparkEngine.from_parquet(folder, master=master)
        try:
            yield engine, SparkConnection(engine.spark)
        finally:
            for name in engine.spark.catalog.listTables():
                if name.isTemporary:
                    engine.spark.catalog.dropTempView(name.name)
