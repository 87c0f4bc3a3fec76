"""Parquet columns that arrive typed give exactly what the same values give as text, cell for cell and issue for issue.

kansa.contract.parquet.lane_type lets integers, whole floats, DECIMAL(p, 0), dates, timestamps and booleans
reach DuckDB converted; every test here loads the same file that way, then with the text path only (each
cell turned into the text a CSV would hold and parsed by the contract), and then as a CSV of that text.
All three must agree on every value and every issue (its row, column, value and message).
"""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kansa.contract.parquet as parquet
from kansa.contract.load import load_directory
from kansa.contract.parquet import as_text, lane_type

from .conftest import WriteConduct, load_typed_and_text

N = 3


def _trades(**columns: pa.Array) -> pa.Table:
    """The conftest trades as a Parquet table (strings), with some columns replaced."""
    n = len(next(iter(columns.values()))) if columns else N
    base: dict[str, Any] = {
        "trade_id": [f"T{i}" for i in range(1, n + 1)],
        "trade_date": ["2024-06-03"] * n,
        "customer_id": (["C1", "C2", "C3"] * n)[:n],
        "product_id": (["P1", "P2"] * n)[:n],
        "side": (["buy", "sell"] * n)[:n],
        "amount_jpy": ["1000"] * n,
        "fee_jpy": [""] * n,
        "branch_id": ["B01"] * n,
        "staff_id": ["S1"] * n,
        "channel": (["face_to_face", "phone", "online", "ifa"] * n)[:n],
        "solicited": ["true"] * n,
    }
    base.update(columns)
    return pa.table({k: v if isinstance(v, pa.Array | pa.ChunkedArray) else pa.array(v, pa.string())
                     for k, v in base.items()})


def _write_csv(table: pa.Table, path: Path) -> None:
    cells = [as_text(c).to_pylist() for c in table.columns]
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(table.column_names)
        out.writerows(zip(*cells, strict=True))


def _load_three(folder: Path, table: pa.Table, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any, Any, list[bool]]:
    """Load trades.parquet typed, as text only, and the same text as trades.csv; which lanes the typed load took."""
    (folder / "trades.csv").unlink(missing_ok=True)
    pq.write_table(table, folder / "trades.parquet", row_group_size=max(1, len(table) // 3 or 1))
    typed, text, lanes = load_typed_and_text(folder, monkeypatch)
    _write_csv(pq.read_table(folder / "trades.parquet"), folder / "trades.csv")  # as read (seconds come as ms)
    (folder / "trades.parquet").unlink()
    as_csv = load_directory(folder, lang="en")
    return typed, text, as_csv, lanes


def _key(result: Any) -> list[tuple[Any, ...]]:
    return [(i.code, i.table, i.row, i.column, i.value, i.level, i.message) for i in result.issues]


def _same(a: Any, b: Any) -> None:
    assert _key(a) == _key(b)
    assert a.ok == b.ok
    if a.ok:
        assert a.tables["trades"].to_pylist() == b.tables["trades"].to_pylist()
        assert a.tables["trades"].schema == b.tables["trades"].schema


def _check(folder: Path, table: pa.Table, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, list[bool]]:
    typed, text, as_csv, lanes = _load_three(folder, table, monkeypatch)
    _same(typed, text)
    _same(typed, as_csv)
    return typed, lanes


INTS = [pa.int8(), pa.int16(), pa.int32(), pa.int64(), pa.uint8(), pa.uint16(), pa.uint32(), pa.uint64()]


@pytest.mark.parametrize(("kind", "values", "lane"), [
    (pa.int64(), [-(2**63), 1, 2], [True, False]),  # the text parser refuses its magnitude
    (pa.int64(), [-(2**63) + 1, 2**63 - 1, 2], [True]),
    (pa.uint64(), [2**63, 1, 2], [True, False]),
    (pa.uint64(), [2**63 - 1, 1, 2], [True]),
], ids=str)
def test_integers_at_the_edges_of_int64(write_conduct: WriteConduct, monkeypatch: pytest.MonkeyPatch,
                                        kind: pa.DataType, values: list[int], lane: list[bool]) -> None:
    table = _trades(amount_jpy=pa.array(values, kind))
    _, lanes = _check(write_conduct(trades=None), table, monkeypatch)
    assert lanes == lane


@pytest.mark.parametrize("kind", INTS, ids=str)
def test_integer_amounts_arrive_typed(write_conduct: WriteConduct, monkeypatch: pytest.MonkeyPatch,
                                      kind: pa.DataType) -> None:
    table = _trades(amount_jpy=pa.array([100, 0, 127], kind), fee_jpy=pa.array([None, 5, 0], kind))
    typed, lanes = _check(write_conduct(trades=None), table, monkeypatch)
    assert lanes == [True] and typed.ok
    assert typed.tables["trades"].column("amount_jpy").to_pylist() == [100.0, 0.0, 127.0]


@pytest.mark.parametrize(("values", "lane"), [
    ([1000.0, 0.0, 2e9], [True]),
    ([1000.0, None, 9999999999.0], [True]),
    ([1000.5, 1.0, 2.0], [True, False]),  # a fraction: refused, the whole table read as text
    ([1e10, 1.0, 2.0], [True, False]),  # written 1e+10 as text
    ([float("nan"), 1.0, 2.0], [True, False]),
    ([float("inf"), 1.0, 2.0], [True, False]),
    ([-0.0, 1.0, 2.0], [True, False]),  # text -0
    ([-5.0, 1.0, 2.0], [True]),
], ids=str)
def test_float_amounts_arrive_typed_only_when_whole(write_conduct: WriteConduct, monkeypatch: pytest.MonkeyPatch,
                                                    values: list[float | None], lane: list[bool]) -> None:
    table = _trades(amount_jpy=pa.array(values, pa.float64()))
    _, lanes = _check(write_conduct(trades=None), table, monkeypatch)
    assert lanes == lane


@pytest.mark.parametrize(("kind", "values", "lane"), [
    (pa.decimal128(18, 0), ["1000", "0", "-5"], [True]),
    (pa.decimal128(38, 0), ["1000", "99999999999999999999", "5"], [True, False]),  # beyond int64
    (pa.decimal128(18, 2), ["1000.00", "0.50", "3.25"], [False]),  # not whole: text from the start
], ids=str)
def test_decimals_of_scale_zero_arrive_typed(write_conduct: WriteConduct, monkeypatch: pytest.MonkeyPatch,
                                             kind: pa.DataType, values: list[str], lane: list[bool]) -> None:
    table = _trades(amount_jpy=pa.array([Decimal(v) for v in values], kind))
    _, lanes = _check(write_conduct(trades=None), table, monkeypatch)
    assert lanes == lane


def _ts(*moments: datetime | None) -> list[datetime | None]:
    return list(moments)


MIDNIGHTS = _ts(datetime(2024, 6, 3), None, datetime(1999, 12, 31))


@pytest.mark.parametrize(("array", "lane"), [
    (pa.array([date(2024, 6, 3), None, date(1999, 12, 31)], pa.date32()), [True]),
    (pa.array([date(2024, 6, 3), None, date(1999, 12, 31)], pa.date64()), [True]),
    (pa.array(MIDNIGHTS, pa.timestamp("s")), [True]),
    (pa.array(MIDNIGHTS, pa.timestamp("ms")), [True]),
    (pa.array(MIDNIGHTS, pa.timestamp("us")), [True]),
    (pa.array(MIDNIGHTS, pa.timestamp("ns")), [True]),
    # 15:00 UTC is midnight the next day in Tokyo
    (pa.array(_ts(datetime(2024, 6, 2, 15, tzinfo=UTC), None, datetime(1999, 12, 30, 15, tzinfo=UTC)),
              pa.timestamp("us", tz="UTC")), [True]),
    (pa.array(_ts(datetime(2024, 6, 3, tzinfo=timezone(timedelta(hours=9)))), pa.timestamp("ms", tz="Asia/Tokyo")),
     [True]),
    # a time of day left in Tokyo: bad_date, named from the text
    (pa.array(_ts(datetime(2024, 6, 3, tzinfo=UTC), None, None), pa.timestamp("us", tz="UTC")), [True, False]),
    (pa.array(_ts(datetime(2024, 6, 3, 10, 30), None, None), pa.timestamp("us")), [True, False]),
    (pa.array([date(2024, 6, 3), None, None], pa.date32()).cast(pa.string()), [False]),  # text stays text
], ids=lambda v: str(getattr(v, "type", v)))
def test_dates_and_timestamps_arrive_as_dates(write_conduct: WriteConduct, monkeypatch: pytest.MonkeyPatch,
                                              array: pa.Array, lane: list[bool]) -> None:
    table = _trades(trade_date=array)
    typed, lanes = _check(write_conduct(trades=None), table, monkeypatch)
    assert lanes == lane
    if lane == [True]:
        assert typed.errors == [] or {i.column for i in typed.errors} == {"trade_date"}


def test_tz_aware_timestamps_are_tokyo_dates(write_conduct: WriteConduct, monkeypatch: pytest.MonkeyPatch) -> None:
    utc = pa.array([datetime(2024, 6, 2, 15, tzinfo=UTC)] * N, pa.timestamp("us", tz="UTC"))
    typed, lanes = _check(write_conduct(trades=None), _trades(trade_date=utc), monkeypatch)
    assert lanes == [True]
    assert typed.tables["trades"].column("trade_date").to_pylist() == [date(2024, 6, 3)] * N


def test_booleans_strings_and_dictionaries(write_conduct: WriteConduct, monkeypatch: pytest.MonkeyPatch) -> None:
    table = _trades(
        solicited=pa.array([True, None, False]),
        trade_id=pa.array(["T1", "T2", "T3"], pa.large_string()),
        channel=pa.array(["online", "phone", "online"]).dictionary_encode(),
        side=pa.array([" buy", "sell ", "buy"]),  # trimmed, as a CSV cell is
        staff_id=pa.array([None, None, None], pa.string()),
    )
    typed, lanes = _check(write_conduct(trades=None), table, monkeypatch)
    assert lanes == [True] and typed.ok
    assert typed.tables["trades"].column("solicited").to_pylist() == [True, None, False]


def test_a_fraction_in_an_int_column_names_its_row_and_value(write_conduct: WriteConduct,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    data = write_conduct(customers=None)
    customers = pa.table({
        "customer_id": ["C1", "C2", "C3"],
        "birth_date": pa.array([date(1945, 1, 2), date(1990, 5, 6), date(1948, 3, 4)], pa.date32()),
        "branch_id": ["B01", "B02", "B01"],
        "investment_experience": ["over_5y", "none", "under_1y"],
        "risk_tolerance": pa.array([3, 1, 2], pa.int8()),
        "investment_purpose": ["income", "growth", "preservation"],
        "financial_assets_jpy": pa.array([1.5e7, 2.5, None]),
    })
    pq.write_table(customers, data / "customers.parquet")
    result = load_directory(data, lang="en")
    assert [(i.table, i.row, i.column, i.value, i.code) for i in result.errors] == [
        ("customers", 3, "financial_assets_jpy", "2.5", "bad_int")]


@pytest.mark.parametrize(("array", "value"), [
    (pa.array([19_000, 3_000_000, 19_000], pa.date32()), "10183-09-21"),  # a year the text parser does not take
    (pa.array([datetime(2024, 6, 3), datetime(2024, 6, 3, 9, 15), datetime(2024, 6, 3)], pa.timestamp("ms")),
     "2024-06-03 09:15:00.000"),
])
def test_a_bad_date_names_its_row_and_value(write_conduct: WriteConduct, monkeypatch: pytest.MonkeyPatch,
                                            array: pa.Array, value: str) -> None:
    typed, lanes = _check(write_conduct(trades=None), _trades(trade_date=array), monkeypatch)
    assert lanes == [True, False]
    assert [(i.row, i.column, i.value, i.code) for i in typed.errors] == [(3, "trade_date", value, "bad_date")]


def test_many_batches_keep_row_order_and_numbers(write_conduct: WriteConduct, monkeypatch: pytest.MonkeyPatch) -> None:
    """More rows than a batch (and several row groups): rows stay in file order, errors name their rows."""
    monkeypatch.setattr(parquet, "BATCH", 64)
    n = 1_000
    amounts = pa.array([-7 if i in (5, 500, 999) else 1000 + i for i in range(n)], pa.int64())
    table = _trades(amount_jpy=amounts, trade_date=pa.array([date(2024, 1, 1) + timedelta(days=i % 300)
                                                             for i in range(n)], pa.date32()),
                    solicited=pa.array([i % 3 == 0 for i in range(n)]))
    typed, lanes = _check(write_conduct(trades=None), table, monkeypatch)
    assert lanes == [True]
    assert [(i.row, i.value, i.code) for i in typed.errors] == [(7, "-7", "negative_amount"),
                                                                 (502, "-7", "negative_amount"),
                                                                 (1001, "-7", "negative_amount")]
    amounts = amounts.to_pylist()
    amounts[5] = amounts[500] = amounts[999] = 5
    folder = write_conduct("clean", trades=None)
    pq.write_table(_trades(amount_jpy=pa.array(amounts, pa.int64())), folder / "trades.parquet", row_group_size=100)
    ok = load_directory(folder, lang="en")
    assert ok.ok
    assert ok.tables["trades"].column("trade_id").to_pylist() == [f"T{i}" for i in range(1, n + 1)]
    assert ok.tables["trades"].column("amount_jpy").to_pylist() == [float(a) for a in amounts]


def test_a_multi_batch_refusal_late_in_the_file_still_names_the_row(write_conduct: WriteConduct,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A fraction in the last batch: batches already written are dropped, the text way names row 1001."""
    monkeypatch.setattr(parquet, "BATCH", 100)
    amounts = [1000.0] * 999 + [12.5]
    typed, lanes = _check(write_conduct(trades=None), _trades(amount_jpy=pa.array(amounts)), monkeypatch)
    assert lanes == [True, False]
    assert typed.ok and typed.tables["trades"].column("amount_jpy").to_pylist()[-1] == 12.5


def test_lane_type_takes_only_what_reads_alike() -> None:
    assert lane_type(pa.uint64(), "int") == pa.int64()
    assert lane_type(pa.float64(), "decimal") == pa.int64()
    assert lane_type(pa.float64(), "rate") is None
    assert lane_type(pa.decimal128(18, 2), "decimal") is None
    assert lane_type(pa.timestamp("ns", tz="UTC"), "date") == pa.date32()
    assert lane_type(pa.timestamp("ns"), "datetime") is None
    assert lane_type(pa.int64(), "bool") is None
    assert lane_type(pa.string(), "int") is None
    assert lane_type(pa.dictionary(pa.int32(), pa.int64()), "int") == pa.int64()


# --- random columns: typed against text -------------------------------------------------------------------

_AMOUNT_TYPES = st.sampled_from([pa.int8(), pa.int32(), pa.int64(), pa.uint16(), pa.uint64(), pa.float64(),
                                 pa.decimal128(18, 0)])
_DATE_TYPES = st.sampled_from([pa.date32(), pa.date64(), pa.timestamp("s"), pa.timestamp("ms"),
                               pa.timestamp("us", tz="UTC"), pa.timestamp("ns", tz="Asia/Tokyo")])


def _amount_values(kind: pa.DataType) -> st.SearchStrategy[Any]:
    if pa.types.is_floating(kind):
        return st.one_of(st.integers(-10**11, 10**11).map(float), st.floats(allow_nan=True, allow_infinity=True),
                         st.sampled_from([0.5, -0.0, 1e10, 9999999999.0]))
    if pa.types.is_decimal(kind):
        return st.integers(-(10**18) + 1, 10**18 - 1).map(Decimal)
    info = {pa.int8(): (-128, 127), pa.int32(): (-(2**31), 2**31 - 1), pa.int64(): (-(2**63), 2**63 - 1),
            pa.uint16(): (0, 2**16 - 1), pa.uint64(): (0, 2**64 - 1)}[kind]
    return st.integers(*info)


def _date_values(kind: pa.DataType) -> st.SearchStrategy[Any]:
    if pa.types.is_date(kind):
        return st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
    moments = st.datetimes(min_value=datetime(1678, 1, 1), max_value=datetime(2261, 12, 31))
    midnight = st.dates(min_value=date(1678, 1, 2), max_value=date(2261, 12, 30)).map(
        lambda d: datetime(d.year, d.month, d.day))
    if kind.tz is not None:  # Tokyo midnights as instants, and any instant
        tokyo = midnight.map(lambda m: m.replace(tzinfo=timezone(timedelta(hours=9))))
        return st.one_of(tokyo, moments.map(lambda m: m.replace(tzinfo=UTC)))
    return st.one_of(midnight, moments)


@st.composite
def _columns(draw: st.DrawFn) -> dict[str, pa.Array]:
    n = draw(st.integers(1, 6))
    out: dict[str, pa.Array] = {}
    for name in ("amount_jpy", "fee_jpy"):
        kind = draw(_AMOUNT_TYPES)
        out[name] = pa.array(draw(st.lists(st.one_of(st.none(), _amount_values(kind)), min_size=n, max_size=n)), kind)
    kind = draw(_DATE_TYPES)
    out["trade_date"] = pa.array(draw(st.lists(st.one_of(st.none(), _date_values(kind)), min_size=n, max_size=n)),
                                 kind)
    out["solicited"] = pa.array(draw(st.lists(st.one_of(st.none(), st.booleans()), min_size=n, max_size=n)))
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(columns=_columns())
def test_random_typed_columns_read_as_their_text_does(write_conduct: WriteConduct, monkeypatch: pytest.MonkeyPatch,
                                                      columns: dict[str, pa.Array]) -> None:
    _check(write_conduct(trades=None), _trades(**columns), monkeypatch)


@pytest.mark.parametrize("unnamed", [False, True], ids=["plain", "values-under-an-empty-header"])
def test_full_width_keys_are_made_half_width_and_counted(write_conduct: WriteConduct,
                                                         monkeypatch: pytest.MonkeyPatch, unnamed: bool) -> None:
    """Keys fixed in Arrow as the batches pass count as the CSV's SQL counts them (also once the file was read
    into a table early, to find the first value under an empty header)."""
    monkeypatch.setattr(parquet, "BATCH", 2)
    extra = {"": pa.array(["", "x", ""])} if unnamed else {}
    table = _trades(customer_id=pa.array(["Ｃ１", "C2", "C\uff13"]), trade_id=pa.array(["T1", "Ｔ２", "T3"]),
                    amount_jpy=pa.array([1, 2, 3], pa.int32()), **extra)
    typed, lanes = _check(write_conduct(trades=None), table, monkeypatch)
    assert lanes == [not unnamed]  # read into a table early: text, as a CSV is then
    assert sorted((i.column, i.message) for i in typed.issues if i.code == "ids_normalised") == [
        ("customer_id", "customer_id: 2 values with full-width letters or digits normalised (NFKC)"),
        ("trade_id", "trade_id: 1 values with full-width letters or digits normalised (NFKC)"),
    ]
    assert any(i.code == "unnamed_column" for i in typed.issues) == unnamed


def test_a_parquet_file_with_a_header_and_no_rows_is_no_rows(write_conduct: WriteConduct) -> None:
    data = write_conduct(branches=None)
    pq.write_table(pa.table({"branch_id": pa.array([], pa.string()), "name": pa.array([], pa.string())}),
                   data / "branches.parquet")
    result = load_directory(data, lang="en")
    assert [(i.code, i.row) for i in result.issues if i.table == "branches"] == [("no_rows", 1)]
    assert [f.rows for f in result.files if f.table == "branches"] == [0]


def test_a_column_that_cannot_be_text_still_counts_the_rows_read(write_conduct: WriteConduct) -> None:
    data = write_conduct(branches=None)
    pq.write_table(pa.table({"branch_id": ["B01", "B02"], "name": pa.array([[1], [2]])}), data / "branches.parquet")
    result = load_directory(data, lang="en")
    assert [(i.code, i.column) for i in result.errors] == [("unreadable_file", "name")]
    assert [f.rows for f in result.files if f.table == "branches"] == [2]
