"""A contract CSV with an endless line is refused naming the file and line, and the limit can be raised."""

from __future__ import annotations

from pathlib import Path

from kansa.contract.readers import long_line
from kansa.contract.stream import read_csv
from kansa.limits import limit


def test_a_line_above_kansa_max_line_kb_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_bytes(b"customer_id,name\nC1,a\nC2," + b"x" * 5000 + b"\nC3,c\n")
    with limit(max_line_kb=2):
        raw = read_csv(path, "customers", "en")
    assert [i.code for i in raw.issues] == ["limit_line"]
    assert "customers.csv line 3" in raw.issues[0].message and "KANSA_MAX_LINE_KB" in raw.issues[0].message
    assert raw.columns == []  # nothing read from a refused file


def test_the_same_file_reads_under_the_default_limit(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_bytes(b"customer_id,name\nC1,a\nC2," + b"x" * 5000 + b"\nC3,c\n")
    raw = read_csv(path, "customers", "en")
    assert not [i for i in raw.issues if i.code == "limit_line"] and raw.rows.to_pylist() == [2, 3, 4]


def test_long_line_finds_exactly_the_lines_over_the_limit() -> None:
    assert long_line(b"ab\n" + b"x" * 10 + b"\nc", 0, 16, 10) is None   # exactly the limit: allowed
    assert long_line(b"ab\n" + b"x" * 11 + b"\nc", 0, 17, 10) == 2
    assert long_line(b"ab\r" + b"x" * 30 + b"\rc", 0, 35, 10) == 2     # CR-only line ends
    assert long_line(b"x" * 30, 0, 30, 10) == 1
