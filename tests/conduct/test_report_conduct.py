"""The conduct report's parts: a flag's branch for the heat map, worst cases first, 'and N more', languages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from kansa.conduct.report import _branch_matrix, _param_text, _rule_sections, build_context
from kansa.conduct.scan import ScanResult
from kansa.engine.flags import FLAGS_SCHEMA
from kansa.engine.spec import RuleSpec


def _flags(rows: list[tuple[str, str, str, str, float]]) -> pa.Table:
    return pa.Table.from_pylist([
        {"rule_id": r, "entity_type": t, "entity_id": e, "severity": s, "score": sc, "event_date": date(2026, 3, 31),
         "reason": f"{r} {e}", "evidence": "{}"} for r, t, e, s, sc in rows], schema=FLAGS_SCHEMA)


def _con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE customers (customer_id VARCHAR, household_id VARCHAR, branch_id VARCHAR)")
    con.execute("INSERT INTO customers VALUES ('C1', 'H1', 'B2'), ('C2', 'H1', 'B3'), ('C3', 'C3', 'B1')")
    con.execute("CREATE TABLE trades (trade_id VARCHAR, customer_id VARCHAR, branch_id VARCHAR)")
    con.execute("INSERT INTO trades VALUES ('T1', 'C3', 'B9')")  # traded away from the home branch
    con.execute("CREATE TABLE staff (staff_id VARCHAR, branch_id VARCHAR)")
    con.execute("INSERT INTO staff VALUES ('S1', 'B4')")
    con.execute("CREATE TABLE products (product_id VARCHAR, name VARCHAR)")
    return con


def test_heat_map_puts_each_flag_at_its_branch() -> None:
    flags = _flags([
        ("r_trade", "trade", "T1", "high", 1), ("r_cust", "customer", "C3", "high", 1),
        ("r_house", "household", "H1", "high", 1), ("r_staff", "staff", "S1", "low", 1),
        ("r_branch", "branch", "B5", "low", 1), ("r_branch", "branch", "B5", "low", 2),
        ("r_trade", "trade", "T404", "low", 1),
    ])
    branches, rules, matrix = _branch_matrix(_con(), flags)
    cells = {(b, r): matrix[i][j] for i, b in enumerate(branches) for j, r in enumerate(rules) if matrix[i][j]}
    assert cells == {("B9", "r_trade"): 1, ("B1", "r_cust"): 1, ("B2", "r_house"): 1, ("B4", "r_staff"): 1,
                     ("B5", "r_branch"): 2, ("?", "r_trade"): 1}
    assert branches[0] == "B5"  # most flags first


def test_heat_map_takes_a_trade_flags_branch_from_its_evidence_without_reading_trades() -> None:
    flags = _flags([("r_trade", "trade", "T777", "high", 1), ("r_trade", "trade", "T1", "high", 1)])
    evidence = ['{"branch_id": "B7", "amount_jpy": 1}', "not json"]  # T1 has none: found in the trades table
    flags = flags.set_column(flags.schema.get_field_index("evidence"), "evidence", pa.array(evidence))
    branches, _rules, matrix = _branch_matrix(_con(), flags)
    assert dict(zip(branches, (row[0] for row in matrix), strict=True)) == {"B7": 1, "B9": 1}
    con = _con()
    con.execute("DROP TABLE trades")  # nothing to look up: every trade flag says where it was booked
    assert _branch_matrix(con, flags.slice(0, 1))[0] == ["B7"]


def _spec(rule_id: str, severity: str = "high") -> RuleSpec:
    return RuleSpec(id=rule_id, domain="conduct", entity_type="trade", severity=severity,
                    title={"ja": f"題{rule_id}", "en": f"T {rule_id}"}, rationale={"ja": "理由", "en": "why"},
                    references=(), tables=("trades",), params=(), sql="SELECT 1", reason={"ja": "", "en": ""})


def test_rule_sections_show_the_worst_first_and_count_the_rest() -> None:
    flags = _flags([("a", "trade", f"T{i}", "medium" if i % 2 else "high", float(i)) for i in range(7)])
    sections = _rule_sections([_spec("a"), _spec("b")], flags, "ja", top_n=3)
    a = next(s for s in sections if s["id"] == "a")
    assert [f["entity_id"] for f in a["top"]] == ["T6", "T4", "T2"]  # high before medium, then by score
    assert a["more"] == 4 and a["counts"] == {"high": 4, "medium": 3, "low": 0}
    assert sections[0]["id"] == "a"  # rules with flags come first
    b = next(s for s in sections if s["id"] == "b")
    assert b["count"] == 0 and b["top"] == [] and b["more"] == 0


def test_context_speaks_japanese_by_default_and_english_when_asked(tmp_path: Path) -> None:
    con = _con()
    result = ScanResult(as_of=date(2026, 3, 31), out_dir=tmp_path, flags=_flags([("a", "trade", "T1", "high", 1)]),
                        kpis=[], complaints={"summary": [], "by_category": [], "branch_rates": [], "trend": []})
    ja = build_context(con, result, rules=[_spec("a")], params={}, lang="ja", top_n=5, source=None, engine="duckdb")
    en = build_context(con, result, rules=[_spec("a")], params={}, lang="en", top_n=5, source=None, engine="duckdb")
    assert ja["as_of"] == "2026-03-31（令和8年3月31日）" and en["as_of"] == "2026-03-31"
    assert ja["sections"][0]["title"] == "題a" and en["sections"][0]["title"] == "T a"
    assert ja["sev_label"]["high"] == "高" and en["sev_label"]["high"] == "High"
    assert ja["worst"][0]["entity_id"] == "T1" and ja["total"] == 1


def test_parameter_lists_read_as_a_person_writes_them() -> None:
    assert _param_text(["none", "under_1y"]) == "none, under_1y"
    assert _param_text(("structured_bond",)) == "structured_bond"
    assert _param_text(0.8) == "0.8"
