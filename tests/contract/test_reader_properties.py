"""Property tests: whatever bytes or cells arrive, readers return the cells or report an issue, never crash."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kansa.contract.load import load_directory
from kansa.contract.stream import read_csv
from kansa.contract.values import CellError, parse_decimal

# Text a CP932 export can hold: kana, kanji, vendor characters, ASCII punctuation, quotes, line breaks.
_CHARS = st.sampled_from(list("abcXYZ019 ,\"'\n\t-=+@①㈱髙﨑あア亜漢字ｶﾅ　。、"))
_CELL = st.text(_CHARS, max_size=12)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.lists(_CELL, min_size=3, max_size=3), min_size=1, max_size=6),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp932"]),
)
def test_cells_written_as_csv_come_back_unchanged(rows: list[list[str]], encoding: str) -> None:
    rows = [r for r in rows if any(c.strip() for c in r)]  # a wholly blank record is a blank line
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["a", "b", "c"])
    writer.writerows(rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "branches.csv"
        path.write_bytes(buf.getvalue().encode(encoding))
        raw = read_csv(path, "branches", "en")
    assert not [i for i in raw.issues if i.is_error]
    got = [list(r) for r in zip(*(c.to_pylist() for c in raw.columns), strict=True)]
    # Trailing blanks at the very end of a file are not data; compare what a person would see.
    want = [list(r) for r in rows]
    if want and got:
        want[-1][-1] = want[-1][-1].rstrip("\r\n\t ") if len(got) == len(want) else want[-1][-1]
        got[-1][-1] = got[-1][-1].rstrip("\r\n\t ")
        want[-1][-1] = want[-1][-1].rstrip("\r\n\t ")
    assert got == want
    ascii_only = buf.getvalue().isascii()  # pure ASCII is valid UTF-8: any answer reads it the same
    assert raw.encoding == ("utf-8" if ascii_only and encoding == "cp932" else encoding)


@settings(max_examples=40, deadline=None)
@given(body=st.binary(max_size=200))
def test_arbitrary_bytes_give_a_table_or_issues(body: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "branches.csv"
        path.write_bytes(b"branch_id,name\n" + body)
        result = load_directory(Path(tmp), lang="en")
    assert result.ok or result.errors
    assert result.ok == bool(result.tables)


_FIELD = st.one_of(
    st.sampled_from(["B01", "B02", "本店", "", " ", "関東", "㈱髙", "=1+1", 'a"b', "x,y", "行1\n行2"]),
    st.text(_CHARS, max_size=6),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    records=st.lists(st.lists(_FIELD, min_size=0, max_size=5), min_size=0, max_size=8),
    eol=st.sampled_from(["\n", "\r\n", "\r"]),
    quote_all=st.booleans(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp932"]),
    raw_tail=st.binary(max_size=8),
)
def test_any_csv_structure_gives_a_table_or_issues_at_real_rows(
    records: list[list[str]], eol: str, quote_all: bool, encoding: str, raw_tail: bytes
) -> None:
    """Ragged rows, quotes, line breaks in values, any line ending, stray bytes: a table or reported issues."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=eol, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    writer.writerow(["branch_id", "name", "region"])
    writer.writerows(records)
    body = buf.getvalue().encode(encoding) + raw_tail
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "branches.csv").write_bytes(body)
        result = load_directory(Path(tmp), lang="ja")
    assert result.ok == bool(result.tables)
    physical_lines = body.count(b"\n") + body.count(b"\r") + 2
    for issue in result.issues:
        assert issue.message
        assert issue.table == "branches" or issue.code == "absent_table"
        assert issue.row is None or 1 <= issue.row <= physical_lines
    if result.ok:
        assert result.tables["branches"].num_rows <= len(records)


@settings(max_examples=30, deadline=None)
@given(body=st.binary(max_size=300), suffix=st.sampled_from([".xlsx", ".parquet", ".tsv", ".txt"]))
def test_arbitrary_bytes_in_any_format_give_issues_never_a_crash(body: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / f"branches{suffix}").write_bytes(body)
        result = load_directory(Path(tmp), lang="en")
    assert result.ok == bool(result.tables)
    assert all(i.message for i in result.issues)


@given(
    n=st.integers(min_value=-(10**15), max_value=10**15),
    style=st.sampled_from(["plain", "commas", "yen", "en", "fullwidth", "accounting"]),
)
def test_amounts_in_every_japanese_spelling_read_back_exactly(n: int, style: str) -> None:
    sign = "-" if n < 0 else ""
    digits = f"{abs(n):,}" if style in ("commas", "yen", "en", "accounting") else str(abs(n))
    text = {
        "plain": f"{sign}{digits}",
        "commas": f"{sign}{digits}",
        "yen": f"{sign}¥{digits}",
        "en": f"{sign}{digits}円",
        "fullwidth": (f"{sign}{digits}").translate(str.maketrans("-0123456789", "－０１２３４５６７８９")),
        "accounting": f"({digits})" if n < 0 else digits,
    }[style]
    try:
        assert parse_decimal(text) == n
    except CellError:
        raise AssertionError(f"{text!r} was refused") from None
