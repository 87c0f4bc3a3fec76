"""DuckDBEngine: parameter binding, derived tables, reason and evidence, ordering, errors naming the rule."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import duckdb
import pyarrow as pa
import pytest

from kansa.engine import DuckDBEngine, RuleError, RuleSpec, compile_rule
from kansa.engine.flags import FLAGS_SCHEMA
from kansa.engine.spec import ParamSpec

AS_OF = date(2026, 3, 31)


def _spec(sql: str, reason: str = "{n}", **kw: object) -> RuleSpec:
    base = RuleSpec(id="probe", domain="cyber", entity_type="asset", severity="medium",
                    title={"ja": "試験", "en": "probe"}, rationale={"ja": "試験", "en": "probe"}, references=("x",),
                    tables=("assets",), params=(), sql=sql, reason={"ja": reason, "en": reason})
    return replace(base, **kw)  # type: ignore[arg-type]


def _engine(rows: list[dict]) -> DuckDBEngine:
    engine = DuckDBEngine(duckdb.connect())
    engine.register("assets", pa.Table.from_pylist(rows))
    return engine


def test_parameters_become_typed_literals_never_pasted_text() -> None:
    spec = _spec("SELECT a AS entity_id, 1 AS score, :as_of AS event_date, :label AS label FROM assets "
                 "WHERE a IN (:names) AND n > :floor", params=(
                     ParamSpec("label", "string", "x"), ParamSpec("names", "list[string]", ("a",)),
                     ParamSpec("floor", "float", 1.5)))
    sql = compile_rule(spec, {"label": "it's'; DROP TABLE assets; --", "names": ("h1", "h2"), "floor": 2.5}, AS_OF)
    assert "CAST('2026-03-31' AS DATE)" in sql and "IN ('h1', 'h2')" in sql and "CAST(2.5 AS DOUBLE)" in sql
    assert "'it''s''; DROP TABLE assets; --'" in sql


def test_a_derived_table_is_readable_and_reason_and_evidence_come_from_extra_columns() -> None:
    engine = _engine([{"a": "h1", "n": 1234567.5, "d": date(2026, 1, 2), "ids": ["x", "y"]},
                      {"a": "h2", "n": None, "d": None, "ids": None}])
    spec = _spec("SELECT a AS entity_id, n AS score, d AS event_date, a AS host, n, ids, 'hidden' AS _note "
                 "FROM assets", reason="{host}: {n:,.0f} / {n:.2f} / {n} / {_note}")
    flags = engine.run([spec], as_of=AS_OF)
    assert flags.schema == FLAGS_SCHEMA
    rows = {r["entity_id"]: r for r in flags.to_pylist()}
    assert rows["h1"]["reason"] == f"h1: {1234567.5:,.0f} / {1234567.5:.2f} / {1234567.5} / hidden"
    assert rows["h2"]["reason"] == "h2: - / - / - / hidden"
    assert json.loads(rows["h1"]["evidence"]) == {"host": "h1", "n": 1234567.5, "ids": ["x", "y"]}
    assert rows["h1"]["event_date"] == date(2026, 1, 2) and rows["h1"]["severity"] == "medium"


def test_a_code_printed_with_l_reads_in_peoples_words_in_each_language() -> None:
    engine = _engine([{"a": "h1", "t": "structured_bond"}, {"a": "h2", "t": "something_else"}, {"a": "h3", "t": None}])
    spec = _spec("SELECT a AS entity_id, 1 AS score, :as_of AS event_date, t FROM assets", reason="")
    spec = replace(spec, reason={"ja": "{t!l}の販売", "en": "{t!l} sales"})
    ja = {r["entity_id"]: r["reason"] for r in engine.run([spec], as_of=AS_OF, lang="ja").to_pylist()}
    en = {r["entity_id"]: r["reason"] for r in engine.run([spec], as_of=AS_OF, lang="en").to_pylist()}
    assert ja == {"h1": "仕組債の販売", "h2": "something_elseの販売", "h3": "-の販売"}
    assert en["h1"] == "Structured bonds sales"
    # the evidence keeps the code itself, for filtering and joins
    assert json.loads(engine.run([spec], as_of=AS_OF).to_pylist()[0]["evidence"])["t"] in {
        "structured_bond", "something_else", None}


def test_flags_are_sorted_by_rule_then_severity_then_worst_score_first() -> None:
    engine = _engine([{"a": f"h{i}", "n": float(i), "sev": ["low", "high", "medium"][i % 3]} for i in range(6)])
    sql = "SELECT a AS entity_id, n AS score, :as_of AS event_date, sev AS severity FROM assets"
    flags = engine.run([_spec(sql, reason="x", id="zeta"), _spec(sql, reason="x", id="alpha")], as_of=AS_OF)
    rows = [(r["rule_id"], r["severity"], r["score"]) for r in flags.to_pylist()]
    assert rows[:6] == [("alpha", "high", 4.0), ("alpha", "high", 1.0), ("alpha", "medium", 5.0),
                        ("alpha", "medium", 2.0), ("alpha", "low", 3.0), ("alpha", "low", 0.0)]
    assert [r[0] for r in rows[6:]] == ["zeta"] * 6


def test_an_engine_error_names_the_rule() -> None:
    engine = _engine([{"a": "h1"}])
    with pytest.raises(RuleError, match="rule probe"):
        engine.run([_spec("SELECT a AS entity_id, no_such_column AS score, :as_of AS event_date FROM assets",
                          reason="x")], as_of=AS_OF)


def test_no_rules_give_an_empty_flags_table() -> None:
    assert _engine([{"a": "h"}]).run([], as_of=AS_OF).schema == FLAGS_SCHEMA


def _skip_default_as_of() -> None:
    from kansa.engine import default_as_of
    from kansa.engine.testing import duckdb_world

    con = duckdb_world({"positions": [
        {"as_of_date": "2025-09-30", "customer_id": "C1", "product_id": "P1", "market_value_jpy": 1.0,
         "cumulative_purchase_jpy": 1.0},
        {"as_of_date": "2026-03-31", "customer_id": "C1", "product_id": "P1", "market_value_jpy": 1.0,
         "cumulative_purchase_jpy": 1.0}]})
    assert default_as_of(con) == date(2026, 3, 31)
    assert con.execute("SELECT 1").fetchall() == [(1,)]
    assert default_as_of(duckdb_world({})) is None
