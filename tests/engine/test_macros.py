"""Portable macros: whole-year ages (29 Feb births), day counts, date steps and fiscal years on DuckDB."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pytest
import sqlglot
from hypothesis import given, settings
from hypothesis import strategies as st

from kansa.engine.macros import expand_macros

CON = duckdb.connect()


def _eval(expr: str, dialect: str = "duckdb") -> object:
    tree = expand_macros(sqlglot.parse_one(f"SELECT {expr} AS v", read="duckdb"), dialect)
    row = CON.execute(tree.sql("duckdb")).fetchone()
    assert row is not None
    return row[0]


def _age(birth: date, at: date) -> int:
    """Japanese counting: the birthday is reached on its date, a 29 Feb birthday on 1 March in common years."""
    before = (at.month, at.day) < (birth.month, birth.day)
    return at.year - birth.year - (1 if before else 0)


@pytest.mark.parametrize(("birth", "at", "age"), [
    ("1950-06-15", "2025-06-14", 74), ("1950-06-15", "2025-06-15", 75), ("1950-06-15", "2025-06-16", 75),
    ("1944-02-29", "2025-02-28", 80), ("1944-02-29", "2025-03-01", 81), ("1944-02-29", "2024-02-29", 80),
    ("1950-12-31", "2026-01-01", 75), ("1951-01-01", "2025-12-31", 74),
])
def test_age_years_counts_whole_years_around_birthdays(birth: str, at: str, age: int) -> None:
    assert _eval(f"age_years(DATE '{birth}', DATE '{at}')") == age


@settings(max_examples=200, deadline=None)
@given(st.dates(date(1900, 1, 1), date(2030, 12, 31)), st.integers(0, 120 * 366))
def test_age_years_matches_the_reference_everywhere(birth: date, offset: int) -> None:
    at = birth + timedelta(days=offset)
    if at.year > 9000:
        return
    assert _eval(f"age_years(DATE '{birth}', DATE '{at}')") == _age(birth, at)


def test_age_years_takes_timestamps_and_gives_null_for_null() -> None:
    assert _eval("age_years(DATE '1950-06-15', TIMESTAMP '2025-06-15 00:00:01')") == 75
    assert _eval("age_years(NULL::DATE, DATE '2025-06-15')") is None


def test_days_between_add_days_fiscal_year_and_year_month() -> None:
    assert _eval("days_between(DATE '2024-02-28', DATE '2024-03-01')") == 2
    assert _eval("days_between(TIMESTAMP '2025-03-31 23:59:59', DATE '2025-04-01')") == 1
    assert _eval("days_between(DATE '2025-04-01', DATE '2025-03-31')") == -1
    assert _eval("add_days(DATE '2024-02-28', 1)") == date(2024, 2, 29)
    assert _eval("add_days(DATE '2025-03-01', -1)") == date(2025, 2, 28)
    assert _eval("fiscal_year(DATE '2025-03-31')") == 2024
    assert _eval("fiscal_year(DATE '2025-04-01')") == 2025
    assert _eval("year_month(DATE '2025-12-31')") == 202512


def test_nested_macros_expand_inside_out() -> None:
    assert _eval("age_years(DATE '1944-02-29', add_days(DATE '2025-02-28', 1))") == 81


def test_sorted_list_drops_nulls_and_is_null_when_empty() -> None:
    assert CON.execute(expand_macros(sqlglot.parse_one(
        "SELECT sorted_list(x) FROM (VALUES ('b'), (NULL), ('a')) t(x)", read="duckdb"), "duckdb").sql("duckdb")
    ).fetchone() == (["a", "b"],)
    assert CON.execute(expand_macros(sqlglot.parse_one(
        "SELECT sorted_list(x) FROM (VALUES (NULL::VARCHAR)) t(x)", read="duckdb"), "duckdb").sql("duckdb")
    ).fetchone() == (None,)


def test_spark_gets_its_own_spelling() -> None:
    sql = expand_macros(sqlglot.parse_one("SELECT days_between(a, b), add_days(a, 3), sorted_list(x) FROM t",
                                          read="duckdb"), "spark").sql("spark")
    assert "DATEDIFF(CAST(b AS DATE), CAST(a AS DATE))" in sql
    assert "DATE_ADD(CAST(a AS DATE), CAST(3 AS INT))" in sql and "COLLECT_LIST" in sql
