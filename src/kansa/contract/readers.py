"""Readers: CSV (UTF-8, UTF-8 with BOM or CP932, detected) and .xlsx, every cell as text (Parquet: contract.parquet)."""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from kansa.contract.headers import Mapping, resolve_header
from kansa.contract.issues import Issue

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
    # A CSV streamed into DuckDB (`columns` stays empty): the SQL source of its cells c0, c1, ... as text (a
    # table, or DuckDB's read_csv of the UTF-8 rows), the SQL of each row's number there (None for the file:
    # numbered in file order once staged), the connection, the count of data rows (-1: some, not counted yet),
    # what to do when DuckDB refuses a row (read row by row), whether a full-width character may be in it, and
    # the temporary files to remove once staged.
    relation: str | None = None
    row_sql: str | None = "_row"
    con: duckdb.DuckDBPyConnection | None = None
    count: int | None = None
    fallback: Callable[[], None] | None = None
    # (re)registers `relation` when it is a one-pass stream; open({column index: Arrow type}) has those columns
    # converted by pyarrow (kansa.contract.stream.stream_type), and reading fails on a cell it cannot convert
    open: Callable[..., None] | None = None
    hex_prefix: bool = False  # the file holds 0x/0X: pyarrow must not convert integers (it reads 0x10 as 16)
    trimmed: bool = False  # the cells of `relation` come trimmed
    wide: bool = True
    # A Parquet file: the Arrow type of each column (kansa.contract.parquet.lane_type says which arrive typed)
    source_types: list[pa.DataType] | None = None
    # A Parquet stream makes its keys half-width as it passes (column index -> count changed); None: not so read
    half_width: dict[int, int] | None = None
    cleanup: list[Path] = field(default_factory=list)
    # an error inside a stream that is not a refusal of a cell (a bug): raised, not taken for a refusal
    stream_bug: Exception | None = None

    def raise_stream_bug(self) -> None:
        """Raise what broke the stream, if it was not a refusal: DuckDB reports both alike, as its own error."""
        bug, self.stream_bug = self.stream_bug, None
        if bug is not None:
            raise bug

    @property
    def num_rows(self) -> int:
        """Data rows read."""
        return max(self.count, 0) if self.count is not None else len(self.rows)

    @property
    def empty(self) -> bool:
        """True when there is no data row."""
        return self.count == 0 if self.count is not None else len(self.rows) == 0


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


def bad_lines_in(slices: Iterable[bytes], encoding: str) -> list[BadBytes]:
    """Every row holding an undecodable byte (one report per row), over a file given as slices cut at line ends.

    A line break inside a quoted value does not start a new row (Excel shows the value in one cell), so
    the row is the record number with the header as row 1; the editor's line number is kept as well.
    """
    found: list[BadBytes] = []
    row = line = 1
    quoted = False
    for data in slices:
        text = data.decode(encoding, errors="surrogateescape")
        hits = [(m.start(), ord(m.group()) - 0xDC00) for m in _BAD_BYTE.finditer(text)]
        if encoding == "cp932":
            hits += [(m.start(), _CP932_UNDEFINED[m.group()]) for m in _CP932_UNDEFINED_RE.finditer(text)]
            hits.sort()
        hits.append((len(text), -1))  # walk to the end of the slice: the next one goes on from there
        tokens = _BREAK_OR_QUOTE.finditer(text)
        token = next(tokens, None)
        for pos, byte in hits:
            while token is not None and token.start() < pos:
                if token.group() == '"':
                    quoted = not quoted
                else:
                    line += 1
                    row += 0 if quoted else 1
                token = next(tokens, None)
            if byte < 0 or (found and found[-1].row == row):
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


_UTF8_SEQ = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH = re.compile(rb"[\x80-\xff]")
_WIDE_UTF8_LEAD = re.compile(rb"[\xe0-\xf4]")  # starts a 3- or 4-byte UTF-8 sequence (kana, kanji, ①)


def _looks_like_utf8(data: bytes) -> bool:
    """True when nearly all non-ASCII bytes form valid UTF-8 sequences (CP932 text almost never does)."""
    sample = data[: 1 << 20]
    high = len(_HIGH.findall(sample))
    in_utf8 = sum(len(m) for m in _UTF8_SEQ.findall(sample))
    return high > 0 and in_utf8 >= 0.9 * high


# UTF-8 that is surely meant: an accented letter touching an ASCII letter (Société), or a Latin-1 sign
# (¥1,000, 25°, ±, ·, ©) -- symbols a UTF-8 export of amounts and codes carries without any Japanese.
_LATIN_TEXT = re.compile("[A-Za-z][\u00c0-\u07ff]|[\u00c0-\u07ff][A-Za-z]|[\u0080-\u00bf]")


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


def watched(raw: RawTable, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """The batches of a stream as they come; an error that is not Arrow refusing a value is kept on `raw`.

    A stream is read by DuckDB, which turns any Python exception into its own error, so the loader cannot
    tell a cell pyarrow refused (fall back to the text path, which names it) from a bug in our code. Kept here,
    the bug is raised by the loader instead of slowing every later load down unseen.
    """
    try:
        yield from batches
    except (pa.ArrowException, OSError):
        raise
    except Exception as exc:
        raw.stream_bug = exc
        raise
