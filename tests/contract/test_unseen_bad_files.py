"""Bad files of every kind a bank export holds: each error at the right file, table, row, column and value.

Row convention (tested below): the row is the record as a spreadsheet shows it, header = row 1. A line
break inside a quoted value does not start a new row, so after such a value the row is smaller than the
text editor's line; encoding errors also name the editor's line, since such a file may not open cleanly.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kansa.contract.load import load_directory
from kansa.contract.schema import TABLES, tables_of
from kansa.i18n import Lang

from .conftest import CONDUCT, WriteConduct

TRADES_HEAD = "trade_id,trade_date,customer_id,product_id,side,amount_jpy,fee_jpy,branch_id,staff_id,channel\n"
CUSTOMERS_HEAD = (
    "customer_id,household_id,birth_date,branch_id,investment_experience,risk_tolerance,investment_purpose\n"
)


def _errors(data: Path, lang: Lang = "en") -> list[tuple[str, int | None, str | None, str | None, str]]:
    result = load_directory(data, lang=lang)
    assert result.tables == {} or result.ok
    return [(i.table, i.row, i.column, i.value, i.code) for i in result.errors]


def _customers(*birth_dates: str) -> str:
    """Customers C1, C2, ... with these birth dates (at least C1-C3, which the other tables refer to)."""
    dates = list(birth_dates) + ["1950-01-01"] * (3 - len(birth_dates))
    rows = [f"C{n},,{d},B01,none,1,growth\n" for n, d in enumerate(dates, start=1)]
    return CUSTOMERS_HEAD + "".join(rows)


def _trades(*rows: str) -> str:
    return TRADES_HEAD + "".join(r + "\n" for r in rows)


def _trade(n: int, side: str = "buy", amount: str = "1000", date_: str = "2024-06-03", customer: str = "C1") -> str:
    if "," in amount and not amount.startswith('"'):
        amount = f'"{amount}"'
    return f"T{n},{date_},{customer},P1,{side},{amount},0,B01,S1,face_to_face"


# --- encodings --------------------------------------------------------------------------------------------


def _cp932_customers_with(bad: bytes, data: Path) -> None:
    good = (CUSTOMERS_HEAD + "C1,,1945-01-02,B01,none,1,growth\nC2,,1990-05-06,B02,none,1,growth\n").encode("cp932")
    (data / "customers.csv").write_bytes(good + b"C3,\x8d\x82" + bad + b",1948-03-04,B01,none,1,growth\n")


def test_it_rejects_cp932_with_broken_bytes(write_conduct: WriteConduct) -> None:
    data = write_conduct(customers=None)
    _cp932_customers_with(b"\x82,", data)  # a lead byte followed by a comma: no CP932 character
    result = load_directory(data, lang="en")
    bad = [(i.table, i.row, i.value, i.code, i.file) for i in result.errors]
    assert bad == [("customers", 4, "0x82", "bad_encoding", "customers.csv")]
    assert "customers.csv line 4" in result.errors[0].message
    ja = load_directory(data, lang="ja").errors[0].message
    assert "customers.csv の 4 行目" in ja and "文字コード" in ja


@pytest.mark.parametrize("byte", [b"\x80", b"\xa0", b"\xfd", b"\xfe", b"\xff"])
def test_it_rejects_bytes_windows_cp932_leaves_undefined(write_conduct: WriteConduct, byte: bytes) -> None:
    # Python's cp932 codec turns these into U+0080 / U+F8F0-U+F8F3; they are never text in an export.
    data = write_conduct(customers=None)
    _cp932_customers_with(byte, data)
    assert _errors(data) == [("customers", 4, None, f"0x{byte.hex().upper()}", "bad_encoding")]


def test_near_miss_cp932_vendor_characters_load(write_conduct: WriteConduct) -> None:
    data = write_conduct(customers=None)
    _cp932_customers_with("①㈱髙﨑".encode("cp932"), data)
    result = load_directory(data, lang="en")
    assert result.ok, result.errors
    assert result.tables["customers"].column("household_id").to_pylist()[2] == "高①㈱髙﨑"  # 0x8D82 is 高


def test_a_broken_byte_after_a_quoted_line_break_is_at_the_spreadsheet_row(write_conduct: WriteConduct) -> None:
    text = 'complaint_id,received_date,kind,text\nK1,2024-07-01,complaint,"一行目\n二行目"\nK2,2024-07-02,inquiry,'
    data = write_conduct(complaints=None)
    (data / "complaints.csv").write_bytes(text.encode("cp932") + b"\x81\x20\n")
    result = load_directory(data, lang="en")
    assert [(i.row, i.code) for i in result.errors] == [(3, "bad_encoding")]
    assert "line 4" in result.errors[0].message  # the editor shows it on line 4


def test_it_reads_utf8_with_a_bom_and_japanese_headers(write_conduct: WriteConduct) -> None:
    text = (
        "顧客ID,世帯番号,生年月日,店番,投資経験,リスク許容度,投資目的\nC1,H1,昭和20年1月2日,B01,5年以上,3,利息・配当\n"
        "C2,,1990/05/06,B02,なし,1,成長\nC3,H1,S23.3.4,B01,1年未満,2,元本重視\n"
    )
    data = write_conduct(customers=None)
    (data / "customers.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = load_directory(data, lang="en")
    assert result.ok, result.errors
    row = result.tables["customers"].to_pylist()[0]
    assert (row["customer_id"], row["birth_date"], row["investment_experience"]) == ("C1", date(1945, 1, 2), "over_5y")
    assert next(f for f in result.files if f.table == "customers").encoding == "utf-8-sig"


@pytest.mark.parametrize(
    ("name", "magic", "words"),
    [
        ("zip", None, "ZIP"),
        ("xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        ("png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "image"),
        ("gzip", b"\x1f\x8b\x08\x00" + b"\x00" * 40, "gzip"),
        ("utf16", TRADES_HEAD.encode("utf-16"), "UTF-16"),
        ("nul", b"trade_id,trade_date\n\x00\x00\x00\n", "NUL"),
    ],
)
def test_it_rejects_a_file_that_is_not_csv_text(
    write_conduct: WriteConduct, name: str, magic: bytes | None, words: str
) -> None:
    if magic is None:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("trades.csv", CONDUCT["trades"])
        magic = buf.getvalue()
    data = write_conduct(trades=None)
    (data / "trades.csv").write_bytes(magic)
    result = load_directory(data, lang="en")
    assert [(i.table, i.code, i.file) for i in result.errors] == [("trades", "not_text", "trades.csv")]
    assert words in result.errors[0].message
    assert "CSV" in load_directory(data, lang="ja").errors[0].message


# --- structure --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("eol", ["\r\n", "\r", "mixed"])
def test_line_endings_lf_crlf_cr_and_mixed_keep_row_numbers(write_conduct: WriteConduct, eol: str) -> None:
    rows = [TRADES_HEAD.rstrip("\n"), _trade(1), _trade(2, customer="C2"), _trade(3, side="BYE", customer="C3")]
    if eol == "mixed":
        text = rows[0] + "\r\n" + rows[1] + "\n" + rows[2] + "\r\n" + rows[3] + "\n"
    else:
        text = eol.join(rows) + eol
    assert _errors(write_conduct(trades=text)) == [("trades", 4, "side", "BYE", "unknown_enum")]


def test_rows_are_records_as_excel_shows_them_when_values_hold_line_breaks(write_conduct: WriteConduct) -> None:
    text = (
        'complaint_id,received_date,kind,text\nK1,2024-07-01,complaint,"説明が\n不十分\r\n三行目"\n'
        "K2,2024-13-01,inquiry,x\n"
    )
    assert _errors(write_conduct(complaints=text)) == [("complaints", 3, "received_date", "2024-13-01", "bad_date")]


def test_it_names_every_missing_required_column(write_conduct: WriteConduct) -> None:
    text = "trade_id,trade_date,customer_id,product_id,side,fee_jpy,staff_id,channel\n"
    text += "T1,2024-06-03,C1,P1,buy,0,S1,online\n"
    assert _errors(write_conduct(trades=text)) == [
        ("trades", 1, "amount_jpy", None, "missing_column"),
        ("trades", 1, "branch_id", None, "missing_column"),
    ]


def test_an_unknown_header_warns_and_the_rest_loads(write_conduct: WriteConduct) -> None:
    result = load_directory(write_conduct(branches="branch_id,name,備考\nB01,本店,x\nB02,二号店,y\n"), lang="en")
    assert result.ok
    assert [(i.row, i.value, i.code) for i in result.warnings if i.table == "branches"] == [
        (1, "備考", "unknown_column")
    ]


@pytest.mark.parametrize("second", ["customer_id", "顧客番号", "CUSTOMER_ID "])
def test_a_duplicated_header_is_an_error(write_conduct: WriteConduct, second: str) -> None:
    text = CONDUCT["customers"].replace("household_id", second, 1)
    errors = _errors(write_conduct(customers=text))
    assert errors == [("customers", 1, "customer_id", second, "duplicate_column")]


def test_a_ragged_row_and_an_unclosed_quote_are_row_errors(write_conduct: WriteConduct) -> None:
    assert _errors(write_conduct(trades=_trades(_trade(1), "T2,2024-06-04,C2,P2,buy,5,B02,,online"))) == [
        ("trades", 3, None, "T2,2024-06-04,C2,P2,buy,5,B02,,online", "bad_row")
    ]
    errors = _errors(write_conduct(trades=_trades(_trade(1), '"' + _trade(2), _trade(3))))
    assert [(t, r, c) for t, r, _, _, c in errors] == [("trades", 3, "unclosed_quote")]


def test_an_empty_file_is_an_error_and_a_header_only_file_loads_empty_with_a_warning(
    write_conduct: WriteConduct,
) -> None:
    for empty in ("", "\r\n\r\n", "\ufeff"):
        errors = _errors(write_conduct(trades=empty))
        assert [(t, c) for t, _, _, _, c in errors] == [("trades", "empty_file")]
    result = load_directory(write_conduct(trades=TRADES_HEAD), lang="en")
    assert result.ok and result.tables["trades"].num_rows == 0
    assert [(i.table, i.code) for i in result.warnings if i.code == "no_rows"] == [("trades", "no_rows")]


# --- values -----------------------------------------------------------------------------------------------


def test_enum_spellings_full_width_upper_case_and_padded_are_tolerated_a_wrong_word_is_not(
    write_conduct: WriteConduct,
) -> None:
    # Tolerated, consistently for every enum: NFKC (全角 -> ASCII), case, surrounding spaces (ASCII and 全角).
    rows = [_trade(1, "ｂｕｙ"), _trade(2, '"buy "'), _trade(3, "SELL"), _trade(4, "　Sell　"), _trade(5, "売付")]
    rows.append(_trade(6, "bye"))
    data = write_conduct(trades=_trades(*rows).replace("face_to_face", "ＦＡＣＥ＿ＴＯ＿ＦＡＣＥ", 1))
    result = load_directory(data, lang="en")
    assert [(i.row, i.column, i.value, i.code) for i in result.errors] == [(7, "side", "bye", "unknown_enum")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("平成31年4月30日", date(2019, 4, 30)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("R1.5.1", date(2019, 5, 1)),
        ("Ｒ１．５．１", date(2019, 5, 1)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("平成31年5月1日", None),
        ("昭和64年1月8日", None),
        ("平成元年1月7日", None),
        ("令和元年4月30日", None),
    ],
)
def test_era_dates_at_the_boundaries(write_conduct: WriteConduct, text: str, expected: date | None) -> None:
    data = write_conduct(customers=_customers("1950-01-01", text))
    result = load_directory(data, lang="en")
    if expected is None:
        assert [(i.row, i.column, i.value, i.code) for i in result.errors] == [(3, "birth_date", text, "bad_date")]
    else:
        assert result.ok, result.errors
        assert result.tables["customers"].column("birth_date").to_pylist()[1] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2024/6/3 0:00", date(2024, 6, 3)), ("2024年6月3日(月)", date(2024, 6, 3)), ("令和6年6月3日（火）", None)],
)
def test_dates_as_excel_csv_and_japanese_forms_print_them(
    write_conduct: WriteConduct, text: str, expected: date | None
) -> None:
    result = load_directory(write_conduct(customers=_customers("1950-01-01", text)), lang="en")
    if expected is None:  # 2024-06-03 was a Monday: a wrong weekday is a typing error somewhere
        assert [(i.row, i.value, i.code) for i in result.errors] == [(3, text, "bad_date")]
    else:
        assert result.tables["customers"].column("birth_date").to_pylist()[1] == expected


def test_impossible_dates_are_errors_and_feb_29_of_a_leap_year_is_not(write_conduct: WriteConduct) -> None:
    bad = ["2023-02-29", "2023/02/29", "令和5年2月29日", "2024-13-01", "2024-00-10", "R6.13.1", "2024-04-31"]
    data = write_conduct(customers=_customers("2024-02-29", "令和6年2月29日", *bad))
    assert _errors(data) == [("customers", n, "birth_date", v, "bad_date") for n, v in enumerate(bad, start=4)]


@pytest.mark.parametrize("amount", ["－1000", "−1000", "-1000", "(1000)", "（1,000）", "(1,000)", "▲1000", "△1,000"])
def test_negative_amounts_in_every_spelling_are_negative_amount_errors(
    write_conduct: WriteConduct, amount: str
) -> None:
    assert _errors(write_conduct(trades=_trades(_trade(1, amount=amount)))) == [
        ("trades", 2, "amount_jpy", amount, "negative_amount")
    ]


@pytest.mark.parametrize("amount", ["(-1000)", "▲-1000", "()", "1000-", "¥(1000)"])
def test_contradictory_signs_are_not_numbers(write_conduct: WriteConduct, amount: str) -> None:
    assert _errors(write_conduct(trades=_trades(_trade(1, amount=amount)))) == [
        ("trades", 2, "amount_jpy", amount, "bad_decimal")
    ]


def test_yen_signs_and_en_are_read_as_amounts(write_conduct: WriteConduct) -> None:
    amounts = ["¥1,000,000", "33000円", "500,000円", "￥200000", "\\200,000", "１，０００"]
    rows = [_trade(n, amount=a) for n, a in enumerate(amounts, start=1)]
    result = load_directory(write_conduct(trades=_trades(*rows)), lang="en")
    assert result.ok, result.errors
    assert result.tables["trades"].column("amount_jpy").to_pylist() == [1e6, 33000, 5e5, 2e5, 2e5, 1000]


def test_duplicate_keys_including_the_composite_key_of_positions(write_conduct: WriteConduct) -> None:
    positions = CONDUCT["positions"] + "2024-06-30,C1,P1,1,1\n2024-07-31,C1,P1,1,1\n"  # the last is a near miss
    trades = _trades(_trade(1), _trade(2), _trade(1, customer="C2"))
    assert _errors(write_conduct(trades=trades, positions=positions)) == [
        ("positions", 4, "as_of_date,customer_id,product_id", "2024-06-30|C1|P1", "duplicate_key"),
        ("trades", 4, "trade_id", "T1", "duplicate_key"),
    ]


CONDUCT_FKS = [(t, c.name, c.fk) for t in tables_of("conduct") for c in TABLES[t].foreign_keys]


@pytest.mark.parametrize(("table", "column", "target"), CONDUCT_FKS)
def test_a_dangling_value_in_every_foreign_key_is_reported(
    write_conduct: WriteConduct, table: str, column: str, target: str
) -> None:
    rows = list(csv.DictReader(io.StringIO(CONDUCT.get(table) or "")))
    if table == "complaints" or not rows:
        rows = [{"complaint_id": "K1", "received_date": "2024-07-01", "kind": "complaint"}]
    head = list(rows[0]) + ([column] if column not in rows[0] else [])
    rows[-1] = {**rows[-1], column: "NOPE"}
    buf = io.StringIO()
    writer = csv.DictWriter(buf, head, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    errors = _errors(write_conduct(**{table: buf.getvalue()}))
    assert errors == [(table, len(rows) + 1, column, "NOPE", "dangling_fk")]


def test_warnings_are_reported_and_do_not_block(write_conduct: WriteConduct) -> None:
    data = write_conduct(
        customers=_customers("1900-01-02", "1990-05-06", "1948-03-04"),
        trades=_trades(_trade(1, date_="2024-06-02"), _trade(2, date_="2024-05-03"), _trade(3)),
    )
    result = load_directory(data, lang="en", today=datetime(2024, 7, 1))
    assert result.ok
    assert [(i.table, i.row, i.code) for i in result.warnings if i.code != "absent_table"] == [
        ("customers", 2, "old_birth_date"),
        ("trades", 2, "trade_on_holiday"),
        ("trades", 3, "trade_on_holiday"),
    ]


# --- workbooks --------------------------------------------------------------------------------------------


def _book(path: Path, names: dict[str, str] | None = None, drop: tuple[str, ...] = ()) -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for table, text in CONDUCT.items():
        if table in drop:
            continue
        ws = wb.create_sheet((names or {}).get(table, table))
        for row in csv.reader(io.StringIO(text)):
            ws.append(row)
    return wb


def test_a_workbook_without_a_referred_sheet_names_the_sheet(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    _book(data, drop=("staff",)).save(data / "book.xlsx")
    result = load_directory(data, lang="en")
    assert [(i.table, i.column, i.code, i.file) for i in result.errors] == [
        ("trades", "staff", "missing_sheet", "book.xlsx[trades]")
    ]
    assert "book.xlsx" in result.errors[0].message and "staff" in result.errors[0].message


def test_sheets_named_in_japanese_are_found(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    names = {"customers": "顧客", "trades": "取引明細", "branches": "店舗", "staff": "職員", "products": "商品マスタ"}
    _book(data, names | {"positions": "保有残高"}).save(data / "book.xlsx")
    result = load_directory(data, lang="en")
    assert result.ok and result.tables["trades"].num_rows == 3


def test_dates_as_excel_serial_numbers_and_as_text_are_read_serials_before_march_1900_are_not(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    wb = _book(data)
    wb["trades"]["B2"] = 45446  # 2024-06-03 as a bare number
    wb["trades"]["B3"] = "2024/06/04"  # as text
    wb["trades"]["B4"] = datetime(2024, 6, 5)
    wb["customers"]["C2"] = 16439  # 1945-01-02
    wb.save(data / "book.xlsx")
    result = load_directory(data, lang="en")
    assert result.ok, result.errors
    assert result.tables["trades"].column("trade_date").to_pylist() == [
        date(2024, 6, 3),
        date(2024, 6, 4),
        date(2024, 6, 5),
    ]
    assert result.tables["customers"].column("birth_date").to_pylist()[0] == date(1945, 1, 2)
    wb["customers"]["C2"] = 60  # Excel's fictitious 1900-02-29
    wb.save(data / "book.xlsx")
    assert _errors(data) == [("customers", 2, "birth_date", "60", "bad_date")]


def test_a_merged_title_row_above_the_header_is_skipped_rows_stay_sheet_rows(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    wb = _book(data)
    ws = wb["trades"]
    ws.insert_rows(1, amount=2)
    ws["A1"] = "取引明細（2024年6月）"
    ws.merge_cells("A1:J1")
    ws["E6"] = "bye"  # the third trade, on sheet row 6
    wb.save(data / "book.xlsx")
    assert _errors(data) == [("trades", 6, "side", "bye", "unknown_enum")]


def test_values_under_a_merged_header_cell_are_warned_not_silently_dropped(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    wb = _book(data)
    wb["trades"].merge_cells("F1:G1")  # amount_jpy and fee_jpy: G1's header is lost
    wb.save(data / "book.xlsx")
    result = load_directory(data, lang="en")
    assert result.ok
    found = [(i.table, i.row, i.column, i.value, i.code) for i in result.warnings if i.code == "unnamed_column"]
    assert found == [("trades", 1, "column G", "33000", "unnamed_column")]
    ja = load_directory(data, lang="ja").warnings
    assert any(i.column == "G列" and "結合" in i.message for i in ja)


def test_empty_trailing_rows_of_a_sheet_are_not_rows(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    wb = _book(data)
    ws = wb["trades"]
    ws.append([])
    ws.append(["", " ", ""])
    ws["E4"] = "bye"
    wb.save(data / "book.xlsx")
    assert _errors(data) == [("trades", 4, "side", "bye", "unknown_enum")]


@pytest.mark.parametrize(("content", "code"), [(b"", "empty_file"), (CONDUCT["trades"].encode(), "unreadable_file")])
def test_a_zero_byte_or_text_xlsx_is_an_error_naming_the_file(
    write_conduct: WriteConduct, content: bytes, code: str
) -> None:
    data = write_conduct(trades=None)
    (data / "trades.xlsx").write_bytes(content)
    result = load_directory(data, lang="en")
    assert [(i.table, i.code, i.file) for i in result.errors] == [("trades", code, "trades.xlsx")]


# --- parquet ----------------------------------------------------------------------------------------------


def test_parquet_numbers_where_strings_are_expected_are_read_as_text(write_conduct: WriteConduct) -> None:
    data = write_conduct(
        branches=None, staff="staff_id,branch_id,role,hired_on\nS1,1,sales,2015-04-01\nS2,2,manager,\n"
    )
    table = pa.table({"branch_id": pa.array([1, 2]), "name": ["本店", "二号店"]})
    pq.write_table(table, data / "branches.parquet")
    errors = _errors(data)
    # B01 in the CSVs does not match 1: each dangling value is found, the numeric ids themselves are fine
    assert {(t, c, code) for t, _, c, _, code in errors} == {
        ("customers", "branch_id", "dangling_fk"),
        ("trades", "branch_id", "dangling_fk"),
    }


def test_parquet_timestamps_with_a_zone_become_tokyo_dates(write_conduct: WriteConduct) -> None:
    data = write_conduct(trades=None)
    utc = pa.array([datetime(2024, 6, 2, 15, 0, tzinfo=UTC)], pa.timestamp("us", tz="UTC"))
    table = pa.table(
        {
            "trade_id": ["T1"],
            "trade_date": utc,  # 2024-06-03 00:00 in Tokyo
            "customer_id": ["C1"],
            "product_id": ["P1"],
            "side": ["buy"],
            "amount_jpy": pa.array([-5], pa.int32()),
            "branch_id": ["B01"],
            "channel": ["online"],
        }
    )
    pq.write_table(table, data / "trades.parquet")
    result = load_directory(data, lang="en")
    assert [(i.row, i.column, i.value, i.code) for i in result.errors] == [(2, "amount_jpy", "-5", "negative_amount")]
    pq.write_table(table.set_column(5, "amount_jpy", pa.array([5], pa.int32())), data / "trades.parquet")
    result = load_directory(data, lang="en")
    assert result.ok and result.tables["trades"].column("trade_date").to_pylist() == [date(2024, 6, 3)]


def test_parquet_of_the_wrong_types_gives_row_errors(write_conduct: WriteConduct) -> None:
    data = write_conduct(trades=None)
    table = pa.table(
        {
            "trade_id": pa.array([1, 1]),
            "trade_date": pa.array([date(2024, 6, 3), None], pa.date32()),
            "customer_id": ["C1", "C2"],
            "product_id": ["P1", "P2"],
            "side": pa.array([True, False]),
            "amount_jpy": pa.array([1.5, float("nan")]),
            "branch_id": ["B01", "B02"],
            "channel": ["online", "phone"],
        }
    )
    pq.write_table(table, data / "trades.parquet")
    assert _errors(data) == [
        ("trades", 2, "side", "true", "unknown_enum"),
        ("trades", 3, "amount_jpy", "nan", "bad_decimal"),
        ("trades", 3, "side", "false", "unknown_enum"),
        ("trades", 3, "trade_date", None, "missing_value"),
        ("trades", 3, "trade_id", "1", "duplicate_key"),
    ]


@pytest.mark.parametrize(("content", "code"), [(b"", "empty_file"), (b"PAR1garbagePAR1", "unreadable_file")])
def test_an_empty_or_damaged_parquet_file_is_an_error(write_conduct: WriteConduct, content: bytes, code: str) -> None:
    data = write_conduct(trades=None)
    (data / "trades.parquet").write_bytes(content)
    result = load_directory(data, lang="en")
    assert [(i.table, i.code, i.file) for i in result.errors] == [("trades", code, "trades.parquet")]


# --- mapping files ----------------------------------------------------------------------------------------


def test_a_mapping_to_an_unknown_column_names_the_file_row_column_and_value(
    write_conduct: WriteConduct, tmp_path: Path
) -> None:
    mapping = tmp_path / "map.csv"
    text = "table,source_header,column\ntrades,取引番号,trade_id\ntrades,約定単価,unit_price\nbogus,x,y\n"
    mapping.write_bytes(text.encode("cp932"))  # made in Excel on Windows
    result = load_directory(write_conduct(), mapping=mapping, lang="en")
    assert result.tables == {}
    assert [(i.table, i.row, i.column, i.value, i.code, i.file) for i in result.errors] == [
        ("trades", 3, "column", "unit_price", "bad_mapping", "map.csv"),
        ("bogus", 4, "table", "bogus", "bad_mapping", "map.csv"),
    ]
    assert "map.csv row 3" in result.errors[0].message and "unit_price" in result.errors[0].message
    assert "3行目" in load_directory(write_conduct(), mapping=mapping, lang="ja").errors[0].message


def test_a_mapping_that_is_not_yaml_is_an_error_not_a_crash(write_conduct: WriteConduct, tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text("trades: [unclosed\n", encoding="utf-8")
    result = load_directory(write_conduct(), mapping=mapping, lang="en")
    assert [(i.code, i.file) for i in result.errors] == [("bad_mapping", "map.yaml")]


# --- `kansa load` as a user runs it -----------------------------------------------------------------------

BAD_BATCHES: dict[str, dict[str, str | None]] = {
    "broken_enum": {"trades": _trades(_trade(1), _trade(2, side="BYE", customer="C2"))},
    "missing_column": {"trades": "trade_id,trade_date\nT1,2024-06-03\n"},
    "negative_amount": {"trades": _trades(_trade(1, amount="(1,000)"))},
    "dangling_fk": {"positions": CONDUCT["positions"].replace("C2,P2", "C9,P2")},
    "bad_era_date": {"customers": _customers("平成31年5月1日")},
    "empty_file": {"trades": ""},
}


def _digest(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("name", sorted(BAD_BATCHES))
def test_a_bad_batch_exits_1_leaves_the_workspace_byte_identical_and_lists_every_error(
    write_conduct: WriteConduct, tmp_path: Path, name: str
) -> None:
    from typer.testing import CliRunner

    from kansa.cli import app

    runner = CliRunner()
    ws = tmp_path / "ws"
    assert runner.invoke(app, ["load", str(write_conduct("good")), "-w", str(ws)]).exit_code == 0
    before = _digest(ws / "kansa.duckdb")
    bad = write_conduct(name, **BAD_BATCHES[name])
    expected = load_directory(bad, lang="en").errors
    assert expected
    for lang in ("ja", "en"):
        errors = tmp_path / f"{name}.{lang}.csv"
        out = runner.invoke(app, ["load", str(bad), "-w", str(ws), "--errors-out", str(errors), "--lang", lang])
        assert out.exit_code == 1, out.output
        assert _digest(ws / "kansa.duckdb") == before
        rows = [r for r in csv.DictReader(errors.read_text(encoding="utf-8-sig").splitlines()) if r]
        got = {(r["table"], r["row"], r["column"], r["code"], r["file"]) for r in rows}
        want = {(i.table, str(i.row or ""), i.column or "", i.code, i.file or "") for i in expected}
        assert want <= got
        assert ("変更していません" if lang == "ja" else "was not changed") in out.output
    fresh = tmp_path / "fresh"
    assert runner.invoke(app, ["load", str(bad), "-w", str(fresh)]).exit_code == 1
    assert not fresh.exists()


def test_thousands_of_errors_are_summarised_on_one_screen(write_conduct: WriteConduct, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kansa.cli import app

    rows = [_trade(n, side="kau" if n % 3 else "uru", customer=f"C{1 + n % 3}") for n in range(1, 3001)]
    data = write_conduct(trades=_trades(*rows))
    errors = tmp_path / "errors.csv"
    out = CliRunner().invoke(app, ["load", str(data), "-w", str(tmp_path / "ws"), "--errors-out", str(errors)])
    assert out.exit_code == 1
    assert len(out.output.splitlines()) < 40  # summarised: one line per table, column and code
    assert "3,000" in out.output and "kau ×2,000" in out.output and "uru ×1,000" in out.output
    assert len(errors.read_text(encoding="utf-8-sig").splitlines()) == 3001  # every one in the file


@pytest.mark.parametrize("encoding", ["utf-8", "cp932"])
def test_title_lines_above_a_csv_header_are_skipped_and_rows_stay_file_rows(
    write_conduct: WriteConduct, encoding: str
) -> None:
    title = "取引明細一覧\r\n出力日時,2024/06/30 18:00\r\n\r\n"
    text = title + _trades(_trade(1), _trade(2, customer="C2"), _trade(3, side="bye", customer="C3"))
    result = load_directory(write_conduct(encoding=encoding, trades=text), lang="en")
    assert [(i.row, i.column, i.value, i.code) for i in result.errors] == [(7, "side", "bye", "unknown_enum")]
    assert [(i.row, i.code) for i in result.warnings if i.table == "trades"] == [(4, "title_rows_skipped")]
    # near miss: a header naming a single contract column is still the header, nothing skipped
    one = load_directory(write_conduct(branches="branch_id\nB01\nB02\n"), lang="en")
    assert not [i for i in one.issues if i.code == "title_rows_skipped"]


def test_an_unclosed_quote_does_not_hide_the_other_errors_of_its_table(write_conduct: WriteConduct) -> None:
    trades = _trades(_trade(1, customer="C9"), '"' + _trade(2), _trade(3))
    codes = [(r, c) for _, r, _, _, c in _errors(write_conduct(trades=trades))]
    assert codes == [(2, "dangling_fk"), (3, "unclosed_quote")]


def test_date_errors_explain_themselves_in_japanese_and_in_english(write_conduct: WriteConduct) -> None:
    data = write_conduct(customers=_customers("平成31年5月1日", "2023-02-29", "令和6年6月3日（火）"))
    ja = [i.message for i in load_directory(data, lang="ja").errors]
    assert "平成の終わり（平成31年4月30日）より後" in ja[0]
    assert "存在しない日付です（2023年2月29日）" in ja[1]
    assert "月曜日" in ja[2]
    assert not any(word in m for m in ja for word in ("is after", "out of range", "is not a"))
    en = [i.message for i in load_directory(data, lang="en").errors]
    assert "after 平成 ended (2019-04-30)" in en[0] and "no such date" in en[1]


def test_parquet_columns_that_cannot_be_text_are_named(write_conduct: WriteConduct) -> None:
    data = write_conduct(branches=None)
    table = pa.table(
        {
            "branch_id": pa.array(["B01", "B02"]).dictionary_encode(),  # categoricals are fine
            "name": pa.array([b"\xff\xfe", b"ok"], pa.binary()),
            "region": pa.array([[1], [2]]),
        }
    )
    pq.write_table(table, data / "branches.parquet")
    result = load_directory(data, lang="en")
    assert [(i.table, i.column, i.code, i.file) for i in result.errors] == [
        ("branches", "name", "unreadable_file", "branches.parquet"),
        ("branches", "region", "unreadable_file", "branches.parquet"),
    ]


def test_the_command_refuses_an_unknown_language_and_an_unwritable_error_file(
    write_conduct: WriteConduct, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from kansa.cli import app

    runner = CliRunner()
    data = write_conduct(trades=_trades(_trade(1, side="bye")))
    out = runner.invoke(app, ["load", str(data), "-w", str(tmp_path / "ws"), "--lang", "fr"])
    assert out.exit_code == 2 and "--lang" in out.output
    blocker = tmp_path / "file"
    blocker.write_text("x")
    out = runner.invoke(
        app, ["load", str(data), "-w", str(tmp_path / "ws"), "--errors-out", str(blocker / "e.csv"), "--lang", "en"]
    )
    assert out.exit_code == 4 and "e.csv" in out.output  # OutputError: exit 4, the path named
    assert not (tmp_path / "ws").exists()


def test_a_write_that_fails_leaves_no_new_workspace_and_an_old_one_byte_identical(
    write_conduct: WriteConduct, tmp_path: Path
) -> None:
    from kansa.contract.load import LoadResult
    from kansa.workspace import Workspace

    broken = LoadResult(tables={"trades": "not an Arrow table"})
    fresh = Workspace(tmp_path / "fresh")
    with pytest.raises(Exception):  # noqa: B017 - whatever DuckDB raises, nothing may be left behind
        fresh.replace(broken)
    assert not (tmp_path / "fresh").exists()
    old = Workspace(tmp_path / "old")
    old.replace(load_directory(write_conduct(), lang="en"))
    before = _digest(old.db_path)
    with pytest.raises(Exception):  # noqa: B017
        old.replace(broken)
    assert _digest(old.db_path) == before


def test_cp932_whose_only_japanese_is_half_width_kana_is_not_read_as_latin_utf8(write_conduct: WriteConduct) -> None:
    # ﾅｶ in CP932 is C5 B6, which is also valid UTF-8 (Ŷ): a short kana-only export must stay kana.
    data = write_conduct(branches="branch_id,name,region\nB01,ﾅｶ,ﾃｽ\nB02,X,Y\n", encoding="cp932")
    result = load_directory(data, lang="en")
    assert result.ok
    assert result.tables["branches"].column("name").to_pylist() == ["ﾅｶ", "X"]
    # near misses: UTF-8 Latin text and yen signs without any Japanese stay UTF-8
    latin = load_directory(write_conduct(branches="branch_id,name,region\nB01,Société,Zürich\nB02,X,Y\n"))
    assert latin.tables["branches"].column("name").to_pylist() == ["Société", "X"]
    yen = load_directory(write_conduct(trades=_trades(_trade(1, amount="¥1,000"), _trade(2, amount="¥5"))))
    assert yen.ok and yen.tables["trades"].column("amount_jpy").to_pylist() == [1000, 5]
