"""The one writer of tabular outputs (CSV, and the stage every output folder is written in).

Every CSV kansa writes for a person goes through here, so that text from the data (usernames, hosts,
commands, file names out of logs; names out of registers) can never reach a spreadsheet as a live formula
(`kansa.spreadsheet.escape_formula`); workbooks go through `kansa.reports.excel.write_workbook`, which
escapes the same way. tests/hardening/test_formula_outputs.py fails when a module writes one directly.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from kansa.messages import OutputError
from kansa.spreadsheet import escape_formula

BOM = "\ufeff"
MARKER = ".kansa-output"  # in a folder kansa wrote whole, so that the next run may replace it whole


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]], *, line_end: str = "\r\n") -> str:
    """CSV text with every cell made inert for spreadsheets (None as empty)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=line_end)
    w.writerow([escape_formula(h) for h in header])
    for row in rows:
        w.writerow(["" if v is None else escape_formula(v) for v in row])
    return buf.getvalue()


def write_csv_rows(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool = True,
                   line_end: str = "\r\n", encoding: str = "utf-8") -> Path:
    """Write a CSV (UTF-8 with BOM by default, so Excel reads Japanese right) with formulas neutralised."""
    with _writing(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        text = csv_text(header, rows, line_end=line_end)
        path.write_text((BOM if bom else "") + text, encoding=encoding, newline="")
    return path


def write_csv_dicts(path: Path, columns: Sequence[str], rows: Iterable[dict[str, Any]], **options: Any) -> Path:
    """write_csv_rows for rows given as dicts (missing keys empty)."""
    return write_csv_rows(path, columns, ([r.get(c) for c in columns] for r in rows), **options)


def write_csv_table(path: Path, table: pa.Table, *, bom: bool = True) -> Path:
    """Write an Arrow table as CSV (UTF-8 with BOM): string columns neutralised, other types as Arrow writes them."""

    for i, field in enumerate(table.schema):
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            table = table.set_column(i, field.name, inert_column(table.column(i)))
    with _writing(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            if bom:
                handle.write(BOM.encode())
            pacsv.write_csv(table, handle)
    return path


def inert_column(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """escape_formula over a string column, vectorised (millions of log events)."""

    starts = pc.match_substring_regex(column, _STARTS)
    number = pc.match_substring_regex(column, _NUMBER)
    mask = pc.fill_null(pc.and_(starts, pc.invert(number)), False)
    if not pc.any(mask).as_py():
        return column
    quoted = pc.binary_join_element_wise("'", column, "")
    return pc.if_else(mask, quoted, column)


# The same test as kansa.spreadsheet.escape_formula, as RE2 patterns (a test holds them equal).
_STARTS = "^[=+\\-@\t\r\n＝＋－＠]"
_NUMBER = "^[+-]?[0-9][0-9,]*(\\.[0-9]+)?$"


@contextmanager
def _writing(path: Path) -> Iterator[None]:
    """An OS error while writing (read-only, disk full, a file where a folder should be) as an OutputError."""
    try:
        yield
    except OSError as exc:
        raise OutputError("output_unwritable", path=str(path), reason=exc.strerror or str(exc)) from exc


@contextmanager
def staged_folder(out: Path) -> Iterator[Path]:
    """Write a folder's outputs into a temporary folder beside it, and move them into place only when all are written.

    A run that fails or is killed halfway leaves `out` as it was (and at most a `.out.kansa-tmp-*` folder,
    marked by its name). A folder kansa wrote before (it holds the marker) is replaced whole, so no report of
    one evaluation date stays beside flags of another; a folder with the user's own files only gets ours added.
    """
    out = Path(out)
    stage = out.parent / f".{out.name}.kansa-tmp-{uuid.uuid4().hex[:8]}"
    with _writing(out):
        out.parent.mkdir(parents=True, exist_ok=True)
        stage.mkdir()
    try:
        yield stage
        (stage / MARKER).write_text("written whole by kansa; the next run replaces this folder\n", encoding="utf-8")
        with _writing(out):
            _move_into_place(stage, out)
    except OSError as exc:  # read-only, disk full, a file where a folder should be: a message, not a traceback
        shutil.rmtree(stage, ignore_errors=True)
        raise OutputError("output_unwritable", path=str(out), reason=exc.strerror or str(exc)) from exc
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def _move_into_place(stage: Path, out: Path) -> None:
    if not out.exists() or (out.is_dir() and (not any(out.iterdir()) or (out / MARKER).is_file())):
        old = out.parent / f".{out.name}.kansa-old-{uuid.uuid4().hex[:8]}"
        if out.exists():
            os.replace(out, old)
        os.replace(stage, out)
        shutil.rmtree(old, ignore_errors=True)
        return
    for item in sorted(stage.rglob("*"), key=lambda p: len(p.parts)):
        target = out / item.relative_to(stage)
        if item.is_dir():
            target.mkdir(exist_ok=True)
        elif item.name != MARKER:
            os.replace(item, target)
    shutil.rmtree(stage, ignore_errors=True)


def relocate(files: dict[str, Path], stage: Path, out: Path) -> dict[str, Path]:
    """The paths written in the stage, as they are now under `out`."""
    return {k: out / p.relative_to(stage) if p.is_relative_to(stage) else p for k, p in files.items()}


_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x00, 0x09), *range(0x0b, 0x20), 0x7f)}
_CONTROL.update({c: f"\\u{c:04x}" for c in (*range(0x80, 0xa0), 0x200e, 0x200f, *range(0x202a, 0x202f),
                                            *range(0x2066, 0x206a))})


def printable(text: str) -> str:
    """Text from data made safe for a terminal or a log: control and bidi characters shown as escapes.

    An ESC sequence in a log line must not recolour, retitle or rewrite the auditor's terminal, and a bidi
    override must not reorder what the auditor reads; newlines stay (one message may have several lines).
    """
    return str(text).translate(_CONTROL)
