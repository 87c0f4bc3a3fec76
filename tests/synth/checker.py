"""An independent plain-Python reading of a few conduct rules, to prove the synthetic answer key."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path


def read(folder: Path, table: str) -> list[dict[str, str]]:
    """Rows of one CSV table."""
    with open(folder / f"{table}.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _d(s: str) -> dt.date:
    return dt.date.fromisoformat(s[:10])


def age(birth: dt.date, at: dt.date) -> int:
    """Whole years (29 February birthdays count on 1 March in common years)."""
    return at.year - birth.year - ((at.month, at.day) < (birth.month, birth.day))


def _solicited(t: dict[str, str]) -> bool:
    return t["solicited"] == "true" or (t["solicited"] == "" and t["channel"] != "online")


def flags(folder: Path, as_of: dt.date) -> dict[str, set[str]]:
    """Entities flagged by four rules with default parameters."""
    customers = {c["customer_id"]: c for c in read(folder, "customers")}
    products = {p["product_id"]: p for p in read(folder, "products")}
    trades = read(folder, "trades")
    out: dict[str, set[str]] = defaultdict(set)
    for t in trades:
        if t["side"] != "buy":
            continue
        c, p = customers[t["customer_id"]], products[t["product_id"]]
        td = _d(t["trade_date"])
        a = age(_d(c["birth_date"]), td)
        caution = p["is_caution_product"] == "true"
        if _solicited(t) and caution and a >= 75:
            approved = t["manager_approval_at"] and _d(t["manager_approval_at"]) < td
            cog = c["cognitive_check_date"] and 0 <= (td - _d(c["cognitive_check_date"])).days <= 365
            if not approved and not cog:
                out["elderly_caution_no_approval"].add(t["trade_id"])
        if _solicited(t) and caution and a >= 80 and t["solicitation_date"] == t["trade_date"]:
            out["elderly80_same_day_order"].add(t["trade_id"])
    # short_term_switch: an investment-trust sell held < 180 days, then a fee-bearing fund buy within 30 days
    by_customer: dict[str, list[dict[str, str]]] = defaultdict(list)
    for t in trades:
        by_customer[t["customer_id"]].append(t)
    for rows in by_customer.values():
        first_buy: dict[str, dt.date] = {}
        for t in sorted(rows, key=lambda r: r["trade_date"]):
            if t["side"] == "buy":
                first_buy.setdefault(t["product_id"], _d(t["trade_date"]))
        for s in rows:
            if s["side"] != "sell" or products[s["product_id"]]["product_type"] != "investment_trust":
                continue
            sd = _d(s["trade_date"])
            if (sd - first_buy[s["product_id"]]).days >= 180:
                continue
            for b in rows:
                if (
                    b["side"] == "buy"
                    and b["product_id"] != s["product_id"]
                    and products[b["product_id"]]["product_type"] == "investment_trust"
                    and 0 <= (_d(b["trade_date"]) - sd).days <= 30
                    and float(b["fee_jpy"] or 0) > 0
                ):
                    out["short_term_switch"].add(s["trade_id"])
    # household_concentration on the evaluation date
    sb: dict[str, float] = defaultdict(float)
    total: dict[str, float] = defaultdict(float)
    for pos in read(folder, "positions"):
        if pos["as_of_date"] != as_of.isoformat():
            continue
        hh = customers[pos["customer_id"]]["household_id"]
        mv = float(pos["market_value_jpy"])
        total[hh] += mv
        if products[pos["product_id"]]["product_type"] == "structured_bond":
            sb[hh] += mv
    for hh, t_ in total.items():
        if t_ >= 1_000_000 and sb[hh] / t_ >= 0.8:
            out["household_concentration"].add(hh)
    return out
