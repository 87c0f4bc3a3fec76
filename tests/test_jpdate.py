"""Japanese era dates in and out, fiscal and supervisory years."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kansa.jpdate import (
    ERAS,
    Era,
    EraDateError,
    era_of,
    fiscal_year,
    format_era,
    format_fiscal_year,
    parse_era_date,
    supervisory_year,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和4年12月1日", date(2022, 12, 1)),
        ("R4.12.1", date(2022, 12, 1)),
        ("r04/12/01", date(2022, 12, 1)),
        ("Ｒ４．１２．１", date(2022, 12, 1)),
        ("㋿4年12月1日", date(2022, 12, 1)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("H31.4.30", date(2019, 4, 30)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("㍻元年1月8日", date(1989, 1, 8)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("昭和20年8月15日", date(1945, 8, 15)),
    ],
)
def test_it_parses_era_dates(text: str, expected: date) -> None:
    assert parse_era_date(text) == expected


@pytest.mark.parametrize("text", ["平成31年5月1日", "令和元年4月30日", "昭和64年1月8日", "令和0年1月1日", "R4.2.30"])
def test_it_rejects_era_dates_that_never_existed(text: str) -> None:
    with pytest.raises(EraDateError):
        parse_era_date(text)


@pytest.mark.parametrize("text", ["2022-12-01", "", "令和", "X4.12.1", "R4"])
def test_other_text_is_not_an_era_form(text: str) -> None:
    assert parse_era_date(text) is None


@given(st.dates(min_value=date(1868, 10, 23), max_value=date(2100, 12, 31)))
def test_format_and_parse_round_trip(d: date) -> None:
    assert parse_era_date(format_era(d)) == d
    assert parse_era_date(format_era(d, "short")) == d


_FULL = str.maketrans("0123456789.RHSTM", "０１２３４５６７８９．ＲＨＳＴＭ")


@given(st.dates(min_value=date(1868, 10, 23), max_value=date(2100, 12, 31)), st.booleans())
def test_full_width_and_lower_case_era_forms_round_trip_too(d: date, lower: bool) -> None:
    short = format_era(d, "short")
    assert parse_era_date(short.translate(_FULL)) == d
    assert parse_era_date(short.lower() if lower else format_era(d).replace("年", "年 ")) == d


@given(st.dates(min_value=date(1868, 10, 23), max_value=date(2100, 12, 31)), st.sampled_from(ERAS))
def test_a_date_written_in_any_other_era_is_refused(d: date, era: Era) -> None:
    """One real date has exactly one era spelling: 平成31年5月1日 and 昭和64年1月8日 never parse."""
    year = d.year - era.start.year + 1
    if year < 1:
        return
    text = f"{era.kanji}{year}年{d.month}月{d.day}日"
    if era is era_of(d)[0]:
        assert parse_era_date(text) == d
    elif year < 100:
        with pytest.raises(EraDateError):
            parse_era_date(text)
    else:
        assert parse_era_date(text) is None  # 明治133年 is not an era form at all: reported as a bad date


@given(st.text(max_size=20))
def test_parse_never_crashes_on_arbitrary_text(text: str) -> None:
    try:
        result = parse_era_date(text)
    except EraDateError:
        return
    assert result is None or isinstance(result, date)


def test_fiscal_and_supervisory_years() -> None:
    assert fiscal_year(date(2026, 3, 31)) == 2025
    assert fiscal_year(date(2026, 4, 1)) == 2026
    assert format_fiscal_year(2019) == "2019年度（平成31年度）"  # April 2019 was still Heisei
    assert format_fiscal_year(2025, "en") == "FY2025"
    assert supervisory_year(date(2026, 6, 30)) == 2025
    assert supervisory_year(date(2026, 7, 1)) == 2026
    assert format_era(date(2019, 5, 1)) == "令和元年5月1日"


def test_public_holidays_match_jpholiday_and_come_from_the_cache_the_second_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import jpholiday

    from kansa.jpdate import public_holidays

    monkeypatch.setenv("KANSA_CACHE_DIR", str(tmp_path))
    first = public_holidays.__wrapped__(2024)
    assert first == dict(jpholiday.year_holidays(2024))
    assert first[date(2024, 2, 23)] == "天皇誕生日"
    (cached,) = tmp_path.glob("holidays-jpholiday-*.json")
    data = json.loads(cached.read_text(encoding="utf-8"))
    data["2024"]["2024-06-03"] = "planted"
    cached.write_text(json.dumps(data), encoding="utf-8")
    assert public_holidays.__wrapped__(2024)[date(2024, 6, 3)] == "planted"  # read back, not recomputed


def test_public_holidays_without_a_writable_cache_still_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kansa.jpdate import public_holidays

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("KANSA_CACHE_DIR", str(blocker / "sub"))
    assert date(2025, 1, 13) in public_holidays.__wrapped__(2025)  # 成人の日
