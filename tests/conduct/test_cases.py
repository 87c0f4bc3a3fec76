"""Cases: flags consolidated per customer or household, salesperson and branch, ranked by a documented score."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

from kansa.conduct.cases import build_cases
from kansa.engine.flags import FLAGS_SCHEMA
from kansa.engine.testing import customer, duckdb_world
from kansa.services import run_conduct_scan
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
