"""Log parsing speed: EVTX records/s and auth.log lines/s on large files made by repeating the real ones.

Usage: `.venv/bin/python bench/logs.py [--auth-lines 1000000] [--evtx-chunks 2000] [--repeat 3]`
(needs ../shared/data or KANSA_SHARED_DATA). Everything is built in a temporary folder and removed.
Targets (DESIGN.md): at least 50,000 EVTX records/s and 200,000 auth.log lines/s on this machine.

Two EVTX files are built, both only from real chunks: `mixed` repeats every 64 KiB chunk of the nine
sample files (they hold 2 to 101 records each, 21 on average: the fixed cost per chunk weighs a lot),
`dense` repeats the fullest real chunk (101 records, closer to a production Security.evtx whose chunks
are full). Each is parsed in one process and in two (chunk ranges, `workers=2`). Times are the best of
`--repeat` runs: the machine is shared, and the best run is the one least disturbed by others. Rates
per CPU-second (this process's CPU time) are printed too: on a machine busy with other work they say
what the parser costs, where the wall-clock rate says how loaded the machine was.
"""

from __future__ import annotations

import argparse
import json
import os
import struct
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path

from kansa.cyber.logs import parse_logs

_HEADER = 4096
_CHUNK = 65536


def _shared_data() -> Path:
    env = os.environ.get("KANSA_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "data"


def _real_chunks(folder: Path) -> list[bytes]:
    """Every chunk of every real .evtx sample."""
    chunks = []
    for path in sorted(folder.glob("*.evtx")):
        data = path.read_bytes()
        for start in range(_HEADER, len(data) - _CHUNK + 1, _CHUNK):
            chunk = data[start : start + _CHUNK]
            if chunk.startswith(b"ElfChnk\x00"):
                chunks.append(chunk)
    return chunks


def _records_in(chunk: bytes) -> int:
    first, last = struct.unpack_from("<QQ", chunk, 8)
    return int(last - first + 1)


def build_evtx(path: Path, chunks: list[bytes], n_chunks: int, header_from: Path) -> None:
    """An .evtx of `n_chunks` chunks cycling through `chunks`, with a file header that says so."""
    header = bytearray(header_from.read_bytes()[:_HEADER])
    struct.pack_into("<Q", header, 8, 0)
    struct.pack_into("<Q", header, 16, n_chunks - 1)
    struct.pack_into("<H", header, 42, n_chunks & 0xFFFF)
    struct.pack_into("<I", header, 124, zlib.crc32(bytes(header[:120])))
    with path.open("wb") as out:
        out.write(header)
        for i in range(n_chunks):
            out.write(chunks[i % len(chunks)])


def build_auth_log(path: Path, sources: list[Path], lines: int) -> int:
    """Concatenate the real auth logs again and again until `lines` lines; returns the line count."""
    texts = [p.read_bytes().rstrip(b"\n") + b"\n" for p in sources]
    per_round = sum(t.count(b"\n") for t in texts)
    rounds = max(1, -(-lines // per_round))
    with path.open("wb") as out:
        for _ in range(rounds):
            for text in texts:
                out.write(text)
    return rounds * per_round


def best_of(repeat: int, run: Callable[[], int]) -> tuple[float, float, int]:
    """Best wall time and best CPU time of this process over `repeat` runs, and the row count."""
    wall = cpu = float("inf")
    rows = 0
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        rows = run()
        wall = min(wall, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - started_cpu)
    return wall, cpu, rows


def _line(label: str, rows: int, unit: str, path: Path, wall: float, cpu: float, workers: int) -> None:
    per_cpu = f"{rows / cpu:>10,.0f} {unit}/CPU-s" if workers == 1 else " " * (11 + len(unit) + 6)
    print(
        f"{label:11} {rows:>10,} {unit:7} {path.stat().st_size / 1e6:7.1f} MB  {wall:6.2f} s  "
        f"{rows / wall:>10,.0f} {unit}/s   {per_cpu}  ({workers} process{'es' if workers > 1 else ''})"
    )


def main() -> int:
    """Build the files, time the parses, print a table and one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--auth-lines", type=int, default=1_000_000)
    parser.add_argument("--evtx-chunks", type=int, default=2000, help="chunks per built .evtx (64 KiB each)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = _shared_data()
    if not data.is_dir():
        print(f"real data not found at {data}", file=sys.stderr)
        return 2
    evtx_dir = data / "windows_security" / "evtx"
    chunks = _real_chunks(evtx_dir)
    dense = max(chunks, key=_records_in)
    header_from = next(iter(sorted(evtx_dir.glob("*.evtx"))))
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="kansa-bench-logs-") as tmp:
        folder = Path(tmp)
        auth = folder / "auth.log"
        lines = build_auth_log(auth, sorted((data / "linux_auth").glob("*.log")), args.auth_lines)
        wall, cpu, rows = best_of(args.repeat, lambda: parse_logs([auth], year=2020).events.num_rows)
        assert rows == lines, (rows, lines)
        results["auth_lines_per_s_wall"] = lines / wall
        results["auth_lines_per_cpu_s"] = lines / cpu
        _line("auth.log", lines, "lines", auth, wall, cpu, 1)
        auth.unlink()
        for label, pool in (("mixed", chunks), ("dense", [dense])):
            path = folder / f"{label}.evtx"
            build_evtx(path, pool, args.evtx_chunks, header_from)
            for workers in (1, 2):
                wall, cpu, rows = best_of(
                    args.repeat, lambda p=path, w=workers: parse_logs([p], workers=w).events.num_rows
                )
                results[f"evtx_{label}_{workers}proc_records_per_s_wall"] = rows / wall
                if workers == 1:  # with 2 processes the work is in the children: CPU time of this one says nothing
                    results[f"evtx_{label}_records_per_cpu_s"] = rows / cpu
                _line(f"evtx {label}", rows, "records", path, wall, cpu, workers)
            path.unlink()
    print(json.dumps({k: round(v) for k, v in results.items()} | {"loadavg_1m": round(os.getloadavg()[0], 2)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
