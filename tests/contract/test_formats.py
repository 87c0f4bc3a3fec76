"""Formats: CSV in UTF-8, UTF-8 with BOM and CP932 (detected), broken bytes, ragged rows, xlsx, Parquet."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq

from kansa.contract.load import load_directory
from kansa.contract.stream import read_csv

from .conftest import CONDUCT, WriteConduct

VENDOR = "①㈱髙﨑"  # NEC/IBM vendor characters: shift_jis loses them, cp932 keeps them


def test_it_reads_cp932_with_vendor_characters(write_conduct: WriteConduct) -> None:
    branches = f"店番,店名,地域\nB01,{VENDOR}本店,関東\nB02,二号店,関西\n"
    data = write_conduct(encoding="cp932", branches=branches)
    result = load_directory(data, lang="en")
    assert result.ok, result.errors
    assert result.tables["branches"].column("name").to_pylist()[0] == f"{VENDOR}本店"
    assert {f.table: f.encoding for f in result.files}["branches"] == "cp932"


def test_it_reads_utf8_with_bom(write_conduct: WriteConduct) -> None:
    data = write_conduct(encoding="utf-8-sig")
    result = load_directory(data, lang="en")
    assert result.ok, result.errors
    assert result.tables["customers"].column("customer_id").to_pylist()[0] == "C1"  # no BOM in the first header
    assert {f.encoding for f in result.files} == {"utf-8-sig"}


def test_it_rejects_cp932_with_broken_bytes_naming_the_line(write_conduct: WriteConduct) -> None:
    data = write_conduct()
    text = CONDUCT["branches"].encode("cp932")
    broken = text.replace("髙島屋前支店".encode("cp932"), b"\x81\xff\x82")  # 0x81 0xFF is no CP932 character
    (data / "branches.csv").write_bytes(broken)
    result = load_directory(data, lang="en")
    assert not result.ok and result.tables == {}
    bad = [i for i in result.errors if i.code == "bad_encoding"]
    assert [(i.table, i.row) for i in bad] == [("branches", 3)]
    assert "branches.csv" in bad[0].message


def test_it_rejects_utf8_with_one_damaged_byte_instead_of_reading_mojibake(write_conduct: WriteConduct) -> None:
    data = write_conduct()
    text = CONDUCT["products"].encode("utf-8")
    (data / "products.csv").write_bytes(text.replace("仕組債".encode(), b"\xe4\xbb" + b"\xff"))
    issues = load_directory(data, lang="en").errors
    assert [(i.table, i.row, i.code) for i in issues if i.table == "products"] == [("products", 3, "bad_encoding")]


def test_it_reports_rows_with_the_wrong_number_of_fields(write_conduct: WriteConduct) -> None:
    branches = "branch_id,name,region\nB01,本店,関東\n\nB02,二号店\nB03,三号店,関西,余分\nB04,四号店,九州\n"
    data = write_conduct(branches=branches)
    result = load_directory(data, lang="en")
    bad = [(i.row, i.code) for i in result.errors if i.table == "branches"]
    assert bad == [(4, "bad_row"), (5, "bad_row")]  # row 3 is blank: counted, not an error
    # a quoted line break inside a value is one row, not two, for the rows that follow
    branches = 'branch_id,name,region\nB01,"本店\n（旧館）",関東\nB02,二号店\nB03,三号店,関西\n'
    result = load_directory(write_conduct("multi", branches=branches), lang="en")
    assert [(i.row, i.code) for i in result.errors if i.table == "branches"] == [(3, "bad_row")]


def test_quoted_line_breaks_and_thousands_separators_keep_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "trades.csv"
    path.write_text('a,b\n"x\ny","1,000"\nz,2\n', encoding="utf-8")
    raw = read_csv(path, "trades", "en")
    assert raw.columns[0].to_pylist() == ["x\ny", "z"]
    assert raw.columns[1].to_pylist() == ["1,000", "2"]
    assert raw.rows.to_pylist() == [2, 3]  # records, as a spreadsheet shows them


def test_it_reads_one_workbook_with_a_sheet_per_table(write_conduct: WriteConduct, tmp_path: Path) -> None:
    data = tmp_path / "xlsx"
    data.mkdir()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, text in CONDUCT.items():
        ws = wb.create_sheet(name)
        for line in text.strip().splitlines():
            ws.append([_typed(v) for v in line.split(",")])
    wb.save(data / "institution.xlsx")
    result = load_directory(data, lang="en")
    assert result.ok, result.errors
    assert result.tables["trades"].num_rows == 3
    assert result.tables["customers"].column("birth_date").to_pylist()[0].isoformat() == "1945-01-02"
    assert {f.sheet for f in result.files} == set(CONDUCT)


def test_a_workbook_missing_a_needed_sheet_is_an_error(tmp_path: Path) -> None:
    data = tmp_path / "xlsx"
    data.mkdir()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name in ("branches", "customers", "products", "trades"):  # no staff sheet, yet trades name staff
        ws = wb.create_sheet(name)
        for line in CONDUCT[name].strip().splitlines():
            ws.append(line.split(","))
    wb.save(data / "institution.xlsx")
    result = load_directory(data, lang="en")
    assert [(i.table, i.column, i.code) for i in result.errors] == [("trades", "staff", "missing_sheet")]
    assert "institution.xlsx" in result.errors[0].message


def test_xlsx_errors_carry_the_sheet_row(tmp_path: Path) -> None:
    data = tmp_path / "xlsx"
    data.mkdir()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "branches"
    ws.append(["branch_id", "name"])
    ws.append(["B01", "本店"])
    ws.append([None, None])  # an empty sheet row 3
    ws.append(["B02", None])  # row 4: name is required
    wb.save(data / "branches.xlsx")
    result = load_directory(data, lang="en")
    assert [(i.row, i.column, i.code) for i in result.errors] == [(4, "name", "missing_value")]


def test_it_reads_parquet_typed_or_as_text(write_conduct: WriteConduct) -> None:
    data = write_conduct(customers=None)
    pq.write_table(
        pa.table(
            {
                "customer_id": ["C1", "C2", "C3"],
                "birth_date": pa.array([_d("1945-01-02"), _d("1990-05-06"), _d("1948-03-04")], pa.date32()),
                "branch_id": ["B01", "B02", "B01"],
                "investment_experience": ["over_5y", "none", "under_1y"],
                "risk_tolerance": pa.array([3, 1, 9], pa.int64()),
                "investment_purpose": ["income", "growth", "preservation"],
                "financial_assets_jpy": pa.array([1.5e7, None, 2e6]),
            }
        ),
        data / "customers.parquet",
    )
    result = load_directory(data, lang="en")
    assert [(i.table, i.row, i.column, i.code) for i in result.errors] == [
        ("customers", 4, "risk_tolerance", "out_of_range")
    ]


def test_two_files_for_one_table_are_an_error(write_conduct: WriteConduct) -> None:
    data = write_conduct()
    (data / "branches.tsv").write_text("branch_id\tname\nB01\tx\n", encoding="utf-8")
    assert [i.code for i in load_directory(data, lang="en").errors] == ["duplicate_table"]


def test_a_folder_without_contract_tables_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    assert [i.code for i in load_directory(tmp_path, lang="en").errors] == ["no_tables"]


def _typed(v: str) -> object:
    return int(v) if v.isdigit() and len(v) < 9 else (v or None)


def _d(text: str) -> object:
    from datetime import date

    return date.fromisoformat(text)


def _odd_workbook(path: Path) -> None:
    from datetime import datetime

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "customers"  # rows 1-2 stay empty: the header sits on sheet row 3
    header = "customer_id,birth_date,branch_id,investment_experience,risk_tolerance,investment_purpose,is_professional"
    for col, name in enumerate(header.split(","), start=1):
        ws.cell(row=3, column=col, value=name)
    ws.append(["C1", _d("1945-01-02"), "B01", "over_5y", 3, "income", True])
    ws.append([])  # sheet row 5 blank
    ws.append(["C2", datetime(1990, 5, 6), "B02", "none", 1.0, "growth", False])
    ws.append(["C3", "令和2年1月1日", "B01", "none", 7, "growth", None])  # row 7: risk out of range
    ws.append(["C4", "1950-01-01", "B01", "none", 2, "growth", None, "stray"])  # row 8: cell past the header
    wb.save(path)


def test_xlsx_rows_are_sheet_rows_with_real_date_and_bool_cells(tmp_path: Path) -> None:
    data = tmp_path / "x"
    data.mkdir()
    _odd_workbook(data / "customers.xlsx")
    (data / "branches.csv").write_text("branch_id,name\nB01,本店\nB02,二号店\n", encoding="utf-8")
    result = load_directory(data, lang="en")
    assert [(i.row, i.column, i.code) for i in result.errors] == [
        (7, "risk_tolerance", "out_of_range"),
        (8, None, "bad_row"),
    ]
    assert result.tables == {}  # a failed batch hands nothing on


def test_the_fast_and_the_careful_xlsx_readers_agree(tmp_path: Path) -> None:
    from kansa.contract.xlsx import _read_slowly, read_sheet

    path = tmp_path / "customers.xlsx"
    _odd_workbook(path)
    fast = read_sheet(path, "customers", "customers", "en")
    slow = _read_slowly(path, "customers", "customers", "en")
    assert fast.headers == slow.headers
    assert fast.rows.to_pylist() == slow.rows.to_pylist() == [4, 6, 7]
    assert fast.columns[0].to_pylist() == slow.columns[0].to_pylist() == ["C1", "C2", "C3"]
    assert [(i.row, i.code) for i in fast.issues] == [(i.row, i.code) for i in slow.issues] == [(8, "bad_row")]
    from kansa.contract.values import parse_bool, parse_date, parse_int

    for reader in (fast, slow):
        births = [parse_date(t) for t in reader.columns[1].to_pylist()]
        assert [b.isoformat() for b in births] == ["1945-01-02", "1990-05-06", "2020-01-01"]
        assert [parse_int(t) for t in reader.columns[4].to_pylist()] == [3, 1, 7]
        assert [parse_bool(t) for t in reader.columns[6].to_pylist()[:2]] == [True, False]


def test_a_damaged_workbook_or_parquet_file_is_reported_not_raised(write_conduct: WriteConduct) -> None:
    data = write_conduct(staff=None, positions=None)
    (data / "staff.xlsx").write_bytes(b"PK\x03\x04 this is not really a workbook")
    (data / "positions.parquet").write_bytes(b"PAR1 nor a parquet file")
    result = load_directory(data, lang="en")
    codes = {(i.table, i.code) for i in result.errors}
    assert ("staff", "unreadable_file") in codes
    assert ("positions", "unreadable_file") in codes
    assert result.tables == {}
