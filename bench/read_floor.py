"""The floor under any whole-process scan: read every CSV of a folder and nothing else (no checks, no rules).

    .venv/bin/python bench/read_floor.py DATA_DIR duckdb    # DuckDB's own parallel reader, types sniffed
    .venv/bin/python bench/read_floor.py DATA_DIR pandas    # pandas.read_csv(engine="pyarrow")

bench/vs_pandas.py runs both as whole processes beside the scans, so the ratio the issue asks for can be
read against what merely reading the files costs on the same machine in the same run.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def main(data: Path, reader: str) -> None:
    """Read every CSV in `data` into memory with the chosen reader."""
    files = sorted(data.glob("*.csv"))
    if reader == "duckdb":
        import duckdb

        con = duckdb.connect()
        for f in files:
            con.execute(f"CREATE TABLE \"{f.stem}\" AS SELECT * FROM read_csv(?)", [str(f)])
    elif reader == "pandas":
        import pandas as pd

        frames = [pd.read_csv(f, engine="pyarrow") for f in files]
        assert frames
    else:
        raise SystemExit(f"reader must be duckdb or pandas, not {reader!r}")  # main() called from code


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path, help="a CSV folder, e.g. from kansa synth conduct")
    ap.add_argument("reader", choices=("duckdb", "pandas"))
    args = ap.parse_args()
    main(args.data, args.reader)
