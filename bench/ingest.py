"""Ingestion benchmark: a CP932 trades CSV (with its master tables) loaded with `kansa load`, full validation.

Usage: .venv/bin/python bench/ingest.py [--rows 1000000] [--customers N] [--dir /tmp/kansa-bench-ingest] [--keep]
`kansa load DIR --workspace WS` runs as a child process; its wall time, CPU time and peak memory (VmHWM, from the
kernel's accounting of the child) are printed. Targets: 1M trades in 10 s and 1 GB (issue 2); 10M trades and 1M
customers in 60 s and 2 GB (issue 14). Exit 1 when the target for the size is missed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import duckdb
import jpholiday
import numpy as np

_PRODUCTS = 400
_BRANCHES = 120
_STAFF = 2_000
_YEAR_END = {(12, 31), (1, 1), (1, 2), (1, 3)}


def _write(path: Path, header: str, lines: Iterable[str]) -> None:
    # CP932 as a core-banking export writes it: Japanese header and names, vendor characters included.
    with path.open("wb") as f:
        f.write((header + "\r\n").encode("cp932"))
        batch: list[str] = []
        for line in lines:
            batch.append(line)
            if len(batch) >= 200_000:
                f.write(("\r\n".join(batch) + "\r\n").encode("cp932"))
                batch.clear()
        if batch:
            f.write(("\r\n".join(batch) + "\r\n").encode("cp932"))


def make_data(out: Path, rows: int, customers: int, seed: int = 7) -> None:
    """Write branches, staff, products, customers and `rows` trades as CP932 CSV (vectorised with numpy)."""
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    _write(out / "branches.csv", "店番,店名,地域", [f"B{i:03d},髙島屋前支店{i}号㈱,関東" for i in range(_BRANCHES)])
    _write(
        out / "staff.csv",
        "担当者コード,所属店,役職,入社日",
        [
            f"S{i:05d},B{i % _BRANCHES:03d},{'営業' if i % 7 else '役席'},平成{1 + i % 30}年4月1日"
            for i in range(_STAFF)
        ],
    )
    kinds = ["投資信託", "仕組債", "外貨建保険", "債券", "株式"]
    _write(
        out / "products.csv",
        "商品コード,商品名,product_type,リスク区分,複雑な商品,販売手数料率",
        [
            f"P{i:04d},①グローバル株式ファンド{i},{kinds[i % 5]},{1 + i % 5},{'○' if i % 5 == 1 else '×'},"
            f"{(i % 4) * 1.1:.2f}%"
            for i in range(_PRODUCTS)
        ],
    )
    births = rng.integers(0, 80 * 365, customers)
    base = date(1930, 1, 1)
    _write(
        out / "customers.csv",
        "顧客ID,生年月日,店番,投資経験,リスク許容度,投資目的,金融資産（円）",
        [
            f"C{i:07d},{(base + timedelta(days=int(b))).isoformat()},B{i % _BRANCHES:03d},over_5y,{1 + i % 5},"
            f'income,"{int(b) * 1000:,}"'
            for i, b in enumerate(births)
        ],
    )
    # Trades: business days only (so the holiday warning does not dominate), a few era dates mixed in.
    days = np.array(
        [
            d
            for d in (date(2024, 4, 1) + timedelta(n) for n in range(730))
            if d.weekday() < 5 and not jpholiday.is_holiday(d) and (d.month, d.day) not in _YEAR_END
        ]
    )
    day_text = np.array([d.strftime("%Y/%m/%d") for d in days])
    di = rng.integers(0, len(days), rows)
    cust = rng.integers(0, customers, rows)
    prod = rng.integers(0, _PRODUCTS, rows)
    amount = rng.integers(10, 50_000, rows) * 1000
    staff = rng.integers(0, _STAFF, rows)
    side = np.where(rng.random(rows) < 0.7, "買付", "売却")
    channel = np.array(["face_to_face", "phone", "online", "ifa"])[rng.integers(0, 4, rows)]
    header = "約定番号,約定日,顧客ID,商品コード,売買区分,約定金額,手数料,店番,担当者コード,channel,勧誘,役席承認日時"

    def lines() -> Iterator[str]:
        for i in range(rows):
            d = day_text[di[i]]
            if i % 1000 == 0:  # the rare era date that takes the Python path
                d = f"令和{days[di[i]].year - 2018}年{days[di[i]].month}月{days[di[i]].day}日"
            a = int(amount[i])
            approval = f"{days[di[i]].isoformat()} 09:30:00" if i % 3 == 0 else ""
            yield (
                f'T{i:09d},{d},C{cust[i]:07d},P{prod[i]:04d},{side[i]},"{a:,}",{a // 100},'
                f"B{cust[i] % _BRANCHES:03d},S{staff[i]:05d},{channel[i]},{'有' if i % 2 else '無'},{approval}"
            )

    _write(out / "trades.csv", header, lines())


def main() -> int:
    """Make the data (untimed), then time `kansa load` in a child process: wall, CPU and peak memory."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--customers", type=int, default=None, help="default: rows / 10, at least 100,000")
    ap.add_argument("--dir", type=Path, default=None)
    ap.add_argument("--keep", action="store_true", help="keep the generated data")
    args = ap.parse_args()
    customers = args.customers or max(100_000, args.rows // 10)
    out = args.dir or Path(tempfile.mkdtemp(prefix="kansa-bench-ingest-"))
    workspace = Path(tempfile.mkdtemp(prefix="kansa-bench-ws-")) / "ws"
    try:
        t0 = time.perf_counter()
        if not (out / "trades.csv").exists():
            make_data(out, args.rows, customers)
        size = (out / "trades.csv").stat().st_size
        print(f"data: {out} trades.csv {size / 1e6:.0f} MB (made in {time.perf_counter() - t0:.1f} s)")
        argv = [str(Path(sys.executable).parent / "kansa"), "load", str(out), "--workspace", str(workspace),
                "--lang", "en"]
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(proc.pid, 0)  # the child's own accounting: its VmHWM is ru_maxrss
        wall = time.perf_counter() - started
        said = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
        cpu, peak = usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024
        loaded = status == 0
        with duckdb.connect(str(workspace / "kansa.duckdb"), read_only=True) if loaded else _none() as con:
            rows = con.execute("SELECT count(*) FROM trades").fetchall()[0][0] if con else 0
        print(f"kansa load: {wall:.2f} s wall, CPU {cpu:.2f} s, peak memory (VmHWM) {peak:.0f} MB, "
              f"exit {status >> 8}, trades loaded {rows:,}")
        if not loaded:
            print(said[-3000:])
        seconds, memory = (60, 2048) if args.rows > 1_000_000 else (10, 1024)
        met = wall <= seconds and peak <= memory and loaded
        print(f"target (<= {seconds} s, <= {memory / 1024:.0f} GB):", "met" if met else "MISSED")
        return 0 if met else 1
    finally:
        shutil.rmtree(workspace.parent, ignore_errors=True)
        if not args.keep and args.dir is None:
            shutil.rmtree(out, ignore_errors=True)


@contextmanager
def _none() -> Iterator[None]:
    yield None


if __name__ == "__main__":
    raise SystemExit(main())
