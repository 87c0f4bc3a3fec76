"""One connection shape for analytics SQL on DuckDB or Spark: `execute(duckdb_sql, params).fetchall()`.

KPIs and complaint figures are written once, in DuckDB SQL with `$name` parameters. On DuckDB they run
as written; on Spark the same text is bound to typed literals and transpiled by SQLGlot (as the rules are),
so both engines compute the figures from one definition.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

import pyarrow as pa
import sqlglot

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)\b")


class Result(Protocol):
    """What `execute` returns: rows as tuples."""

    def fetchall(self) -> list[Any]:
        """Every row."""
        ...  # pragma: no cover - protocol


class SqlConnection(Protocol):
    """The part of a DuckDB connection the analytics use; SparkConnection offers the same."""

    def execute(self, query: str, parameters: Any = None) -> Any:
        """Run one statement with `$name` parameters (a mapping)."""
        ...  # pragma: no cover - protocol

    def register(self, view_name: str, python_object: Any) -> Any:
        """Expose an Arrow table under a name."""
        ...  # pragma: no cover - protocol

    def unregister(self, view_name: str) -> Any:
        """Drop a registered name."""
        ...  # pragma: no cover - protocol


def sql_literal(value: Any) -> str:
    """A DuckDB SQL literal for a parameter value (dates typed, text quoted, lists as list literals)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"CAST({value!r} AS DOUBLE)"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, Sequence):
        return "[" + ", ".join(sql_literal(v) for v in value) + "]"
    raise TypeError(f"no SQL literal for {type(value).__name__}")


def bind(sql: str, params: Mapping[str, Any] | None) -> str:
    """`sql` with every `$name` replaced by the literal of params[name] (names come from our code, not users)."""
    values = dict(params or {})

    def literal(match: re.Match[str]) -> str:
        return sql_literal(values[match.group(1)])

    return _PARAM.sub(literal, sql)


def to_spark(sql: str, params: Mapping[str, Any] | None = None) -> str:
    """DuckDB SQL with `$name` parameters as Spark SQL (SQLGlot transpiles; parameters become literals)."""
    return sqlglot.transpile(bind(sql, params), read="duckdb", write="spark")[0]


def _plain(value: Any) -> Any:
    """Spark's DECIMAL results as floats, as DuckDB's DOUBLE arithmetic gives them."""
    return float(value) if isinstance(value, Decimal) else value


class _Rows:
    """A fetched Spark result."""

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self._rows = rows

    def fetchall(self) -> list[tuple[Any, ...]]:
        """Every row as a tuple."""
        return self._rows


class SparkConnection:
    """A DuckDB-connection look-alike over a SparkSession for the analytics (KPIs, complaints)."""

    def __init__(self, spark: Any) -> None:
        self.spark = spark

    def execute(self, query: str, parameters: Mapping[str, Any] | None = None) -> _Rows:
        """Transpile and run one statement; rows come back as tuples of Python values."""
        frame = self.spark.sql(to_spark(query, parameters))
        if not frame.columns:  # a statement (CREATE VIEW): nothing to collect
            return _Rows([])
        return _Rows([tuple(_plain(v) for v in row) for row in frame.collect()])

    def register(self, view_name: str, python_object: pa.Table) -> None:
        """Expose an Arrow table as a temp view."""
        self.spark.createDataFrame(python_object).createOrReplaceTempView(view_name)

    def unregister(self, view_name: str) -> None:
        """Drop a temp view."""
        self.spark.catalog.dropTempView(view_name)

    def has_table(self, name: str) -> bool:
        """Whether a table or view `name` exists."""
        return bool(self.spark.catalog.tableExists(name))

    def columns(self, table: str) -> list[str]:
        """The column names of `table`."""
        return list(self.spark.table(table).columns)


def has_table(con: SqlConnection, name: str) -> bool:
    """Whether `con` has a table or view called `name` (DuckDB or Spark)."""
    if isinstance(con, SparkConnection):
        return con.has_table(name)
    row = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = $name",
                      {"name": name}).fetchall()[0]
    return bool(row and row[0])


def has_column(con: SqlConnection, table: str, column: str) -> bool:
    """Whether `table` has `column` (tables made by hand in tests may lack optional ones)."""
    if isinstance(con, SparkConnection):
        return con.has_table(table) and column in con.columns(table)
    return bool(con.execute(
        "SELECT count(*) FROM information_schema.columns WHERE table_name = $t AND column_name = $c",
        {"t": table, "c": column}).fetchall()[0][0])
