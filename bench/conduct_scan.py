"""Benchmark of the conduct scan: synthetic institution -> workspace -> all rules + KPIs; time and peak memory.

    .venv/bin/python bench/conduct_scan.py                       # 1M customers, ~10M trades
    .venv/bin/python bench/conduct_scan.py --customers 100000    # smaller
    .venv/bin/python bench/conduct_scan.py --multiply 10         # ~100M trades: 10 renamed copies of the book

Each measured step runs in its own child process, so that its peak RSS (VmHWM) is its own. The scan is
the one `kansa conduct scan` runs (`run_conduct_scan`, report off unless --with-report) on a read-only
workspace connection with a DuckDB memory_limit and temp_directory, so that larger data spill to disk.
For comparison the script also times a bare DuckDB scan of the same trades (workspace table and Parquet).
Targets (DESIGN.md): 10M trades in <= 30 s and <= 3 GB; 100M trades complete without running out of memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
KANSA = [str(Path(sys.executable).parent / "kansa")]


def _run(argv: list[str], label: str) -> float:
    """Run a command, fail loudly, return its wall time."""
    print(f"[bench] {label}: {' '.join(argv)}", flush=True)
    started = time.perf_counter()
    subprocess.run(argv, check=True)
    return time.perf_counter() - started


def _child(argv: list[str]) -> dict[str, Any]:
    """Run this script as a child step and read the JSON line it prints last."""
    out = subprocess.run([sys.executable, __file__, *argv], check=True, capture_output=True, text=True)
    sys.stderr.write(out.stderr)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _peak_mb() -> float:
    """Peak resident memory of this process in MB.

    VmHWM, not ru_maxrss: Linux carries ru_maxrss across fork and exec, so a child started by a parent
    that had built a large workspace would report the parent's peak as its own.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _configure(con: Any, memory_limit: str, threads: int, tmp: Path) -> None:
    tmp.mkdir(parents=True, exist_ok=True)
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute(f"SET threads = {threads}")
    con.execute(f"SET temp_directory = '{tmp}'")
    con.execute("SET preserve_insertion_order = false")  # lets DuckDB stream big results instead of buffering


def child_scan(ws: Path, out: Path, memory_limit: str, threads: int, with_report: bool) -> dict[str, Any]:
    """The full conduct scan (all rules + KPIs + complaints) on a workspace, timed per step and rule.

    What `run_conduct_scan` does (open, evaluate, write), with the connection configured first: it takes
    a memory limit and temp folder but not the thread count this bench pins.
    """
    from kansa.services.conduct import run_conduct, write_conduct_outputs
    from kansa.services.source import open_source

    started = time.perf_counter()
    source = open_source(workspace=ws, domain="conduct")
    try:
        _configure(source.con, memory_limit, threads, out.parent / "duckdb_tmp")
        run = run_conduct(source)
        formats = ("csv", "parquet", *(("html", "pdf", "xlsx") if with_report else ()))
        write_conduct_outputs(run, out, formats=formats)
    finally:
        source.close()
    total = time.perf_counter() - started
    result = run.result
    counts: dict[str, int] = {}
    for rule_id in result.flags.column("rule_id").to_pylist():
        counts[rule_id] = counts.get(rule_id, 0) + 1
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "seconds": total,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": _peak_mb(),
        "timings": run.timings,
        "flags": counts,
        "as_of": result.as_of.isoformat(),
    }


def child_bare(ws: Path, data: Path, memory_limit: str, threads: int) -> dict[str, Any]:
    """A bare DuckDB scan of the same trades: the floor any rule pays to read them."""
    import duckdb

    from kansa.workspace import Workspace

    con = Workspace(ws).connect(read_only=True)
    _configure(con, memory_limit, threads, ws.parent / "duckdb_tmp")
    started = time.perf_counter()
    n, total = con.execute("SELECT count(*), sum(amount_jpy) FROM trades").fetchall()[0]
    ws_seconds = time.perf_counter() - started
    parquet = sorted(str(p) for p in data.glob("trades*.parquet"))
    pq_seconds = None
    if parquet:
        pcon = duckdb.connect()
        _configure(pcon, memory_limit, threads, ws.parent / "duckdb_tmp")
        started = time.perf_counter()
        pcon.execute("SELECT count(*), sum(amount_jpy) FROM read_parquet(?)", [parquet]).fetchall()
        pq_seconds = time.perf_counter() - started
    return {
        "trades": int(n),
        "sum_amount_jpy": float(total or 0),
        "workspace_seconds": ws_seconds,
        "parquet_seconds": pq_seconds,
        "peak_rss_mb": _peak_mb(),
    }


def multiply_workspace(ws: Path, k: int) -> None:
    """Make the book k times bigger: k renamed copies of every customer with their trades and holdings."""
    import duckdb

    con = duckdb.connect(str(ws / "kansa.duckdb"))
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET memory_limit = '4GB'")  # a shared machine: build big tables by spilling, not by hoarding
    con.execute(f"SET temp_directory = '{ws.parent / 'duckdb_tmp'}'")
    suffix = "|| CASE WHEN i = 0 THEN '' ELSE '~' || i::VARCHAR END"
    renames = {
        "customers": ["customer_id", "household_id"],
        "trades": ["trade_id", "customer_id", "switch_group_id"],
        "positions": ["customer_id"],
        "complaints": ["complaint_id", "customer_id"],
    }
    for table, cols in renames.items():
        replace = ", ".join(f"{c} {suffix} AS {c}" for c in cols)
        con.execute(f"CREATE TABLE {table}_x AS SELECT * REPLACE ({replace}) FROM {table}, range({k}) r(i)")
        con.execute(f"ALTER TABLE {table}_x DROP COLUMN i")
        con.execute(f"DROP TABLE {table}")
        con.execute(f"ALTER TABLE {table}_x RENAME TO {table}")
    con.execute("CHECKPOINT")
    con.close()


def direct_workspace(data: Path, ws: Path) -> None:
    """Build a workspace straight from the synthetic Parquet (no validation): only for very large benches."""
    import duckdb

    ws.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(ws / "kansa.duckdb"))
    for path in sorted(data.glob("*.parquet")):
        name = path.stem.split(".")[0]
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM read_parquet('{path}')")
    con.close()


def _peak_raisers(timings: dict[str, float]) -> list[tuple[str, int]]:
    """Rules after which the peak memory rose by more than 100 MB, with the peak after them."""
    out, before = [], 0.0
    for key, value in timings.items():  # insertion order: the order the steps ran
        if key.startswith("peak_mb:rule:"):
            if value - before > 100:
                out.append((key[13:], round(value)))
            before = value
        elif key.startswith("peak_mb:"):
            before = max(before, value)
    return out


def main() -> None:
    """Parse options, build data and workspace as needed, run the measured steps, print a summary."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--customers", type=int, default=1_000_000, help="synthetic customers (~10 trades each)")
    ap.add_argument("--multiply", type=int, default=1, help="renamed copies of the book (10 -> ~100M trades)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/kansa-bench-conduct"), help="working folder")
    ap.add_argument("--memory-limit", default="2GB", help="DuckDB memory_limit for the scan")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--reuse", action="store_true", help="reuse data and workspace already in --work")
    ap.add_argument("--direct-load", action="store_true", help="build the workspace from Parquet without `kansa load`")
    ap.add_argument("--with-report", action="store_true", help="also write report.html/pdf/xlsx (timed)")
    ap.add_argument("--child", choices=["scan", "bare"], help=argparse.SUPPRESS)
    args = ap.parse_args()

    work: Path = args.work
    data, ws, out = work / "data", work / f"ws_x{args.multiply}", work / "out"
    if args.child == "scan":
        print(json.dumps(child_scan(ws, out, args.memory_limit, args.threads, args.with_report)))
        return
    if args.child == "bare":
        print(json.dumps(child_bare(ws, data, args.memory_limit, args.threads)))
        return

    steps: dict[str, float] = {}
    if not (args.reuse and data.is_dir()):
        shutil.rmtree(data, ignore_errors=True)
        steps["synth"] = _run(
            [
                *KANSA,
                "synth",
                "conduct",
                "--out",
                str(data),
                "--customers",
                str(args.customers),
                "--seed",
                str(args.seed),
                "--format",
                "parquet",
            ],
            "synth",
        )
    base_ws = work / "ws_x1"
    if not (args.reuse and (base_ws / "kansa.duckdb").is_file()):
        shutil.rmtree(base_ws, ignore_errors=True)
        started = time.perf_counter()
        if args.direct_load:
            direct_workspace(data, base_ws)
        else:
            _run([*KANSA, "load", str(data), "--workspace", str(base_ws)], "load")
        steps["workspace"] = time.perf_counter() - started
    if args.multiply > 1 and not (args.reuse and (ws / "kansa.duckdb").is_file()):
        shutil.rmtree(ws, ignore_errors=True)
        started = time.perf_counter()
        shutil.copytree(base_ws, ws)
        multiply_workspace(ws, args.multiply)
        steps["multiply"] = time.perf_counter() - started
    common = [
        "--work",
        str(work),
        "--multiply",
        str(args.multiply),
        "--memory-limit",
        args.memory_limit,
        "--threads",
        str(args.threads),
    ]
    bare = _child(["--child", "bare", *common])
    if args.multiply > 1:
        bare["parquet_seconds"] = None  # the synthetic Parquet holds one copy of the book, not the multiplied one
    scan = _child(["--child", "scan", *common, *(["--with-report"] if args.with_report else [])])
    rules = sorted(((k[5:], v) for k, v in scan["timings"].items() if k.startswith("rule:")), key=lambda kv: -kv[1])
    summary = {
        "trades": bare["trades"],
        "customers": args.customers * args.multiply,
        "memory_limit": args.memory_limit,
        "threads": args.threads,
        "prep_seconds": steps,
        "bare_scan_seconds": {
            "workspace": round(bare["workspace_seconds"], 3),
            "parquet": bare["parquet_seconds"] and round(bare["parquet_seconds"], 3),
        },
        "scan_seconds": round(scan["seconds"], 2),
        "scan_peak_rss_mb": round(scan["peak_rss_mb"]),
        # CPU seconds of the scan: over 2 cores, about its wall time on an idle machine (this one is shared)
        "scan_cpu_seconds": round(scan["cpu_seconds"], 1),
        "load_average_1m": round(os.getloadavg()[0], 1),
        "steps": {k: round(v, 2) for k, v in scan["timings"].items() if ":" not in k},
        "peak_mb_after": {k[8:]: round(v) for k, v in scan["timings"].items()
                          if k.startswith("peak_mb:") and not k.startswith("peak_mb:rule:")},
        "rules_raising_peak": _peak_raisers(scan["timings"]),
        "slowest_rules": [(k, round(v, 2)) for k, v in rules[:6]],
        "flags": scan["flags"],
        "targets_met": {"seconds<=30": scan["seconds"] <= 30, "rss<=3GB": scan["peak_rss_mb"] <= 3072},
    }
    print(json.dumps(summary, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
