"""What a conduct scan's output folder says (flags.parquet, kpis.json, complaints_summary.csv: the stable
outputs of `kansa conduct scan`), and what a workspace adds (structured-bond sales after a date)."""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from kansa.fd.messages import FdError
from kansa.workspace import Workspace

REQUIRED = ("flags.parquet", "kpis.json")


@dataclass
class Flag:
    """One flag of the scan, as the say-do table shows it."""

    rule_id: str
    entity_type: str
    entity_id: str
    event_date: date | None
    reason: str


@dataclass
class ScanEvidence:
    """The scan's flags by rule, KPIs by date, complaints by fiscal year, and the workspace when given."""

    folder: Path
    flags: dict[str, list[Flag]]
    kpis: list[dict[str, Any]]
    complaints: dict[int, int]                  # fiscal year -> complaints and disputes
    complaints_by_product: dict[tuple[int, str], int] = field(default_factory=dict)
    workspace: Path | None = None

    @property
    def as_of(self) -> str | None:
        """The latest evaluation date of the scan."""
        return self.kpis[-1]["as_of_date"] if self.kpis else None

    def buys_in_window(self) -> int:
        """Buys in the monitoring window of the latest date (0 when the scan had no trades)."""
        if not self.kpis:
            return 0
        return int((self.kpis[-1].get("monitoring") or {}).get("buys") or 0)

    def product_buys(self, product_type: str) -> int | None:
        """Buys of a product type in the latest monitoring window (None when the scan does not say)."""
        if not self.kpis:
            return None
        rows = (self.kpis[-1].get("monitoring") or {}).get("by_product_type")
        if rows is None:
            return None
        return sum(int(r.get("buys") or 0) for r in rows if r.get("product_type") == product_type)


def load_scan(folder: Path, workspace: Path | None = None) -> ScanEvidence:
    """Read a conduct scan's output folder; FdError naming the missing or unreadable file."""
    if not folder.is_dir():
        raise FdError("scan_missing", path=str(folder), file="(folder)")
    for name in REQUIRED:
        if not (folder / name).is_file():
            raise FdError("scan_missing", path=str(folder), file=name)

    try:
        table = pq.read_table(folder / "flags.parquet", columns=["rule_id", "entity_type", "entity_id",
                                                                   "event_date", "reason"])
    except Exception as exc:
        raise FdError("scan_bad", path=str(folder / "flags.parquet"), detail=f"{type(exc).__name__}: {exc}"[:200]) \
            from exc
    flags: dict[str, list[Flag]] = {}
    for row in table.to_pylist():
        flags.setdefault(row["rule_id"], []).append(Flag(row["rule_id"], row["entity_type"], row["entity_id"],
                                                         row["event_date"], row["reason"] or ""))
    try:
        kpis = json.loads((folder / "kpis.json").read_text(encoding="utf-8"))
        if not isinstance(kpis, list):
            raise ValueError("kpis.json is not a list of dates")
    except (ValueError, OSError) as exc:
        raise FdError("scan_bad", path=str(folder / "kpis.json"), detail=str(exc)[:200]) from exc
    complaints, by_product = _complaints(folder / "complaints_summary.csv")
    if workspace is not None and not (workspace / "kansa.duckdb").is_file():
        raise FdError("scan_missing", path=str(workspace), file="kansa.duckdb")
    return ScanEvidence(folder, flags, sorted(kpis, key=lambda k: str(k.get("as_of_date"))), complaints, by_product,
                        workspace)


def _complaints(path: Path) -> tuple[dict[int, int], dict[tuple[int, str], int]]:
    """Complaints and disputes per fiscal year and per (year, product type); empty when the file is absent."""
    total: Counter[int] = Counter()
    by_product: Counter[tuple[int, str]] = Counter()
    if not path.is_file():
        return {}, {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            if row.get("kind") not in ("complaint", "dispute"):
                continue
            try:
                year, count = int(row["fiscal_year"]), int(row["count"])
            except (KeyError, TypeError, ValueError) as exc:
                raise FdError("scan_bad", path=f"{path}:{n}", detail=f"fiscal_year/count: {row}"[:200]) from exc
            total[year] += count
            by_product[(year, row.get("product_type") or "")] += count
    return dict(total), dict(by_product)


def structured_bond_buys_since(workspace: Path, since: date) -> tuple[int, list[str]]:
    """Structured-bond buys on or after `since` in a workspace, with up to five trade ids."""
    con = Workspace(workspace).connect(read_only=True)
    try:
        rows = con.execute(
            "SELECT t.trade_id FROM trades t JOIN products p ON p.product_id = t.product_id "
            "WHERE p.product_type = 'structured_bond' AND t.side = 'buy' AND t.trade_date >= ? ORDER BY t.trade_date",
            [since]).fetchall()
    finally:
        con.close()
    return len(rows), [str(r[0]) for r in rows[:5]]
