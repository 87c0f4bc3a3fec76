"""Property tests: whatever bytes or cells arrive, readers return the cells or report an issue, never crash."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kansa.contract.load import load_directory
from kansa.contract.readers import read_csv

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
    assert raw.encoding == encoding


@settings(max_examples=80, deadline=None)
@given(body=st.binary(max_size=200))
def test_arbitrary_bytes_give_a_table_or_issues(body: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "branches.csv"
        path.write_bytes(b"branch_id,name\n" + body)
        result = load_directory(Path(tmp), lang="en")
    assert result.ok or result.errors
    assert result.ok == bool(result.tables)
