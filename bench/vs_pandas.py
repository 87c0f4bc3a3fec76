"""kansa against the pandas script a user would otherwise write, whole process each, on the same CSV folder.

    .venv/bin/kansa synth conduct --customers 100000 --out /tmp/c100k        # ~1.0M trades
    .venv/bin/python bench/vs_pandas.py /tmp/c100k --runs 3

Times (wall, CPU, peak RSS of the child) for: bench/pandas_baseline.py (14 rules, KPIs, complaint counts,
no validation, no reports), `kansa conduct scan DATA_DIR --format csv` (validated read, the same rules,
KPIs and complaints), `kansa conduct scan DATA_DIR` (every output: flags, HTML, PDF, Excel), and two floors
from bench/read_floor.py: reading the folder's CSVs and nothing else, with bare DuckDB and with pandas. Each command
runs in turn, `--runs` times; medians are printed with the ratio pandas / kansa, and the flags per rule of
both are compared (they must agree).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def timed(argv: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one child process, from the kernel's own accounting."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if status != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def kansa_counts(out: Path) -> dict[str, int]:
    """Flags per rule in kansa's flags.csv."""
    with (out / "flags.csv").open(encoding="utf-8-sig", newline="") as f:
        return dict(Counter(r["rule_id"] for r in csv.DictReader(f)))


def main() -> None:
    """Run the three commands in turn and print medians, ratios and the flag comparison."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path, help="a CSV folder, e.g. from kansa synth conduct")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kansa_vs_pandas_"))
    commands = {
        "pandas": [sys.executable, str(ROOT / "bench" / "pandas_baseline.py"), str(args.data), str(work / "pd")],
        "kansa --format csv": [str(BIN / "kansa"), "conduct", "scan", str(args.data), "--out", str(work / "csv"),
                               "--format", "csv"],
        "kansa (all outputs)": [str(BIN / "kansa"), "conduct", "scan", str(args.data), "--out", str(work / "all")],
        # floors: reading the files and nothing else
        "read only: pandas": [sys.executable, str(ROOT / "bench" / "read_floor.py"), str(args.data), "pandas"],
        "read only: DuckDB": [sys.executable, str(ROOT / "bench" / "read_floor.py"), str(args.data), "duckdb"],
    }
    results: dict[str, list[tuple[float, float, float]]] = {k: [] for k in commands}
    for _ in range(args.runs):
        for name, argv in commands.items():
            results[name].append(timed(argv))
    med = {k: tuple(statistics.median(r[i] for r in v) for i in range(3)) for k, v in results.items()}
    for name, (wall, cpu, rss) in med.items():
        print(f"{name:22s} wall {wall:6.2f} s  cpu {cpu:6.2f} s  peak {rss:7.0f} MB  (median of {args.runs})")
    base = med["pandas"][0]
    print(f"pandas / kansa --format csv: {base / med['kansa --format csv'][0]:.2f}x")
    print(f"reports add: {med['kansa (all outputs)'][0] - med['kansa --format csv'][0]:.2f} s")
    print(f"10x pandas would be {base / 10:.2f} s; reading the files alone takes "
          f"{med['read only: DuckDB'][0]:.2f} s (bare DuckDB) and {med['read only: pandas'][0]:.2f} s (pandas)")
    ours = kansa_counts(work / "csv")
    theirs = json.loads((work / "pd" / "flag_counts.json").read_text(encoding="utf-8"))
    differ = {r: (ours.get(r, 0), theirs.get(r, 0)) for r in sorted(set(ours) | set(theirs))
              if ours.get(r, 0) != theirs.get(r, 0)}
    print("flags per rule agree" if not differ else f"flags differ (kansa, pandas): {differ}")


if __name__ == "__main__":
    main()
