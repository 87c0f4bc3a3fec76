"""CTEs read more than once are computed once on Spark: same rows, the query reads views, nothing left behind."""

from __future__ import annotations

import os
from typing import Any

import pytest
import sqlglot
from sqlglot import exp

from kansa.engine.spark_engine import driver_memory, materialized_ctes

pytestmark = [pytest.mark.spark]

SQL = """
WITH base AS (SELECT id, id % 3 AS k FROM range(10)),
     per_k AS (SELECT k, count(*) AS n FROM base GROUP BY k),
     once AS (SELECT k FROM per_k WHERE n > 3)
SELECT a.k, a.n, b.n AS n2, base.id
FROM per_k a JOIN per_k b ON a.k = b.k JOIN base ON base.k = a.k
WHERE a.k IN (SELECT k FROM once)
ORDER BY base.id
"""


def _views(spark: Any) -> set[str]:
    return {t.name for t in spark.catalog.listTables() if t.isTemporary}


def test_shared_ctes_are_read_from_views_with_the_same_rows(spark: Any) -> None:
    expected = [tuple(r) for r in spark.sql(SQL).collect()]
    before = _views(spark)
    with materialized_ctes(spark, SQL) as query:
        tree = sqlglot.parse_one(query, read="spark")
        read = {t.name for t in tree.find_all(exp.Table)}
        # base and per_k are read twice: materialised; once is read once: stays inline
        assert [c.alias for c in tree.ctes] == ["once"]
        assert any(n.endswith("_base") for n in read) and any(n.endswith("_per_k") for n in read)
        assert [tuple(r) for r in spark.sql(query).collect()] == expected
    assert _views(spark) == before


def test_a_query_without_shared_ctes_runs_as_written(spark: Any) -> None:
    sql = "WITH a AS (SELECT 1 AS x) SELECT x FROM a"
    with materialized_ctes(spark, sql) as query:
        assert query == sql


def test_the_driver_heap_grows_with_the_data_and_stops_at_the_cap() -> None:
    assert driver_memory(0) == "1g"
    assert driver_memory(430 * 2**20) == "4g"
    quarter = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 4
    assert driver_memory(100 * 2**30) == f"{max(1, min(8 * 2**30, quarter) // 2**30)}g"  # 8 GB or a quarter of RAM
