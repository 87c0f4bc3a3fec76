"""The streaming load: files read a slice at a time give the same cells, rows and errors as a whole read."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kansa.contract import stream
from kansa.contract.load import load_directory
from kansa.limits import limit
from kansa.services.load import load_into_workspace
from kansa.workspace import MANIFEST, Workspace

_HEADER = "branch_id,name,region\r\n"


@pytest.fixture
def small_slices(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Slices of 64 bytes, so a few rows already span many of them (the real slice is 8 MB)."""
    monkeypatch.setattr(stream, "CHUNK", 64)
    yield


def _branches(rows: list[str]) -> str:
    return _HEADER + "".join(r + "\r\n" for r in rows)


def test_it_numbers_rows_of_a_cp932_file_read_in_many_slices(tmp_path: Path, small_slices: None) -> None:
    rows = [f"B{i:03d},髙島屋前{i}号店㈱,関東" for i in range(200)]
    path = tmp_path / "branches.csv"
    path.write_bytes(_branches(rows).encode("cp932"))
    raw = stream.read_csv(path, "branches", "en")
    assert raw.encoding == "cp932"
    assert raw.rows.to_pylist() == list(range(2, 202))
    assert raw.columns[1].to_pylist()[150] == "髙島屋前150号店㈱"


def test_it_names_the_row_of_a_broken_byte_far_into_the_file(tmp_path: Path, small_slices: None) -> None:
    rows = [f"B{i:03d},本店{i},関東" for i in range(300)]
    data = bytearray(_branches(rows).encode("cp932"))
    at = data.index("本店250".encode("cp932"))
    data[at] = 0xFF  # not CP932
    (tmp_path / "branches.csv").write_bytes(bytes(data))
    errors = load_directory(tmp_path, lang="en").errors
    assert [(e.row, e.code, e.value) for e in errors] == [(252, "bad_encoding", "0xFF")]


def test_a_ragged_row_far_into_the_file_is_named_and_nothing_loads(tmp_path: Path, small_slices: None) -> None:
    rows = [f"B{i:03d},支店{i},関東" for i in range(300)]
    rows[200] = "B200,支店200"  # a field short
    (tmp_path / "branches.csv").write_bytes(_branches(rows).encode("cp932"))
    result = load_directory(tmp_path, lang="ja")
    assert [(e.row, e.code) for e in result.errors] == [(202, "bad_row")]
    assert "B200,支店200" in (result.errors[0].value or "")
    assert not result.tables


def test_a_blank_line_between_slices_keeps_the_rows_after_it_numbered(tmp_path: Path, small_slices: None) -> None:
    rows = [f"B{i:03d},支店{i},関東" for i in range(100)]
    rows.insert(60, "")
    rows[80] = "B010,bad,関東"  # a duplicate key after the blank line: its row as the user sees it
    (tmp_path / "branches.csv").write_text(_branches(rows), encoding="utf-8")
    result = load_directory(tmp_path, lang="en")
    # As the whole-file reader did: a lone empty line among full rows is a row with empty values.
    assert [(e.row, e.code) for e in result.errors] == [(62, "missing_value"), (62, "missing_value"),
                                                        (82, "duplicate_key")]


def test_a_long_line_far_into_the_file_is_named_by_its_line(tmp_path: Path, small_slices: None) -> None:
    rows = [f"B{i:03d},支店{i},関東" for i in range(1000)]
    rows[700] = "B700," + "x" * 3000 + ",関東"
    (tmp_path / "branches.csv").write_text(_branches(rows), encoding="utf-8")
    with limit(max_line_kb=1):  # slices of 2 KB: the file spans a dozen of them
        errors = load_directory(tmp_path, lang="en").errors
    assert [(e.row, e.code) for e in errors] == [(702, "limit_line")]


_CHARS = st.sampled_from(list("abcXYZ019 ,\"'\n-①㈱髙あア亜ｶﾅ　、"))


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.lists(st.text(_CHARS, max_size=30), min_size=3, max_size=3), min_size=1, max_size=12),
       encoding=st.sampled_from(["utf-8", "cp932"]))
def test_cells_come_back_unchanged_whatever_the_slices(rows: list[list[str]], encoding: str) -> None:
    rows = [r for r in rows if any(c.strip() for c in r)]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["a", "b", "c"])
    writer.writerows(rows)
    old = stream.CHUNK
    stream.CHUNK = 48
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "branches.csv"
            path.write_bytes(buf.getvalue().encode(encoding))
            raw = stream.read_csv(path, "branches", "en")
    finally:
        stream.CHUNK = old
    assert not [i for i in raw.issues if i.is_error]
    got = [list(r) for r in zip(*(c.to_pylist() for c in raw.columns), strict=True)]
    want = [list(r) for r in rows]
    if want and got:
        got[-1][-1] = got[-1][-1].rstrip("\r\n\t ")
        want[-1][-1] = want[-1][-1].rstrip("\r\n\t ")
    assert got == want


def test_a_first_load_and_a_second_load_keep_one_manifest_and_no_staging_files(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "branches.csv").write_text(_branches(["B01,本店,関東", "B02,支店,関西"]), encoding="utf-8")
    ws = tmp_path / "ws"
    load_into_workspace(data, ws, lang="en")  # the checked file becomes the workspace
    (data / "branches.csv").write_text(_branches(["B01,本店,関東"]), encoding="utf-8")
    load_into_workspace(data, ws, lang="en")  # copied into the existing workspace
    with Workspace(ws).connect() as con:
        assert con.execute("SELECT count(DISTINCT load_id) FROM " + MANIFEST).fetchall() == [(2,)]
        assert con.execute("SELECT branch_id FROM branches").fetchall() == [("B01",)]
        assert not con.execute("SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'w_%' "
                               "OR table_name LIKE 'raw_%'").fetchall()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "ws"]
    assert sorted(p.name for p in ws.iterdir()) == ["kansa.duckdb"]
    duckdb.connect(str(ws / "kansa.duckdb"), read_only=True).close()
