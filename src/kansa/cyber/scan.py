"""The cyber audit scan: registers + parsed logs + KEV -> the 16 cyber rules -> flags and reports."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from kansa.contract.readers import file_digest
from kansa.contract.schema import arrow_schema
from kansa.cyber.assets import HostResolution, resolve_events
from kansa.cyber.kev import KEV_REVIEW_SCHEMA, KevCatalog, empty_matches, load_kev
from kansa.cyber.kev_aliases import load_aliases
from kansa.cyber.kev_match import match_inventory
from kansa.engine import DuckDBEngine, RuleSpec, load_catalog
from kansa.i18n import Lang
from kansa.messages import InputError
from kansa.progress import NULL_REPORTER, Reporter

KEV_RULE = "software_known_exploited"
# Columns beyond the contract's that the event rules read (filled by the log parser; NULL otherwise).
EVENT_EXTRAS: tuple[str, ...] = ("event_id", "target_user", "subject_user", "command")
EVENTS_SCHEMA = pa.schema(list(arrow_schema("access_events")) + [pa.field(c, pa.string()) for c in EVENT_EXTRAS])
# Register columns that show when the data was taken (used when no --as-of is given). Log times are left
# out on purpose: one host with a wrong clock would move the evaluation date of every rule.
_DATA_DATES: tuple[tuple[str, str], ...] = (
    ("assets", "last_inventory_date"), ("log_reviews", "period_end"), ("log_reviews", "reviewed_at"),
    ("backups", "last_success_at"), ("incidents", "detected_at"), ("accounts", "last_login_at"),
)


@dataclass
class LogInput:
    """What the log files gave: events, corrupt records and per-file summaries (empty without --logs)."""

    paths: list[Path] = field(default_factory=list)
    events: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)
    files: list[dict[str, Any]] = field(default_factory=list)
    sha256: dict[str, str] = field(default_factory=dict)  # input path -> SHA-256, so the evidence can be re-found
    notes: list[tuple[str, str]] = field(default_factory=list)  # (file, choice made: a leap year for 29 February)
    unreadable: list[str] = field(default_factory=list)  # files kansa could not read: the run exits 5 and says so


@dataclass
class CyberScan:
    """Everything a scan produced, for the report, the CLI and `kansa demo`."""

    flags: pa.Table
    as_of: date
    as_of_inferred: bool
    lang: Lang
    rules: list[RuleSpec]
    skipped: dict[str, str]                      # rule_id -> why it did not run
    kev: KevCatalog | None
    kev_matches: pa.Table
    logs: LogInput
    hosts: HostResolution
    counts: dict[str, int]                       # rows per input table
    backup_matrix: list[dict[str, Any]]
    params: dict[str, dict[str, Any]]
    out_dir: Path | None = None
    files: dict[str, Path] = field(default_factory=dict)
    kev_review: pa.Table = field(default_factory=KEV_REVIEW_SCHEMA.empty_table)  # uncertain: a person decides
    coverage: pa.Table | None = None  # per rule: evaluated or not and why (kansa.services.cyber fills it)


@functools.lru_cache(maxsize=1)
def cyber_catalog() -> tuple[RuleSpec, ...]:
    """The cyber rule specs, loaded and linted once per process (specs are immutable)."""
    return tuple(load_catalog("cyber"))


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, args: list[Any] | None = None) -> Any:
    """One value; fetchall() so that DuckDB sees the result finished before the next statement."""
    rows = con.execute(sql, args or []).fetchall()
    return rows[0][0] if rows else None


def _table(con: duckdb.DuckDBPyConnection, name: str) -> pa.Table | None:
    if not _scalar(con, "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]):
        return None
    return con.sql(f'SELECT * FROM "{name}"').to_arrow_table()


def _conform_events(table: pa.Table) -> pa.Table:
    """Events in EVENTS_SCHEMA: contract columns and the extras, missing ones as NULL."""
    columns = []
    for f in EVENTS_SCHEMA:
        if f.name in table.column_names:
            columns.append(table.column(f.name).cast(f.type))
        else:
            columns.append(pa.nulls(table.num_rows, f.type))
    return pa.Table.from_arrays(columns, schema=EVENTS_SCHEMA)


def parse_log_files(paths: Sequence[Path], *, year: int | None = None, tz: str = "Asia/Tokyo",
                    reporter: Reporter = NULL_REPORTER, lang: Lang = "ja") -> tuple[pa.Table, LogInput]:
    """Parse log files into access_events (with the extras the rules read) and a summary."""
    info = LogInput(paths=[Path(p) for p in paths])
    if not paths:
        return EVENTS_SCHEMA.empty_table(), info
    from kansa.cyber.logs import parse_logs  # the log parser: imported only when logs are given

    files = [Path(p) for p in paths]
    task = reporter.task("progress_logs", total=sum(p.stat().st_size for p in files))
    result = parse_logs(files, year=year, tz=tz, progress=task.advance)
    task.done()
    events = _conform_events(result.events)
    info.events = events.num_rows
    info.counts = dict(result.counts)
    info.errors = [(e.source, e.reason(lang)) for e in result.errors]
    info.unreadable = list(result.unreadable)
    info.notes = [(n.source, n.reason(lang)) for n in result.notes]
    info.sha256 = {str(p): file_digest(p)[0] for p in files}
    info.files = [
        {"path": f.path, "format": f.format, "size": f.size, "events": f.events, "errors": f.errors,
         "unreadable": f.unreadable}
        for f in result.files
    ]
    return events, info


def infer_as_of(con: duckdb.DuckDBPyConnection) -> date | None:
    """The latest date found in the registers: the data's own "as of" when none is given."""
    latest: date | None = None
    for table, column in _DATA_DATES:
        try:
            value = _scalar(con, f'SELECT max("{column}") FROM "{table}"')
        except duckdb.Error:
            continue
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date) and (latest is None or value > latest):
            latest = value
    return latest


def backup_matrix(con: duckdb.DuckDBPyConnection, as_of: date, min_criticality: int = 4) -> list[dict[str, Any]]:
    """The 3-2-1 matrix per critical asset: copies, media kinds, offline/immutable, last success and test."""
    sql = """
        SELECT a.asset_id, a.name, a.criticality,
               count(DISTINCT b.copy_id) AS copies,
               count(DISTINCT b.media) AS media_kinds,
               coalesce(string_agg(DISTINCT b.media, ', ' ORDER BY b.media), '') AS media,
               coalesce(string_agg(DISTINCT b.location, ', ' ORDER BY b.location), '') AS locations,
               coalesce(sum(CASE WHEN b.offline_or_immutable THEN 1 ELSE 0 END), 0) AS offline_copies,
               max(b.last_success_at) AS last_success_at,
               max(CASE WHEN b.restore_test_result = 'pass' THEN b.last_restore_test_at END) AS last_restore_pass_at,
               max(b.last_restore_test_at) AS last_restore_test_at
        FROM assets a LEFT JOIN backups b ON b.asset_id = a.asset_id
        WHERE coalesce(a.criticality, 0) >= ? AND (a.decommissioned_on IS NULL OR a.decommissioned_on > ?)
        GROUP BY a.asset_id, a.name, a.criticality
        ORDER BY a.criticality DESC, a.asset_id
    """
    rel = con.execute(sql, [min_criticality, as_of])
    names = [d[0] for d in rel.description or []]
    rows = rel.fetchall()
    out = []
    for values in rows:
        row = dict(zip(names, values, strict=True))
        row["meets_321"] = row["copies"] >= 3 and row["media_kinds"] >= 2 and row["offline_copies"] >= 1
        out.append(row)
    return out


def _counts(con: duckdb.DuckDBPyConnection, events: pa.Table) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name in ("assets", "software", "accounts", "privileged_access_requests", "log_reviews", "backups",
                 "incidents"):
        try:
            counts[name] = int(_scalar(con, f'SELECT count(*) FROM "{name}"') or 0)
        except duckdb.Error:
            counts[name] = 0
    counts["access_events"] = events.num_rows
    return counts


def scan_connection(
    con: duckdb.DuckDBPyConnection,
    *,
    logs: Sequence[Path] = (),
    events: pa.Table | None = None,
    kev: Path | None = None,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    as_of: date | None = None,
    lang: Lang = "ja",
    year: int | None = None,
    tz: str = "Asia/Tokyo",
    reporter: Reporter = NULL_REPORTER,
    only: Sequence[str] | None = None,
    as_of_inferred: bool = False,
    kev_aliases: Sequence[Path] = (),
) -> CyberScan:
    """Run the cyber catalog (or the rules named in `only`) over a connection holding the cyber tables.

    access_events = the data's table + `events` (already parsed, may carry the extras) + parsed `logs`.
    """
    assets = _table(con, "assets")
    if assets is None:
        raise InputError("assets_missing")
    parsed, log_info = parse_log_files(logs, year=year, tz=tz, reporter=reporter, lang=lang)
    given = _table(con, "access_events")
    parts = [_conform_events(t) for t in (given, events) if t is not None] + [parsed]
    hosts = resolve_events(pa.concat_tables(parts), assets)
    events = hosts.events

    inferred = as_of_inferred or as_of is None
    if as_of is None:  # the same policy as kansa.services.cyber_as_of: the registers' date, never the clock
        found = infer_as_of(con)
        if found is None:
            raise InputError("as_of_cyber_missing")
        as_of = found

    engine = DuckDBEngine(con)
    engine.register("access_events", events)
    rules = list(cyber_catalog())
    skipped: dict[str, str] = {}
    catalog: KevCatalog | None = None
    matches = empty_matches()
    review = KEV_REVIEW_SCHEMA.empty_table()
    if kev is not None:
        catalog = load_kev(kev)
        software = _table(con, "software")
        if software is not None:
            matched = match_inventory(software, catalog, load_aliases(kev_aliases))
            matches, review = matched.matches, matched.review
    else:
        skipped[KEV_RULE] = "no_kev"
    engine.register("kev_matches", matches)
    to_run = [r for r in rules if r.id not in skipped and (only is None or r.id in only)]
    all_params = {k: dict(v) for k, v in (params or {}).items()}
    flags = engine.run(to_run, as_of=as_of, params=all_params or None, lang=lang)
    min_crit = int(all_params.get("backup_not_321", {}).get("min_criticality", 4))
    return CyberScan(
        flags=flags, as_of=as_of, as_of_inferred=inferred, lang=lang, rules=rules, skipped=skipped,
        kev=catalog, kev_matches=matches, logs=log_info, hosts=hosts, counts=_counts(con, events),
        backup_matrix=backup_matrix(con, as_of, min_crit), params=all_params, kev_review=review,
    )
