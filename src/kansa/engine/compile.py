"""Turn a rule's SQL into plain SQL for one engine: macros expanded, parameters bound as typed literals."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, cast

import sqlglot
from sqlglot import exp

from kansa import cache as machine_cache
from kansa.engine import macros
from kansa.engine.macros import expand_macros
from kansa.engine.spec import ParamSpec, RuleSpec, SpecError

DIALECTS = ("duckdb", "spark")
# Compiled rules kept in the machine cache: about ten evaluation dates of both catalogues. Each new rule
# rewrites the file, so it stays small (a few hundred KB) rather than holding years of dates.
_KEEP = 300


def _literal(param: ParamSpec | None, value: Any) -> exp.Expression:
    """A typed SQL literal for one scalar parameter value (never text pasted into SQL)."""
    kind = param.type if param is not None else "date"
    if kind == "int":
        return exp.Literal.number(int(value))
    if kind == "float":
        return exp.cast(exp.Literal.number(repr(float(value))), exp.DataType.build("DOUBLE"))
    if kind == "date":
        if not isinstance(value, date):
            raise TypeError(f"expected a date, got {value!r}")
        return exp.cast(exp.Literal.string(value.isoformat()), exp.DataType.build("DATE"))
    return exp.Literal.string(str(value))


def bind_params(tree: exp.Expression, spec: RuleSpec, values: Mapping[str, Any]) -> exp.Expression:
    """Replace every `:name` placeholder by its value; a list parameter may only stand in `IN (:name)`."""
    for node in list(tree.find_all(exp.Placeholder)):
        name = node.name
        if name not in values:
            raise SpecError(spec.path, f"sql :{name}", "spec_param_no_value")
        param = None if name == "as_of" else spec.param(name)
        value = values[name]
        if param is not None and param.type == "list[string]":
            parent = node.parent
            if not isinstance(parent, exp.In) or node not in parent.expressions:
                raise SpecError(spec.path, f"sql :{name}", "spec_list_param_in")
            items = [exp.Literal.string(v) for v in value]
            rest = [e for e in parent.expressions if e is not node]
            parent.set("expressions", rest + items)
            continue
        node.replace(_literal(param, value))
    return tree


def compile_rule(spec: RuleSpec, values: Mapping[str, Any], as_of: date, dialect: str = "duckdb") -> str:
    """The rule's SELECT as plain SQL for `dialect`, with macros expanded and `values` plus `:as_of` bound.

    The same SQL, values, date and dialect always give the same text: it is kept in the machine's cache
    (kansa.cache, keyed by this module, the macros and SQLGlot's version), which saves SQLGlot's parse and
    generation (~15 ms a rule) on every later scan.
    """
    if dialect not in DIALECTS:
        raise ValueError(f"dialect must be one of {DIALECTS}, not {dialect!r}")
    name = f"rule-sql-{_code_fingerprint()}.json"
    key = hashlib.sha256(json.dumps([spec.sql, sorted(values.items()), as_of, dialect], default=str)
                         .encode("utf-8")).hexdigest()
    known = machine_cache.read(name)
    if isinstance(known.get(key), str):
        return str(known[key])
    tree = cast(exp.Expression, sqlglot.parse_one(spec.sql, read="duckdb"))
    tree = expand_macros(tree, dialect)
    tree = half_up_rounding(tree)
    tree = bind_params(tree, spec, {**values, "as_of": as_of})
    known[key] = sql = tree.sql(dialect=dialect)
    machine_cache.write(name, known, keep=_KEEP)
    return sql


# ROUND of a double goes through this decimal on both engines; 26 integer digits hold any yen amount.
_ROUNDING_DECIMAL = "DECIMAL(38, 12)"
_ROUNDING_RANGE = "1e20"  # beyond it (and for NaN and infinity, which no DECIMAL holds) ROUND runs as written


def half_up_rounding(tree: exp.Expression) -> exp.Expression:
    """Every ROUND(x, n) rewritten to round x's decimal value half up, identically on DuckDB and Spark.

    DuckDB rounds a double's binary value (71.145 is 71.14499999999999602..., so 71.14, as Python's round),
    Spark the decimal text of the double half up (71.15): at 110M trades two scores differed by 0.01. Cast to
    DECIMAL(38, 12) first (the binary error is 1e-14, far below 12 places, so both engines hold 71.145000000000),
    both round the decimal half away from zero, as Excel's ROUND and an auditor do.
    """
    for node in reversed(list(tree.find_all(exp.Round))):
        decimals = node.args.get("decimals")
        if not (isinstance(decimals, exp.Literal) and not decimals.is_string and 0 <= int(decimals.this) < 12):
            continue
        value = node.this
        exact = exp.cast(exp.Round(this=exp.cast(value.copy(), _ROUNDING_DECIMAL), decimals=decimals.copy()),
                         "DOUBLE")
        in_range = exp.LT(this=exp.Abs(this=value.copy()), expression=exp.Literal.number(_ROUNDING_RANGE))
        node.replace(exp.Case(ifs=[exp.If(this=in_range, true=exact)], default=node.copy()))
    return tree


@functools.cache
def _code_fingerprint() -> str:
    """What compiled SQL depends on besides its inputs: this module, the macros and SQLGlot."""
    return machine_cache.fingerprint(sqlglot.__version__, Path(__file__), Path(macros.__file__))
