"""What a scan reads: a data folder validated into memory, or a workspace opened read-only; always with its manifest."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import duckdb
import pyarrow as pa

from kansa.contract.load import LoadFailed, LoadResult, load_directory
from kansa.contract.schema import Domain
from kansa.engine.connection import sql_literal
from kansa.i18n import Lang
from kansa.messages import UsageError
from kansa.progress import NULL_REPORTER, Reporter
from kansa.workspace import MANIFEST, Workspace


@dataclass
class Source:
    """An open DuckDB connection over contract tables, where they came from, and the load manifest."""

    con: duckdb.DuckDBPyConnection
    origin: Path
    kind: Literal["folder", "workspace"]
    spill: Path | None = field(default=None, repr=False)  # a spill folder of our own, removed on close

    @property
    def manifest(self) -> pa.Table:
        """One row per input file behind the tables (path, SHA-256, size, rows, encoding, loaded_at)."""
        return self.con.sql(f"SELECT * FROM {MANIFEST}").to_arrow_table()

    def supplied_tables(self) -> set[str] | None:
        """The tables that came from an input file (None when a workspace keeps no manifest: all count)."""
        try:
            return {str(r[0]) for r in self.con.execute(f"SELECT table_name FROM {MANIFEST}").fetchall()}
        except duckdb.Error:
            return None

    def close(self) -> None:
        """Close the connection (and remove the spill folder the source made for itself)."""
        self.con.close()
        if self.spill is not None:
            shutil.rmtree(self.spill, ignore_errors=True)


def open_source(
    data_dir: Path | str | None = None,
    workspace: Path | str | None = None,
    *,
    domain: Domain | None = None,
    lang: Lang = "ja",
    mapping: Path | str | None = None,
    reporter: Reporter = NULL_REPORTER,
    memory_limit: str | None = None,
    temp_directory: Path | None = None,
) -> Source:
    """Open exactly one of a data folder (validated, all or nothing: LoadFailed) or a loaded workspace.

    `memory_limit` (DuckDB's, e.g. "2GB") bounds the scan and, for a folder, the validated load too: beyond
    it DuckDB spills to `temp_directory` (for a folder without one, a temporary folder removed on close).
    """
    if (data_dir is None) == (workspace is None):
        raise UsageError("source_one_of")
    bounds = memory_bounds(memory_limit, temp_directory)
    if workspace is not None:
        con = Workspace(workspace).connect(read_only=True)
        for name, value in bounds.items():
            con.execute(f"SET {name} = {sql_literal(value)}")
        return Source(con, Path(workspace), "workspace")
    assert data_dir is not None
    spill = None
    if memory_limit and temp_directory is None:  # an in-memory database spills its tables too: give it a place
        spill = Path(tempfile.mkdtemp(prefix="kansa-spill-"))
        bounds["temp_directory"] = str(spill)
    con = duckdb.connect(config=bounds)  # the tables are checked and typed in the very connection the scan reads
    try:
        result = load_directory(Path(data_dir), mapping=mapping, lang=lang, domain=domain, reporter=reporter,
                                into=con)
        if not result.ok:
            raise LoadFailed(result.issues)
        _register_manifest(con, result)
    except BaseException:
        con.close()
        if spill is not None:
            shutil.rmtree(spill, ignore_errors=True)
        raise
    return Source(con, Path(data_dir), "folder", spill)


def memory_bounds(memory_limit: str | None, temp_directory: Path | None) -> dict[str, Any]:
    """DuckDB settings for a memory limit and a spill folder; UsageError naming a limit DuckDB cannot read."""
    bounds: dict[str, Any] = {}
    if memory_limit:
        try:  # DuckDB's own parser decides what a size is (2GB, 1.5GiB, 500MB)
            duckdb.connect(config={"memory_limit": memory_limit}).close()
        except duckdb.Error as exc:
            raise UsageError("memory_limit_bad", value=memory_limit) from exc
        bounds["memory_limit"] = memory_limit
    if temp_directory is not None:
        bounds["temp_directory"] = str(temp_directory)
    return bounds


def _register_manifest(con: duckdb.DuckDBPyConnection, result: LoadResult) -> None:
    """The manifest a workspace keeps, built for an in-memory load so reports can name files and SHA-256."""
    manifest = pa.table({
        "table_name": [f.table for f in result.files], "path": [f.path.name for f in result.files],
        "sha256": [f.sha256 for f in result.files], "size_bytes": [f.size for f in result.files],
        "row_count": [f.rows for f in result.files], "encoding": [f.encoding for f in result.files],
        "loaded_at": [f.loaded_at for f in result.files],
    })
    con.register("_manifest_in", manifest)
    con.execute(f"CREATE TABLE {MANIFEST} AS SELECT * FROM _manifest_in")
    con.unregister("_manifest_in")
