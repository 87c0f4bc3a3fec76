"""What every engine shares: the run loop over rules, parameter resolution, ordering and errors."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import pyarrow as pa

from kansa.engine.compile import compile_rule
from kansa.engine.flags import FLAGS_SCHEMA, SEVERITY_RANK, empty_flags
from kansa.engine.params import resolve_params
from kansa.engine.spec import RuleSpec
from kansa.i18n import Lang
from kansa.messages import ConfigError
from kansa.progress import NULL_REPORTER, Reporter

ORDER_BY = (
    "ORDER BY CASE severity " + " ".join(f"WHEN '{s}' THEN {r}" for s, r in SEVERITY_RANK.items())
    + " ELSE 9 END, score DESC NULLS LAST, entity_id, event_date, evidence"
)


class RuleError(ConfigError):
    """A rule that failed while running; the message names the rule and its file."""

    def __init__(self, spec: RuleSpec, message: str) -> None:
        self.rule_id = spec.id
        super().__init__("rule_failed", rule_id=spec.id, path=str(spec.path or "-"), error=message)


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
        reporter: Reporter = NULL_REPORTER,
    ) -> pa.Table:
        """Run every rule at evaluation date `as_of`; flags sorted by rule, severity, score (worst first)."""
        specs = sorted(rules, key=lambda s: s.id)
        task = reporter.task("progress_rules", total=len(specs))
        tables = []
        for spec in specs:
            sql = self.compile(spec, as_of=as_of, params=params)
            try:
                tables.append(self._run_one(spec, sql, lang).cast(FLAGS_SCHEMA))
            except RuleError:
                raise
            except Exception as exc:  # engine errors carry no rule name; add it
                raise RuleError(spec, f"{type(exc).__name__}: {exc}") from exc
            task.advance(item=spec.id)
        task.done()
        return pa.concat_tables(tables) if tables else empty_flags()
