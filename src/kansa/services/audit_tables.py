"""Audit samples from any loaded contract table: the population read by DuckDB, drawn by kansa.audit.sampling."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kansa.audit.errors import AuditUsageError
from kansa.audit.model import Sample
from kansa.audit.sampling import make_sample
from kansa.contract.schema import TABLES
from kansa.i18n import Lang
from kansa.services.source import Source, open_source
from kansa.workspace import MANIFEST

KEY = "_kansa_key"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _key_sql(table: str) -> str:
    """The row's key: the contract's primary key (columns joined by '/'), else its position in the table."""
    pk = TABLES[table].primary_key
    if not pk:
        return "CAST(row_number() OVER () AS VARCHAR)"
    return " || '/' || ".join(f"COALESCE(CAST({_quote(c)} AS VARCHAR), '')" for c in pk)


def _dicts(source: Source, sql: str, params: list[object] | None = None) -> list[dict[str, object]]:
    cur = source.con.execute(sql, params or [])
    names = [d[0] for d in cur.description or []]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _source_text(source: Source, table: str) -> str:
    """Which file the population came from, with its SHA-256, so the draw can be repeated on the same data."""
    rows = source.con.execute(f"SELECT path, sha256, row_count FROM {MANIFEST} WHERE table_name = ?",
                              [table]).fetchall() if source.kind == "folder" else []
    files = ", ".join(f"{p} SHA-256 {h}" for p, h, _n in rows)
    return f"{table} ({files})" if files else table


def table_sample(source: Source, table: str, sample_id: str, *, seed: int, confidence: float = 0.95,
                 tolerable_rate: float = 0.05, expected_rate: float = 0.0, strata: Sequence[str] = ()) -> Sample:
    """A sample of one table's rows (random with the seed, or stratified by columns), each item with its row."""
    supplied = source.supplied_tables()
    if table not in TABLES or (supplied is not None and table not in supplied):
        raise AuditUsageError("audit_bad_value", field="table", value=table,
                              allowed=", ".join(sorted(supplied if supplied is not None else TABLES)))
    columns = TABLES[table].names
    for column in strata:
        if column not in columns:
            raise AuditUsageError("audit_bad_value", field="strata", value=column, allowed=", ".join(columns))
    picked = ", ".join(f"COALESCE(CAST({_quote(c)} AS VARCHAR), '-') AS {_quote(c)}" for c in strata)
    sql = f"SELECT {_key_sql(table)} AS {KEY}{', ' + picked if picked else ''} FROM {_quote(table)} ORDER BY 1"
    population = _dicts(source, sql)
    sample = make_sample(sample_id, _source_text(source, table), population, KEY, seed=seed, confidence=confidence,
                         tolerable_rate=tolerable_rate, expected_rate=expected_rate, strata=tuple(strata))
    if strata:
        sample.method = f"stratified by {table}.{', '.join(strata)}"
    _attach_rows(source, table, sample)
    return sample


def _attach_rows(source: Source, table: str, sample: Sample) -> None:
    """Each sampled item gets its row's values as text, so the tester sees what they test."""
    keys = [i.key for i in sample.items]
    if not keys:
        return
    shown = ", ".join(f"CAST({_quote(c)} AS VARCHAR) AS {_quote(c)}" for c in TABLES[table].names)
    sql = (f"SELECT * FROM (SELECT {_key_sql(table)} AS {KEY}, {shown} FROM {_quote(table)}) "
           f"WHERE {KEY} IN (SELECT unnest(?))")
    rows = {r[KEY]: r for r in _dicts(source, sql, [keys])}
    for item in sample.items:
        row = rows.get(item.key, {})
        item.row = {k: "" if v is None else str(v) for k, v in row.items() if k != KEY}


def folder_table_sample(folder: Path, table: str, sample_id: str, *, seed: int, confidence: float = 0.95,
                        tolerable_rate: float = 0.05, strata: Sequence[str] = (), lang: Lang = "ja") -> Sample:
    """Open a data folder through the one door (validated, all or nothing) and sample one of its tables."""
    source = open_source(folder, lang=lang)
    try:
        return table_sample(source, table, sample_id, seed=seed, confidence=confidence,
                            tolerable_rate=tolerable_rate, strata=strata)
    finally:
        source.close()
