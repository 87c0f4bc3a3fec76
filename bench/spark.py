"""DuckDB against Spark: the same `kansa conduct scan --format csv` on one synthetic institution; time and peak memory.

    .venv/bin/python bench/spark.py --customers 1000000          # ~10M trades
    .venv/bin/python bench/spark.py --customers 100000           # ~1M trades
    .venv/bin/python bench/spark.py --customers 100000 --master spark://host:7077

Each engine runs the whole CLI process (load and validate the Parquet folder, rules, KPIs, complaint
figures, flags.csv). Peak memory is the highest total resident memory of the process tree (the Python
process and, for Spark, its JVM driver; on --master also not the executors, which run elsewhere), sampled
from /proc every 0.2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

KANSA = [sys.executable, "-m", "kansa"]


def _tree_rss_mb(root: int) -> float:
    """Resident memory of `root` and all its descendants, in MB (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
            children.setdefault(int(fields[1]), []).append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total / 2**20


def measure(argv: list[str]) -> dict[str, float]:
    """Run one command; wall time and the peak resident memory of its process tree."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_mb(proc.pid))
        time.sleep(0.2)
    wall = time.perf_counter() - started
    err = proc.stderr.read() if proc.stderr else ""
    if proc.returncode:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n{err[-3000:]}")
    return {"seconds": round(wall, 1), "peak_mb": round(peak)}


def institution(folder: Path, customers: int, seed: int) -> Path:
    """A synthetic institution as Parquet (made once, reused while the marker says it is complete)."""
    done = folder / ".complete"
    if not done.exists():
        from kansa.synth.conduct import generate_conduct

        generate_conduct(folder, customers=customers, seed=seed, fmt="parquet", as_of=date(2026, 3, 31))
        done.write_text("ok")
    return folder


def main() -> None:
    """Scan the same folder with --engine duckdb and --engine spark; print a JSON line per engine."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--customers", type=int, default=1_000_000, help="about 10 trades each")
    ap.add_argument("--seed", type=int, default=41)
    ap.add_argument("--work", type=Path, default=Path("/tmp/kansa-bench-spark"))
    ap.add_argument("--master", default=None, help="Spark master URL (default local[2])")
    ap.add_argument("--engines", default="duckdb,spark")
    args = ap.parse_args()
    data = institution(args.work / f"c{args.customers}-s{args.seed}", args.customers, args.seed)
    import pyarrow.parquet as pq

    trades = pq.ParquetFile(data / "trades.parquet").metadata.num_rows
    for engine in args.engines.split(","):
        argv = [*KANSA, "conduct", "scan", str(data), "--out", str(args.work / f"out-{engine}"), "--format", "csv",
                "--engine", engine]
        if engine == "spark" and args.master:
            argv += ["--spark-master", args.master]
        figures = measure(argv)
        print(json.dumps({"engine": engine, "trades": trades, **figures,
                          "s_per_million_trades": round(figures["seconds"] / (trades / 1e6), 2)}), flush=True)


if __name__ == "__main__":
    main()
