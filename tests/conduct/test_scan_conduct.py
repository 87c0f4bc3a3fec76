"""`kansa conduct scan`: a small institution written as CSV files, through the loader, rules, KPIs and report."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from kansa.cli.conduct import app
from kansa.cli.options import parse_date as _parse_date
from kansa.conduct.scan import OUTPUTS
from kansa.messages import UsageError
from kansa.services import run_conduct_scan

TABLES: dict[str, list[dict[str, object]]] = {
    "branches": [{"branch_id": "B1", "name": "本店", "region": "関東"},
                 {"branch_id": "B2", "name": "駅前支店", "region": "関東"}],
    "staff": [{"staff_id": "S1", "branch_id": "B1", "role": "sales", "hired_on": "2010-04-01"},
              {"staff_id": "S2", "branch_id": "B2", "role": "sales", "hired_on": "2015-04-01"},
              {"staff_id": "M1", "branch_id": "B1", "role": "manager", "hired_on": "2000-04-01"}],
    "customers": [
        {"customer_id": "C1", "birth_date": "1945-06-01", "branch_id": "B1", "investment_experience": "over_5y",
         "risk_tolerance": 3, "investment_purpose": "balanced", "opened_on": "2000-01-01"},
        {"customer_id": "C2", "birth_date": "1951-04-01", "branch_id": "B1", "investment_experience": "over_5y",
         "risk_tolerance": 3, "investment_purpose": "balanced", "opened_on": "2000-01-01"},
        {"customer_id": "C3", "birth_date": "1980-01-15", "branch_id": "B2", "investment_experience": "1_to_5y",
         "risk_tolerance": 4, "investment_purpose": "growth", "opened_on": "2019-01-01"},
    ],
    "products": [
        {"product_id": "SB1", "name": "日経平均連動債（早期償還条項付）", "product_type": "structured_bond",
         "risk_class": 5,
         "is_complex": "true", "is_affiliated": "true", "upfront_fee_rate": "0", "inception_date": "2024-01-01",
         "maturity_date": "2034-01-01", "knock_in_level": "70"},
        {"product_id": "F1", "name": "グローバル株式ファンド", "product_type": "investment_trust", "risk_class": 4,
         "is_complex": "false", "upfront_fee_rate": "3.3", "annual_cost_rate": "1.65", "inception_date": "2015-04-01",
         "return_5y_annualized": "9.5", "risk_5y_annualized": "17.2", "is_money_market": "false"},
        {"product_id": "F2", "name": "国内債券インデックス", "product_type": "investment_trust", "risk_class": 2,
         "is_complex": "false", "upfront_fee_rate": "0", "annual_cost_rate": "0.15", "inception_date": "2012-10-01",
         "return_5y_annualized": "-0.8", "risk_5y_annualized": "2.1", "is_money_market": "false"},
        {"product_id": "I1", "name": "米ドル建終身保険", "product_type": "foreign_currency_insurance", "risk_class": 3,
         "is_complex": "false", "currency": "USD", "inception_date": "2018-01-01"},
        {"product_id": "D1", "name": "普通預金", "product_type": "deposit", "risk_class": 1, "is_complex": "false"},
    ],
    "trades": [
        # planted: C1 (80) solicited into a structured bond, no manager approval
        {"trade_id": "T1", "trade_date": "2026-02-10", "customer_id": "C1", "product_id": "SB1", "side": "buy",
         "amount_jpy": "3000000", "fee_jpy": "0", "branch_id": "B1", "staff_id": "S1", "channel": "face_to_face",
         "solicited": "true", "solicitation_date": "2026-02-09", "explanation_recorded": "true"},
        # near miss: C2 is 74 on the trade date (75 on 1 April)
        {"trade_id": "T2", "trade_date": "2026-03-31", "customer_id": "C2", "product_id": "SB1", "side": "buy",
         "amount_jpy": "1000000", "fee_jpy": "0", "branch_id": "B1", "staff_id": "S1", "channel": "face_to_face",
         "solicited": "true", "solicitation_date": "2026-03-30", "explanation_recorded": "true"},
        # near miss: C1 again, approved by a manager the day before
        {"trade_id": "T3", "trade_date": "2026-03-02", "customer_id": "C1", "product_id": "F1", "side": "buy",
         "amount_jpy": "500000", "fee_jpy": "16500", "branch_id": "B1", "staff_id": "S1", "channel": "face_to_face",
         "solicited": "true", "solicitation_date": "2026-03-01", "manager_approval_at": "2026-03-01 15:00:00",
         "explanation_recorded": "true"},
        {"trade_id": "T4", "trade_date": "2025-10-01", "customer_id": "C3", "product_id": "F2", "side": "buy",
         "amount_jpy": "800000", "fee_jpy": "0", "branch_id": "B2", "channel": "online", "solicited": "false"},
    ],
    "positions": [
        {"as_of_date": "2025-03-31", "customer_id": "C3", "product_id": "F1", "market_value_jpy": "900000",
         "cumulative_purchase_jpy": "1000000"},
        {"as_of_date": "2026-03-31", "customer_id": "C1", "product_id": "F1", "market_value_jpy": "600000",
         "cumulative_purchase_jpy": "500000"},
        {"as_of_date": "2026-03-31", "customer_id": "C3", "product_id": "F1", "market_value_jpy": "1300000",
         "cumulative_purchase_jpy": "1000000"},
        {"as_of_date": "2026-03-31", "customer_id": "C3", "product_id": "F2", "market_value_jpy": "700000",
         "cumulative_purchase_jpy": "800000"},
        {"as_of_date": "2026-03-31", "customer_id": "C2", "product_id": "I1", "market_value_jpy": "5000000",
         "cumulative_purchase_jpy": "4000000"},
        {"as_of_date": "2026-03-31", "customer_id": "C1", "product_id": "SB1", "market_value_jpy": "2400000",
         "cumulative_purchase_jpy": "3000000"},
        {"as_of_date": "2026-03-31", "customer_id": "C1", "product_id": "D1", "market_value_jpy": "500000",
         "cumulative_purchase_jpy": "500000"},
    ],
    "complaints": [
        {"complaint_id": "K1", "received_date": "2026-03-15", "kind": "complaint", "customer_id": "C1",
         "product_id": "SB1", "branch_id": "B1", "staff_id": "S1",
         "text": "=HYPERLINK(\"x\") 元本割れするとは知らなかった"},
        {"complaint_id": "K2", "received_date": "2025-05-01", "kind": "inquiry", "customer_id": "C3",
         "text": "手数料について"},
    ],
}


def write_institution(folder: Path) -> Path:
    """Write the small institution as one UTF-8 CSV per table."""
    folder.mkdir(parents=True, exist_ok=True)
    for table, rows in TABLES.items():
        cols = list(dict.fromkeys(k for r in rows for k in r))
        with (folder / f"{table}.csv").open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=cols)
            w.writeheader()
            w.writerows(rows)
    return folder


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("scan")
    data = write_institution(base / "data")
    runner = CliRunner()
    res = runner.invoke(app, ["scan", str(data), "--out", str(base / "out")])
    assert res.exit_code == 0, res.output
    return base / "out"


def test_scan_writes_every_output(scanned: Path) -> None:
    for name in OUTPUTS:
        assert (scanned / name).is_file() and (scanned / name).stat().st_size > 0, name


def test_scan_flags_the_planted_case_and_not_the_near_misses(scanned: Path) -> None:
    flags = pq.read_table(scanned / "flags.parquet").to_pylist()
    elderly = {f["entity_id"] for f in flags if f["rule_id"] == "elderly_caution_no_approval"}
    assert "T1" in elderly
    assert not elderly & {"T2", "T3", "T4"}


def test_scan_evaluates_at_the_latest_positions_date_and_keeps_every_earlier_one(scanned: Path) -> None:
    kpis = json.loads((scanned / "kpis.json").read_text(encoding="utf-8"))
    assert [k["as_of_date"] for k in kpis] == ["2025-03-31", "2026-03-31"]
    it = kpis[1]["investment_trust"]
    # C1: (600k-500k)/600k = +16.7% -> 10_30; C3: (2.0m-1.8m)/2.0m = +10% -> 10_30
    assert {b["band"]: b["customers"] for b in it["return_bands"]}["10_30"] == 2
    assert it["positive_share"] == 1.0
    assert [t["product_id"] for t in it["top20"]] == ["F1", "F2"]
    assert it["top20"][0]["cost_rate"] == pytest.approx(3.3 / 5 + 1.65)
    assert kpis[0]["investment_trust"]["positive_share"] == 0.0
    assert kpis[1]["foreign_currency_insurance"]["customers"] == 1
    assert kpis[1]["monitoring"]["caution_buys"] >= 2


def test_scan_writes_the_complaints_summary(scanned: Path) -> None:
    with (scanned / "complaints_summary.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows == [["fiscal_year", "kind", "product_type", "count"], ["2025", "complaint", "structured_bond", "1"],
                    ["2025", "inquiry", "", "1"]]


def test_report_xlsx_has_a_sheet_per_rule_with_filters_and_escaped_text(scanned: Path) -> None:
    wb = openpyxl.load_workbook(scanned / "report.xlsx")
    assert "elderly_caution_no_approval" in wb.sheetnames
    assert {"KPI_return_bands", "KPI_top20", "complaints_summary", "parameters"} <= set(wb.sheetnames)
    ws = wb["elderly_caution_no_approval"]
    assert ws.auto_filter.ref is not None
    assert ws["B3"].value == "T1"  # note row, header row, then the worst flag
    html = (scanned / "report.html").read_text(encoding="utf-8")
    assert "令和8年3月31日" in html and "T1" in html
    assert "<script" not in html


def test_scan_with_an_as_of_date_before_the_trade_does_not_flag_it(tmp_path: Path) -> None:
    data = write_institution(tmp_path / "data")
    result = run_conduct_scan(data, out=tmp_path / "out", as_of=date(2026, 1, 31), report=False)
    assert result.as_of == date(2026, 1, 31)
    assert "T1" not in set(result.flags.column("entity_id").to_pylist())
    assert [k["as_of_date"] for k in result.kpis] == ["2025-03-31"]


def test_scan_refuses_a_missing_folder_and_bad_data_with_a_clear_message(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["scan", str(tmp_path / "nope"), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "データフォルダがありません" in res.output
    data = write_institution(tmp_path / "bad")
    text = (data / "customers.csv").read_text(encoding="utf-8").replace("1945-06-01", "1945-13-01")
    (data / "customers.csv").write_text(text, encoding="utf-8")
    res = runner.invoke(app, ["scan", str(data), "--out", str(tmp_path / "o"), "--lang", "en"])
    assert res.exit_code == 1  # bad input (exit codes: README)
    assert "validation failed" in res.output and "customers" in res.output and "1945-13-01" in res.output
    with pytest.raises(UsageError):
        run_conduct_scan(out=tmp_path / "o2")


def test_scan_help_explains_the_command() -> None:
    res = CliRunner().invoke(app, ["scan", "--help"])
    assert res.exit_code == 0
    assert "--workspace" in res.output and "--as-of" in res.output and "flags.csv" in res.output


def test_scan_of_a_workspace_names_its_files_and_hashes_in_english(tmp_path: Path) -> None:
    from kansa.contract.load import load_directory
    from kansa.workspace import Workspace

    loaded = load_directory(write_institution(tmp_path / "data"), domain="conduct")
    assert loaded.ok, loaded.issues
    Workspace(tmp_path / "ws").replace(loaded)
    run_conduct_scan(workspace=tmp_path / "ws", out=tmp_path / "out", lang="en", top_n=1, report=("html",))
    assert not (tmp_path / "out" / "report.pdf").exists()  # only the formats asked for
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    trades = next(f for f in loaded.files if f.table == "trades")
    assert trades.sha256 in html and "Data provenance" in html and "Summary for management" in html
    assert "and 1 more" in html  # suitability_mismatch has two flags, one shown with --top 1


def test_a_workspace_scan_with_an_explicit_date_gives_the_same_flags_as_the_folder(tmp_path: Path) -> None:
    # DuckDB 2 refused the first rule when opening the workspace left a half-read result on the connection
    from kansa.contract.load import load_directory
    from kansa.workspace import Workspace

    data = write_institution(tmp_path / "data")
    loaded = load_directory(data, domain="conduct")
    Workspace(tmp_path / "ws").replace(loaded)
    on_ws = run_conduct_scan(workspace=tmp_path / "ws", out=tmp_path / "o1", as_of=date(2026, 3, 31), report=False)
    on_dir = run_conduct_scan(data, out=tmp_path / "o2", as_of=date(2026, 3, 31), report=False)
    def keys(flags: pa.Table) -> list[tuple[str, str]]:
        return sorted((f["rule_id"], f["entity_id"]) for f in flags.to_pylist())

    assert keys(on_ws.flags) and keys(on_ws.flags) == keys(on_dir.flags)


@pytest.mark.spark
@pytest.mark.slow
def test_the_spark_engine_gives_the_same_flags(tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    from kansa.conduct.scan import run_rules
    from kansa.services import open_source

    con = open_source(write_institution(tmp_path / "data")).con
    on_duckdb, _rules, _p = run_rules(con, as_of=date(2026, 3, 31), engine="duckdb")
    on_spark, _rules, _p = run_rules(con, as_of=date(2026, 3, 31), engine="spark")

    def key(t: object) -> list[tuple]:
        return sorted((r["rule_id"], r["entity_id"], r["severity"], r["reason"]) for r in t.to_pylist())  # type: ignore[attr-defined]

    assert on_duckdb.num_rows > 0 and key(on_spark) == key(on_duckdb)


def test_scan_applies_institution_parameters_and_reads_era_dates(tmp_path: Path) -> None:
    data = write_institution(tmp_path / "data")
    params = tmp_path / "params.toml"
    params.write_text("[elderly_caution_no_approval]\nmin_age = 70\n", encoding="utf-8")
    as_of = _parse_date("令和8年3月31日")
    assert as_of == date(2026, 3, 31)
    run_conduct_scan(data, out=tmp_path / "out", params_file=params, as_of=as_of, report=("html",))
    flags = pq.read_table(tmp_path / "out" / "flags.parquet").to_pylist()
    elderly = {f["entity_id"] for f in flags if f["rule_id"] == "elderly_caution_no_approval"}
    assert {"T1", "T2"} <= elderly  # the 74-year-old is in scope at 70
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "<b>70</b>" in html  # the overridden value stands out in the parameters table
    bad = tmp_path / "bad.toml"
    bad.write_text("[elderly_caution_no_approval]\nno_such = 1\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["scan", str(data), "--out", str(tmp_path / "o2"), "--params", str(bad)])
    assert res.exit_code == 3 and "no_such" in res.output
