"""Portable macros (age_years, days_between, ...) expanded on the SQL tree for the target engine."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlglot
from sqlglot import exp

Builder = Callable[[list[exp.Expression], str], exp.Expression]


@dataclass(frozen=True)
class Macro:
    """One portable function: its arguments, meaning, and how it is written for each engine."""

    name: str
    args: tuple[str, ...]
    doc: str
    build: Builder


def _template(sql: str, args: dict[str, exp.Expression]) -> exp.Expression:
    """Parse a DuckDB template and put copies of the arguments where `__name` columns stand."""
    tree = sqlglot.parse_one(sql, read="duckdb")

    def _put(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Column) and not node.table and node.name in args:
            return args[node.name].copy()
        return node

    return exp.paren(tree.transform(_put), copy=False)


def _age_years(a: list[exp.Expression], _d: str) -> exp.Expression:
    # Whole years by comparing (month, day): a 29 Feb birthday is reached on 1 March in common
    # years, the way Japanese law (年齢計算ニ関スル法律) and the JSDA guideline count ages.
    return _template(
        "(YEAR(__at) - YEAR(__b)) - CASE WHEN MONTH(__at) * 100 + DAY(__at) < MONTH(__b) * 100 + DAY(__b) "
        "THEN 1 ELSE 0 END",
        {"__b": a[0], "__at": a[1]},
    )


def _as_date(e: exp.Expression) -> exp.Expression:
    return exp.cast(e.copy(), exp.DataType.build("DATE"))


def _days_between(a: list[exp.Expression], d: str) -> exp.Expression:
    start, end = _as_date(a[0]), _as_date(a[1])
    if d == "spark":
        return exp.Anonymous(this="DATEDIFF", expressions=[end, start])
    return exp.Anonymous(this="DATE_DIFF", expressions=[exp.Literal.string("day"), start, end])


def _add_days(a: list[exp.Expression], d: str) -> exp.Expression:
    days = exp.cast(a[1].copy(), exp.DataType.build("INT"))
    if d == "spark":
        return exp.Anonymous(this="DATE_ADD", expressions=[_as_date(a[0]), days])
    # DuckDB: DATE + INTEGER is a DATE (DATE + INTERVAL would be a TIMESTAMP).
    return exp.paren(exp.Add(this=_as_date(a[0]), expression=days), copy=False)


def _fiscal_year(a: list[exp.Expression], _d: str) -> exp.Expression:
    return _template("CASE WHEN MONTH(__d) >= 4 THEN YEAR(__d) ELSE YEAR(__d) - 1 END", {"__d": a[0]})


def _year_month(a: list[exp.Expression], _d: str) -> exp.Expression:
    return _template("YEAR(__d) * 100 + MONTH(__d)", {"__d": a[0]})


def _sorted_list(a: list[exp.Expression], d: str) -> exp.Expression:
    x = a[0]
    if d == "spark":
        agg: exp.Expression = exp.Anonymous(this="ARRAY_SORT", expressions=[exp.Anonymous(
            this="COLLECT_LIST", expressions=[x.copy()])])
    else:
        agg = _template("LIST_SORT(LIST(__x) FILTER (WHERE __x IS NOT NULL))", {"__x": x})
    # Both engines give NULL when there is no non-null value (Spark would give an empty array).
    count = exp.Count(this=x.copy())
    return exp.Case(ifs=[exp.If(this=exp.EQ(this=count, expression=exp.Literal.number(0)), true=exp.Null())],
                    default=agg)


MACROS: dict[str, Macro] = {m.name: m for m in (
    Macro("age_years", ("birth", "at"), "whole years from `birth` to `at` (29 Feb birthdays count on 1 March)",
          _age_years),
    Macro("days_between", ("a", "b"), "days from date `a` to date `b` (b - a; timestamps are cut to dates)",
          _days_between),
    Macro("add_days", ("d", "n"), "the date `n` days after `d` (negative n: before)", _add_days),
    Macro("fiscal_year", ("d",), "Japanese fiscal year (April-March) labelled by the year it starts", _fiscal_year),
    Macro("year_month", ("d",), "the month of `d` as an integer yyyymm", _year_month),
    Macro("sorted_list", ("x",), "aggregate: the non-null values of `x` in ascending order, NULL when none",
          _sorted_list),
)}


def macro_calls(tree: exp.Expression) -> list[exp.Anonymous]:
    """The macro calls in a tree, deepest first (so nested calls expand inside out)."""
    calls = [n for n in tree.find_all(exp.Anonymous) if str(n.this).lower() in MACROS]
    return list(reversed(calls))


def expand_macros(tree: exp.Expression, dialect: str) -> exp.Expression:
    """Replace every macro call by plain SQL for `dialect` (`duckdb` or `spark`); returns the tree."""
    for call in macro_calls(tree):
        macro = MACROS[str(call.this).lower()]
        new = macro.build(list(call.expressions), dialect)
        if call is tree:
            return new
        call.replace(new)
    return tree
