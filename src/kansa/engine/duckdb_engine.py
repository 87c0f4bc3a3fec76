"""The DuckDB engine: runs rule specs in-process on a DuckDB connection (the default)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from kansa.engine.base import ORDER_BY, BaseEngine
from kansa.engine.finish import finish_sql
from kansa.engine.spec import RuleSpec
from kansa.i18n import Lang


class DuckDBEngine(BaseEngine):
    """Runs rules on `con`, which holds one table (or view) per contract table."""

    dialect = "duckdb"

    def __init__(self, con: Any) -> None:
        self.con = con
        self._registered: dict[str, pa.Table] = {}

    def register(self, name: str, table: pa.Table) -> None:
        """Add a derived table that rules may read under `name` (kept alive for the engine's life)."""
        self._registered[name] = table
        self.con.register(name, table)

    def _run_one(self, spec: RuleSpec, sql: str, lang: Lang) -> pa.Table:
        columns = list(self.con.sql(sql).columns)  # binds the query without running it
        query = finish_sql(spec, f"({sql}) AS r", columns, lang) + " " + ORDER_BY
        return self.con.sql(query).to_arrow_table()
