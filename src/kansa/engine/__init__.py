"""Rule engine: rule specs, their loader and linter, portable macros, DuckDB and Spark engines."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kansa.engine.base import RuleError, default_as_of
from kansa.engine.compile import compile_rule
from kansa.engine.duckdb_engine import DuckDBEngine
from kansa.engine.lint import LintIssue, lint_file, lint_spec, lint_sql
from kansa.engine.loader import load_catalog, load_params, load_spec, resolve_params
from kansa.engine.spec import ParamSpec, RuleSpec, SpecError

if TYPE_CHECKING:
    from kansa.engine.spark_engine import SparkEngine

__all__ = [
    "DuckDBEngine", "LintIssue", "ParamSpec", "RuleError", "RuleSpec", "SparkEngine", "SpecError", "compile_rule",
    "default_as_of", "lint_file", "lint_spec", "lint_sql", "load_catalog", "load_params", "load_spec",
    "resolve_params",
]


def __getattr__(name: str) -> Any:
    # pyspark is an optional extra: import the Spark engine only when someone asks for it.
    if name == "SparkEngine":
        from kansa.engine.spark_engine import SparkEngine

        return SparkEngine
    raise AttributeError(name)
