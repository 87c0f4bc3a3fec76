"""Absurd amounts (above a documented, overridable bound) are warnings naming file, row, column and value."""

from __future__ import annotations

from kansa.contract.load import load_directory
from kansa.limits import Limits, limit

from .conftest import CONDUCT, WriteConduct

TRADES = CONDUCT["trades"].replace("T2,2024-06-04,C2,P2,buy,500000,", "T2,2024-06-04,C2,P2,buy,5000000000000,")


def test_an_amount_above_the_bound_is_a_warning_naming_file_row_column_value(write_conduct: WriteConduct) -> None:
    result = load_directory(write_conduct(trades=TRADES), lang="en")
    assert result.ok  # a warning: the data loads, the reviewer is told
    absurd = [i for i in result.warnings if i.code == "absurd_amount"]
    assert [(i.file, i.row, i.column, i.value) for i in absurd] == [("trades.csv", 3, "amount_jpy", "5000000000000")]
    assert "KANSA_MAX_AMOUNT_JPY" in absurd[0].message and "1,000,000,000,000" in absurd[0].message


def test_an_amount_at_the_bound_is_not_flagged(write_conduct: WriteConduct) -> None:
    at_bound = CONDUCT["trades"].replace(",500000,", f",{Limits().max_amount_jpy},")
    result = load_directory(write_conduct(trades=at_bound), lang="ja")
    assert result.ok and not [i for i in result.issues if i.code == "absurd_amount"]


def test_the_bound_is_overridable(write_conduct: WriteConduct) -> None:
    with limit(max_amount_jpy=10**13):
        result = load_directory(write_conduct(trades=TRADES), lang="ja")
    assert not [i for i in result.issues if i.code == "absurd_amount"]
    assert "KANSA_MAX_AMOUNT_JPY" in Limits.settings()
