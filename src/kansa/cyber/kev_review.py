"""kev_review.csv and kev_matches.csv: KEV matches written for people (UTF-8 with BOM for Excel, formulas escaped)."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa

from kansa.spreadsheet import escape_formula


def write_table_csv(table: pa.Table, path: Path, *, extra: tuple[str, ...] = ()) -> Path:
    """Write `table` as CSV at `path`, every cell formula-escaped, with empty `extra` columns for the reader to fill."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([*table.column_names, *extra])
        for row in table.to_pylist():
            writer.writerow([escape_formula("" if v is None else str(v)) for v in row.values()] + [""] * len(extra))
    return path


def write_kev_review(review: pa.Table, out: Path) -> Path:
    """kev_review.csv: uncertain KEV matches for a person to accept or reject (a blank `decision` column)."""
    return write_table_csv(review, out / "kev_review.csv", extra=("decision",))


def write_kev_matches(matches: pa.Table, out: Path) -> Path:
    """kev_matches.csv: every accepted match with its path (alias, package, name, CPE) and confidence."""
    return write_table_csv(matches, out / "kev_matches.csv")
