"""Parquet read a batch at a time into DuckDB, columns the contract can take as they are arriving typed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kansa.contract.issues import make_issue
from kansa.contract.readers import RawTable, watched
from kansa.contract.values import half_width
from kansa.i18n import Lang

BATCH = 131_072  # rows per batch read from the file

# Dates the contract's text parsers take (four-digit years): anything outside goes the text way and is named there.
_FIRST_DAY = -719_162  # 0001-01-01 as days since 1970-01-01
_LAST_DAY = 2_932_896  # 9999-12-31
# Whole floats from 1e10 up are written 1e+10 as text (pyarrow's shortest form), and an issue shows that text:
# only smaller ones arrive typed, so the value an issue names is the same either way.
_FLOAT_WHOLE = 1e10
_PER_DAY = {"s": 86_400, "ms": 86_400_000, "us": 86_400_000_000, "ns": 86_400_000_000_000}
_TOKYO = 9 * 3600  # Asia/Tokyo is UTC+09:00 without daylight saving (since 1951)


class NotTyped(pa.ArrowInvalid):
    """A value of a column read typed does not fit the contract as it is: the table goes the text way instead."""


def _value_type(arrow_type: pa.DataType) -> pa.DataType:
    return arrow_type.value_type if pa.types.is_dictionary(arrow_type) else arrow_type


def lane_type(arrow_type: pa.DataType, kind: str) -> pa.DataType | None:
    """The Arrow type a Parquet column of this type arrives as for a contract kind, or None: read as text.

    Integers, whole float64 and DECIMAL(p, 0) become int64 for int and amount (decimal) columns; date32,
    date64 and timestamps (naive, or with a zone: the Asia/Tokyo date) become dates; booleans stay booleans.
    Everything else (strings, rates, datetimes, a number in a date column) is text, parsed as a CSV cell is.
    """
    t = _value_type(arrow_type)
    if kind in ("int", "decimal"):
        if pa.types.is_integer(t) or pa.types.is_float64(t) or (pa.types.is_decimal(t) and t.scale == 0):
            return pa.int64()
    elif kind == "date":
        if pa.types.is_date(t) or pa.types.is_timestamp(t):
            return pa.date32()
    elif kind == "bool" and pa.types.is_boolean(t):
        return pa.bool_()
    return None


def midnight_text(arrow_type: pa.DataType) -> str:
    """What a timestamp typed as a date (always midnight) shows after the date as text: ' 00:00:00.000' for ms."""
    t = _value_type(arrow_type)
    if not pa.types.is_timestamp(t):
        return ""
    return " 00:00:00" + {"s": "", "ms": ".000", "us": ".000000", "ns": ".000000000"}[t.unit]


def _refuse_if(bad: pa.Array | pa.ChunkedArray, why: str) -> None:
    if pc.any(pc.fill_null(bad, False)).as_py():
        raise NotTyped(why)


def to_lane(array: pa.Array, target: pa.DataType) -> pa.Array:
    """One column of a batch as `target` (lane_type's answer); raises NotTyped where a value would read otherwise
    as text (a fraction in an int column, a time of day in a date column, a year the text parser refuses)."""
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    t = array.type
    if pa.types.is_boolean(target):
        return array
    if pa.types.is_int64(target):
        if pa.types.is_floating(t):
            finite = pc.is_finite(array)
            _refuse_if(pc.invert(finite), "not a finite number")
            _refuse_if(pc.greater_equal(pc.abs(array), _FLOAT_WHOLE), "written with an exponent as text")
            _refuse_if(pc.and_(pc.equal(array, 0.0), pc.less(pc.divide(1.0, array), 0.0)), "-0")
            return array.cast(pa.int64())  # a safe cast: a fraction raises (ArrowInvalid), refused as the rest
        if pa.types.is_uint64(t):
            _refuse_if(pc.greater(array, pa.scalar(2**63 - 1, pa.uint64())), "out of int64")
        out = array.cast(pa.int64())  # a DECIMAL beyond int64 raises (ArrowInvalid): the text way names it
        # the text parser refuses -2**63 (its magnitude does not fit), so the typed way must too
        _refuse_if(pc.equal(out, pa.scalar(-(2**63), pa.int64())), "out of int64")
        return out
    # dates
    if pa.types.is_timestamp(t):
        ticks = array.cast(pa.int64())
        per_day = _PER_DAY[t.unit]
        if t.tz is not None:  # an instant: the date it is in Tokyo
            ticks = pc.add_checked(ticks, _TOKYO * (per_day // 86_400))
        days = pc.divide(ticks, per_day)  # truncates; exact where no time of day is left
        _refuse_if(pc.not_equal(pc.multiply(days, per_day), ticks), "a time of day")
    elif pa.types.is_date64(t):
        ms = array.cast(pa.int64())
        days = pc.divide(ms, 86_400_000)
        _refuse_if(pc.not_equal(pc.multiply(days, 86_400_000), ms), "a time of day")
    else:
        days = array.cast(pa.int32()).cast(pa.int64())
    _refuse_if(pc.or_(pc.less(days, _FIRST_DAY), pc.greater(days, _LAST_DAY)), "a year outside 0001..9999")
    return days.cast(pa.int32()).view(pa.date32())


def as_text(array: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """A column as the text a CSV would hold: aware timestamps as Asia/Tokyo wall time, booleans true/false."""
    t = array.type
    if pa.types.is_timestamp(t) and t.tz is not None:
        array = pc.add(array.cast(pa.timestamp(t.unit)),
                       pa.scalar(_TOKYO * 10**6, pa.duration("us")).cast(pa.duration(t.unit)))
    elif pa.types.is_boolean(t):
        array = pc.if_else(array, "true", "false")
    text = array.cast(pa.string()) if not pa.types.is_string(array.type) else array
    return pc.fill_null(text, "")


def _plain(t: pa.DataType) -> bool:
    """Whether a column of this type always reads as text: only others (bytes, lists, ...) are tried first."""
    t = _value_type(t)
    return (pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_integer(t)
            or pa.types.is_floating(t) or pa.types.is_decimal(t) or pa.types.is_temporal(t)
            or pa.types.is_boolean(t) or pa.types.is_null(t))


def read_parquet_into(con: duckdb.DuckDBPyConnection, path: Path, table: str, lang: Lang,
                      batch_size: int | None = None) -> RawTable:
    """Open a Parquet file for staging: headers and row count now, the cells streamed into DuckDB when staged.

    Rows are numbered as if the table were a sheet with a header row (the first data row is 2). An empty or
    unreadable file, and a column that cannot be text (nested, bytes that are not UTF-8), are issues.
    `batch_size`: rows per batch (BATCH when None).
    """
    raw = RawTable(table, path, None, [], [], pa.array([], pa.int64()))
    if path.stat().st_size == 0:
        raw.issues.append(make_issue("empty_file", lang, table, None, None, None, detail=path.name))
        return raw
    try:
        file = pq.ParquetFile(path)
        schema = file.schema_arrow
    except (pa.ArrowException, OSError) as exc:
        raw.issues.append(make_issue("unreadable_file", lang, table, None, None, None, detail=_open_error(path, exc)))
        return raw
    raw.headers = list(schema.names)
    raw.count = file.metadata.num_rows
    for i, name in enumerate(schema.names):
        if _plain(schema.field(i).type):
            continue
        try:  # a rare type: read that column alone now, as the text it will be
            as_text(pq.read_table(path, columns=[name]).column(0))
        except (pa.ArrowException, ValueError) as exc:  # lists, structs, bytes that are not UTF-8
            detail = f"{path.name}: {name} ({schema.field(i).type}): {exc}"
            raw.issues.append(make_issue("unreadable_file", lang, table, None, name, None, detail=detail))
    if raw.issues:
        return raw
    raw.source_types = list(schema.types)
    if raw.count == 0 or not raw.headers:
        raw.columns = [pa.array([], pa.string()) for _ in raw.headers]  # staged from Arrow: nothing to stream
        return raw
    view = f'"src_{table}"'
    raw.relation, raw.con, raw.row_sql, raw.trimmed = view, con, None, True
    # no look at the keys in SQL before staging (a second pass over the file): they are fixed on the way in
    raw.wide, raw.half_width = False, {}
    raw.open = _stream(raw, view, path, schema, batch_size or BATCH)

    def fallback() -> None:
        _read_whole(con, raw, lang)

    raw.fallback = fallback
    return raw


def _open_error(path: Path, exc: Exception) -> str:
    """The message a damaged file gives, worded as pyarrow's whole-file reader words it."""
    try:
        pq.read_table(path)
    except (pa.ArrowException, OSError) as whole:
        return str(whole)
    return str(exc)


def _stream(raw: RawTable, view: str, path: Path, schema: pa.Schema, batch_size: int) -> Callable[..., None]:
    """A function that registers (again) a one-pass reader of the file's batches as `view` (cells c0, c1, ...).

    open(types) has the columns of `types` (index -> Arrow type) converted by to_lane, the rest as trimmed text,
    the key columns named in raw.half_width made half-width (counted there); open(columns=[...]) streams only
    those columns.
    """
    assert raw.con is not None
    con = raw.con

    def batches(types: dict[int, pa.DataType], columns: list[int], out: pa.Schema) -> Iterator[pa.RecordBatch]:
        keys = raw.half_width if raw.half_width is not None else {}
        for index in keys:
            keys[index] = 0
        with pq.ParquetFile(path) as file:
            for batch in file.iter_batches(batch_size=batch_size, columns=[schema.names[i] for i in columns],
                                           use_threads=False):
                arrays = []
                for i, column in zip(columns, batch.columns, strict=True):
                    if i in types:
                        arrays.append(to_lane(column, types[i]))
                        continue
                    text = pc.utf8_trim_whitespace(as_text(column))
                    if i in keys:
                        text, changed = half_width(text)
                        keys[i] += changed
                    arrays.append(text)
                yield pa.RecordBatch.from_arrays(arrays, schema=out)

    def open_(types: dict[int, pa.DataType] | None = None, columns: list[int] | None = None) -> None:
        kept = types or {}
        wanted = list(range(len(schema.names))) if columns is None else columns
        out = pa.schema([(f"c{i}", kept.get(i, pa.string())) for i in wanted])
        reader = pa.RecordBatchReader.from_batches(out, watched(raw, batches(kept, wanted, out)))
        con.register(view.strip('"'), reader)

    return open_


def _read_whole(con: duckdb.DuckDBPyConnection, raw: RawTable, lang: Lang) -> None:
    """When the stream fails as text too (a damaged page): the whole file as text, or the error as an issue."""
    relation = f'"raw_{raw.table}"'
    n = len(raw.headers)
    raw.relation, raw.open, raw.row_sql, raw.trimmed = relation, None, "_row", True
    raw.wide, raw.half_width = True, None  # keys made half-width in SQL from here
    try:
        whole = pq.read_table(raw.path)
        cells = [pc.utf8_trim_whitespace(as_text(whole.column(i))) for i in range(n)]
    except (pa.ArrowException, OSError, ValueError) as exc:
        raw.issues.append(make_issue("unreadable_file", lang, raw.table, None, None, None, detail=str(exc)))
        con.execute(f"CREATE OR REPLACE TEMP TABLE {relation} (_row BIGINT, "
                    + ", ".join(f"c{i} VARCHAR" for i in range(n)) + ")")
        return
    rows = pa.array(range(2, whole.num_rows + 2), pa.int64())
    con.register("_parquet_in", pa.table([rows, *cells], names=["_row", *[f"c{i}" for i in range(n)]]))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {relation} AS SELECT * FROM _parquet_in")
    con.unregister("_parquet_in")
