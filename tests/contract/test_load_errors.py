"""Each kind of bad input is found at the right table, row and column; nothing is loaded from a failed batch."""

from __future__ import annotations

from pathlib import Path

from kansa.contract.issues import Issue
from kansa.contract.load import load_directory

from .conftest import CONDUCT, WriteConduct


def _errors(data: Path) -> list[Issue]:
    result = load_directory(data, lang="en")
    assert not result.ok
    assert result.tables == {}, "nothing may be handed on from a failed batch"
    return result.errors


def _where(issues: list[Issue]) -> set[tuple[str, int | None, str | None, str]]:
    return {(i.table, i.row, i.column, i.code) for i in issues}


def test_the_valid_set_loads_typed_with_defaults(write_conduct: WriteConduct) -> None:
    result = load_directory(write_conduct(), lang="en")
    assert result.ok, result.errors
    customers = {r["customer_id"]: r for r in result.tables["customers"].to_pylist()}
    assert customers["C2"]["household_id"] == "C2"  # default: the customer's own id
    assert customers["C1"]["household_id"] == "H1"
    products = {r["product_id"]: r for r in result.tables["products"].to_pylist()}
    assert products["P1"]["is_caution_product"] is False  # not complex, risk 3
    assert products["P2"]["is_caution_product"] is True
    assert products["P2"]["name"] == "㈱髙木仕組債"
    assert products["P1"]["currency"] == "JPY"
    positions = result.tables["positions"].to_pylist()
    assert positions[0]["cumulative_sale_jpy"] == 0.0
    assert result.tables["complaints"].num_rows == 0  # absent table of the domain: empty, typed
    assert [f.rows for f in result.files if f.table == "trades"] == [3]


def test_it_reports_a_missing_required_column_on_the_header_row(write_conduct: WriteConduct) -> None:
    trades = CONDUCT["trades"].replace(",side,", ",sidee,")
    issues = _errors(write_conduct(trades=trades))
    assert ("trades", 1, "side", "missing_column") in _where(issues)


def test_it_reports_every_bad_value_not_just_the_first(write_conduct: WriteConduct) -> None:
    trades = (
        "trade_id,trade_date,customer_id,product_id,side,amount_jpy,fee_jpy,branch_id,staff_id,channel\n"
        "T1,2024-13-01,C1,P1,buy,1000,10,B01,S1,face_to_face\n"  # row 2: no month 13
        "T2,2024-06-04,C2,P2,hold,500,,B02,,online\n"  # row 3: unknown side
        "T3,2024-06-05,C3,P1,sell,-200,0,B01,S2,phone\n"  # row 4: negative amount
        "T4,2024-06-05,C3,P1,sell,200,x,B01,S2,phone\n"  # row 5: fee not a number
        "T5,2024-06-05,C3,P1,sell,,0,B01,S2,pigeon\n"  # row 6: empty amount, unknown channel
    )
    issues = _errors(write_conduct(trades=trades))
    assert _where(issues) == {
        ("trades", 2, "trade_date", "bad_date"),
        ("trades", 3, "side", "unknown_enum"),
        ("trades", 4, "amount_jpy", "negative_amount"),
        ("trades", 5, "fee_jpy", "bad_decimal"),
        ("trades", 6, "amount_jpy", "missing_value"),
        ("trades", 6, "channel", "unknown_enum"),
    }
    values = {(i.row, i.column): i.value for i in issues}
    assert values[(3, "side")] == "hold"
    assert values[(4, "amount_jpy")] == "-200"
    assert values[(6, "amount_jpy")] is None


def test_it_rejects_the_heisei_date_after_heisei_ended(write_conduct: WriteConduct) -> None:
    trades = (
        CONDUCT["trades"].replace("T2,2024-06-04", "T2,平成31年5月1日").replace("T3,2024-06-05", "T3,令和元年5月7日")
    )
    issues = _errors(write_conduct(trades=trades))
    assert _where(issues) == {("trades", 3, "trade_date", "bad_date")}
    assert issues[0].value == "平成31年5月1日"


def test_it_accepts_era_dates_at_the_boundary(write_conduct: WriteConduct) -> None:
    trades = CONDUCT["trades"].replace("T1,2024-06-03", "T1,平成31年4月30日").replace("T2,2024-06-04", "T2,R1.5.7")
    result = load_directory(write_conduct(trades=trades), lang="en")
    assert result.ok, result.errors
    dates = [r["trade_date"].isoformat() for r in result.tables["trades"].to_pylist()]
    assert dates == ["2019-04-30", "2019-05-07", "2024-06-05"]


def test_it_finds_duplicate_keys_including_the_composite_key_of_positions(write_conduct: WriteConduct) -> None:
    customers = CONDUCT["customers"] + "C1,H9,1950-01-01,B01,none,1,income\n"  # row 5 repeats C1
    positions = CONDUCT["positions"] + "2024-06-30,C1,P1,1,1\n2024-05-31,C1,P1,1,1\n"  # row 4 dup; row 5 ok
    issues = _errors(write_conduct(customers=customers, positions=positions))
    assert _where(issues) == {
        ("customers", 5, "customer_id", "duplicate_key"),
        ("positions", 4, "as_of_date,customer_id,product_id", "duplicate_key"),
    }
    assert next(i for i in issues if i.table == "customers").value == "C1"


def test_it_finds_dangling_foreign_keys_across_tables(write_conduct: WriteConduct) -> None:
    trades = CONDUCT["trades"].replace("T2,2024-06-04,C2,P2", "T2,2024-06-04,C9,P9").replace(",S2,phone", ",S7,phone")
    issues = _errors(write_conduct(trades=trades))
    assert _where(issues) == {
        ("trades", 3, "customer_id", "dangling_fk"),
        ("trades", 3, "product_id", "dangling_fk"),
        ("trades", 4, "staff_id", "dangling_fk"),
    }


def test_an_empty_optional_foreign_key_is_not_dangling(write_conduct: WriteConduct) -> None:
    # near miss: T2 has no staff_id (an unsolicited online order); that is legal
    result = load_directory(write_conduct(), lang="en")
    assert result.ok
    assert result.tables["trades"].to_pylist()[1]["staff_id"] is None


def test_it_reports_a_table_needed_by_a_foreign_key_that_is_absent(write_conduct: WriteConduct) -> None:
    issues = _errors(write_conduct(staff=None))
    assert ("trades", None, "staff_id", "missing_table") in _where(issues)


def test_it_reports_out_of_range_grades_and_empty_required_values(write_conduct: WriteConduct) -> None:
    customers = CONDUCT["customers"].replace("C1,H1,1945-01-02,B01,over_5y,3", "C1,H1,1945-01-02,B01,over_5y,6")
    customers = customers.replace("C2,,1990-05-06", "C2,,")
    issues = _errors(write_conduct(customers=customers))
    assert _where(issues) == {
        ("customers", 2, "risk_tolerance", "out_of_range"),
        ("customers", 3, "birth_date", "missing_value"),
    }


def test_risk_tolerance_at_the_bounds_is_accepted(write_conduct: WriteConduct) -> None:
    customers = CONDUCT["customers"].replace("over_5y,3,", "over_5y,5,")  # near miss: 5 is the maximum
    assert load_directory(write_conduct(customers=customers), lang="en").ok


def test_warnings_do_not_block_the_load(write_conduct: WriteConduct) -> None:
    customers = CONDUCT["customers"].replace("C3,H1,1948-03-04", "C3,H1,1900-03-04")
    trades = CONDUCT["trades"].replace("T1,2024-06-03", "T1,2024-06-01").replace("T2,2024-06-04", "T2,2024-05-03")
    result = load_directory(write_conduct(customers=customers, trades=trades), lang="en")
    assert result.ok
    found = {(i.table, i.row, i.column, i.code) for i in result.warnings}
    assert ("customers", 4, "birth_date", "old_birth_date") in found
    assert ("trades", 2, "trade_date", "trade_on_holiday") in found  # a Saturday
    assert ("trades", 3, "trade_date", "trade_on_holiday") in found  # 憲法記念日
    assert not any(i.row == 4 and i.code == "trade_on_holiday" for i in result.warnings)  # a Wednesday


def test_messages_are_japanese_by_default(write_conduct: WriteConduct) -> None:
    trades = CONDUCT["trades"].replace("T3,2024-06-05,C3,P1,sell,200000", "T3,2024-06-05,C3,P1,sell,-1")
    result = load_directory(write_conduct(trades=trades))
    assert [i.message for i in result.errors] == ["金額が負の値です"]
