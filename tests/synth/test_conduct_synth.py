"""The synthetic conduct institution: deterministic, in the contract, with an answer key that holds."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from kansa.contract.schema import TABLES, arrow_schema
from kansa.synth.conduct import CONDUCT_TABLES, generate_conduct
from tests.synth.checker import flags, read

RULES = [
    "elderly_caution_no_approval",
    "elderly80_same_day_order",
    "elderly80_post_trade_contact",
    "elderly_long_maturity",
    "suitability_mismatch",
    "missing_explanation_record",
    "household_concentration",
    "short_term_switch",
    "churning_customer",
    "structured_bond_resolicitation",
    "branch_sales_spike",
    "staff_affiliated_skew",
    "staff_high_fee_skew",
    "complaint_cluster",
]
AS_OF = dt.date(2026, 3, 31)


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bank")
    generate_conduct(out, customers=600, seed=11)
    return out


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_it_writes_the_same_bytes_for_the_same_seed(bank: Path, tmp_path: Path) -> None:
    generate_conduct(tmp_path, customers=600, seed=11)
    assert _digest(tmp_path) == _digest(bank)


def test_the_background_option_is_checked(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="realistic"):
        generate_conduct(tmp_path, customers=300, seed=2, background="clean")  # type: ignore[arg-type]


def test_a_different_seed_gives_a_different_institution(bank: Path, tmp_path: Path) -> None:
    generate_conduct(tmp_path, customers=600, seed=12)
    assert _digest(tmp_path)["trades.csv"] != _digest(bank)["trades.csv"]


def test_every_table_has_the_contract_columns_and_enum_values(bank: Path) -> None:
    for table in CONDUCT_TABLES:
        rows = read(bank, table)
        assert rows, table
        assert list(rows[0]) == list(TABLES[table].names)
        for col in TABLES[table].columns:
            if col.enum:
                bad = {r[col.name] for r in rows} - set(col.enum) - {""}
                assert not bad, (table, col.name, bad)
            if col.required or col.pk:
                assert all(r[col.name] != "" for r in rows), (table, col.name)


def test_foreign_keys_resolve(bank: Path) -> None:
    customers = {r["customer_id"] for r in read(bank, "customers")}
    products = {r["product_id"] for r in read(bank, "products")}
    staff = {r["staff_id"] for r in read(bank, "staff")}
    for t in read(bank, "trades"):
        assert t["customer_id"] in customers and t["product_id"] in products
        assert t["staff_id"] in staff | {""} and t["post_trade_contact_by"] in staff | {""}


def test_it_averages_about_ten_trades_per_customer_over_three_years(bank: Path) -> None:
    trades = read(bank, "trades")
    per_customer = len(trades) / len(read(bank, "customers"))
    assert 7 <= per_customer <= 13
    years = {t["trade_date"][:4] for t in trades}
    assert len(years) >= 4
    ages = [(AS_OF - dt.date.fromisoformat(c["birth_date"])).days / 365.25 for c in read(bank, "customers")]
    assert sum(a >= 65 for a in ages) / len(ages) > 0.45  # retail investors skew old


def test_the_answer_key_covers_every_rule_with_flags_and_near_misses(bank: Path) -> None:
    with open(bank / "answer_key.csv", encoding="utf-8") as f:
        key = list(csv.DictReader(f))
    for rule in RULES:
        expected = {k["expected"] for k in key if k["rule_id"] == rule}
        assert expected == {"flag", "no_flag"}, rule


def test_an_independent_checker_agrees_with_the_key_on_the_guarded_background(tmp_path: Path) -> None:
    # only a guarded background makes the key complete (the realistic default: tests/independent)
    generate_conduct(tmp_path, customers=600, seed=11, background="guarded")
    with open(tmp_path / "answer_key.csv", encoding="utf-8") as f:
        key = list(csv.DictReader(f))
    found = flags(tmp_path, AS_OF)
    for rule in (
        "elderly_caution_no_approval",
        "elderly80_same_day_order",
        "short_term_switch",
        "household_concentration",
    ):
        want = {k["entity_id"] for k in key if k["rule_id"] == rule and k["expected"] == "flag"}
        spared = {k["entity_id"] for k in key if k["rule_id"] == rule and k["expected"] == "no_flag"}
        assert found[rule] == want, rule
        assert not (found[rule] & spared), rule


def test_parquet_is_typed_as_the_contract(tmp_path: Path) -> None:
    generate_conduct(tmp_path, customers=300, seed=2, fmt="parquet")
    for table in CONDUCT_TABLES:
        assert pq.read_schema(tmp_path / f"{table}.parquet").equals(arrow_schema(table), check_metadata=False)


def test_cp932_output_keeps_japanese_names(tmp_path: Path) -> None:
    generate_conduct(tmp_path, customers=300, seed=2, encoding="cp932")
    text = (tmp_path / "products.csv").read_bytes().decode("cp932")
    assert "日経平均連動デジタルクーポン債" in text and "米ドル建終身保険" in text
    assert "本店営業部" in (tmp_path / "branches.csv").read_bytes().decode("cp932")
