"""DuckDB against Spark: the same `kansa conduct scan --format csv` on one synthetic institution; time and peak memory.

    .venv/bin/python bench/spark.py --customers 1000000          # ~10M trades
    .venv/bin/python bench/spark.py --customers 100000           # ~1M trades
    .venv/bin/python bench/spark.py --customers 100000 --master spark://host:7077
    .venv/bin/python bench/spark.py --workspace /tmp/kansa-bench-scale/10m/ws_x10   # ~100M, from bench/scale.py

Each engine runs the whole CLI process (load and validate the Parquet folder, rules, KPIs, complaint
figures, flags.csv). With --workspace both engines start from a workspace that `kansa load` made (Spark
from the Parquet the scan exports into its stage): a folder is validated into memory first, 4.2 GB at 11M
trades (or spilled under --memory-limit), work a workspace has already done. Peak memory is the highest
total resident memory of the process tree (the Python
process and, for Spark, its JVM driver; on --master also not the executors, which run elsewhere), sampled
from /proc every 0.2 s. CPU seconds (user + system) come from wait4: the CLI process and its JVM, which
pyspark never waits for; this script adopts it as a subreaper and reaps it, so its CPU is counted
(`orphans_reaped: 1` says so). On a shared machine CPU seconds are the figure that survives the load.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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


def _become_subreaper() -> bool:
    """Adopt orphaned descendants (Linux prctl PR_SET_CHILD_SUBREAPER), so that their CPU time can be collected.

    pyspark starts the JVM as a child of the Python process but never waits for it: when Python exits, the
    JVM sees EOF on its stdin and exits as an orphan. Without a subreaper its CPU time would be lost.
    """
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(36, 1, 0, 0, 0) == 0)  # 36 = PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def _cpu(usage: resource.struct_rusage) -> float:
    return float(usage.ru_utime + usage.ru_stime)


def measure(argv: list[str], log: Path) -> dict[str, float]:
    """Run one command; wall time, CPU seconds and the peak resident memory of its process tree.

    CPU seconds come from wait4's rusage: the child with every descendant it waited for, plus (as
    subreaper) the descendants orphaned to us, such as Spark's JVM, which are waited for here.
    """
    reaper = _become_subreaper()
    started = time.perf_counter()
    with log.open("w") as err:
        # stderr to a file, not a pipe: Spark's log could fill a pipe nobody reads while the scan runs
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err, text=True)
        peak, status, cpu = 0.0, 0, 0.0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                cpu = _cpu(usage)
                break
            peak = max(peak, _tree_rss_mb(proc.pid))
            time.sleep(0.2)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4: tell Popen
        orphans = 0
        while reaper:  # the orphaned JVM exits once it sees EOF on stdin; wait for it and count its CPU
            try:
                _pid, _status, usage = os.wait4(-1, 0)
            except ChildProcessError:
                break
            cpu += _cpu(usage)
            orphans += 1
    if proc.returncode:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n{log.read_text()[-3000:]}")
    return {"seconds": round(wall, 1), "cpu_seconds": round(cpu, 1), "orphans_reaped": orphans,
            "peak_mb": round(peak)}


def institution(folder: Path, customers: int, seed: int) -> Path:
    """A synthetic institution as Parquet (made once, reused while the marker says it is complete)."""
    done = folder / ".complete"
    if not done.exists():
        from kansa.synth.conduct import generate_conduct

        generate_conduct(folder, customers=customers, seed=seed, fmt="parquet", as_of=date(2026, 3, 31))
        done.write_text("ok")
    return folder


def _workspace_trades(workspace: Path) -> int:
    """Trades in a workspace (read-only, closed before the scans start)."""
    import duckdb

    with duckdb.connect(str(workspace / "kansa.duckdb"), read_only=True) as con:
        return int(con.execute("SELECT count(*) FROM trades").fetchall()[0][0])


def main() -> None:
    """Scan the same folder with --engine duckdb and --engine spark; print a JSON line per engine."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--customers", type=int, default=1_000_000, help="about 10 trades each")
    ap.add_argument("--seed", type=int, default=41)
    ap.add_argument("--work", type=Path, default=Path("/tmp/kansa-bench-spark"))
    ap.add_argument("--master", default=None, help="Spark master URL (default local[2])")
    ap.add_argument("--engines", default="duckdb,spark")
    ap.add_argument("--workspace", type=Path,
                    help="scan this workspace (made by `kansa load`, e.g. bench/scale.py's 10m/ws_x10 for 110M trades) "
                         "instead of a generated folder")
    ap.add_argument("--memory-limit", default=None, help="DuckDB memory_limit (with --workspace)")
    args = ap.parse_args()
    if args.workspace and not (args.workspace / "kansa.duckdb").is_file():
        ap.error(f"--workspace {args.workspace}: no kansa.duckdb there (make one with `kansa load DIR --workspace WS`)")
    if args.workspace:
        source, trades = ["--workspace", str(args.workspace)], _workspace_trades(args.workspace)
        if args.memory_limit:
            source += ["--memory-limit", args.memory_limit]
    else:
        data = institution(args.work / f"c{args.customers}-s{args.seed}", args.customers, args.seed)
        import pyarrow.parquet as pq

        source, trades = [str(data)], pq.ParquetFile(data / "trades.parquet").metadata.num_rows
    args.work.mkdir(parents=True, exist_ok=True)
    for engine in args.engines.split(","):
        argv = [*KANSA, "conduct", "scan", *source, "--out", str(args.work / f"out-{engine}"), "--format", "csv",
                "--engine", engine]
        if engine == "spark" and args.master:
            argv += ["--spark-master", args.master]
        figures = measure(argv, args.work / f"{engine}.stderr.log")
        print(json.dumps({"engine": engine, "trades": trades, **figures,
                          "s_per_million_trades": round(figures["seconds"] / (trades / 1e6), 2),
                          "cpu_s_per_million_trades": round(figures["cpu_seconds"] / (trades / 1e6), 2),
                          "load_average_1m": round(os.getloadavg()[0], 1)}), flush=True)


if __name__ == "__main__":
    main()
