"""Where a whole `kansa conduct scan DIR --format csv` spends its time: one process, each phase timed.

    .venv/bin/python bench/scan_phases.py /tmp/c100k            # from kansa synth conduct --customers 100000

Prints the import of kansa's one door, then wall and CPU seconds of each phase of run_conduct_scan (open =
the validated read of the folder; the rules; KPIs; complaint figures; coverage; cases; writing the CSVs),
and the process's peak memory. bench/vs_pandas.py gives the whole-process comparison; this says which
part of it to work on.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

STARTED = time.perf_counter(), time.process_time()


def main() -> None:
    """Scan the folder once and print the phases."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path)
    args = ap.parse_args()
    from kansa.services.conduct import run_conduct_scan

    imported = time.perf_counter() - STARTED[0], time.process_time() - STARTED[1]
    print(f"{'import kansa.services':24s} wall {imported[0]:6.2f} s  cpu {imported[1]:6.2f} s")
    wall, cpu = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory(prefix="kansa-phases-") as out:
        result = run_conduct_scan(args.data, out=Path(out), formats=("csv",))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    phases = {k: v for k, v in result.timings.items() if not k.startswith(("peak_mb:", "rule:"))}
    for name in ("open", "rules", "kpis", "complaints", "coverage", "cases"):
        if name in phases:
            print(f"{name:24s} wall {phases[name]:6.2f} s")
    print(f"{'outputs and the rest':24s} wall {wall - sum(phases.values()):6.2f} s")
    print(f"{'scan':24s} wall {wall:6.2f} s  cpu {cpu:6.2f} s  "
          f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    slow = sorted(((v, k[5:]) for k, v in result.timings.items() if k.startswith("rule:")), reverse=True)[:3]
    print("slowest rules: " + ", ".join(f"{name} {v:.2f} s" for v, name in slow))


if __name__ == "__main__":
    main()
