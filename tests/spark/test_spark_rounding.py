"""ROUND in a rule gives the same doubles on DuckDB and Spark, ties included (half up on the decimal value)."""

from __future__ import annotations

import math
from typing import Any

import duckdb
import pytest
import sqlglot

from kansa.engine.compile import half_up_rounding

pytestmark = [pytest.mark.spark]

# Doubles (cast: DuckDB reads 2.675 as a DECIMAL) as the rules make them (a share minus a median):
# 100 - 28.855 is the double 71.14499999999999602..., the tie two staff_affiliated_skew scores fell on at 110M.
VALUES = """
SELECT id, CAST(x AS DOUBLE) AS x FROM (VALUES (1, 100.0 - 28.855), (2, 2.675), (3, -71.145), (4, 0.125),
    (5, 1.005), (6, 12.344999), (7, 1e25), (8, CAST(NULL AS DOUBLE)), (9, 3.0 * 0.1)) AS v(id, x)
"""
SQL = f"SELECT id, ROUND(x, 2) AS r2, ROUND(x, 4) AS r4, ROUND(x, 0) AS r0 FROM ({VALUES}) AS s ORDER BY id"


def _run_duckdb(sql: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in duckdb.connect().execute(sql).fetchall()]


def _run_spark(spark: Any, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in spark.sql(sql).collect()]


def _compiled(dialect: str) -> str:
    return half_up_rounding(sqlglot.parse_one(SQL, read="duckdb")).sql(dialect=dialect)


def test_both_engines_round_ties_half_up_and_agree(spark: Any) -> None:
    on_duckdb = _run_duckdb(_compiled("duckdb"))
    on_spark = _run_spark(spark, _compiled("spark"))
    assert on_duckdb == on_spark
    by_id = {r[0]: r[1:] for r in on_duckdb}
    assert by_id[1][0] == 71.15 and by_id[2][0] == 2.68 and by_id[3][0] == -71.15 and by_id[5][0] == 1.01
    assert by_id[4] == (0.13, 0.125, 0.0) and by_id[6][0] == 12.34 and by_id[9][0] == 0.3
    assert by_id[7][0] == 1e25 and by_id[8] == (None, None, None)  # beyond the decimal, and NULL: as written


def test_written_as_is_the_engines_disagree_on_a_tie(spark: Any) -> None:
    # why the rewrite exists: without it DuckDB rounds the binary value and Spark the decimal text
    raw = "SELECT ROUND(CAST(100.0 AS DOUBLE) - CAST(28.855 AS DOUBLE), 2)"
    assert _run_duckdb(raw)[0][0] == 71.14
    assert _run_spark(spark, sqlglot.transpile(raw, read="duckdb", write="spark")[0])[0][0] == 71.15


def test_nan_and_infinity_pass_through_without_a_cast_error() -> None:
    sql = "SELECT ROUND(CAST('nan' AS DOUBLE), 2), ROUND(CAST('inf' AS DOUBLE), 2), ROUND(-CAST('inf' AS DOUBLE), 2)"
    nan, inf, minus_inf = _run_duckdb(half_up_rounding(sqlglot.parse_one(sql, read="duckdb")).sql("duckdb"))[0]
    assert math.isnan(nan) and inf == math.inf and minus_inf == -math.inf
