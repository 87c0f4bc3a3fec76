"""Ingestion benchmark: a 1M-row CP932 trades CSV (with its master tables) loaded with full validation.

Usage: .venv/bin/python bench/ingest.py [--rows 1000000] [--dir /tmp/kansa-bench-ingest] [--keep]
Target (issue 2): at most 10 s and 1 GB peak RSS on 2 cores. Prints the figures; exit 1 when missed.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import jpholiday
import numpy as np

_CUSTOMERS = 100_000
_PRODUCTS = 400
_BRANCHES = 120
_STAFF = 2_000
_YEAR_END = {(12, 31), (1, 1), (1, 2), (1, 3)}


def _write(path: Path, header: str, lines: list[str]) -> None:
    # CP932 as a core-banking export writes it: Japanese header and names, vendor characters included.
    path.write_bytes((header + "\r\n" + "\r\n".join(lines) + "\r\n").encode("cp932"))


def make_data(out: Path, rows: int, seed: int = 7) -> None:
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
    births = rng.integers(0, 80 * 365, _CUSTOMERS)
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
    cust = rng.integers(0, _CUSTOMERS, rows)
    prod = rng.integers(0, _PRODUCTS, rows)
    amount = rng.integers(10, 50_000, rows) * 1000
    staff = rng.integers(0, _STAFF, rows)
    side = np.where(rng.random(rows) < 0.7, "買付", "売却")
    channel = np.array(["face_to_face", "phone", "online", "ifa"])[rng.integers(0, 4, rows)]
    header = "約定番号,約定日,顧客ID,商品コード,売買区分,約定金額,手数料,店番,担当者コード,channel,勧誘,役席承認日時"
    lines = []
    for i in range(rows):
        d = day_text[di[i]]
        if i % 1000 == 0:  # the rare era date that takes the Python path
            d = f"令和{days[di[i]].year - 2018}年{days[di[i]].month}月{days[di[i]].day}日"
        a = int(amount[i])
        approval = f"{days[di[i]].isoformat()} 09:30:00" if i % 3 == 0 else ""
        lines.append(
            f'T{i:09d},{d},C{cust[i]:07d},P{prod[i]:04d},{side[i]},"{a:,}",{a // 100},'
            f"B{cust[i] % _BRANCHES:03d},S{staff[i]:05d},{channel[i]},{'有' if i % 2 else '無'},{approval}"
        )
    _write(out / "trades.csv", header, lines)


def main() -> int:
    """Make the data (untimed), then time load_directory and report wall time and peak RSS."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--dir", type=Path, default=None)
    ap.add_argument("--keep", action="store_true", help="keep the generated data")
    args = ap.parse_args()
    out = args.dir or Path(tempfile.mkdtemp(prefix="kansa-bench-ingest-"))
    try:
        t0 = time.perf_counter()
        if not (out / "trades.csv").exists():
            make_data(out, args.rows)
        size = (out / "trades.csv").stat().st_size
        print(f"data: {out} trades.csv {size / 1e6:.0f} MB (made in {time.perf_counter() - t0:.1f} s)")
        # Peak RSS is measured in a fresh process so that making the data does not count.
        import subprocess

        code = (
            "import resource, time, sys\n"
            "from kansa.contract.load import load_directory\n"
            "t = time.perf_counter()\n"
            f"r = load_directory({str(out)!r}, lang='en')\n"
            "s = time.perf_counter() - t\n"
            "u = resource.getrusage(resource.RUSAGE_SELF)\n"
            "rss, cpu = u.ru_maxrss / 1024, u.ru_utime + u.ru_stime\n"
            "print(f'{s:.2f} {cpu:.2f} {rss:.0f} {int(r.ok)} {len(r.errors)} {len(r.warnings)} '"
            "      f'{r.tables[\"trades\"].num_rows if r.ok else 0}')\n"
        )
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        seconds, cpu, rss, ok, errors, warnings, rows = proc.stdout.strip().splitlines()[-1].split()
        # CPU time (whole process incl. imports) shows the cost when other work shares the 2 cores.
        print(
            f"load_directory: {float(seconds):.2f} s wall, process CPU {float(cpu):.2f} s, "
            f"peak RSS {float(rss):.0f} MB, ok={ok == '1'}, "
            f"errors={errors}, warnings={warnings}, trades loaded={int(rows):,}"
        )
        met = float(seconds) <= 10 and float(rss) <= 1024 and ok == "1"
        print("target (<= 10 s, <= 1 GB):", "met" if met else "MISSED")
        print(f"(this process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")
        return 0 if met else 1
    finally:
        if not args.keep and args.dir is None:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
