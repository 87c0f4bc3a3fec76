"""kev_review.csv and kev_matches.csv: KEV matches written for people (UTF-8 with BOM for Excel, formulas escaped)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from kansa.outputs import write_csv_table


def write_kev_review(review: pa.Table, out: Path) -> Path:
    """kev_review.csv: uncertain KEV matches for a person to accept or reject (a blank `decision` column)."""
    blank = pa.array([""] * review.num_rows, pa.string())
    return write_csv_table(out / "kev_review.csv", review.append_column("decision", blank))


def write_kev_matches(matches: pa.Table, out: Path) -> Path:
    """kev_matches.csv: every accepted match with its path (alias, package, name, CPE) and confidence."""
    return write_csv_table(out / "kev_matches.csv", matches)
