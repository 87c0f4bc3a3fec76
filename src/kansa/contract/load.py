"""load_directory: find the contract tables in a folder, read, type and check them, all or nothing."""

from __future__ import annotations

import contextvars
import os
import queue
import time
from collections.abc import Mapping as AbcMapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from kansa.contract.checks import check_foreign_keys, fk_in_use, warn
from kansa.contract.headers import Mapping, MappingError, MappingProblem, read_mapping, resolve_header, table_for_name
from kansa.contract.issues import Issue, make_issue, sort_key, with_file
from kansa.contract.parquet import read_parquet_into
from kansa.contract.readers import NOT_TEXT, RawTable, file_digest, sniff_not_text
from kansa.contract.schema import TABLES, Domain, empty_table, tables_of
from kansa.contract.stream import materialize, read_csv_into
from kansa.contract.validate import (
    check_types,
    check_values,
    create_typed_table,
    in_memory,
    keep_scan_order,
    stage,
    trimmed_sql,
    typed_table,
)
from kansa.contract.values import JST
from kansa.contract.xlsx import read_sheet, serials_to_dates, sheet_names
from kansa.i18n import Lang
from kansa.limits import check_archive
from kansa.messages import InputError, render
from kansa.progress import NULL_REPORTER, Reporter

_CSV = (".csv", ".tsv", ".txt")
_WORKERS = min(2, os.cpu_count() or 1)  # files staged at once in memory: one a core, two at most


@dataclass(frozen=True)
class Source:
    """Where one contract table comes from: a file, or a sheet of a workbook."""

    table: str
    path: Path
    kind: str  # csv | xlsx | parquet
    sheet: str | None = None

    @property
    def label(self) -> str:
        """File name, with the sheet for workbooks (trades.csv, data.xlsx[trades])."""
        return f"{self.path.name}[{self.sheet}]" if self.sheet else self.path.name


@dataclass(frozen=True)
class FileRecord:
    """Provenance of one input: which bytes a result came from."""

    path: Path
    table: str
    sheet: str | None
    sha256: str
    size: int
    rows: int
    loaded_at: datetime  # Asia/Tokyo wall time
    seconds: float
    encoding: str | None


@dataclass
class LoadResult:
    """Typed tables, every issue found, and the provenance of each input file."""

    tables: dict[str, pa.Table] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)  # typed tables made in the `into` connection instead
    issues: list[Issue] = field(default_factory=list)
    files: list[FileRecord] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        """Issues that block the load."""
        return [i for i in self.issues if i.is_error]

    @property
    def warnings(self) -> list[Issue]:
        """Issues reported that do not block the load."""
        return [i for i in self.issues if not i.is_error]

    @property
    def ok(self) -> bool:
        """True when nothing blocks the load."""
        return not self.errors


class LoadFailed(InputError):
    """A batch with errors: nothing of it may be used. `.issues` lists every error and warning."""

    def __init__(self, issues: list[Issue]) -> None:
        errors = [i for i in issues if i.is_error]
        self.issues = issues
        super().__init__("load_failed", count=len(errors), first=errors[0].message if errors else "-")

    def details(self, lang: Lang = "ja") -> list[str]:
        """The first twenty errors: file, table, row, column, value and why."""
        lines = []
        for issue in [i for i in self.issues if i.is_error][:20]:
            where = " / ".join(str(v) for v in (issue.table, issue.row, issue.column, issue.value)
                               if v not in (None, ""))
            lines.append(f"{where}: {issue.text(lang)}" + (f" ({issue.file})" if issue.file else ""))
        return lines


class DataFolderMissing(InputError, FileNotFoundError):
    """The data folder does not exist (kept a FileNotFoundError for older callers)."""


def _not_a_workbook(path: Path, table: str, lang: Lang) -> Issue | None:
    """An error for a .xlsx that is empty or not a ZIP package (a renamed CSV or .xls), else None."""
    with path.open("rb") as f:
        head = f.read(1 << 16)
    if not head:
        issue = make_issue("empty_file", lang, table, None, None, None, detail=path.name)
    elif head.startswith(b"PK"):
        try:
            check_archive(path)  # a zip bomb is refused from the zip directory, before anything is inflated
        except InputError as exc:
            issue = make_issue("unreadable_file", lang, table, None, None, None, detail=exc.render(lang))
            return replace(issue, file=path.name)
        return None
    else:
        kind = sniff_not_text(head) or "not_xlsx"
        issue = make_issue("unreadable_file", lang, table, None, None, None, detail=NOT_TEXT[kind][lang])
    return replace(issue, file=path.name)


def discover(data_dir: Path, domain: Domain | None, lang: Lang) -> tuple[list[Source], list[Issue]]:
    """Find one source per table: files named after tables, and workbook sheets named after tables."""
    wanted = set(tables_of(domain))
    found: dict[str, list[Source]] = {}
    issues: list[Issue] = []
    inside = data_dir.resolve()
    for path in sorted(data_dir.iterdir()):
        if not path.is_file() or path.name.startswith(("~$", ".")):
            continue
        if path.is_symlink() and inside not in path.resolve().parents:
            # A link out of the data folder is refused by name; what it points to is never read nor echoed.
            issue = make_issue("unreadable_file", lang, table_for_name(path.stem) or path.stem, None, None, None,
                               detail=render("symlink_outside", lang, {"file": path.name}))
            issues.append(replace(issue, file=path.name))
            continue
        suffix = path.suffix.lower()
        table = table_for_name(path.stem)
        if suffix in _CSV or suffix == ".parquet":
            if table in wanted:
                found.setdefault(table, []).append(Source(table, path, "parquet" if suffix == ".parquet" else "csv"))
        elif suffix in (".xlsx", ".xlsm"):
            problem = _not_a_workbook(path, table or path.stem, lang)
            if problem is not None:
                issues.append(problem)
                continue
            try:
                sheets = sheet_names(path)
            except Exception as exc:  # a damaged or password-protected workbook: say so, keep checking the rest
                issue = make_issue("unreadable_file", lang, table or path.stem, None, None, None, detail=str(exc))
                issues.append(replace(issue, file=path.name))
                continue
            named = [(table_for_name(s), s) for s in sheets]
            named = [(t, s) for t, s in named if t in wanted]
            if not named and table in wanted and sheets:
                named = [(table, sheets[0])]  # trades.xlsx with a single "Sheet1"
            for t, s in named:
                assert t is not None
                found.setdefault(t, []).append(Source(t, path, "xlsx", s))
    sources: list[Source] = []
    for table in TABLES:
        if table not in found:
            continue
        if len(found[table]) > 1:
            labels = ", ".join(s.label for s in found[table])
            issues.append(make_issue("duplicate_table", lang, table, None, None, None, detail=labels))
        sources.append(found[table][0])
    if not sources and not issues:
        issues.append(make_issue("no_tables", lang, "-", None, None, None, detail=str(data_dir)))
    return sources, issues


def _read(source: Source, lang: Lang, mapping: Mapping | None, con: duckdb.DuckDBPyConnection) -> RawTable:
    if source.kind == "csv":
        return read_csv_into(con, source.path, source.table, lang, mapping)
    if source.kind == "parquet":
        return read_parquet_into(con, source.path, source.table, lang)
    assert source.sheet is not None
    return read_sheet(source.path, source.sheet, source.table, lang, mapping)


def map_headers(raw: RawTable, mapping: Mapping | None, lang: Lang) -> tuple[dict[str, int], list[Issue]]:
    """Contract column -> position in the file; unknown headers warned, duplicates and missing ones errors."""
    spec = TABLES[raw.table]
    present: dict[str, int] = {}
    issues: list[Issue] = []
    header_row = header_row_of(raw)
    for i, header in enumerate(raw.headers):
        column = resolve_header(raw.table, header, mapping)
        if column is None:
            if header.strip():
                issues.append(make_issue("unknown_column", lang, raw.table, header_row, None, header))
            elif (first := _first_value(raw, i)) is not None:
                # Values under an empty header: usually a merged header cell. Say so, or they vanish unseen.
                where = column_label(raw, i, lang)
                issues.append(make_issue("unnamed_column", lang, raw.table, header_row, where, first, detail=where))
            continue
        if column in present:
            both = f"{raw.headers[present[column]]}, {header}"
            issues.append(make_issue("duplicate_column", lang, raw.table, header_row, column, header, detail=both))
            continue
        present[column] = i
    for name in spec.required:
        if name not in present:
            issues.append(make_issue("missing_column", lang, raw.table, header_row, name, None))
    if raw.empty and not any(i.is_error for i in issues):
        issues.append(make_issue("no_rows", lang, raw.table, header_row, None, None))
    return present, issues


def header_row_of(raw: RawTable) -> int:
    """The row the headers stand on: the row above the first data row (1 for an empty table)."""
    return max(1, raw.header_row)


def column_label(raw: RawTable, index: int, lang: Lang) -> str:
    """How a person finds a column: its letter in a sheet (G列 / column G), its position in a CSV (7列目)."""
    if raw.sheet is None:
        return f"{index + 1}列目" if lang == "ja" else f"column {index + 1}"
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}列" if lang == "ja" else f"column {letters}"


def _first_value(raw: RawTable, index: int) -> str | None:
    """The first value in a column that is not blank (in file order), or None."""
    if raw.relation is not None and raw.con is not None:
        materialize(raw.con, raw)  # rare (values under an empty header): number the rows first
        found = raw.con.execute(
            f"SELECT c{index} FROM {raw.relation} WHERE NULLIF({trimmed_sql(f'c{index}')}, '') IS NOT NULL "
            f"ORDER BY {raw.row_sql} LIMIT 1"
        ).fetchall()
        return str(found[0][0]) if found else None
    if index >= len(raw.columns):
        return None
    column = raw.columns[index]
    filled = pc.filter(column, pc.not_equal(pc.utf8_trim_whitespace(column), ""))
    return filled[0].as_py() if len(filled) else None


def _as_mapping(mapping: Mapping | Path | str | None) -> Mapping | None:
    if mapping is None or isinstance(mapping, AbcMapping):
        return mapping
    return read_mapping(Path(mapping))


def mapping_issue(exc: MappingError, problem: MappingProblem, lang: Lang) -> Issue:
    """An error naming the mapping file, its row, the field and the value that cannot be used."""
    where = exc.path.name + (f" {problem.row}行目" if lang == "ja" else f" row {problem.row}") if problem.row else ""
    issue = make_issue(
        "bad_mapping",
        lang,
        problem.table,
        problem.row,
        problem.field,
        problem.value,
        detail=where or exc.path.name,
        reason=problem.ja if lang == "ja" else problem.en,
    )
    return replace(issue, file=exc.path.name)


def load_directory(
    data_dir: Path | str,
    *,
    mapping: Mapping | Path | str | None = None,
    lang: Lang = "ja",
    domain: Domain | None = None,
    reporter: Reporter = NULL_REPORTER,
    today: datetime | None = None,
    into: duckdb.DuckDBPyConnection | None = None,
) -> LoadResult:
    """Read and check every contract table in `data_dir`; `.tables` is filled only when `.ok`.

    With `into`, the checking happens on that connection and the typed tables are created in it instead
    (`.tables` stays empty): a scan of a folder then reads them where they are.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise DataFolderMissing("data_folder_missing", path=str(data_dir))
    result = LoadResult()
    try:
        user_map = _as_mapping(mapping)
    except MappingError as exc:
        # Without the user's mapping every other check would report artefacts: stop at the mapping.
        result.issues = [mapping_issue(exc, p, lang) for p in exc.problems]
        return result
    sources, issues = discover(data_dir, domain, lang)
    result.issues += issues
    con = into if into is not None else duckdb.connect()
    if into is None:
        con.execute("SET threads = 2")
    con.execute("SET enable_progress_bar = false")
    staged: dict[str, dict[str, int]] = {}
    try:
        with keep_scan_order(con):
            loaded = _load_sources(con, sources, lang, user_map, reporter)
        for one in loaded:
            result.issues += one.issues
            result.files.append(one.record)
            if one.present is not None:
                staged[one.record.table] = one.present
        result.issues += _cross_table(con, sources, staged, lang, today)
        if result.ok:
            domains = {TABLES[s.table].domain for s in sources}
            for name in tables_of(None):
                if name in staged:
                    if into is not None:
                        create_typed_table(con, TABLES[name])
                        result.created.append(name)
                    else:
                        result.tables[name] = typed_table(con, TABLES[name])
                elif TABLES[name].domain in domains:
                    if into is not None:
                        _create_empty(con, name)
                        result.created.append(name)
                    else:
                        result.tables[name] = empty_table(name)
                    result.issues.append(make_issue("absent_table", lang, name))
    finally:
        if into is None:
            con.close()
    label = {s.table: s.label for s in sources}
    result.issues = sorted((with_file(i, label.get(i.table)) for i in result.issues), key=sort_key)
    return result


@dataclass
class _Loaded:
    """What reading and checking one source gave: its issues, its mapped columns (None: not staged), provenance."""

    issues: list[Issue]
    present: dict[str, int] | None
    record: FileRecord


def _load_sources(con: duckdb.DuckDBPyConnection, sources: list[Source], lang: Lang, mapping: Mapping | None,
                  reporter: Reporter) -> list[_Loaded]:
    """Read, stage and check every source, in source order; in memory, two files at a time.

    Each file is independent until the cross-table checks, and a scan of a folder spends most of its start
    reading trades and positions: on two cores, each gets one (its own cursor on the same database, the
    context - limits, language - carried over). A database file is loaded one file at a time (its work tables
    are temporary, seen only by the connection that made them).
    """
    task = reporter.task("progress_loading", total=len(sources))
    if len(sources) < 2 or _WORKERS < 2 or not in_memory(con):
        loaded = []
        for source in sources:
            loaded.append(_load_one(con, source, lang, mapping))
            task.advance(item=source.label)
        task.done()
        return loaded
    cursors = [con.cursor() for _ in range(_WORKERS)]
    free = queue.SimpleQueue[duckdb.DuckDBPyConnection]()
    for cursor in cursors:
        free.put(cursor)

    def on_a_cursor(source: Source) -> _Loaded:
        cursor = free.get()
        try:
            return _load_one(cursor, source, lang, mapping)
        finally:
            free.put(cursor)

    # the biggest files first, so that the two big ones run side by side rather than one after the other
    order = sorted(range(len(sources)), key=lambda i: -_size(sources[i].path))
    try:
        with ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="kansa-load") as pool:
            futures = {pool.submit(contextvars.copy_context().run, on_a_cursor, sources[i]): i for i in order}
            done: dict[int, _Loaded] = {}
            for future in as_completed(futures):
                done[futures[future]] = future.result()
                task.advance(item=sources[futures[future]].label)
    finally:
        for cursor in cursors:
            cursor.close()
    task.done()
    return [done[i] for i in range(len(sources))]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _load_one(con: duckdb.DuckDBPyConnection, source: Source, lang: Lang, mapping: Mapping | None) -> _Loaded:
    """Read one source, map its headers, stage and check it in DuckDB; any library error becomes an issue."""
    started = time.perf_counter()
    issues: list[Issue] = []
    present: dict[str, int] | None = None
    try:
        raw = _read(source, lang, mapping, con)
    except Exception as exc:  # whatever a library throws at a damaged file becomes an issue
        raw = RawTable(source.table, source.path, source.sheet, [], [], pa.array([], pa.int64()))
        raw.issues.append(
            make_issue(
                "unreadable_file",
                lang,
                source.table,
                None,
                None,
                source.label,
                detail=exc.render(lang) if isinstance(exc, InputError) else f"{source.label}: {exc}",
            )
        )
    try:
        digest, size = raw.digest or file_digest(source.path)
        issues += raw.issues
        if raw.headers and not any(i.is_error and i.code not in ("bad_row", "unclosed_quote") for i in raw.issues):
            mapped, header_issues = map_headers(raw, mapping, lang)
            issues += header_issues
            spec = TABLES[source.table]
            if source.kind == "xlsx":
                serials_to_dates(raw, spec, mapped)
            seen = len(raw.issues)
            normalised = stage(con, raw, spec, mapped)
            issues += raw.issues[seen:]  # rows DuckDB refused, named by the row-by-row reader
            issues += [make_issue("ids_normalised", lang, source.table, None, column, detail=count)
                       for column, count in normalised.items()]
            raw.columns = []  # DuckDB holds the data now
            pa.default_memory_pool().release_unused()
            issues += check_types(con, spec, mapped, lang)
            issues += check_values(con, spec, mapped, lang)
            present = mapped
        if raw.relation is not None and raw.row_sql is not None:
            con.execute(f"DROP TABLE IF EXISTS {raw.relation}")  # not staged: a file with errors
    finally:
        for leftover in raw.cleanup:  # the UTF-8 copy of a CSV, even when a check raised
            leftover.unlink(missing_ok=True)
    record = FileRecord(source.path, source.table, source.sheet, digest, size, raw.num_rows,
                        datetime.now(JST).replace(tzinfo=None), time.perf_counter() - started, raw.encoding)
    return _Loaded(issues, present, record)


def _create_empty(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """An empty typed table for a contract table absent from the folder."""
    con.register("_empty_in", empty_table(name))
    con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _empty_in')
    con.unregister("_empty_in")


def _cross_table(
    con: duckdb.DuckDBPyConnection,
    sources: list[Source],
    staged: dict[str, dict[str, int]],
    lang: Lang,
    today: datetime | None,
) -> list[Issue]:
    issues: list[Issue] = []
    given = {s.table for s in sources}
    workbooks = sorted({s.path.name for s in sources if s.kind == "xlsx"})
    for table, present in staged.items():
        spec = TABLES[table]
        issues += check_foreign_keys(con, spec, set(present), set(staged), lang)
        for col in spec.foreign_keys:
            assert col.fk is not None
            target = col.fk.split(".")[0]
            if target in given or col.name not in present or not fk_in_use(con, spec, col.name):
                continue
            if workbooks:
                issues.append(make_issue("missing_sheet", lang, table, None, target, None, detail=", ".join(workbooks)))
            else:
                issues.append(make_issue("missing_table", lang, table, None, col.name, None, detail=target))
        issues += warn(con, spec, set(present), lang, today.date() if today else None)
    return _dedupe(issues)


def _dedupe(issues: list[Issue]) -> list[Issue]:
    # trades refers to staff twice (staff_id, post_trade_contact_by): one missing sheet is one error.
    seen: set[tuple[str, str | None, str]] = set()
    out = []
    for i in issues:
        if i.code == "missing_sheet":
            key = (i.table, i.column, i.code)
            if key in seen:
                continue
            seen.add(key)
        out.append(i)
    return out
