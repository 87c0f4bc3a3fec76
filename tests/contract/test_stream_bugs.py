"""A bug inside a CSV or Parquet stream is raised, not taken for a refused cell and hidden by the text path."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import kansa.contract.parquet as parquet
import kansa.contract.stream as stream
from kansa.contract.load import load_directory

from .conftest import WriteConduct

TRADES = {
    "trade_id": ["T1", "T2"], "trade_date": ["2024-06-03", "2024-06-04"], "customer_id": ["C1", "C2"],
    "product_id": ["P1", "P2"], "side": ["buy", "sell"], "branch_id": ["B01", "B01"], "staff_id": ["S1", "S1"],
    "channel": ["face_to_face", "phone"], "solicited": ["true", "false"],
}


def _parquet_trades(folder: Any, amounts: pa.Array) -> None:
    (folder / "trades.csv").unlink()
    pq.write_table(pa.table({**{k: pa.array(v) for k, v in TRADES.items()}, "amount_jpy": amounts}),
                   folder / "trades.parquet")


def test_a_bug_converting_a_parquet_column_is_raised(write_conduct: WriteConduct,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_conduct()
    _parquet_trades(folder, pa.array([1000, 2000], pa.int64()))

    def broken(array: pa.Array, target: pa.DataType) -> pa.Array:
        raise TypeError("a bug in to_lane")

    monkeypatch.setattr(parquet, "to_lane", broken)
    with pytest.raises(TypeError, match="a bug in to_lane"):
        load_directory(folder, lang="en")


def test_a_bug_in_the_csv_stream_is_raised(write_conduct: WriteConduct, monkeypatch: pytest.MonkeyPatch) -> None:
    class BrokenCompute:
        """pyarrow.compute for the stream only, its trim broken."""

        def __getattr__(self, name: str) -> Any:
            return getattr(pc, name)

        @staticmethod
        def utf8_trim_whitespace(array: Any) -> Any:
            raise KeyError("a bug in the trim")

    monkeypatch.setattr(stream, "pc", BrokenCompute())
    with pytest.raises(KeyError, match="a bug in the trim"):
        load_directory(write_conduct(), lang="en")


def test_a_refused_value_still_goes_the_text_way_and_is_named(write_conduct: WriteConduct) -> None:
    # the control: a fraction in a whole-yen fee read typed is Arrow refusing a cell, not a bug: the text way reads it
    folder = write_conduct()
    _parquet_trades(folder, pa.array([1000, 2000], pa.int64()))
    table = pq.read_table(folder / "trades.parquet")
    pq.write_table(table.append_column("fee_jpy", pa.array([10.0, 20.5], pa.float64())), folder / "trades.parquet")
    result = load_directory(folder, lang="en")
    assert result.ok, [i.message for i in result.errors]
    assert result.tables["trades"].column("fee_jpy").to_pylist() == [10.0, 20.5]
