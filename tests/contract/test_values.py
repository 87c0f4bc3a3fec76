"""Cell parsers: the spellings the contract accepts, the ones it rejects, and SQL fast paths that agree."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kansa.contract.schema import TABLES, Column
from kansa.contract.values import (
    CellError,
    fast_sql,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_int,
    parse_rate,
    parse_value,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-06-03", date(2024, 6, 3)),
        ("2024/6/3", date(2024, 6, 3)),
        ("２０２４／０６／０３", date(2024, 6, 3)),
        ("2024年6月3日", date(2024, 6, 3)),
        ("20240603", date(2024, 6, 3)),
        ("2024-06-03 00:00:00", date(2024, 6, 3)),
        ("令和4年12月1日", date(2022, 12, 1)),
        ("R4.12.1", date(2022, 12, 1)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("昭和20年1月2日", date(1945, 1, 2)),
    ],
)
def test_it_parses_dates(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["平成31年5月1日", "令和元年4月30日", "2024-02-30", "2024-06-03 10:00", "昨日", "6/3"])
def test_it_rejects_dates_that_do_not_exist(text: str) -> None:
    with pytest.raises(CellError) as exc:
        parse_date(text)
    assert exc.value.code == "bad_date"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-06-03 10:15:00", datetime(2024, 6, 3, 10, 15)),
        ("2024-06-03T10:15", datetime(2024, 6, 3, 10, 15)),
        ("2024/06/03 10:15:30.5", datetime(2024, 6, 3, 10, 15, 30, 500000)),
        ("2024-06-03T01:15:00Z", datetime(2024, 6, 3, 10, 15)),  # UTC -> Tokyo wall time
        ("2024-06-03T10:15:00+09:00", datetime(2024, 6, 3, 10, 15)),
        ("2024-06-02T21:15:00-04:00", datetime(2024, 6, 3, 10, 15)),
        ("2024-06-03", datetime(2024, 6, 3)),
    ],
)
def test_it_parses_datetimes_to_tokyo_wall_time(text: str, expected: datetime) -> None:
    assert parse_datetime(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("1", True),
        ("Yes", True),
        ("有", True),
        ("○", True),
        ("false", False),
        ("0", False),
        ("no", False),
        ("無", False),
        ("×", False),
        ("ＴＲＵＥ", True),
    ],
)
def test_it_parses_booleans(text: str, expected: bool) -> None:
    assert parse_bool(text) is expected


def test_numbers_tolerate_separators_full_width_digits_and_the_triangle() -> None:
    assert parse_int("1,234,567") == 1234567
    assert parse_int("１２３") == 123
    assert parse_int("1000.0") == 1000
    assert parse_int("△500") == -500
    assert parse_decimal("1,000円") == 1000.0
    assert parse_rate("1.65%") == 1.65
    assert parse_rate("1.65") == 1.65
    for bad, parse in (("1.5", parse_int), ("abc", parse_decimal), ("nan", parse_decimal), ("1e400", parse_decimal)):
        with pytest.raises(CellError):
            parse(bad)


def test_enums_accept_japanese_labels_but_not_strangers() -> None:
    side = TABLES["trades"].column("side")
    assert parse_value(side, "買付") == "buy"
    assert parse_value(side, "SELL") == "sell"
    with pytest.raises(CellError) as exc:
        parse_value(side, "hold")
    assert exc.value.code == "unknown_enum"


_TYPED = [c for t in TABLES.values() for c in t.columns if c.type != "string"]
_CELLS = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"[0-9０-９,.\-/年月日:T +%△]{1,20}", fullmatch=True),
    st.dates().map(lambda d: d.strftime("%Y/%m/%d")),
    st.datetimes().map(lambda d: d.isoformat()),
)


@settings(max_examples=300, deadline=None)
@given(col=st.sampled_from(_TYPED), text=_CELLS)
def test_parsers_never_crash_they_parse_or_report(col: Column, text: str) -> None:
    try:
        parse_value(col, text.strip())
    except CellError as exc:
        assert exc.code.startswith(("bad_", "unknown_enum"))


_FAST_KINDS: dict[str, Column] = {c.type: c for c in _TYPED}
_CON = duckdb.connect()  # one connection for every example: opening one costs more than the query


@settings(max_examples=200, deadline=None)
@given(kind=st.sampled_from(sorted(_FAST_KINDS)), text=_CELLS.filter(lambda s: s.strip() != ""))
def test_the_sql_fast_path_never_disagrees_with_the_python_parser(kind: str, text: str) -> None:
    col = _FAST_KINDS[kind]
    text = text.strip()
    fast = _CON.execute(f"SELECT {fast_sql(col, '$1::VARCHAR')}", [text]).fetchone()
    assert fast is not None
    if fast[0] is None:
        return  # left to the Python parser
    expected = parse_value(col, text)  # whatever SQL accepts, Python must accept the same way
    if isinstance(expected, float):
        assert fast[0] == pytest.approx(expected)
    else:
        assert fast[0] == expected
