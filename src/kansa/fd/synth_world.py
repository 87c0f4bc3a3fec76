"""A conduct world that keeps some promises: a `kansa synth conduct` folder with the planted cases of chosen
rules taken out (their trades, or the flagged salesperson's trades), so the say-do check has both outcomes."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterable
from pathlib import Path


def drop_planted(data_dir: Path, out_dir: Path, rules: Iterable[str]) -> Path:
    """Copy a synthetic conduct folder (CSV) without the planted flags of `rules` (answer_key.csv)."""
    rules = set(rules)
    out_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / "answer_key.csv").open(encoding="utf-8", newline="") as fh:
        key = list(csv.DictReader(fh))
    planted = [r for r in key if r["rule_id"] in rules and r["expected"] == "flag"]
    trades = {r["entity_id"] for r in planted if r["entity_type"] == "trade"}
    staff = {r["entity_id"] for r in planted if r["entity_type"] == "staff"}
    customers = {r["entity_id"] for r in planted if r["entity_type"] == "customer"}
    for path in data_dir.iterdir():
        if path.name == "trades.csv":
            _filter(path, out_dir / path.name, lambda row: row["trade_id"] not in trades
                    and row.get("staff_id", "") not in staff and row["customer_id"] not in customers)
        elif path.name == "answer_key.csv":
            _filter(path, out_dir / path.name, lambda row: row["rule_id"] not in rules)
        elif path.is_file():
            shutil.copy2(path, out_dir / path.name)
    return out_dir


def _filter(src: Path, dst: Path, keep: object) -> None:
    with src.open(encoding="utf-8", newline="") as fh, dst.open("w", encoding="utf-8", newline="") as out:
        reader = csv.DictReader(fh)
        writer = csv.DictWriter(out, fieldnames=reader.fieldnames or [])
        writer.writeheader()
        for row in reader:
            if keep(row):  # type: ignore[operator]
                writer.writerow(row)
