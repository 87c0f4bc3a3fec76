"""What the conduct report set costs: context, charts, HTML, PDF and Excel timed apart, then whole processes.

    .venv/bin/kansa synth conduct --customers 100000 --out /tmp/c100k       # ~1.1M trades
    .venv/bin/python bench/reports.py /tmp/c100k --runs 5
    .venv/bin/python bench/reports.py /tmp/c100k --runs 3 --whole 3        # also csv vs all formats
    .venv/bin/python bench/reports.py /tmp/c1m --whole 2 --whole-only      # 10M trades: whole processes only

In-process: the folder is scanned once (open, rules, KPIs, cases), then each report step runs `--runs` times;
the medians of wall and CPU seconds are printed (the machine is shared: CPU seconds are the steadier figure).
With `--whole N`: `kansa conduct scan DIR --format csv` against the default formats, N runs each, whole
process, medians; the difference is what the report set (plus Parquet) adds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def clock(fn: Callable[[], Any], runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of `runs` calls."""
    walls, cpus = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def in_process(data: Path, runs: int, work: Path) -> None:
    """Scan once, then time each report step on the same result."""
    from kansa.conduct import report
    from kansa.services import open_source, run_conduct

    started = time.perf_counter()
    source = open_source(data, domain="conduct")
    run = run_conduct(source)
    result = run.result
    result.out_dir = work
    trades = source.con.execute("SELECT count(*) FROM trades").fetchall()[0]
    print(f"scanned {data} in {time.perf_counter() - started:.1f} s: {trades[0] if trades else 0:,} trades, "
          f"{result.flags.num_rows:,} flags, {result.cases.num_rows if result.cases is not None else 0:,} cases")
    kwargs: dict[str, Any] = {"rules": run.rules, "params": run.params, "lang": "ja", "top_n": 20,
                              "source": data, "engine": "duckdb"}
    ctx: dict[str, Any] = {}

    def context() -> None:
        ctx.update(report.build_context(source.con, result, **kwargs))

    steps: dict[str, Callable[[], Any]] = {
        "context (incl. charts)": context,
        "KPI charts (SVG)": lambda: report._kpi_charts(result.kpis, {}, "ja"),
        "html": lambda: report.write_reports(source.con, result, formats=("html",), **kwargs),
        "pdf": lambda: report.write_reports(source.con, result, formats=("pdf",), **kwargs),
        "xlsx": lambda: report.write_reports(source.con, result, formats=("xlsx",), **kwargs),
        "html+pdf+xlsx": lambda: report.write_reports(source.con, result, **kwargs),
    }
    for name, fn in steps.items():
        fn()  # warm: first imports (WeasyPrint, Typst, fonts) are paid once per process, and counted below
        wall, cpu = clock(fn, runs)
        print(f"{name:24s} wall {wall:6.3f} s  cpu {cpu:6.3f} s  (median of {runs})")


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one child process (kernel accounting)."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if status != 0:
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise SystemExit(f"{' '.join(argv)} failed:\n{err}")
    return wall, usage.ru_utime + usage.ru_stime


def whole(data: Path, runs: int, work: Path) -> None:
    """`kansa conduct scan --format csv` against the default formats, whole process, medians."""
    commands = {
        "--format csv": ["--format", "csv"],
        "default formats": [],
    }
    results: dict[str, list[tuple[float, float]]] = {k: [] for k in commands}
    for i in range(runs):
        for name, extra in commands.items():
            argv = [str(BIN / "kansa"), "conduct", "scan", str(data), "--out", str(work / f"w{i}{len(extra)}"), *extra]
            results[name].append(timed(argv))
    med = {k: (statistics.median(r[0] for r in v), statistics.median(r[1] for r in v)) for k, v in results.items()}
    for name, (wall, cpu) in med.items():
        print(f"kansa conduct scan {name:16s} wall {wall:6.2f} s  cpu {cpu:6.2f} s  (median of {runs})")
    print(f"default formats add: wall {med['default formats'][0] - med['--format csv'][0]:.2f} s, "
          f"cpu {med['default formats'][1] - med['--format csv'][1]:.2f} s")


def main() -> None:
    """Time the report steps in process, and optionally the whole scan with and without reports."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path, help="a CSV folder, e.g. from kansa synth conduct")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--whole", type=int, default=0, help="also run whole processes this many times each")
    ap.add_argument("--whole-only", action="store_true", help="skip the in-process steps")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kansa_bench_reports_"))
    if not args.whole_only:
        in_process(args.data, args.runs, work)
    if args.whole:
        whole(args.data, args.whole, work)


if __name__ == "__main__":
    main()
