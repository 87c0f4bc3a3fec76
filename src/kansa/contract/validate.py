"""Typing and checking one table in DuckDB: SQL for the common spellings, Python only for the odd values."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from kansa.contract.issues import Issue, make_issue, row_issues
from kansa.contract.parquet import lane_type, midnight_text
from kansa.contract.readers import RawTable
from kansa.contract.schema import Column, TableSchema, arrow_schema, arrow_type
from kansa.contract.stream import stream_type
from kansa.contract.values import CellError, fast_sql, half_width, parse_value
from kansa.i18n import Lang
from kansa.limits import LIMITS, setting

_TYPE_SQL = {
    "string": "VARCHAR",
    "enum": "VARCHAR",
    "date": "DATE",
    "datetime": "TIMESTAMP",
    "int": "BIGINT",
    "decimal": "DOUBLE",
    "rate": "DOUBLE",
    "bool": "BOOLEAN",
}


def q(name: str) -> str:
    """Quote an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def work_table(table: str) -> str:
    """Name of the DuckDB view of a contract table while it is checked (its rows as `_row`)."""
    return q(f"w_{table}")


def work_data(table: str) -> str:
    """Name of the DuckDB table under work_table (what UPDATE and DROP address)."""
    return q(f"w_{table}$data")


def raw_col(column: Column) -> str:
    """The working column holding a cell's trimmed text (strings need no second copy)."""
    return q(column.name) if column.type == "string" else q(column.name + "$raw")


def is_key(column: Column) -> bool:
    """Ids and codes compared across tables: primary and foreign keys and household_id."""
    return column.type == "string" and (column.pk or column.fk is not None or column.name == "household_id")


# What Arrow's utf8_trim_whitespace (and str.strip) remove at either end of a cell: Unicode white space.
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
              "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_EDGE = f"^[{WHITESPACE}]|[{WHITESPACE}]$"
_WIDE_FROM = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000"
_WIDE_TO = "".join(chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)) + " "


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def trimmed_sql(cell: str) -> str:
    """SQL for a cell without surrounding white space (Unicode); the costly trim only where an edge is blank."""
    return f"CASE WHEN regexp_matches({cell}, {_lit(_EDGE)}) THEN trim({cell}, {_lit(WHITESPACE)}) ELSE {cell} END"


def _wide_sql(cell: str) -> str:
    """True where a cell holds a full-width ASCII letter, digit or sign (byte length tells ASCII cheaply)."""
    return f"(strlen({cell}) <> length({cell}) AND regexp_matches({cell}, '[\uFF01-\uFF5E\u3000]'))"


@contextmanager
def keep_scan_order(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Keep rows in scan order while tables are staged: DuckDB's `in_clause` optimizer off, then as it was.

    The work tables number their rows by rowid, so they must be written in file order. DuckDB rewrites a long
    `x IN (...)` list (the enum and boolean fast paths) into a hash join, whose probe hands rows on out of
    order on more than one thread: an error then names the wrong row. The setting is global to the database
    (every cursor sees it), so it is restored when the load is done.
    """
    old = str(con.execute("SELECT current_setting('disabled_optimizers')").fetchall()[0][0])
    kept = [name.strip() for name in old.split(",") if name.strip()]
    if "in_clause" not in kept:
        con.execute(f"SET disabled_optimizers = {_lit(', '.join([*kept, 'in_clause']))}")
    try:
        yield
    finally:
        if "in_clause" not in kept:
            con.execute(f"SET disabled_optimizers = {_lit(old)}")


def stage(con: duckdb.DuckDBPyConnection, raw: RawTable, spec: TableSchema, present: dict[str, int]) -> dict[str, int]:
    """Put the table into DuckDB: trimmed text of every present column and its fast-path typed value.

    Keys lose full-width letters and digits first (Ｃ００１ is C001, as people type it); returns the count per column.
    A CSV streamed into DuckDB (raw.relation) is trimmed and normalised in SQL where it is; other tables in Arrow.
    """
    if raw.relation is None:
        view, normalised = _arrow_source(con, raw, spec, present)
        _create_work(con, spec, present, q(view), "_row", {name: q(name) for name in present})
        con.unregister(view)
        return normalised
    try:
        return _stage_sql(con, raw, spec, present)
    except (duckdb.Error, pa.ArrowException):
        raw.raise_stream_bug()
        if raw.fallback is None:
            raise
        fallback, raw.fallback = raw.fallback, None
        fallback()  # DuckDB refused a row: the row-by-row reader names it, and the rest is staged from there
        return _stage_sql(con, raw, spec, present)


def _stage_sql(con: duckdb.DuckDBPyConnection, raw: RawTable, spec: TableSchema, present: dict[str, int]) -> dict[
        str, int]:
    assert raw.relation is not None
    if raw.open is None and raw.half_width is not None:
        raw.half_width, raw.wide = None, True  # a Parquet file already in a table: its keys made half-width in SQL
    cells, normalised = _sql_cells(con, raw, spec, present)
    if raw.half_width is not None:  # Parquet: keys are made half-width in Arrow as the batches pass
        raw.half_width = {index: 0 for name, index in present.items() if is_key(spec.column(name))}
    typed = _convertible(raw, spec, present)
    if typed:
        try:
            _create_from_stream(con, raw, spec, present, cells, typed)
            return normalised | _half_width_counts(raw, present)
        except (duckdb.Error, pa.ArrowException):
            raw.raise_stream_bug()  # a bug in the stream is not a cell to read as text
            # a cell pyarrow does not convert (era date, 1,000, a label): the text path parses or names it
    _create_from_stream(con, raw, spec, present, cells, {})
    return normalised | _half_width_counts(raw, present)


def _half_width_counts(raw: RawTable, present: dict[str, int]) -> dict[str, int]:
    """Keys a Parquet stream made half-width on the way in, per column (none for other sources)."""
    if not raw.half_width:
        return {}
    return {name: raw.half_width[index] for name, index in present.items() if raw.half_width.get(index)}


def _convertible(raw: RawTable, spec: TableSchema, present: dict[str, int]) -> dict[str, tuple[int, pa.DataType]]:
    """The present columns a streamed CSV or Parquet file can hand over converted: name -> (column index, type)."""
    if raw.open is None:
        return {}
    types = raw.source_types  # Parquet: what the file's own column type allows; CSV: what pyarrow may convert
    found = {c.name: (present[c.name], lane_type(types[present[c.name]], c.type) if types is not None
                      else stream_type(c.type, raw.hex_prefix))
             for c in spec.columns if c.name in present}
    return {name: (index, kind) for name, (index, kind) in found.items() if kind is not None}


def _create_from_stream(con: duckdb.DuckDBPyConnection, raw: RawTable, spec: TableSchema, present: dict[str, int],
                        cells: dict[str, str], typed: dict[str, tuple[int, pa.DataType]]) -> None:
    """The work table from the relation in one pass; `typed` columns come converted by pyarrow."""
    assert raw.relation is not None
    if raw.open is not None:
        # a stream is read once: registered afresh for the one statement that reads it
        raw.open(dict(typed.values()))
    # Read straight from the file in one pass, the work table keeps the file's order: rowid gives the row.
    rows = raw.row_sql if raw.row_sql is not None else f"rowid + {raw.header_row + 1}"
    try:
        _create_work(con, spec, present, raw.relation, None if raw.row_sql is None else raw.row_sql,
                     {**cells, **{name: q(f"c{index}") for name, (index, _) in typed.items()}}, rows,
                     {name: _shown_suffix(raw, index) for name, (index, _) in typed.items()})
    finally:
        if raw.open is not None:
            con.unregister(raw.relation.strip('"'))
    if raw.open is None and raw.row_sql is not None:
        con.execute(f"DROP TABLE {raw.relation}")  # the text cells are in the work table now
    raw.count = int(con.execute(f"SELECT count(*) FROM {work_data(spec.name)}").fetchall()[0][0])


def _shown_suffix(raw: RawTable, index: int) -> str:
    """What the text of a Parquet timestamp has after its date (typed only at midnight): '' for other columns."""
    return "" if raw.source_types is None else midnight_text(raw.source_types[index])


def _create_work(con: duckdb.DuckDBPyConnection, spec: TableSchema, present: dict[str, int], source: str,
                 rows: str | None, cells: dict[str, str], view_rows: str = "_row",
                 typed: dict[str, str] | None = None) -> None:
    """The work table: row, trimmed text (NULL when empty) and the fast-path typed value of every column.

    `rows`: the SQL of each row's number in `source`; None to number them from the table's rowid (`view_rows`).
    `typed`: columns whose cells arrive converted, with what their text has after the value (a Parquet
    timestamp's midnight); their text is shown from the value (the view casts it).
    """
    typed = typed or {}
    inner = [] if rows is None else [f"{rows} AS _row"]
    outer = [] if rows is None else ["_row"]
    shown_text = []
    for col in spec.columns:
        if col.name in typed:
            inner.append(f"{cells[col.name]} AS {q(col.name)}")
            outer.append(q(col.name))
            after = f" || {_lit(typed[col.name])}" if typed[col.name] else ""
            shown_text.append(f"CAST({q(col.name)} AS VARCHAR){after} AS {raw_col(col)}")
        elif col.name in present:
            text = f"NULLIF({cells[col.name]}, '')"
            if col.type == "string":
                inner.append(f"{text} AS {q(col.name)}")
                outer.append(q(col.name))
            else:
                inner.append(f"{text} AS {raw_col(col)}")
                outer.append(f"{fast_sql(col, raw_col(col))} AS {q(col.name)}")
                outer.append(raw_col(col))
        else:
            outer.append(f"CAST(NULL AS {_TYPE_SQL[col.type]}) AS {q(col.name)}")
            if col.type != "string":
                outer.append(f"CAST(NULL AS VARCHAR) AS {raw_col(col)}")
    # In memory the work table is an ordinary table: files are staged on two cursors at once, and the
    # cross-table checks read every work table from the main connection. In a database file it stays
    # temporary, never written to the file.
    temp = "" if in_memory(con) else "TEMP "
    con.execute(
        f"CREATE OR REPLACE {temp}TABLE {work_data(spec.name)} AS "
        f"SELECT {', '.join(outer)} FROM (SELECT {', '.join(inner)} FROM {source})"
    )
    shown = ["*"] if rows is not None else [f"{view_rows} AS _row", "*"]
    con.execute(f"CREATE OR REPLACE {temp}VIEW {work_table(spec.name)} AS SELECT {', '.join(shown + shown_text)} "
                f"FROM {work_data(spec.name)}")


def _arrow_source(
    con: duckdb.DuckDBPyConnection, raw: RawTable, spec: TableSchema, present: dict[str, int]
) -> tuple[str, dict[str, int]]:
    """Register the Arrow cells (trimmed, keys made half-width) as a view named after the table."""
    arrays: list[pa.Array] = [raw.rows]
    names = ["_row"]
    normalised: dict[str, int] = {}
    for name, index in present.items():
        # Arrow trims Unicode whitespace (the ideographic space too) far faster than SQL trim(x, chars).
        values = pc.utf8_trim_whitespace(raw.columns[index])
        if is_key(spec.column(name)):
            values, changed = half_width(values)
            if changed:
                normalised[name] = changed
        arrays.append(values)
        names.append(name)
    view = f"src_{spec.name}"
    con.register(view, pa.Table.from_arrays(arrays, names=names))
    return view, normalised


def _sql_cells(
    con: duckdb.DuckDBPyConnection, raw: RawTable, spec: TableSchema, present: dict[str, int]
) -> tuple[dict[str, str], dict[str, int]]:
    """The SQL of each present column's trimmed (keys: half-width) text, and the count of keys made half-width."""
    assert raw.relation is not None
    cells = {name: q(f"c{index}") if raw.trimmed else trimmed_sql(f"c{index}") for name, index in present.items()}
    keys = [name for name in present if is_key(spec.column(name))]
    normalised: dict[str, int] = {}
    if keys and raw.wide:  # the reader saw a full-width character somewhere in the file
        # Most keys are ASCII: the byte length against the character length rules them out before any trim.
        counts = ", ".join(f"count(*) FILTER (WHERE strlen(c{present[k]}) <> length(c{present[k]}) "
                           f"AND {_wide_sql(cells[k])})" for k in keys)
        if raw.open is not None:
            raw.open(columns=sorted({present[k] for k in keys}))
        found = con.execute(f"SELECT {counts} FROM {raw.relation}").fetchall()[0]
        for key, changed in zip(keys, found, strict=True):
            if changed:
                normalised[key] = int(changed)
                cell = cells[key]
                cells[key] = f"CASE WHEN {_wide_sql(cell)} THEN translate({cell}, {_lit(_WIDE_FROM)}, " \
                             f"{_lit(_WIDE_TO)}) ELSE {cell} END"
    return cells, normalised


def check_types(con: duckdb.DuckDBPyConnection, spec: TableSchema, present: dict[str, int], lang: Lang) -> list[Issue]:
    """Parse what SQL could not with the Python parsers, write the results back, report the rest."""
    w = work_table(spec.name)
    typed = [c for c in spec.columns if c.type != "string" and c.name in present]
    if not typed:
        return []
    union = " UNION ALL ".join(
        f"SELECT DISTINCT '{c.name}' AS c, {raw_col(c)} AS v FROM {w} WHERE {q(c.name)} IS NULL AND {raw_col(c)} "
        "IS NOT NULL"
        for c in typed
    )
    fixes: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    failures: dict[str, dict[str, CellError]] = defaultdict(dict)
    by_name = {c.name: c for c in typed}
    for name, text in con.execute(union).fetchall():
        try:
            fixes[name].append((text, parse_value(by_name[name], text)))
        except CellError as exc:
            failures[name][text] = exc
    for name, pairs in fixes.items():
        col = by_name[name]
        fix = pa.table(
            {"v": pa.array([p[0] for p in pairs], pa.string()), "x": pa.array([p[1] for p in pairs], arrow_type(col))}
        )
        con.register("_fix", fix)
        data = work_data(spec.name)
        con.execute(f"UPDATE {data} SET {q(name)} = _fix.x FROM _fix WHERE {data}.{raw_col(col)} = _fix.v")
        con.unregister("_fix")
    issues: list[Issue] = []
    for name, bad in failures.items():
        col = by_name[name]
        rows = con.execute(
            f"SELECT _row, {raw_col(col)} FROM {w} WHERE {q(name)} IS NULL AND {raw_col(col)} IS NOT NULL ORDER BY _row"
        ).fetchall()
        protos: dict[str, Issue] = {}
        for row, text in rows:
            p = protos.get(text)
            if p is None:
                err = bad[text]
                detail = err.detail_ja if lang == "ja" else err.detail
                p = protos[text] = make_issue(err.code, lang, spec.name, None, name, text, detail=detail)
            issues.append(Issue(p.table, row, p.column, p.value, p.code, p.message, p.level, None, p.fields))
    return issues


@dataclass
class _ValueCheck:
    """One check of one column: the condition a bad row meets, and how to report the rows found."""

    code: str
    column: str
    where: str
    shown: str  # the SQL of the value the issue names
    detail: dict[str, Any]
    params: list[Any]


def _value_checks(spec: TableSchema, present: dict[str, int]) -> list[_ValueCheck]:
    """Every per-cell check of the table's present columns (required, sign, bound, range, format)."""
    checks: list[_ValueCheck] = []
    for col in spec.columns:
        if col.name not in present:
            continue
        name, raw = q(col.name), raw_col(col)
        if col.required or col.pk:
            checks.append(_ValueCheck("missing_value", col.name, f"{raw} IS NULL", "NULL", {}, []))
        if col.nonnegative:
            checks.append(_ValueCheck("negative_amount", col.name, f"{name} < 0", raw, {}, []))
            bound = LIMITS.get().max_amount_jpy
            checks.append(_ValueCheck("absurd_amount", col.name, f"{name} > {bound}", raw,
                                      {"limit": bound, "setting": setting("max_amount_jpy")}, []))
        if col.min is not None or col.max is not None:
            lo = "-inf" if col.min is None else f"{col.min:g}"
            hi = "inf" if col.max is None else f"{col.max:g}"
            cond = " OR ".join(
                f"{name} {op} {bound}" for op, bound in (("<", col.min), (">", col.max)) if bound is not None
            )
            checks.append(_ValueCheck("out_of_range", col.name, f"({cond})", raw, {"detail": f"{lo}..{hi}"}, []))
        if col.pattern:
            checks.append(_ValueCheck("bad_format", col.name,
                                      f"({name} IS NOT NULL AND NOT regexp_full_match({name}, ?))", name,
                                      {"detail": col.pattern}, [col.pattern.strip("^$")]))
    return checks


def check_values(con: duckdb.DuckDBPyConnection, spec: TableSchema, present: dict[str, int], lang: Lang) -> list[Issue]:
    """Empty required values, ranges, negative amounts, string formats and duplicate primary keys.

    One pass counts what every check finds; only a check that found something reads its rows (a clean
    table, the common case, costs one scan instead of one per check).
    """
    w = work_table(spec.name)
    checks = _value_checks(spec, present)
    pk = spec.primary_key
    keyed = bool(pk) and all(p in present for p in pk)
    counts = [f"count(*) FILTER (WHERE {c.where})" for c in checks]
    params = [p for c in checks for p in c.params]
    if keyed:
        keys = ", ".join(q(p) for p in pk)
        not_null = " AND ".join(f"{q(p)} IS NOT NULL" for p in pk)
        # rows with a full key against distinct key hashes: equal keys hash alike, so a duplicate always shows;
        # a collision only costs the exact query below, which then finds nothing
        counts.append(f"count(*) FILTER (WHERE {not_null}) - count(DISTINCT hash({keys})) FILTER (WHERE {not_null})")
    if not counts:
        return []
    found = con.execute(f"SELECT {', '.join(counts)} FROM {w}", params).fetchall()[0]
    issues: list[Issue] = []
    for check, n in zip(checks, found, strict=False):
        if n:
            rows = con.execute(f"SELECT _row, {check.shown} FROM {w} WHERE {check.where} ORDER BY _row",
                               check.params).fetchall()
            issues += row_issues(check.code, lang, spec.name, check.column, rows, **check.detail)
    if keyed and found[-1]:
        issues += _duplicate_keys(con, spec, lang)
    return issues


def _duplicate_keys(con: duckdb.DuckDBPyConnection, spec: TableSchema, lang: Lang) -> list[Issue]:
    """A duplicate_key issue for every row whose primary key an earlier row already has."""
    pk = spec.primary_key
    keys = ", ".join(q(p) for p in pk)
    not_null = " AND ".join(f"{q(p)} IS NOT NULL" for p in pk)
    rows = con.execute(
        f"SELECT _row, first, {keys} FROM (SELECT _row, {keys}, min(_row) OVER (PARTITION BY {keys}) AS first "
        f"FROM {work_table(spec.name)} WHERE {not_null}) WHERE _row <> first ORDER BY _row"
    ).fetchall()
    return [make_issue("duplicate_key", lang, spec.name, row, ",".join(pk), "|".join(str(k) for k in key),
                       detail=first) for row, first, *key in rows]


def typed_table(con: duckdb.DuckDBPyConnection, spec: TableSchema) -> pa.Table:
    """The checked table with defaults applied, in contract column order and arrow_schema types.

    Rows keep file order: the work table was created in scan order (DuckDB preserves insertion order).
    """
    return con.sql(_typed_select(spec)).to_arrow_table().cast(arrow_schema(spec.name))


def create_typed_table(con: duckdb.DuckDBPyConnection, spec: TableSchema) -> None:
    """The checked table as a DuckDB table named after it (same types and order as typed_table), work table dropped.

    A scan of a data folder reads this in place: no round trip through Arrow and a second connection. In
    memory the work table itself becomes the table (its helper columns dropped, defaults filled, types
    set: each a change of the catalogue, not a copy); a database file gets a table of its own.
    """
    if in_memory(con):
        con.execute(f"DROP VIEW {work_table(spec.name)}")
        _work_becomes_table(con, spec)
        return
    con.execute(f"CREATE TABLE {q(spec.name)} AS {_typed_select(spec)}")
    con.execute(f"DROP VIEW {work_table(spec.name)}")
    con.execute(f"DROP TABLE {work_data(spec.name)}")


def in_memory(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the connection's database lives in memory (a scan of a folder) rather than in a file."""
    found = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    return bool(found) and found[0][0] is None


def _work_becomes_table(con: duckdb.DuckDBPyConnection, spec: TableSchema) -> None:
    """Turn the work table into the typed table in place: what _typed_select does, without copying the rows."""
    data = work_data(spec.name)
    kept = {c.name for c in spec.columns}
    have = {str(r[0]): str(r[1]) for r in con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() "
        "WHERE table_name = ? AND database_name = current_database()",
        [data.strip('"')]).fetchall()}
    for name in have:
        if name not in kept:  # _row, and the text of typed columns
            con.execute(f"ALTER TABLE {data} DROP COLUMN {q(name)}")
    for col in spec.columns:
        if have[col.name] != _TYPE_SQL[col.type]:  # a whole amount read by pyarrow as BIGINT
            con.execute(f"ALTER TABLE {data} ALTER {q(col.name)} TYPE {_TYPE_SQL[col.type]}")
        if col.default_sql:
            con.execute(f"UPDATE {data} SET {q(col.name)} = CAST({col.default_sql} AS {_TYPE_SQL[col.type]}) "
                        f"WHERE {q(col.name)} IS NULL")
    con.execute(f"ALTER TABLE {data} RENAME TO {q(spec.name)}")


def _typed_select(spec: TableSchema) -> str:
    select = []
    for col in spec.columns:
        expr = q(col.name)
        if col.default_sql:
            expr = f"COALESCE({expr}, {col.default_sql})"
        select.append(f"CAST({expr} AS {_TYPE_SQL[col.type]}) AS {q(col.name)}")
    return f"SELECT {', '.join(select)} FROM {work_table(spec.name)}"
