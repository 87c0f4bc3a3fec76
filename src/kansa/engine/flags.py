"""The flags table every rule returns (contract: conduct.md and cyber.md, section Outputs)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from kansa.outputs import write_csv_table

FLAG_COLUMNS: tuple[str, ...] = (
    "rule_id", "entity_type", "entity_id", "severity", "score", "event_date", "reason", "evidence",
)

FLAGS_SCHEMA = pa.schema(
    [
        pa.field("rule_id", pa.string(), nullable=False),
        pa.field("entity_type", pa.string(), nullable=False),
        pa.field("entity_id", pa.string(), nullable=False),
        pa.field("severity", pa.string(), nullable=False),   # high | medium | low
        pa.field("score", pa.float64()),                       # larger = worse, ranks within a rule
        pa.field("event_date", pa.date32()),
        pa.field("reason", pa.string()),                        # one readable sentence with the numbers
        pa.field("evidence", pa.string()),                      # JSON object
    ]
)

CASE_ID_FIELD = pa.field("case_id", pa.string())

SEVERITIES = ("high", "medium", "low")
SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}


def empty_flags() -> pa.Table:
    """A flags table with no rows."""
    return FLAGS_SCHEMA.empty_table()


def write_flags(flags: pa.Table, out_dir: Path, formats: Iterable[str] = ("csv", "parquet")) -> dict[str, Path]:
    """Write flags.csv (UTF-8 with BOM, so Excel opens Japanese correctly) and/or flags.parquet: {name: path}."""
    out_dir.mkdir(parents=True, exist_ok=True)
    # the optional case_id (conduct's review queue) follows the contract's columns when the scan made cases
    extra = [f for f in (CASE_ID_FIELD,) if f.name in flags.column_names]
    flags = flags.select([*FLAG_COLUMNS, *(f.name for f in extra)]).cast(pa.schema([*FLAGS_SCHEMA, *extra]))
    written: dict[str, Path] = {}
    if "parquet" in formats:
        written["flags.parquet"] = out_dir / "flags.parquet"
        pq.write_table(flags, written["flags.parquet"])
    if "csv" in formats:
        written["flags.csv"] = out_dir / "flags.csv"
        write_csv_table(written["flags.csv"], flags)  # text made inert for spreadsheets; Parquet keeps it as is
    return written
