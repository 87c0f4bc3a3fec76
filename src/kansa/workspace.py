"""The workspace: a folder holding kansa.duckdb with one table per contract table and the load manifest."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa

from kansa.contract.headers import Mapping
from kansa.contract.load import LoadFailed, LoadResult, load_directory
from kansa.contract.schema import TABLES, Domain
from kansa.i18n import Lang
from kansa.messages import InputError, UsageError
from kansa.progress import NULL_REPORTER, Reporter

DB_NAME = "kansa.duckdb"
MANIFEST = "_load_manifest"

_MANIFEST_DDL = f"""
CREATE TABLE IF NOT EXISTS {MANIFEST} (
    load_id VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    sheet VARCHAR,
    sha256 VARCHAR NOT NULL,
    size_bytes BIGINT NOT NULL,
    row_count BIGINT NOT NULL,
    encoding VARCHAR,
    loaded_at TIMESTAMP NOT NULL,
    load_seconds DOUBLE NOT NULL
)
"""


class Workspace:
    """A folder with kansa.duckdb: what a successful load wrote, and the manifest proving its inputs."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.db_path = self.path / DB_NAME

    def exists(self) -> bool:
        """True when a load has been written here."""
        return self.db_path.is_file()

    def replace(self, result: LoadResult, staged: Path | None = None) -> str:
        """Write every table of a successful load in one transaction; returns the load id.

        With `staged` (the DuckDB file a load_staged checked the tables in), the tables are copied from there
        inside DuckDB, never through Python memory.
        """
        if not result.ok:
            raise LoadFailed(result.issues)
        new_folder = not self.path.exists()
        new_db = not self.db_path.exists()
        self.path.mkdir(parents=True, exist_ok=True)
        try:
            return self._write(result, staged)
        except BaseException:
            # A workspace that did not exist must not exist after a failed write either (all or nothing).
            if new_db:
                for leftover in (self.db_path, self.db_path.with_name(DB_NAME + ".wal")):
                    leftover.unlink(missing_ok=True)
            if new_folder and not any(self.path.iterdir()):
                self.path.rmdir()
            raise

    def _write(self, result: LoadResult, staged: Path | None) -> str:
        load_id = uuid.uuid4().hex
        if staged is not None and not self.db_path.exists() and staged.stat().st_dev == self.path.stat().st_dev:
            # A first load: the checked file becomes the workspace (manifest added, then one atomic rename).
            con = duckdb.connect(str(staged), config=_BOUNDED)
            try:
                con.execute("BEGIN TRANSACTION")
                con.execute(_MANIFEST_DDL)
                con.executemany(f"INSERT INTO {MANIFEST} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                _manifest_rows(load_id, result))
                con.execute("COMMIT")
            finally:
                con.close()
            staged.replace(self.db_path)
            return load_id
        con = duckdb.connect(str(self.db_path), config=_BOUNDED)
        try:
            if staged is not None:
                con.execute(f"ATTACH '{_sql_str(staged)}' AS _staged (READ_ONLY)")
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute(_MANIFEST_DDL)
                for name, table in result.tables.items():
                    con.register("_incoming", table)
                    con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _incoming')
                    con.unregister("_incoming")
                if staged is not None:
                    for name in result.created:
                        con.execute(f'CREATE OR REPLACE TABLE main."{name}" AS SELECT * FROM _staged."{name}"')
                con.executemany(f"INSERT INTO {MANIFEST} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                _manifest_rows(load_id, result))
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        finally:
            con.close()
        return load_id

    def connect(self, read_only: bool = True) -> duckdb.DuckDBPyConnection:
        """A connection to the workspace database (tables under their contract names)."""
        if not self.exists():
            raise WorkspaceMissing("workspace_absent", path=str(self.path))
        try:
            con = duckdb.connect(str(self.db_path), read_only=read_only)
        except duckdb.Error as exc:  # not a DuckDB file, damaged, or from another DuckDB version
            raise _corrupt(self.db_path, exc) from exc
        try:
            # fetchall, not fetchone: DuckDB 2 keeps a half-read result open, and the scan's first relation on
            # this connection then fails with "connection has an unfinished result"
            found = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                                [MANIFEST]).fetchall()
            complete = found[0] if found else None
        except duckdb.Error as exc:
            con.close()
            raise _corrupt(self.db_path, exc) from exc
        if not complete or not complete[0]:
            # The manifest is written in the load's one transaction: without it, the first load never committed
            # (killed, power cut) and the tables there are not a load kansa finished.
            con.close()
            raise InputError("workspace_incomplete", path=str(self.path))
        return con

    def tables(self) -> list[str]:
        """Contract tables present in the workspace."""
        with self.connect() as con:
            names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        return [t for t in TABLES if t in names]

    def manifest(self) -> pa.Table:
        """The load manifest: one row per input file of every load."""
        with self.connect() as con:
            return con.sql(f"SELECT * FROM {MANIFEST} ORDER BY loaded_at, table_name").to_arrow_table()

    def export_parquet(self, out_dir: Path | str) -> dict[str, Path]:
        """Write each contract table to `out_dir/<table>.parquet` (for Spark); returns the paths."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        paths: dict[str, Path] = {}
        with self.connect() as con:
            for name in self.tables():
                target = out / f"{name}.parquet"
                con.execute(f"COPY \"{name}\" TO '{_sql_str(target)}' (FORMAT parquet)")
                paths[name] = target
        return paths


# DuckDB's memory for a load: what does not fit goes to disk, so a load of 10M trades stays within 2 GB.
_Config = dict[str, str | bool | int | float | list[str]]
_BOUNDED: _Config = {"memory_limit": "1GB", "threads": 2, "preserve_insertion_order": True}


@contextmanager
def load_staged(
    data_dir: Path | str,
    *,
    mapping: Mapping | Path | str | None = None,
    lang: Lang = "ja",
    domain: Domain | None = None,
    reporter: Reporter = NULL_REPORTER,
    near: Path | None = None,
) -> Iterator[tuple[LoadResult, Path]]:
    """Check a data folder into a temporary DuckDB file (memory bounded); yields the result and that file.

    Pass both to Workspace.replace(result, staged=path) inside the block; the file is removed afterwards.
    `near`: a folder on the same disk as the workspace (its parent), else the system's temporary folder.
    """
    where = near if near is not None and near.is_dir() else None
    with tempfile.TemporaryDirectory(prefix=".kansa-load-", dir=where) as tmp:
        path = Path(tmp) / "staged.duckdb"
        con = duckdb.connect(str(path), config={**_BOUNDED, "temp_directory": str(Path(tmp) / "spill")})
        try:
            result = load_directory(data_dir, mapping=mapping, lang=lang, domain=domain, reporter=reporter, into=con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        yield result, path


def _manifest_rows(load_id: str, result: LoadResult) -> list[list[object]]:
    """One manifest row per input file; paths relative to the data folder (files sit directly in it)."""
    return [[load_id, f.table, f.path.name, f.sheet, f.sha256, f.size, f.rows, f.encoding, f.loaded_at, f.seconds]
            for f in result.files]


class WorkspaceMissing(InputError, FileNotFoundError):
    """No workspace at the path given (kept a FileNotFoundError for older callers)."""


class SourceChoiceError(UsageError, ValueError):
    """Neither or both of DATA_DIR and --workspace given (kept a ValueError for older callers)."""


def _corrupt(path: Path, exc: Exception) -> InputError:
    return InputError("workspace_corrupt", path=str(path), reason=(str(exc).splitlines() or [""])[0][:200])


def _sql_str(path: Path) -> str:
    return str(path).replace("'", "''")


def memory_connection(result: LoadResult) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding the tables of a successful load."""
    con = duckdb.connect()
    for name, table in result.tables.items():
        con.register("_incoming", table)
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _incoming')
        con.unregister("_incoming")
    return con


def open_source(
    data_dir: Path | str | None = None,
    workspace: Path | str | None = None,
    *,
    lang: Lang = "ja",
    mapping: Path | str | None = None,
) -> duckdb.DuckDBPyConnection:
    """What a scan reads: a DATA_DIR validated into memory, or a workspace read-only; LoadFailed on errors."""
    if (data_dir is None) == (workspace is None):
        raise SourceChoiceError("source_choice")
    if workspace is not None:
        return Workspace(workspace).connect(read_only=True)
    assert data_dir is not None
    result = load_directory(data_dir, mapping=mapping, lang=lang)
    if not result.ok:
        raise LoadFailed(result.issues)
    return memory_connection(result)
