"""Columns pyarrow converts while it reads give exactly what the contract's own text path gives, cell for cell.

The fast lane (kansa.contract.stream.stream_type) hands ISO dates, whole amounts, integers and the boolean
words to DuckDB already converted; any other spelling must send the table to the text path, where the
contract's parsers take it or name it. Both ways are run here on the same files and must agree on every
value and every issue.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kansa.contract.load import load_directory

from .conftest import CONDUCT, WriteConduct, load_typed_and_text

AMOUNTS = ["1000", "0", "-5", "007", " 12 ", "1,000", "0x10", "0X1F", "12.5", "1e3", "", "+5", "１２", '""',
           "99999999999999999999", "abc", '"2000"', "inf", "nan", ".5", "1_000", "NA"]
DATES = ["2024-06-03", "2024-6-3", "2024/06/03", "令和6年6月3日", "R6.6.3", "2024-02-30", "", " 2024-06-03 ",
         '""', "2024-06-03 10:00:00", "20240603", "NULL"]
BOOLS = ["true", "TRUE", "True", "1", "0", "yes", "Yes", "○", "×", "maybe", "", "t", "F", "あり", " true "]
HEADER = "trade_id,trade_date,customer_id,product_id,side,amount_jpy,fee_jpy,branch_id,staff_id,channel,solicited\n"


def _trades(rows: list[tuple[str, str, str, str]]) -> str:
    lines = [f"T{i},{d},C1,P1,buy,{a},{f},B01,S1,face_to_face,{b}" for i, (d, a, f, b) in enumerate(rows, 1)]
    return HEADER + "\n".join(lines) + "\n"


def _same(fast: Any, text: Any) -> None:
    key = [(i.code, i.table, i.row, i.column, i.value, i.level) for i in fast.issues]
    assert key == [(i.code, i.table, i.row, i.column, i.value, i.level) for i in text.issues]
    assert fast.ok == text.ok
    if fast.ok:
        assert fast.tables["trades"].to_pylist() == text.tables["trades"].to_pylist()
        assert fast.tables["trades"].schema == text.tables["trades"].schema


def test_clean_iso_files_take_the_fast_lane_and_match(write_conduct: WriteConduct,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_conduct(trades=_trades([("2024-06-03", "1000", "30", "true"), ("2024-06-04", "-0", "", "0")]))
    fast, text, lanes = load_typed_and_text(folder, monkeypatch)
    assert lanes == [True]  # converted by pyarrow, no second pass
    _same(fast, text)
    assert fast.tables["trades"].column("amount_jpy").to_pylist() == [1000.0, 0.0]


def test_a_hexadecimal_amount_is_an_error_not_sixteen(write_conduct: WriteConduct,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_conduct(trades=_trades([("2024-06-03", "0x10", "0", "true")]))
    fast, text, _ = load_typed_and_text(folder, monkeypatch)
    _same(fast, text)
    assert [(i.row, i.column, i.value) for i in fast.errors] == [(2, "amount_jpy", "0x10")]


def test_a_fraction_and_an_era_date_send_the_table_to_the_text_path(write_conduct: WriteConduct,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_conduct(trades=_trades([("令和6年6月3日", "1000.5", "\"1,000\"", "○")]))
    fast, text, lanes = load_typed_and_text(folder, monkeypatch)
    assert lanes == [True, False]  # tried converted, refused, read as text
    _same(fast, text)
    row = fast.tables["trades"].to_pylist()[0]
    assert (str(row["trade_date"]), row["amount_jpy"], row["fee_jpy"], row["solicited"]) == (
        "2024-06-03", 1000.5, 1000.0, True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.sampled_from(DATES), st.sampled_from(AMOUNTS), st.sampled_from(AMOUNTS),
                          st.sampled_from(BOOLS)), min_size=1, max_size=6))
def test_any_spelling_gives_the_same_values_and_issues_both_ways(
        rows: list[tuple[str, str, str, str]], write_conduct: WriteConduct, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_conduct(trades=_trades(rows))
    fast, text, _ = load_typed_and_text(folder, monkeypatch)
    _same(fast, text)


def test_the_conduct_set_untouched_still_loads(write_conduct: WriteConduct) -> None:
    assert load_directory(write_conduct(**CONDUCT), lang="en").ok


def test_no_temporary_copy_is_left_when_a_check_raises(write_conduct: WriteConduct, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    import kansa.contract.load as load

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    folder = write_conduct()

    def broken(*_: Any) -> list[Any]:
        raise RuntimeError("a check failed half way")

    monkeypatch.setattr(load, "check_values", broken)
    with pytest.raises(RuntimeError):
        load_directory(folder, lang="en")
    assert not list(scratch.glob("kansa-csv-*"))


def test_two_files_at_a_time_give_what_one_at_a_time_gives(write_conduct: WriteConduct,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import kansa.contract.load as load

    broken = CONDUCT["positions"].replace("1100000", "-1").replace("2024-06-30,C2", "2024-13-30,C2")
    folder = write_conduct(trades=_trades([("2024-06-03", "0x10", "", "maybe")]), positions=broken)
    results = []
    for workers in (1, 2):
        monkeypatch.setattr(load, "_WORKERS", workers)
        got = load_directory(folder, lang="ja")
        results.append([(i.code, i.table, i.row, i.column, i.value, i.message) for i in got.issues])
    assert results[0] == results[1]
    assert {"negative_amount", "bad_date", "bad_bool"} <= {r[0] for r in results[0]}
