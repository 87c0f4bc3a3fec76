"""Streaming CSV reader: SHA-256 and encoding in one pass, CP932 -> UTF-8 in slices, then DuckDB's own CSV reader.

Memory does not grow with the file: the bytes pass through Python a slice at a time into a temporary UTF-8
file that DuckDB reads (all columns as text, in parallel) into a table of the connection given. Rows are
numbered as a spreadsheet shows them (header = row 1; a line break inside a quoted value stays in its row).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import BinaryIO

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from kansa.contract.headers import Mapping
from kansa.contract.issues import make_issue
from kansa.contract.readers import (
    _CP932_UNDEFINED,
    _LATIN_TEXT,
    _WIDE_UTF8_LEAD,
    NOT_TEXT,
    RawTable,
    _find_header,
    _looks_like_utf8,
    _sniff_delimiter,
    bad_lines_in,
    long_line,
    sniff_not_text,
    watched,
)
from kansa.contract.values import FALSE_WORDS, TRUE_WORDS
from kansa.i18n import Lang
from kansa.limits import LIMITS, setting

CHUNK = 8 << 20  # bytes read at a time
_HEAD = 1 << 20  # what encoding sniffing looks at
_BATCH = 50_000  # rows per batch on the row-by-row path
_TRAILING = b"\r\n\t "  # trailing blank lines are not rows the user means


@dataclass
class Survey:
    """What one pass over a file's bytes tells: SHA-256, size, its first MB and the encoding facts."""

    sha256: str
    size: int
    head: bytes
    blank: bool  # empty, or whitespace only
    ascii: bool
    utf8: bool  # decodes as UTF-8 from end to end
    wide: bool  # holds a lead byte of a 3- or 4-byte UTF-8 sequence


def survey(path: Path) -> Survey:
    """Read the file once: SHA-256 of the very bytes parsed, size, and whether it is ASCII or valid UTF-8."""
    h = hashlib.sha256()
    size, head, blank, ascii_, utf8, wide = 0, b"", True, True, True, False
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            h.update(block)
            size += len(block)
            if len(head) < _HEAD:
                head += block[: _HEAD - len(head)]
            if blank and not block.isspace():
                blank = False
            if not block.isascii():
                ascii_ = False
                wide = wide or _WIDE_UTF8_LEAD.search(block) is not None
            if utf8:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    return Survey(h.hexdigest(), size, head, blank, ascii_, utf8, wide)


def slices(f: BinaryIO, size: int | None = None) -> Iterator[bytes]:
    """The file in slices that end at a line end (LF, else CR): no character and no line is cut in two."""
    # At least twice the longest line allowed: a line over the limit then always lies whole in one slice.
    size = max(size or CHUNK, LIMITS.get().max_line_kb << 11)
    carry = b""
    while block := f.read(size):
        data = carry + block if carry else block
        cut = data.rfind(b"\n")
        if cut < 0:
            cut = data.rfind(b"\r")
        if cut < 0 and len(data) < 4 * size:
            carry = data  # a line longer than a slice: read on (the line limit stops a hostile one)
            continue
        cut = len(data) - 1 if cut < 0 else cut
        yield data[: cut + 1]
        carry = data[cut + 1 :]
    if carry:
        yield carry


def _kana_not_latin(path: Path) -> bool:
    """Valid UTF-8 with only 2-byte sequences that is also CP932 and holds nothing Latin: read it as CP932."""
    decoder = codecs.getincrementaldecoder("cp932")()
    with path.open("rb") as f:
        for piece in slices(f):
            try:
                decoder.decode(piece)
            except UnicodeDecodeError:
                return False
            if _LATIN_TEXT.search(piece.decode("utf-8")):
                return False
    return True


def encoding_of(path: Path, s: Survey) -> tuple[str, bool]:
    """The encoding (utf-8-sig, utf-8 or cp932) and whether undecodable bytes are known to be there.

    The same decision as readers.detect_encoding, from the survey instead of the whole file in memory.
    """
    if s.head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", not s.utf8
    if s.ascii:
        return "utf-8", False
    if s.utf8:
        return ("cp932" if not s.wide and _kana_not_latin(path) else "utf-8"), False
    if _looks_like_utf8(s.head):
        return "utf-8", True  # a UTF-8 file with a damaged byte must not be re-read as CP932 mojibake
    return "cp932", False  # validated while it is converted


class _NotCp932(Exception):
    """A slice holds a byte that is not CP932 text."""


def _utf8_slices(path: Path, encoding: str) -> Iterator[bytes]:
    """The file as UTF-8 slices (BOM dropped); raises _NotCp932 at the first undecodable slice."""
    with path.open("rb") as f:
        first = True
        for piece in slices(f):
            if first and encoding == "utf-8-sig":
                piece = piece[3:]
            first = False
            if encoding != "cp932" or piece.isascii():
                yield piece
                continue
            try:
                text = piece.decode("cp932")
            except UnicodeDecodeError as exc:
                raise _NotCp932 from exc
            if any(c in text for c in _CP932_UNDEFINED):  # str.find per character: faster than a regex
                raise _NotCp932
            yield text.encode("utf-8")


def _report_bad_bytes(raw: RawTable, path: Path, encoding: str, lang: Lang) -> RawTable:
    """One bad_encoding issue per row holding an undecodable byte, found a slice at a time."""
    with path.open("rb") as f:
        parts = slices(f)
        if encoding == "utf-8-sig":
            parts = chain([next(parts, b"")[3:]], parts)
        found = bad_lines_in(parts, "cp932" if encoding == "cp932" else "utf-8")
    for b in found:
        raw.issues.append(make_issue("bad_encoding", lang, raw.table, b.row, None, f"0x{b.hex}", detail=path.name,
                                     line=b.line))
    return raw



@dataclass
class _Body:
    """Where the data rows went (a temporary UTF-8 file) and what was seen on the way."""

    path: Path
    empty: bool = True
    quoted: bool = False  # a quote somewhere: values may hold line breaks
    too_long: int | None = None  # first line over the limit
    wide: bool = False  # holds a full-width ASCII character or the ideographic space (UTF-8 EF BC/BD xx, E3 80 80)
    hex_prefix: bool = False  # holds 0x/0X: pyarrow would read it as a hexadecimal integer, the contract does not


def read_csv_into(con: duckdb.DuckDBPyConnection, path: Path, table: str, lang: Lang,
                  mapping: Mapping | None = None, work_dir: Path | None = None, trim: bool = True) -> RawTable:
    """Read a CSV/TSV into a DuckDB table of text cells (RawTable.relation); issues for broken files and rows."""
    raw = RawTable(table, path, None, [], [], pa.array([], pa.int64()))
    s = survey(path)
    raw.digest = s.sha256, s.size
    if s.blank:
        raw.issues.append(make_issue("empty_file", lang, table, 1, None, None, detail=path.name))
        return raw
    kind = sniff_not_text(s.head)
    if kind is not None:
        raw.issues.append(make_issue("not_text", lang, table, None, None, None, detail=NOT_TEXT[kind][lang]))
        return raw
    encoding, bad = encoding_of(path, s)
    raw.encoding = encoding
    if bad:
        return _report_bad_bytes(raw, path, encoding, lang)
    fd, name = tempfile.mkstemp(prefix="kansa-csv-", suffix=".csv", dir=work_dir)
    os.close(fd)
    body = _Body(Path(name))
    try:
        try:
            header = _write_body(path, encoding, body, raw, mapping, lang)
        except _NotCp932:
            return _report_bad_bytes(raw, path, "cp932", lang)
        if header is None:
            return raw
        if body.too_long is not None:
            limit = LIMITS.get().max_line_kb
            raw.issues.append(make_issue("limit_line", lang, table, body.too_long, None, None, file=path.name,
                                         line=body.too_long, limit=limit, setting=setting("max_line_kb")))
            return raw
        raw.relation, raw.con, raw.wide = f'"raw_{table}"', con, body.wide
        n = len(raw.headers)
        if body.empty:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {raw.relation} (_row BIGINT, "
                        + ", ".join(f"c{i} VARCHAR" for i in range(n)) + ")")
            raw.count = 0
            return raw
        delimiter, _cr_only = header
        # pyarrow's streaming parser feeds the work table a batch at a time (Arrow trims each batch) when the
        # table is staged; a row it refuses (ragged, blank) sends the file through the row-by-row reader instead.
        kept = body.path
        raw.cleanup.append(kept)
        view = f'"src_{table}"'
        raw.relation, raw.row_sql, raw.count, raw.trimmed = view, None, -1, trim
        raw.open = _arrow_stream(con, raw, view, kept, n, delimiter, body.quoted, trim)
        raw.hex_prefix = body.hex_prefix

        def fallback() -> None:
            raw.relation, raw.open, raw.trimmed = f'"raw_{table}"', None, False
            _read_rows(con, raw, kept, delimiter, lang)

        raw.fallback = fallback
        return raw
    finally:
        if body.path not in raw.cleanup:
            body.path.unlink(missing_ok=True)


class Refused(pa.ArrowInvalid):
    """pyarrow found a row with the wrong number of fields: the file goes row by row instead."""


# What pyarrow reads exactly as the contract's fast path does (kansa.contract.values.fast_sql): ISO dates, plain
# integers and the boolean words. Anything else in such a column makes pyarrow refuse the batch, and the
# table is read again as text, where the contract's own parsers take era dates, separators and labels.
# Amounts (decimal) are read as whole numbers, which yen amounts are: a fraction sends the table to the text
# path, since pyarrow's float parser takes spellings the contract does not (1e3, inf, .5).
_ARROW_TYPES: dict[str, pa.DataType] = {"int": pa.int64(), "decimal": pa.int64(), "date": pa.date32(),
                                        "bool": pa.bool_()}


def _bool_words(words: frozenset[str]) -> list[str]:
    """The words as people type them: the contract compares lower case, pyarrow exactly."""
    return sorted({v for w in words for v in (w, w.upper(), w.capitalize())})


def stream_type(kind: str, hex_prefix: bool = False) -> pa.DataType | None:
    """The Arrow type pyarrow may convert a column of this contract kind to while reading, if any.

    `hex_prefix`: the file holds 0x somewhere; pyarrow would read 0x10 as 16, so no integers are converted.
    """
    found = _ARROW_TYPES.get(kind)
    return None if hex_prefix and found is not None and pa.types.is_integer(found) else found


def _arrow_stream(con: duckdb.DuckDBPyConnection, raw: RawTable, view: str, body: Path, n: int, delimiter: str,
                  quoted: bool, trim: bool) -> Callable[..., None]:
    """A function that registers (again) a one-pass reader of the UTF-8 rows as `view`: text cells, trimmed.

    Called with `types` (column index -> Arrow type), those columns arrive converted by pyarrow instead.
    """
    names = [f"c{i}" for i in range(n)]

    def batches(types: dict[int, pa.DataType], schema: pa.Schema) -> Iterator[pa.RecordBatch]:
        refused: list[int] = []

        def on_invalid(row: pacsv.InvalidRow) -> str:
            refused.append(row.number or 0)
            return "skip"

        reader = pacsv.open_csv(
            str(body),
            # A few MB in flight, and a block always holds a whole row (one longer than a block is refused).
            read_options=pacsv.ReadOptions(column_names=names,
                                           block_size=max(4 << 20, LIMITS.get().max_line_kb << 11)),
            # Values can hold line breaks only inside quotes; without any quote the faster parser is exact.
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=quoted, ignore_empty_lines=False,
                                             invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                column_types={name: schema.field(name).type for name in names},
                # "" (quoted or not) is an empty cell: NULL in a converted column, '' in a text one
                strings_can_be_null=False, quoted_strings_can_be_null=True,
                null_values=[""], true_values=_bool_words(TRUE_WORDS), false_values=_bool_words(FALSE_WORDS)),
        )
        for batch in reader:
            if refused:
                raise Refused(f"row {refused[0]}")
            # Arrow trims Unicode white space (the ideographic space too) far faster than SQL.
            yield pa.RecordBatch.from_arrays(
                [pc.utf8_trim_whitespace(c) if trim and i not in types else c for i, c in enumerate(batch.columns)],
                schema=schema)
        if refused:
            raise Refused(f"row {refused[0]}")

    def open_(types: dict[int, pa.DataType] | None = None, columns: list[int] | None = None) -> None:
        # `columns` (only those are needed) is a hint a CSV cannot use: every column is parsed anyway
        kept = types or {}
        schema = pa.schema([(name, kept.get(i, pa.string())) for i, name in enumerate(names)])
        con.register(view.strip('"'), pa.RecordBatchReader.from_batches(schema, watched(raw, batches(kept, schema))))

    return open_


def materialize(con: duckdb.DuckDBPyConnection, raw: RawTable) -> None:
    """Make a CSV that DuckDB reads on staging a table with numbered rows (for the few who need it earlier)."""
    if raw.row_sql is not None or raw.relation is None:
        return
    table = f'"raw_{raw.table}"'
    try:
        if raw.open is not None:
            raw.open()
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM {raw.relation}")
    except (duckdb.Error, pa.ArrowException):
        raw.raise_stream_bug()
        if raw.fallback is None:
            raise
        raw.fallback()
        raw.fallback = None
        return
    raw.relation, raw.row_sql, raw.fallback, raw.open = table, f"(rowid + {raw.header_row + 1})", None, None


def _write_body(path: Path, encoding: str, body: _Body, raw: RawTable, mapping: Mapping | None,
                lang: Lang) -> tuple[str, bool] | None:
    """Header found, the rows written as UTF-8 to body.path; returns (delimiter, CR line ends) or None.

    None means the file ended at its header (or held no header): raw.issues says why when it matters.
    """
    limit = LIMITS.get().max_line_kb << 10
    parts = _utf8_slices(path, encoding)
    first = next(parts, b"")
    second = next(parts, None)
    end = len(first.rstrip(_TRAILING)) if second is None else len(first)
    too_long = long_line(first, 0, end, limit)
    if too_long is not None:
        body.too_long = too_long
        for _ in parts:  # an undecodable byte further on is reported first, as before
            pass
        return ("", False)
    begin, nl, body_start, skipped = _find_header(first, 0, end, path, raw.table, mapping)
    header_line = first[begin:nl].decode("utf-8")
    if not header_line.strip():
        raw.issues.append(make_issue("empty_file", lang, raw.table, 1, None, None, detail=path.name))
        return None
    if skipped:
        raw.header_row = skipped + 1
        raw.issues.append(make_issue("title_rows_skipped", lang, raw.table, raw.header_row, None, None,
                                     rows=skipped))
    delimiter = _sniff_delimiter(path, header_line)
    raw.headers = next(csv.reader([header_line], delimiter=delimiter))
    cr_only = first[nl : nl + 1] == b"\r" and first[nl + 1 : nl + 2] != b"\n"
    ends = b"\r" if cr_only else b"\n"
    pending = b""
    checked = True  # the first slice was checked for long lines above
    written = 0
    with body.path.open("wb") as out:
        for piece in chain([first[body_start:]], [] if second is None else [second], parts):
            kept = piece.rstrip(_TRAILING)
            if not kept:
                pending += piece
                continue
            if not checked and body.too_long is None:
                local = long_line(kept, 0, len(kept), limit)
                if local is not None:
                    out.flush()  # lines are counted only now, on the way to the message
                    body.too_long = first.count(ends, 0, body_start) + _count_in(body.path, written, ends) \
                        + pending.count(ends) + local
            checked = False
            body.quoted = body.quoted or b'"' in kept
            # One-byte searches first: they run at memory speed, the two-byte ones do not ("0" is everywhere).
            if not body.hex_prefix and (b"x" in kept or b"X" in kept):
                body.hex_prefix = b"0x" in kept or b"0X" in kept
            if not body.wide and not kept.isascii():
                body.wide = b"\xef\xbc" in kept or b"\xef\xbd" in kept or b"\xe3\x80\x80" in kept
            if body.too_long is None:
                out.write(pending)
                out.write(kept)
                written += len(pending) + len(kept)
                body.empty = False
            pending = piece[len(kept) :]
    return delimiter, cr_only


def _count_in(path: Path, size: int, what: bytes) -> int:
    """How often `what` occurs in the first `size` bytes of a file, read a slice at a time."""
    found = 0
    with path.open("rb") as f:
        while size > 0 and (block := f.read(min(CHUNK, size))):
            found += block.count(what)
            size -= len(block)
    return found



def _read_rows(con: duckdb.DuckDBPyConnection, raw: RawTable, body: Path, delimiter: str, lang: Lang) -> None:
    """Row by row with the csv module: exact row numbers for blank and ragged rows (rare files), in batches."""
    n = len(raw.headers)
    assert raw.relation is not None
    con.execute(f"CREATE OR REPLACE TEMP TABLE {raw.relation} (_row BIGINT, "
                + ", ".join(f"c{i} VARCHAR" for i in range(n)) + ")")
    raw.row_sql = "_row"
    rows: list[int] = []
    cells: list[list[str]] = [[] for _ in range(n)]

    def flush() -> None:
        batch = pa.table([pa.array(rows, pa.int64()), *[pa.array(c, pa.string()) for c in cells]],
                         names=["_row", *[f"c{i}" for i in range(n)]])
        con.register("_rows_in", batch)
        con.execute(f"INSERT INTO {raw.relation} SELECT * FROM _rows_in")
        con.unregister("_rows_in")
        rows.clear()
        for c in cells:
            c.clear()

    row_no = raw.header_row
    with body.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter=delimiter)
        try:
            for record in reader:
                row_no += 1
                if not record or (len(record) == 1 and not record[0].strip()):
                    continue  # a blank line: counted, as the user sees it, but not a row
                if len(record) != n:
                    # A quote left open swallows the lines after it into one value: name the cause, not the count.
                    spans = any("\n" in v or "\r" in v for v in record)
                    raw.issues.append(make_issue("unclosed_quote" if spans else "bad_row", lang, raw.table, row_no,
                                                 None, delimiter.join(record), expected=n, actual=len(record)))
                    continue
                rows.append(row_no)
                for i, value in enumerate(record):
                    cells[i].append(value)
                if len(rows) >= _BATCH:
                    flush()
        except csv.Error as exc:
            raw.issues.append(make_issue("unreadable_file", lang, raw.table, row_no + 1, None, None, detail=str(exc)))
    flush()
    raw.count = int(con.execute(f"SELECT count(*) FROM {raw.relation}").fetchall()[0][0])


def read_csv(path: Path, table: str, lang: Lang, mapping: Mapping | None = None) -> RawTable:
    """Read a CSV/TSV into text columns in memory (Arrow); encoding detected; row-level issues for broken rows.

    The reader a load streams through, with the cells brought back: for small files and tests: `mapping`
    (the user's header mapping) only helps find the header row below title lines.
    """
    with duckdb.connect() as con:
        raw = read_csv_into(con, path, table, lang, mapping, trim=False)
        try:
            if raw.relation is None:
                return raw
            materialize(con, raw)
            cells = ", ".join(f"COALESCE(c{i}, '')" for i in range(len(raw.headers)))
            got = con.sql(f"SELECT {raw.row_sql} AS _row, {cells} FROM {raw.relation} ORDER BY 1").to_arrow_table()
        finally:
            for leftover in raw.cleanup:
                leftover.unlink(missing_ok=True)
    raw.rows = got.column(0).combine_chunks()
    raw.columns = [got.column(i + 1).combine_chunks().cast(pa.string()) for i in range(len(raw.headers))]
    raw.relation, raw.con, raw.count, raw.cleanup = None, None, None, []
    return raw
