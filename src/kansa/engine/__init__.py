"""Rule engine: rule catalogs and specs, their loader and linter, portable macros, DuckDB and Spark engines."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kansa.engine.base import RuleError
from kansa.engine.catalog import Area, Catalog, catalog, catalogs, domains
from kansa.engine.compile import compile_rule
from kansa.engine.duckdb_engine import DuckDBEngine
from kansa.engine.lint import LintIssue, lint_spec, lint_sql
from kansa.engine.loader import all_rules, lint_file, load_catalog, load_spec
from kansa.engine.params import RuleParams, check_params, load_params, resolve_params
from kansa.engine.spec import ParamSpec, RuleSpec, SpecError

if TYPE_CHECKING:
    from kansa.engine.spark_engine import SparkEngine

__all__ = [
    "Area", "Catalog", "DuckDBEngine", "LintIssue", "ParamSpec", "RuleError", "RuleParams", "RuleSpec",
    "SparkEngine", "SpecError", "all_rules", "catalog", "catalogs", "check_params", "compile_rule", "domains",
    "lint_file", "lint_spec", "lint_sql", "load_catalog", "load_params", "load_spec", "resolve_params",
]


def __getattr__(name: str) -> Any:
    # pyspark is an optional extra: import the Spark engine only when someone asks for it.
    if name == "SparkEngine":
        from kansa.engine.spark_engine import SparkEngine

        return SparkEngine
    raise AttributeError(name)
