"""What every engine shares: the run loop over rules, parameter resolution, ordering and errors."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import pyarrow as pa
from rich.progress import Progress

from kansa.engine.compile import compile_rule
from kansa.engine.finish import quote_ident
from kansa.engine.flags import FLAGS_SCHEMA, SEVERITY_RANK, empty_flags
from kansa.engine.loader import resolve_params
from kansa.engine.spec import RuleSpec
from kansa.i18n import Lang

ORDER_BY = (
    "ORDER BY CASE severity " + " ".join(f"WHEN '{s}' THEN {r}" for s, r in SEVERITY_RANK.items())
    + " ELSE 9 END, score DESC NULLS LAST, entity_id, event_date, evidence"
)


class RuleError(RuntimeError):
    """A rule that failed while running; the message names the rule and its file."""

    def __init__(self, spec: RuleSpec, message: str) -> None:
        self.rule_id = spec.id
        super().__init__(f"rule {spec.id} ({spec.path or 'no file'}): {message}")


class BaseEngine:
    """Runs rule specs and returns flags; subclasses say how one compiled SELECT is executed."""

    dialect = "duckdb"

    def _run_one(self, spec: RuleSpec, sql: str, lang: Lang) -> pa.Table:  # pragma: no cover - abstract
        raise NotImplementedError

    def register(self, name: str, table: pa.Table) -> None:  # pragma: no cover - abstract
        """Add a derived table (e.g. kev_matches) that rules may read under `name`."""
        raise NotImplementedError

    def compile(self, spec: RuleSpec, *, as_of: date, params: Mapping[str, Mapping[str, Any]] | None = None) -> str:
        """The plain SQL this engine would run for `spec`."""
        return compile_rule(spec, resolve_params(spec, params), as_of, self.dialect)

    def run(
        self,
        rules: Iterable[RuleSpec],
        *,
        as_of: date,
        params: Mapping[str, Mapping[str, Any]] | None = None,
        lang: Lang = "ja",
        progress: Progress | None = None,
    ) -> pa.Table:
        """Run every rule at evaluation date `as_of`; flags sorted by rule, severity, score (worst first)."""
        specs = sorted(rules, key=lambda s: s.id)
        task = progress.add_task("rules / ルール", total=len(specs)) if progress is not None else None
        tables = []
        for spec in specs:
            sql = self.compile(spec, as_of=as_of, params=params)
            try:
                tables.append(self._run_one(spec, sql, lang).cast(FLAGS_SCHEMA))
            except RuleError:
                raise
            except Exception as exc:  # engine errors carry no rule name; add it
                raise RuleError(spec, f"{type(exc).__name__}: {exc}") from exc
            if progress is not None and task is not None:
                progress.update(task, advance=1, description=f"{spec.id}")
        return pa.concat_tables(tables) if tables else empty_flags()


def default_as_of(con: Any) -> date | None:
    """The default evaluation date: the latest positions `as_of_date` in a DuckDB connection (None if none)."""
    # fetchall, not fetchone: DuckDB 2 keeps a half-read result open and refuses the next query
    rows = con.execute(f"SELECT MAX(as_of_date) FROM {quote_ident('positions')}").fetchall()
    return rows[0][0] if rows else None
