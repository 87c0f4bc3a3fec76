"""Write contract tables chunk by chunk as CSV (UTF-8 or CP932), Parquet, or one Excel workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO, Literal

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import xlsxwriter

from kansa.contract.schema import arrow_schema

Format = Literal["csv", "xlsx", "parquet"]
Encoding = Literal["utf-8", "cp932"]
EXCEL_MAX_ROWS = 1_048_575  # one row of Excel's 1,048,576 is the header


def build_table(name: str, columns: dict[str, Any]) -> pa.Table:
    """A contract table from arrays or lists; absent optional columns become nulls."""
    schema = arrow_schema(name)
    n = len(next(iter(columns.values())))
    arrays = []
    for f in schema:
        if f.name in columns:
            arrays.append(pa.array(columns[f.name], type=f.type) if not isinstance(columns[f.name], pa.Array)
                          else columns[f.name].cast(f.type))
        else:
            arrays.append(pa.nulls(n, type=f.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def _for_text(table: pa.Table) -> pa.Table:
    """Timestamps as ISO 8601 text (`2026-03-30T15:00:00`), the form the contract names."""
    cols = []
    for col, f in zip(table.columns, table.schema, strict=True):
        if pa.types.is_timestamp(f.type):
            cols.append(pc.strftime(col, format="%Y-%m-%dT%H:%M:%S"))
        else:
            cols.append(col)
    return pa.Table.from_arrays(cols, names=table.column_names)


class TableSink:
    """One output table: append chunks, then close. Excel sheets are collected and written at the end."""

    def __init__(self, out: Path, name: str, fmt: Format, encoding: Encoding, workbook: ExcelBook | None) -> None:
        self.name = name
        self.fmt = fmt
        self.encoding = encoding
        self.rows = 0
        self._workbook = workbook
        self._parquet: pq.ParquetWriter | None = None
        self._file: BinaryIO | None = None
        self._path = out / f"{name}.{fmt if fmt != 'xlsx' else 'xlsx'}"
        if fmt == "parquet":
            self._parquet = pq.ParquetWriter(self._path, arrow_schema(name), compression="zstd")
        elif fmt == "csv":
            self._file = open(self._path, "wb")  # noqa: SIM115 - closed in close()

    def write(self, table: pa.Table) -> None:
        """Append one chunk."""
        self.rows += table.num_rows
        if self._parquet is not None:
            self._parquet.write_table(table, row_group_size=1_000_000)
        elif self._file is not None:
            text = _for_text(table)
            sink = pa.BufferOutputStream()
            pacsv.write_csv(text, sink, pacsv.WriteOptions(include_header=self.rows == table.num_rows,
                                                           quoting_style="needed"))
            data = sink.getvalue().to_pybytes()
            if self.rows == table.num_rows:
                # pyarrow quotes the header even when not needed; contract headers are plain names
                head, _, rest = data.partition(b"\n")
                data = head.replace(b'"', b"") + b"\n" + rest
            if self.encoding == "cp932":
                data = data.decode("utf-8").encode("cp932")
            self._file.write(data)
        else:
            if self.rows > EXCEL_MAX_ROWS:
                raise ValueError(f"{self.name}: {self.rows:,} rows exceed Excel's limit of {EXCEL_MAX_ROWS:,}")
            assert self._workbook is not None
            self._workbook.add(self.name, table)

    def close(self) -> None:
        """Finish the file (an empty table still gets its header)."""
        if self.rows == 0 and self.fmt != "xlsx":
            empty = arrow_schema(self.name).empty_table()
            if self._parquet is not None:
                self._parquet.write_table(empty)
            elif self._file is not None:
                self._file.write(",".join(empty.column_names).encode() + b"\n")
        if self.rows == 0 and self.fmt == "xlsx" and self._workbook is not None:
            self._workbook.add(self.name, arrow_schema(self.name).empty_table())
        if self._parquet is not None:
            self._parquet.close()
        if self._file is not None:
            self._file.close()


class ExcelBook:
    """One workbook, one sheet per table (sheet named after the table), for small institutions."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._sheets: dict[str, list[pa.Table]] = {}

    def add(self, name: str, table: pa.Table) -> None:
        """Collect a chunk of a sheet."""
        self._sheets.setdefault(name, []).append(table)

    def close(self) -> None:
        """Write the workbook (dates as ISO text so every reader sees the same value)."""

        with xlsxwriter.Workbook(str(self.path), {"strings_to_numbers": False, "strings_to_formulas": False}) as wb:
            for name, parts in self._sheets.items():
                table = _for_text(pa.concat_tables(parts))
                ws = wb.add_worksheet(name)
                ws.write_row(0, 0, table.column_names)
                for c, col in enumerate(table.columns):
                    values = col.to_pylist()
                    for r, v in enumerate(values, start=1):
                        if v is None:
                            continue
                        if isinstance(v, bool):
                            ws.write_boolean(r, c, v)
                        elif isinstance(v, int | float):
                            ws.write_number(r, c, v)
                        else:
                            ws.write_string(r, c, str(v))


class Output:
    """All tables of one synthetic institution in one folder and format."""

    def __init__(self, out: Path, fmt: Format, encoding: Encoding, workbook_name: str) -> None:
        out.mkdir(parents=True, exist_ok=True)
        self.out = out
        self.fmt = fmt
        self.encoding = encoding
        self.book = ExcelBook(out / f"{workbook_name}.xlsx") if fmt == "xlsx" else None
        self._sinks: dict[str, TableSink] = {}

    def write(self, name: str, table: pa.Table) -> None:
        """Append a chunk to a table."""
        if name not in self._sinks:
            self._sinks[name] = TableSink(self.out, name, self.fmt, self.encoding, self.book)
        self._sinks[name].write(table)

    def rows(self) -> dict[str, int]:
        """Rows written per table."""
        return {k: s.rows for k, s in self._sinks.items()}

    def close(self, names: list[str]) -> None:
        """Close every table (creating empty ones among `names` never written) and the workbook."""
        for name in names:
            if name not in self._sinks:
                self._sinks[name] = TableSink(self.out, name, self.fmt, self.encoding, self.book)
        for sink in self._sinks.values():
            sink.close()
        if self.book is not None:
            self.book.close()
