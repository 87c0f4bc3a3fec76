"""Japanese headers are recognised per table; a user's mapping file covers the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from kansa.contract.headers import read_mapping, resolve_header, table_for_name
from kansa.contract.load import load_directory

from .conftest import CONDUCT, WriteConduct


@pytest.mark.parametrize(
    ("table", "header", "column"),
    [
        ("trades", "約定日", "trade_date"),
        ("trades", "約定金額（円）", "amount_jpy"),
        ("trades", "金額", "amount_jpy"),
        ("trades", "手数料", "fee_jpy"),
        ("trades", "顧客ＩＤ", "customer_id"),
        ("trades", "店番", "branch_id"),
        ("trades", "担当者コード", "staff_id"),
        ("customers", "生年月日", "birth_date"),
        ("customers", "世帯ID", "household_id"),
        ("products", "商品名", "name"),
        ("products", "商品コード", "product_id"),
        ("branches", "支店コード", "branch_id"),
        ("branches", "店名", "name"),
        ("trades", "Trade Date", "trade_date"),
    ],
)
def test_it_recognises_common_headers(table: str, header: str, column: str) -> None:
    assert resolve_header(table, header) == column


def test_headers_are_table_aware() -> None:
    assert resolve_header("products", "名称") == "name"
    assert resolve_header("trades", "名称") is None  # trades has no name column
    assert resolve_header("customers", "商品名") is None


def test_table_names_in_japanese() -> None:
    assert table_for_name("取引") == "trades"
    assert table_for_name("Trades") == "trades"
    assert table_for_name("answer_key") is None


def test_a_mapping_file_renames_the_institutions_own_headers(write_conduct: WriteConduct, tmp_path: Path) -> None:
    trades = CONDUCT["trades"].replace("amount_jpy", "受渡代金X").replace("trade_date", "kijunbi")
    data = write_conduct(trades=trades)
    assert {i.code for i in load_directory(data, lang="en").errors} == {"missing_column"}
    csv_map = tmp_path / "map.csv"
    csv_map.write_text("table,source_header,column\ntrades,受渡代金X,amount_jpy\n,kijunbi,trade_date\n", "utf-8")
    assert load_directory(data, mapping=csv_map, lang="en").ok
    yaml_map = tmp_path / "map.yaml"
    yaml_map.write_text("trades:\n  受渡代金X: amount_jpy\n  kijunbi: trade_date\n", "utf-8")
    assert load_directory(data, mapping=yaml_map, lang="en").ok


def test_a_mapping_to_an_unknown_column_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "map.csv"
    bad.write_text("table,source_header,column\ntrades,金額,amount\n", "utf-8")
    with pytest.raises(ValueError, match="row 2"):
        read_mapping(bad)


def test_unknown_headers_warn_and_two_headers_for_one_column_are_an_error(write_conduct: WriteConduct) -> None:
    branches = "branch_id,name,備考,店名\nB01,本店,x,本店\nB02,二号店,,二号店\n"
    result = load_directory(write_conduct(branches=branches), lang="en")
    assert [(i.column, i.code) for i in result.errors] == [("name", "duplicate_column")]
    assert [(i.value, i.code) for i in result.warnings if i.table == "branches"] == [("備考", "unknown_column")]
