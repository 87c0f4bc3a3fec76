"""Cases: flags consolidated per customer or household, salesperson and branch, ranked by a documented score."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kansa.conduct.cases import build_cases
from kansa.engine.flags import FLAGS_SCHEMA
from kansa.engine.testing import customer, duckdb_world, trade
from kansa.services import run_conduct_scan
from tests.conduct.cases_oracle import oracle_cases
from tests.conduct.institution import tables, write_csv


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("cases")
    run_conduct_scan(write_csv(base / "data", tables()), out=base / "out", as_of=date(2026, 3, 31),
                     formats=("csv", "html"))
    return base / "out"


def test_every_flag_is_in_exactly_one_case_and_the_counts_agree(scanned: Path) -> None:
    flags, cases = _read(scanned / "flags.csv"), _read(scanned / "cases.csv")
    assert flags and cases
    ids = [c["case_id"] for c in cases]
    assert len(ids) == len(set(ids))
    assert all(f["case_id"] in set(ids) for f in flags)
    per_case: dict[str, int] = {}
    for f in flags:
        per_case[f["case_id"]] = per_case.get(f["case_id"], 0) + 1
    assert {c["case_id"]: int(c["flag_count"]) for c in cases} == per_case
    assert [int(c["rank"]) for c in cases] == list(range(1, len(cases) + 1))
    scores = [float(c["score"]) for c in cases]
    assert scores == sorted(scores, reverse=True)


def test_a_household_of_two_is_one_case_and_a_single_customer_a_customer_case(scanned: Path) -> None:
    by_id = {c["case_id"]: c for c in _read(scanned / "cases.csv")}
    flags = _read(scanned / "flags.csv")
    assert {f["case_id"] for f in flags if f["entity_id"] in ("TH1", "TH2")} == {"household:H1"}
    assert by_id["household:H1"]["subject_type"] == "household"
    assert {f["case_id"] for f in flags if f["entity_id"] == "T40"} == {"customer:C40"}


def test_the_older_customer_ranks_above_the_younger_for_the_same_sale(scanned: Path) -> None:
    by_id = {c["case_id"]: c for c in _read(scanned / "cases.csv")}
    old, young = by_id["customer:C85"], by_id["customer:C40"]
    assert int(old["rank"]) < int(young["rank"])
    assert "高齢の顧客（85歳）" in old["reason_ja"] and "aged 85" in old["reason_en"]
    assert "高齢" not in young["reason_ja"]


def test_the_report_leads_with_the_top_cases(scanned: Path) -> None:
    html = (scanned / "report.html").read_text(encoding="utf-8")
    first = _read(scanned / "cases.csv")[0]
    assert html.index("レビュー対象の案件") < html.index("最も重大な事例")
    assert first["reason_ja"] in html


def _flags(rows: list[dict[str, object]]) -> pa.Table:
    full = [{"severity": "medium", "score": 1.0, "event_date": date(2026, 3, 1), "reason": "r", "evidence": "{}",
             **r} for r in rows]
    return pa.Table.from_pylist(full, schema=FLAGS_SCHEMA)


def test_staff_and_branch_flags_go_to_their_own_cases_and_complaints_raise_the_score() -> None:
    con = duckdb_world({
        "customers": [customer("C1", "1980-01-01")],
        "complaints": [{"complaint_id": "K1", "received_date": date(2026, 1, 10), "kind": "complaint",
                        "staff_id": "S1"},
                       {"complaint_id": "K2", "received_date": date(2024, 1, 10), "kind": "complaint",
                        "staff_id": "S2"}],  # more than a year before: no points
    })
    flags = _flags([
        {"rule_id": "staff_high_fee_skew", "entity_type": "staff", "entity_id": "S1"},
        {"rule_id": "staff_high_fee_skew", "entity_type": "staff", "entity_id": "S2"},
        {"rule_id": "branch_sales_spike", "entity_type": "branch", "entity_id": "B9"},
        {"rule_id": "branch_sales_spike", "entity_type": "branch", "entity_id": "B9"},
        {"rule_id": "churning_customer", "entity_type": "customer", "entity_id": "C1", "severity": "high"},
    ])
    cases, tagged = build_cases(con, flags, date(2026, 3, 31))
    rows = {c["case_id"]: c for c in cases.to_pylist()}
    assert set(rows) == {"staff:S1", "staff:S2", "branch:B9", "customer:C1"}
    assert tagged.column("case_id").to_pylist() == ["staff:S1", "staff:S2", "branch:B9", "branch:B9", "customer:C1"]
    assert rows["staff:S1"]["score"] == rows["staff:S2"]["score"] + 1.0
    assert "苦情・紛争1件" in rows["staff:S1"]["reason_ja"]
    assert rows["branch:B9"]["flag_count"] == 2
    # severity high (3) beats medium (2) with the same single flag and no amount
    assert rows["customer:C1"]["score"] == 3.0 and rows["staff:S2"]["score"] == 2.0


def test_no_flags_give_no_cases_and_an_empty_case_id_column() -> None:
    cases, tagged = build_cases(duckdb_world({}), _flags([]), date(2026, 3, 31))
    assert cases.num_rows == 0 and tagged.column_names[-1] == "case_id"


# --- the SQL case list against the per-flag Python one it replaced (tests/conduct/cases_oracle.py) ---------

_IDS = st.sampled_from(["C1", "C2", "C3", "C4", "H9", "S1", "B1", "", "-"])
_RULES = st.sampled_from(["churning_customer", "short_term_switch", "staff_high_fee_skew", "branch_sales_spike"])


@st.composite
def _flag(draw: st.DrawFn) -> dict[str, object]:
    """A flag of any entity type, with or without the evidence keys the case list reads."""
    evidence: dict[str, object] = {}
    if draw(st.booleans()):
        evidence["customer_id"] = draw(st.sampled_from(["C1", "C2", "C5"]))
    if draw(st.booleans()):
        evidence["branch_id"] = draw(st.sampled_from(["B1", "B2", ""]))
    key = draw(st.sampled_from(["amount_jpy", "sell_amount_jpy", "target_jpy", "none"]))
    if key != "none":
        evidence[key] = draw(st.integers(0, 50_000_000))
    return {"rule_id": draw(_RULES), "entity_type": draw(st.sampled_from(["trade", "customer", "household", "staff",
                                                                           "branch"])),
            "entity_id": draw(_IDS), "severity": draw(st.sampled_from(["high", "medium", "low", None])),
            "evidence": json.dumps(evidence)}


def _oracle_world() -> duckdb.DuckDBPyConnection:
    """Customers in a two-person household and alone, an 80-year-old novice, trades, complaints in and out of window."""
    return duckdb_world({
        "customers": [customer("C1", "1945-04-01", household_id="H9", investment_experience="none"),
                      customer("C2", "1950-12-31", household_id="H9", branch_id="B2"),
                      customer("C3", "1990-01-01"), customer("C4", "1951-04-01", household_id=None)],
        "trades": [trade("C1", "2026-01-05", "C1", "P1"), trade("C3", "2026-01-05", "C3", "P1"),
                   trade("H9", "2026-01-05", "C4", "P1")],
        "complaints": [{"complaint_id": f"K{i}", "received_date": when, "kind": kind, "customer_id": cust,
                        "staff_id": staff, "branch_id": branch}
                       for i, (when, kind, cust, staff, branch) in enumerate([
                           (date(2026, 3, 1), "complaint", "C1", "S1", "B1"),
                           (date(2026, 2, 1), "dispute", "C3", None, "B1"),
                           (date(2025, 3, 31), "complaint", "C2", "S1", None),   # 365 days before: out
                           (date(2025, 4, 1), "complaint", "C4", None, None),    # 364 days before: in
                           (date(2026, 3, 2), "inquiry", "C3", "S1", "B1")])],   # an inquiry: no points
    })


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_flag(), min_size=1, max_size=40))
def test_the_sql_case_list_agrees_with_the_per_flag_python_one(rows: list[dict[str, object]]) -> None:
    con = _oracle_world()
    flags = _flags(rows)
    cases, tagged = build_cases(con, flags, date(2026, 3, 31))
    want_cases, want_tagged = oracle_cases(con, flags, date(2026, 3, 31))
    assert cases.to_pylist() == want_cases.to_pylist()
    assert tagged.column("case_id").to_pylist() == want_tagged.column("case_id").to_pylist()
