"""What a scan could evaluate: per rule, evaluated or not (and why), rows in scope and the period covered."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from kansa.engine.spec import RuleSpec
from kansa.outputs import write_csv_table

COVERAGE_SCHEMA = pa.schema([
    pa.field("rule_id", pa.string(), nullable=False),
    pa.field("status", pa.string(), nullable=False),        # evaluated | not_evaluated
    pa.field("reason", pa.string()),                         # table_absent | table_empty | column_empty | ""
    pa.field("detail", pa.string()),                         # the table or column behind the reason
    pa.field("rows_in_scope", pa.int64()),
    pa.field("period_from", pa.date32()),
    pa.field("period_to", pa.date32()),
    pa.field("rows_after_as_of", pa.int64()),               # dated after the evaluation date: excluded
])

# Reason codes, with the words the reports use for them.
REASONS: dict[str, dict[str, str]] = {
    "table_absent": {"ja": "テーブル {detail} が提供されていません", "en": "table {detail} was not supplied"},
    "table_empty": {"ja": "テーブル {detail} に行がありません", "en": "table {detail} has no rows"},
    "column_empty": {"ja": "列 {detail} が全て空です", "en": "column {detail} is empty in every row"},
    "no_kev": {"ja": "KEVカタログを使わない指定でした（--kev none）", "en": "no KEV catalogue was used (--kev none)"},
}


@dataclass(frozen=True)
class RuleCoverage:
    """One rule's coverage row."""

    rule_id: str
    status: str
    reason: str
    detail: str
    rows_in_scope: int
    period_from: date | None
    period_to: date | None
    rows_after_as_of: int

    @property
    def evaluated(self) -> bool:
        """True when the rule had what it needs."""
        return self.status == "evaluated"


def reason_text(reason: str, detail: str, lang: str) -> str:
    """The reason code in the reader's words (the code itself when unknown)."""
    words = REASONS.get(reason)
    return words[lang if lang in words else "en"].format(detail=detail) if words else reason


def _exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    row = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]).fetchall()[0]
    return bool(row and row[0])


def _count(con: duckdb.DuckDBPyConnection, sql: str, args: Sequence[Any] = ()) -> int:
    row = con.execute(sql, list(args)).fetchall()[0]
    return int(row[0]) if row and row[0] is not None else 0


def _missing(con: duckdb.DuckDBPyConnection, spec: RuleSpec, present: set[str] | None) -> tuple[str, str]:
    """The first reason the rule cannot run ('' when it can) and the table or column behind it."""
    for table in spec.tables:
        if not _exists(con, table) or (present is not None and table not in present):
            return "table_absent", table
    for table in spec.tables:
        if _count(con, f'SELECT count(*) FROM "{table}"') == 0:
            return "table_empty", table
    for ref in spec.requires_columns:
        table, column = ref.split(".")
        if _count(con, f'SELECT count("{column}") FROM "{table}"') == 0:
            return "column_empty", ref
    return "", ""


def _window(spec: RuleSpec, params: Mapping[str, Any]) -> int | None:
    """Days the rule looks back from the evaluation date, when it has a window parameter."""
    if not spec.lookback_param:
        return None
    return int(params.get(spec.lookback_param, spec.param(spec.lookback_param).default))


def _date_span(con: duckdb.DuckDBPyConnection, table: str, column: str, as_of: date) -> tuple[int, int, Any, Any]:
    """Rows on or before `as_of`, rows after it, and the first and last date on or before it."""
    row = con.execute(
        f'SELECT count(*) FILTER (WHERE "{column}" <= ?), count(*) FILTER (WHERE "{column}" > ?), '
        f'min("{column}") FILTER (WHERE "{column}" <= ?), max("{column}") FILTER (WHERE "{column}" <= ?) '
        f'FROM "{table}"', [as_of] * 4).fetchall()[0]
    return int(row[0]), int(row[1]), row[2], row[3]


def rule_coverage(con: duckdb.DuckDBPyConnection, spec: RuleSpec, *, as_of: date, date_columns: Mapping[str, str],
                  present: set[str] | None = None, params: Mapping[str, Any] | None = None,
                  spans: dict[tuple[str, str], tuple[int, int, Any, Any]] | None = None) -> RuleCoverage:
    """Coverage of one rule: `present` names the tables that came from an input (None: every existing table).

    `spans` keeps each table's date span between rules (most rules read trades: one scan, not one each).
    """
    reason, detail = _missing(con, spec, present)
    main = spec.tables[0]
    column = date_columns.get(main)
    in_scope = after = 0
    first = last = None
    if _exists(con, main):
        if column:
            spans = {} if spans is None else spans
            if (main, column) not in spans:
                spans[main, column] = _date_span(con, main, column, as_of)
            in_scope, after, first, last = spans[main, column]
            window = _window(spec, params or {})
            if first is not None and window is not None:
                first = max(first, as_of - timedelta(days=window - 1))
        else:
            in_scope = _count(con, f'SELECT count(*) FROM "{main}"')
    status = "not_evaluated" if reason else "evaluated"
    if reason:
        in_scope, first, last = 0, None, None
    return RuleCoverage(spec.id, status, reason, detail, in_scope, first, last, after)


def coverage_table(con: duckdb.DuckDBPyConnection, rules: Sequence[RuleSpec], *, as_of: date,
                   date_columns: Mapping[str, str], present: set[str] | None = None,
                   params: Mapping[str, Mapping[str, Any]] | None = None) -> pa.Table:
    """One coverage row per rule, in rule-id order."""
    spans: dict[tuple[str, str], tuple[int, int, Any, Any]] = {}
    rows = [rule_coverage(con, spec, as_of=as_of, date_columns=date_columns, present=present,
                          params=(params or {}).get(spec.id, {}), spans=spans)
            for spec in sorted(rules, key=lambda r: r.id)]
    return pa.Table.from_pylist([r.__dict__ for r in rows], schema=COVERAGE_SCHEMA)


def not_evaluated(coverage: pa.Table) -> dict[str, tuple[str, str]]:
    """Rule id -> (reason, detail) for every rule the scan could not evaluate."""
    return {r["rule_id"]: (r["reason"], r["detail"]) for r in coverage.to_pylist() if r["status"] != "evaluated"}


def write_coverage(coverage: pa.Table, path: Path) -> Path:
    """coverage.csv (UTF-8 with BOM, as flags.csv)."""
    return write_csv_table(path, coverage)


def mark_not_evaluated(coverage: pa.Table, reasons: Mapping[str, str]) -> pa.Table:
    """Coverage with the rules a scan chose not to run (rule id -> reason code) marked as not evaluated."""
    rows = coverage.to_pylist()
    for row in rows:
        if row["rule_id"] in reasons:
            row.update(status="not_evaluated", reason=reasons[row["rule_id"]], detail="", rows_in_scope=0,
                       period_from=None, period_to=None)
    return pa.Table.from_pylist(rows, schema=COVERAGE_SCHEMA)
