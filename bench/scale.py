"""Cost against size: the DuckDB conduct scan at about 1M, 10M and 100M trades, one table.

    .venv/bin/python bench/scale.py                          # 1M, 10M, 100M (whatever completes)
    .venv/bin/python bench/scale.py --sizes 1m,10m --reuse   # reuse data and workspaces already built

Each size runs bench/conduct_scan.py (synthetic institution -> `kansa load` workspace -> the full scan in
a child process; 100M is the 10M book in 10 renamed copies, `--multiply 10`) and the table prints scan
seconds, CPU seconds (user + system of the scan process), peak RSS and both per million trades. On a
shared machine the CPU seconds per million are the figure to compare across sizes: wall time also
counts the time the scan waited for a core.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
# size -> (customers, copies, work subfolder); 100M reuses the 10M book, so they share a folder
SIZES: dict[str, tuple[int, int, str]] = {
    "1m": (100_000, 1, "1m"),
    "10m": (1_000_000, 1, "10m"),
    "100m": (1_000_000, 10, "10m"),
}


def run_size(work: Path, size: str, reuse: bool, memory_limit: str) -> dict[str, Any]:
    """One conduct_scan.py run; its JSON summary."""
    customers, copies, folder = SIZES[size]
    argv = [sys.executable, str(HERE / "conduct_scan.py"), "--customers", str(customers), "--multiply", str(copies),
            "--work", str(work / folder), "--memory-limit", memory_limit]
    # the 100M book is made from the 10M one: reuse it whenever it is there
    if reuse or copies > 1:
        argv.append("--reuse")
    out = subprocess.run(argv, check=True, stdout=subprocess.PIPE, text=True).stdout
    summary: dict[str, Any] = json.loads(out[out.index("\n{") + 1:] if not out.startswith("{") else out)
    return summary


def main() -> None:
    """Run the sizes asked for, smallest first, and print one row per size that completed."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1m,10m,100m")
    ap.add_argument("--work", type=Path, default=Path("/tmp/kansa-bench-scale"))
    ap.add_argument("--memory-limit", default="2GB", help="DuckDB memory_limit of the scan (it spills beyond)")
    ap.add_argument("--reuse", action="store_true", help="reuse data and workspaces already in --work")
    args = ap.parse_args()
    rows = []
    for size in args.sizes.split(","):
        try:
            s = run_size(args.work, size, args.reuse, args.memory_limit)
        except subprocess.CalledProcessError as exc:
            print(f"{size}: did not complete (exit {exc.returncode})", file=sys.stderr)
            break
        millions = s["trades"] / 1e6
        rows.append((s["trades"], s["scan_seconds"], s["scan_cpu_seconds"], s["scan_peak_rss_mb"],
                     s["scan_seconds"] / millions, s["scan_cpu_seconds"] / millions, s["load_average_1m"]))
        print(json.dumps({"size": size, **{k: s[k] for k in ("trades", "scan_seconds", "scan_cpu_seconds",
                                                            "scan_peak_rss_mb", "steps", "load_average_1m")}}),
              file=sys.stderr, flush=True)
    print(f"{'trades':>12} {'scan s':>8} {'CPU s':>8} {'peak MB':>8} {'s/M':>6} {'CPU s/M':>8} {'load':>5}")
    for trades, sec, cpu, peak, spm, cpm, load in rows:
        print(f"{trades:>12,} {sec:>8.1f} {cpu:>8.1f} {peak:>8} {spm:>6.2f} {cpm:>8.2f} {load:>5.1f}")
    print(f"(memory_limit {args.memory_limit}, 2 threads; load = 1-minute load average at the end; "
          f"this machine: {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
