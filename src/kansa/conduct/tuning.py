"""Tuning report: flags and cases of each rule at threshold values around the current one.

An institution sets its parameters from evidence: for every numeric parameter of a rule the rule is run at the
current value and at values above and below it (the others at their current value), and the report gives the
flags and the cases (distinct subjects: customer or household, salesperson, branch) each value yields.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from kansa.conduct.cases import assign_subjects
from kansa.engine import DuckDBEngine, RuleParams, RuleSpec
from kansa.engine.spec import ParamSpec
from kansa.outputs import write_csv_table
from kansa.progress import NULL_REPORTER, Reporter

STEPS_FLOAT = (0.5, 0.75, 1.0, 1.25, 1.5)   # multiples of the current value
STEPS_INT = (-2, -1, 0, 1, 2)               # steps around the current value: 1, or 5% of it when larger

TUNING_SCHEMA = pa.schema([
    pa.field("rule_id", pa.string()), pa.field("param", pa.string()), pa.field("value", pa.string()),
    pa.field("current", pa.bool_()), pa.field("flags", pa.int64()), pa.field("cases", pa.int64()),
])


def candidate_values(param: ParamSpec, current: Any) -> list[Any]:
    """Values around `current` within the parameter's range, ascending, the current one included."""
    if param.type == "float":
        values: list[Any] = [round(float(current) * k, 4) for k in STEPS_FLOAT] if current else [0.0, 0.5, 1.0]
    elif param.type == "int":
        step = max(1, round(abs(int(current)) * 0.05))
        values = [int(current) + k * step for k in STEPS_INT]
    else:
        return []
    lo = param.min if param.min is not None else float("-inf")
    hi = param.max if param.max is not None else float("inf")
    return sorted({v for v in values if lo <= v <= hi} | {current})


def tune(con: duckdb.DuckDBPyConnection, rules: Sequence[RuleSpec], *, as_of: date,
         params: RuleParams | None = None, only: Sequence[str] = (), reporter: Reporter = NULL_REPORTER) -> pa.Table:
    """One row per (rule, numeric parameter, value): flags and cases, the other parameters held at current."""
    engine = DuckDBEngine(con)
    rows: list[dict[str, Any]] = []
    base = {k: dict(v) for k, v in (params or {}).items()}
    chosen = [r for r in sorted(rules, key=lambda r: r.id) if not only or r.id in only]
    task = reporter.task("progress_rules", total=len(chosen))
    for spec in chosen:
        current = {**spec.defaults(), **base.get(spec.id, {})}
        for param in spec.params:
            for value in candidate_values(param, current[param.name]):
                overrides: Mapping[str, Mapping[str, Any]] = {**base, spec.id: {**current, param.name: value}}
                flags = engine.run([spec], as_of=as_of, params=overrides)
                rows.append({"rule_id": spec.id, "param": param.name, "value": str(value),
                             "current": value == current[param.name], "flags": flags.num_rows,
                             "cases": _cases(con, flags)})
        task.advance(item=spec.id)
    task.done()
    return pa.Table.from_pylist(rows, schema=TUNING_SCHEMA)


def _cases(con: duckdb.DuckDBPyConnection, flags: pa.Table) -> int:
    """Distinct case subjects the flags fall into."""
    if flags.num_rows == 0:
        return 0
    subjects = assign_subjects(con, flags)
    return len(set(zip(subjects.column("subject_type").to_pylist(), subjects.column("subject_id").to_pylist(),
                       strict=True)))


def write_tuning(table: pa.Table, path: Path) -> Path:
    """tuning.csv (UTF-8 with BOM)."""
    return write_csv_table(path, table)
