"""Readers: CSV (UTF-8, UTF-8 with BOM or CP932, detected), .xlsx and Parquet, every cell as text."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from kansa.contract.headers import Mapping, resolve_header
from kansa.contract.issues import Issue, make_issue
from kansa.i18n import Lang
from kansa.limits import LIMITS, setting

_CHUNK = 8 << 20  # decode in slices so a 1M-row file never exists three times over in memory
_BAD_BYTE = re.compile("[\udc80-\udcff]")  # what surrogateescape leaves for an undecodable byte


@dataclass
class RawTable:
    """One table as read from a file: its headers and every cell as text, with the row the user sees."""

    table: str
    path: Path
    sheet: str | None
    headers: list[str]
    columns: list[pa.Array]  # one string array per header, same order
    rows: pa.Array  # int64: header is row 1, the first data row is 2 (xlsx: the sheet row)
    encoding: str | None = None
    issues: list[Issue] = field(default_factory=list)
    digest: tuple[str, int] | None = None  # SHA-256 and size of exactly the bytes parsed (CSV)
    header_row: int = 1  # the row the headers stand on (a sheet may have title rows above them)

    @property
    def num_rows(self) -> int:
        """Data rows read."""
        return len(self.rows)


def file_digest(path: Path) -> tuple[str, int]:
    """SHA-256 (hex) and size in bytes of a file, read in slices."""
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


# Bytes Python's cp932 codec decodes although Windows leaves them undefined (0x80, 0xA0, 0xFD-0xFF):
# they are never text in a real export, so they count as broken bytes rather than loading as U+F8Fx.
_CP932_UNDEFINED = {"\x80": 0x80, "\uf8f0": 0xA0, "\uf8f1": 0xFD, "\uf8f2": 0xFE, "\uf8f3": 0xFF}
_CP932_UNDEFINED_RE = re.compile("[\x80\uf8f0-\uf8f3]")
_BREAK_OR_QUOTE = re.compile(r'"|\r\n?|\n')


@dataclass(frozen=True)
class BadBytes:
    """Where an undecodable byte sits: the row as Excel counts records, the editor's line, the byte in hex."""

    row: int
    line: int
    hex: str


def _bad_lines(data: bytes, encoding: str) -> list[BadBytes]:
    """Every row holding an undecodable byte (one report per row), counted as a spreadsheet counts rows.

    A line break inside a quoted value does not start a new row (Excel shows the value in one cell), so
    the row is the record number with the header as row 1; the editor's line number is kept as well.
    """
    text = data.decode(encoding, errors="surrogateescape")
    hits = [(m.start(), ord(m.group()) - 0xDC00) for m in _BAD_BYTE.finditer(text)]
    if encoding == "cp932":
        hits += [(m.start(), _CP932_UNDEFINED[m.group()]) for m in _CP932_UNDEFINED_RE.finditer(text)]
        hits.sort()
    found: list[BadBytes] = []
    tokens = _BREAK_OR_QUOTE.finditer(text)
    token = next(tokens, None)
    row = line = 1
    quoted = False
    for pos, byte in hits:
        while token is not None and token.start() < pos:
            if token.group() == '"':
                quoted = not quoted
            else:
                line += 1
                row += 0 if quoted else 1
            token = next(tokens, None)
        if found and found[-1].row == row:
            continue  # one report per row is enough to find it
        found.append(BadBytes(row, line, f"{byte:02X}"))
    return found


def long_line(data: bytes | bytearray, begin: int, end: int, limit: int) -> int | None:
    """The line number of the first line longer than `limit` bytes, else None; linear, in C-speed steps.

    Any line longer than `limit` holds a whole aligned window of limit/2 bytes without a line break, so only
    such windows are measured exactly.
    """
    step = max(limit // 2, 1)
    for start in range(begin, end, step):
        stop = min(start + step, end)
        if stop - start < step or data.find(b"\n", start, stop) >= 0 or data.find(b"\r", start, stop) >= 0:
            continue
        first = max(data.rfind(b"\n", begin, start), data.rfind(b"\r", begin, start)) + 1
        ends = [i for i in (data.find(b"\n", stop, end), data.find(b"\r", stop, end)) if i >= 0]
        if min(ends, default=end) - first > limit:
            return data.count(b"\n", begin, first) + 1 if b"\n" in data[begin:first] else \
                data.count(b"\r", begin, first) + 1
    return None


def _split_at_newline(data: bytes, start: int, limit: int) -> int:
    end = min(limit, start + _CHUNK)
    if end < limit:
        nl = data.rfind(b"\n", start, end)
        if nl <= start:
            nl = data.rfind(b"\r", start, end)  # a file whose lines end in CR alone
        end = nl + 1 if nl > start else end  # CP932 and UTF-8 never use 0x0A or 0x0D inside a character
    return end


_UTF8_SEQ = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH = re.compile(rb"[\x80-\xff]")
_WIDE_UTF8_LEAD = re.compile(rb"[\xe0-\xf4]")  # starts a 3- or 4-byte UTF-8 sequence (kana, kanji, ①)


def _looks_like_utf8(data: bytes) -> bool:
    """True when nearly all non-ASCII bytes form valid UTF-8 sequences (CP932 text almost never does)."""
    sample = data[: 1 << 20]
    high = len(_HIGH.findall(sample))
    in_utf8 = sum(len(m) for m in _UTF8_SEQ.findall(sample))
    return high > 0 and in_utf8 >= 0.9 * high


def _valid(data: bytes, encoding: str) -> bool:
    """True when `data` decodes strictly; checked a slice at a time to keep memory flat."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for start in range(0, len(data), _CHUNK):
            decoder.decode(data[start : start + _CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


# UTF-8 that is surely meant: an accented letter touching an ASCII letter (Société), or a Latin-1 sign
# (¥1,000, 25°, ±, ·, ©) -- symbols a UTF-8 export of amounts and codes carries without any Japanese.
_LATIN_TEXT = re.compile("[A-Za-z][\u00c0-\u07ff]|[\u00c0-\u07ff][A-Za-z]|[\u0080-\u00bf]")


def _kana_not_latin(data: bytes) -> bool:
    """True when 2-byte-only UTF-8 is better read as CP932: nothing in it looks like Latin text or signs.

    Société and ¥1,000 are UTF-8; a lone Ŷ between commas is ﾅｶ from a CP932 export.
    """
    return _valid(data, "cp932") and not _LATIN_TEXT.search(data.decode("utf-8"))


def detect_encoding(data: bytes) -> tuple[str, list[BadBytes]]:
    """utf-8-sig strictly first, else cp932 (never shift_jis: it loses ①, ㈱, 髙); bad lines when neither."""
    if data.startswith(codecs.BOM_UTF8):
        return ("utf-8-sig", []) if _valid(data, "utf-8") else ("utf-8-sig", _bad_lines(data[3:], "utf-8"))
    if data.isascii():
        return "utf-8", []  # a C scan, where decoding 100 MB to check it takes a second
    if _valid(data, "utf-8"):
        if _HIGH.search(data) and not _WIDE_UTF8_LEAD.search(data) and _kana_not_latin(data):
            # Valid UTF-8 without one kana or kanji (all 2-byte sequences) that is also CP932: half-width
            # kana (ﾅｶ = C5 B6) that UTF-8 would turn into Latin mojibake (Ŷ). Japanese UTF-8 has 3-byte runs.
            return "cp932", []
        return "utf-8", []
    if _looks_like_utf8(data):
        # A UTF-8 file with a damaged byte must not be silently re-read as CP932 mojibake.
        return "utf-8", _bad_lines(data, "utf-8")
    return "cp932", []  # validated while it is converted (cp932_to_utf8)


def cp932_to_utf8(data: bytes) -> bytes | bytearray | None:
    """Convert CP932 to UTF-8 a slice at a time (ASCII slices copied as is); None if a byte is not CP932."""
    out = bytearray()  # grows in place (realloc/mremap), so the result is not held twice while it is built
    start = 0
    while start < len(data):
        stop = _split_at_newline(data, start, len(data))
        piece = data[start:stop]
        if piece.isascii():
            out += piece
        else:
            try:
                text = piece.decode("cp932")
            except UnicodeDecodeError:
                return None
            if _CP932_UNDEFINED_RE.search(text):
                return None
            out += text.encode("utf-8")
        start = stop
    return out


# What a file that is not CSV text starts with; the message says what it is and what to do.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"\xd0\xcf\x11\xe0", "xls"),
    (b"PAR1", "parquet"),
    (b"%PDF", "pdf"),
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
    (b"\x1f\x8b", "gzip"),
    (b"\xff\xfe", "utf16"),
    (b"\xfe\xff", "utf16"),
)
NOT_TEXT: dict[str, dict[str, str]] = {
    "zip": {
        "ja": "ZIP形式です（Excelブックなら拡張子を .xlsx にしてください）",
        "en": "a ZIP archive (if it is an Excel workbook, name it .xlsx)",
    },
    "xls": {
        "ja": (
            "旧形式のExcelブック（.xls）かパスワード付きのブックです。"
            "パスワードなしの .xlsx か CSV で保存し直してください"
        ),
        "en": "an old Excel .xls or a password-protected workbook: save it again as .xlsx without a password, or CSV",
    },
    "parquet": {"ja": "Parquet形式です（拡張子を .parquet に）", "en": "a Parquet file (name it .parquet)"},
    "pdf": {"ja": "PDF文書です", "en": "a PDF document"},
    "image": {"ja": "画像ファイルです", "en": "an image"},
    "gzip": {"ja": "gzip圧縮ファイルです。展開してから読み込んでください", "en": "gzip-compressed: unpack it first"},
    "utf16": {
        "ja": "UTF-16 のテキストです。UTF-8 か CP932 で保存し直してください",
        "en": "UTF-16 text: save it again as UTF-8 or CP932",
    },
    "binary": {"ja": "バイナリデータです（NULバイトを含む）", "en": "binary data (it contains NUL bytes)"},
    "not_xlsx": {"ja": "Excelブック（.xlsx）ではありません", "en": "not an Excel .xlsx workbook"},
}


def sniff_not_text(data: bytes) -> str | None:
    """The kind of a file that is not delimited text (a key of NOT_TEXT), or None when it may be text."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    return "binary" if b"\x00" in data[: 1 << 16] else None


def _header_end(data: bytes | bytearray, begin: int, end: int) -> tuple[int, int]:
    """End of the header line and start of the body: LF, CRLF, or a lone CR (old Mac exports) ends it."""
    nl = data.find(b"\n", begin, end)
    nl = end if nl < 0 else nl
    cr = data.find(b"\r", begin, nl)
    if cr >= 0 and cr + 1 < nl:
        return cr, cr + 1  # a lone CR before the first LF: the file's line ends are CR
    if cr >= 0:
        return cr, nl + 1  # CRLF
    return nl, nl + 1


def _sniff_delimiter(path: Path, header_line: str) -> str:
    if path.suffix.lower() in (".tsv", ".tab") or ("\t" in header_line and "," not in header_line):
        return "\t"
    return ","


def read_csv(path: Path, table: str, lang: Lang, mapping: Mapping | None = None) -> RawTable:
    """Read a CSV/TSV into text columns; encoding detected; row-level issues for broken rows.

    `mapping` (the user's header mapping) only helps find the header row below title lines.
    """
    raw = RawTable(table, path, None, [], [], pa.array([], pa.int64()))
    original = path.read_bytes()
    raw.digest = hashlib.sha256(original).hexdigest(), len(original)  # provenance of the very bytes parsed
    if not original or original.isspace():  # strip() would copy the whole file
        raw.issues.append(make_issue("empty_file", lang, table, 1, None, None, detail=path.name))
        return raw
    kind = sniff_not_text(original)
    if kind is not None:
        raw.issues.append(make_issue("not_text", lang, table, None, None, None, detail=NOT_TEXT[kind][lang]))
        return raw
    encoding, bad = detect_encoding(original)
    data: bytes | bytearray | None = original
    if encoding == "cp932" and not bad:
        data = cp932_to_utf8(original)
        if data is None:
            bad = _bad_lines(original, "cp932")
    del original  # only the UTF-8 text is needed from here on
    raw.encoding = encoding
    if bad or data is None:
        for b in bad:
            raw.issues.append(
                make_issue("bad_encoding", lang, table, b.row, None, f"0x{b.hex}", detail=path.name, line=b.line)
            )
        return raw
    begin = 3 if encoding == "utf-8-sig" else 0
    end = len(data)
    while end > begin and data[end - 1] in b"\r\n\t ":
        end -= 1  # trailing blank lines are not rows the user means
    too_long = long_line(data, begin, end, LIMITS.get().max_line_kb << 10)
    if too_long is not None:  # one endless line (a hostile or broken file) would be parsed as one huge row
        raw.issues.append(make_issue("limit_line", lang, table, too_long, None, None, file=path.name, line=too_long,
                                     limit=LIMITS.get().max_line_kb, setting=setting("max_line_kb")))
        return raw
    begin, nl, body_start, skipped = _find_header(data, begin, end, path, table, mapping)
    header_line = bytes(data[begin:nl]).decode("utf-8")
    if not header_line.strip():
        raw.issues.append(make_issue("empty_file", lang, table, 1, None, None, detail=path.name))
        return raw
    if skipped:
        raw.header_row = skipped + 1
        raw.issues.append(make_issue("title_rows_skipped", lang, table, raw.header_row, None, None, rows=skipped))
    delimiter = _sniff_delimiter(path, header_line)
    raw.headers = next(csv.reader([header_line], delimiter=delimiter))
    n = len(raw.headers)
    if body_start >= end:
        raw.columns = [pa.array([], pa.string()) for _ in range(n)]
        return raw
    invalid: list[int] = []

    def _on_invalid(row: pacsv.InvalidRow) -> str:
        invalid.append(row.number or 0)
        return "skip"

    body = memoryview(data)[body_start:end]
    source = pa.BufferReader(pa.py_buffer(body))  # zero-copy
    # Values can hold line breaks only inside quotes; without any quote the faster parser is exact.
    quoted = data.find(b'"', body_start, end) >= 0
    names = [f"c{i}" for i in range(n)]
    try:
        table_ = pacsv.read_csv(
            source,
            read_options=pacsv.ReadOptions(column_names=names, block_size=16 << 20),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=quoted,
                ignore_empty_lines=False,
                invalid_row_handler=_on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        invalid.append(0)
    if invalid:
        return _read_csv_slowly(raw, bytes(data[body_start:end]).decode("utf-8"), delimiter, lang)
    raw.columns = [table_.column(i).combine_chunks() for i in range(n)]
    raw.rows = row_numbers(table_.num_rows, first=raw.header_row + 1)
    return raw


def row_numbers(n: int, first: int = 2) -> pa.Array:
    """Rows as the user sees them for n data rows under one header row: 2, 3, ..., n + 1."""
    return pa.array(np.arange(first, first + n, dtype=np.int64))


_TITLE_LINES = 10  # how far down a file the header row is looked for


def _find_header(
    data: bytes | bytearray, begin: int, end: int, path: Path, table: str, mapping: Mapping | None
) -> tuple[int, int, int, int]:
    """Header start, header end, body start, and title lines skipped above the header.

    The first line is the header unless a line among the next few names two or more contract columns
    and more than the first does: exports from core banking systems often open with 帳票名 or 出力日時.
    """
    spans: list[tuple[int, int, int]] = []
    pos = begin
    while pos < end and len(spans) < _TITLE_LINES:
        stop, nxt = _header_end(data, pos, end)
        spans.append((pos, stop, nxt))
        pos = nxt
    best, best_n = 0, 0
    for k, (a, b, _) in enumerate(spans):
        line = bytes(data[a:b]).decode("utf-8", errors="replace")
        try:
            cells = next(csv.reader([line], delimiter=_sniff_delimiter(path, line)), [])
        except csv.Error:
            continue
        found = sum(1 for c in cells if c.strip() and resolve_header(table, c, mapping) is not None)
        if found > best_n:
            best, best_n = k, found
    k = best if best_n >= 2 else 0
    a, b, c = spans[k] if spans else (begin, end, end)
    return a, b, c, k


def _read_csv_slowly(raw: RawTable, text: str, delimiter: str, lang: Lang) -> RawTable:
    """Row by row with the csv module: exact row numbers for blank and ragged rows (rare files only)."""
    n = len(raw.headers)
    cells: list[list[str]] = [[] for _ in range(n)]
    rows: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    row_no = raw.header_row
    try:
        for record in reader:
            row_no += 1
            if not record or (len(record) == 1 and not record[0].strip()):
                continue  # a blank line: counted, as the user sees it, but not a row
            if len(record) != n:
                # A quote left open swallows the lines after it into one value: name the cause, not the count.
                spans = any("\n" in f or "\r" in f for f in record)
                raw.issues.append(
                    make_issue(
                        "unclosed_quote" if spans else "bad_row",
                        lang,
                        raw.table,
                        row_no,
                        None,
                        delimiter.join(record),
                        expected=n,
                        actual=len(record),
                    )
                )
                continue
            rows.append(row_no)
            for i, value in enumerate(record):
                cells[i].append(value)
    except csv.Error as exc:
        raw.issues.append(make_issue("unreadable_file", lang, raw.table, row_no + 1, None, None, detail=str(exc)))
    raw.columns = [pa.array(c, pa.string()) for c in cells]
    raw.rows = pa.array(rows, pa.int64())
    return raw


def _as_text(arr: pa.ChunkedArray) -> pa.Array:
    t = arr.type
    if pa.types.is_timestamp(t) and t.tz is not None:
        # Aware instants become Asia/Tokyo wall time (+09:00, no daylight saving) before they are text.
        arr = pc.add(
            arr.cast(pa.timestamp(t.unit)), pa.scalar(9 * 3600 * 10**6, pa.duration("us")).cast(pa.duration(t.unit))
        )
    elif pa.types.is_boolean(t):
        arr = pc.if_else(arr, "true", "false")
    text = arr.cast(pa.string()) if not pa.types.is_string(arr.type) else arr
    return pc.fill_null(text, "").combine_chunks()


def read_parquet(path: Path, table: str, lang: Lang) -> RawTable:
    """Read a Parquet file; typed columns become text so they pass the same checks (rows: 1-based + 1)."""
    raw = RawTable(table, path, None, [], [], pa.array([], pa.int64()))
    if path.stat().st_size == 0:
        raw.issues.append(make_issue("empty_file", lang, table, None, None, None, detail=path.name))
        return raw
    try:
        t = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raw.issues.append(make_issue("unreadable_file", lang, table, None, None, None, detail=str(exc)))
        return raw
    raw.headers = list(t.column_names)
    for i, name in enumerate(t.column_names):
        try:
            raw.columns.append(_as_text(t.column(i)))
        except (pa.ArrowException, ValueError) as exc:  # lists, structs, bytes that are not UTF-8
            raw.columns.append(pa.array([""] * t.num_rows, pa.string()))
            detail = f"{path.name}: {name} ({t.schema.field(i).type}): {exc}"
            raw.issues.append(make_issue("unreadable_file", lang, table, None, name, None, detail=detail))
    # Row numbers as if the table were a sheet with a header row, so every format reads alike.
    raw.rows = row_numbers(t.num_rows)
    return raw
