"""The linter: one read-only SELECT over declared tables, banned non-portable constructs, with reasons."""

from __future__ import annotations

import pytest

from kansa.engine.lint import lint_sql, reason_fields

OK = "SELECT t.trade_id AS entity_id, 1 AS score, t.trade_date AS event_date FROM trades t"


def _codes(sql: str, tables: tuple[str, ...] = ("trades", "customers"), params: tuple[str, ...] = ()) -> list[str]:
    return [i.code for i in lint_sql(sql, tables, params)]


def _messages(sql: str) -> str:
    return " | ".join(i.message for i in lint_sql(sql, ("trades", "customers"), ()))


def test_a_plain_select_with_macros_and_a_cte_passes() -> None:
    sql = ("WITH x AS (SELECT trade_id, trade_date, customer_id FROM trades) "
           "SELECT x.trade_id AS entity_id, age_years(c.birth_date, x.trade_date) AS score, "
           "add_days(x.trade_date, 3) AS event_date FROM x JOIN customers c USING (customer_id) "
           "WHERE x.trade_date <= :as_of")
    assert lint_sql(sql, ("trades", "customers"), ()) == []


@pytest.mark.parametrize("sql", [
    "DELETE FROM trades",
    "CREATE TABLE x AS SELECT 1",
    "INSERT INTO trades SELECT * FROM trades",
    "PRAGMA threads=1",
    "ATTACH 'other.duckdb' AS o",
    "COPY trades TO 'out.csv'",
    "INSTALL httpfs",
    "LOAD httpfs",
    f"{OK}; {OK}",
])
def test_only_one_select_may_run(sql: str) -> None:
    assert set(_codes(sql)) & {"one_select", "write", "parse"}


@pytest.mark.parametrize("source", ["read_csv('/etc/passwd')", "read_parquet('x.parquet')", "'x.csv'",
                                    "other.trades", "positions", "generate_series(1, 3)"])
def test_only_declared_tables_may_be_read(source: str) -> None:
    sql = f"SELECT 1 AS entity_id, 1 AS score, 1 AS event_date FROM {source}"
    assert set(_codes(sql)) & {"table", "table_function", "banned"}


@pytest.mark.parametrize(("expr", "replacement"), [
    ("date_diff('year', birth_date, trade_date)", "age_years"),
    ("datediff('month', birth_date, trade_date)", "days_between"),
    ("date_sub('year', birth_date, trade_date)", "add_days"),
    ("age(trade_date, birth_date)", "age_years"),
    ("year(trade_date) - year(birth_date)", "age_years"),
    ("trade_date + INTERVAL 1 DAY", "add_days"),
    ("amount_jpy // 2", "FLOOR(a / b)"),
    ("concat(trade_id, staff_id)", "||"),
    ("strftime(trade_date, '%Y-%m')", "year_month"),
    ("current_date", ":as_of"),
    ("now()", ":as_of"),
    ("array_agg(trade_id)", "sorted_list"),
    ("list(trade_id)", "sorted_list"),
    ("any_value(trade_id)", "MIN/MAX"),
    ("regexp_matches(trade_id, 'T.*')", "LIKE"),
    ("date_trunc('month', trade_date)", "year_month"),
])
def test_constructs_that_differ_between_engines_are_banned_with_the_portable_replacement(
    expr: str, replacement: str
) -> None:
    msg = _messages(f"SELECT trade_id AS entity_id, {expr} AS score, trade_date AS event_date FROM trades")
    assert "instead" in msg and replacement in msg


def test_unknown_functions_and_wrong_macro_arity_are_reported() -> None:
    assert "unknown_function" in _codes(f"{OK} WHERE my_udf(t.trade_id)")
    assert "macro_args" in _codes(f"{OK} WHERE age_years(t.trade_date) > 1")


def test_placeholders_must_be_declared_and_declared_params_used() -> None:
    assert _codes(f"{OK} WHERE t.amount_jpy > :floor") == ["param"]
    assert _codes(OK, params=("floor",)) == ["param"]
    assert _codes(f"{OK} WHERE t.amount_jpy > :floor AND t.trade_date <= :as_of", params=("floor",)) == []


def test_the_outer_select_must_name_entity_id_score_and_event_date() -> None:
    assert "columns" in _codes("SELECT trade_id AS entity_id FROM trades")
    assert "columns" in _codes("SELECT * FROM trades")


def test_reason_templates_allow_only_plain_fields_and_renderable_specs() -> None:
    assert reason_fields("{age}歳 {amount_jpy:,.0f}円 {share:.1f}% {n:d}") == [
        ("age", ""), ("amount_jpy", ",.0f"), ("share", ".1f"), ("n", "d")]
    assert reason_fields("{product_type!l}") == [("product_type", "")]
    for bad in ("{a.b}", "{a[0]}", "{a!r}", "{a:>10}", "{a:.1%}", "{a!l:,.0f}"):
        with pytest.raises(ValueError):
            reason_fields(bad)
