"""The floor under any whole-process scan: read every CSV of a folder and nothing else (no checks, no rules).

    .venv/bin/python bench/read_floor.py DATA_DIR duckdb    # DuckDB's own parallel reader, types sniffed
    .venv/bin/python bench/read_floor.py DATA_DIR pandas    # pandas.read_csv(engine="pyarrow")

bench/vs_pandas.py runs both as whole processes beside the scans, so the ratio the issue asks for can be
read against what merely reading the files costs on the same machine in the same run.
"""

from __future__ import annotations

import sys
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
        raise SystemExit(f"reader must be duckdb or pandas, not {reader!r}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
