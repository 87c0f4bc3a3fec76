"""`kansa synth conduct`: a deterministic institution in the conduct contract with its answer key."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kansa.synth import background as bg
from kansa.synth import branch_months as bm
from kansa.synth import planted_conduct as pcases
from kansa.synth import planted_late
from kansa.synth import realistic as rz
from kansa.synth import realistic_fields as rf
from kansa.synth.catalog import COMPLAINT_TEXTS, PRODUCTS
from kansa.synth.dates import age_years
from kansa.synth.institution import TYPE_INDEX, TYPES, Frame, build_frame, new_branch_name
from kansa.synth.planted_base import Planted
from kansa.synth.tables import (
    branches_table,
    customer_ids,
    customers_table,
    ids,
    opt_date,
    pick,
    positions_table,
    products_table,
    staff_table,
    trades_table,
)
from kansa.synth.writer import Encoding, Format, Output, build_table

CHUNK = 50_000
HOLDINGS_PER_CUSTOMER = 9.95  # calibrated so a customer averages about 10 trades
CONDUCT_TABLES = ["customers", "products", "trades", "positions", "complaints", "branches", "staff"]
_CATEGORIES = list(COMPLAINT_TEXTS)


@dataclass
class Summary:
    """What was written."""

    out: Path
    rows: dict[str, int]
    answer_key: Path
    key_counts: dict[str, dict[str, int]] = field(default_factory=dict)


def estimate_trades(customers: int) -> int:
    """About how many trades an institution of this size gets (10 per customer)."""
    return customers * 10 + 2_000


class _StaffStats:
    """Per-salesperson buys in the last 365 days: count, amount, in-house amount, fee-weighted amount."""

    def __init__(self, n: int) -> None:
        self.count = np.zeros(n)
        self.amount = np.zeros(n)
        self.aff = np.zeros(n)
        self.fee = np.zeros(n)

    def add(self, frame: Frame, tr: bg.Trades) -> None:
        sel = tr.buy & (tr.staff >= 0) & (tr.date > frame.end - 365) & (tr.date <= frame.end)
        s, a, p = tr.staff[sel], tr.amount[sel], tr.prod[sel]
        n = len(self.count)
        self.count += np.bincount(s, minlength=n)[:n]
        self.amount += np.bincount(s, weights=a, minlength=n)[:n]
        self.aff += np.bincount(s, weights=a * frame.shelf.affiliated[p], minlength=n)[:n]
        self.fee += np.bincount(s, weights=a * frame.shelf.fee_rate[p], minlength=n)[:n]

    def medians(self) -> tuple[float, float]:
        busy = self.count >= 30
        if busy.sum() < 5:
            busy = self.count > 0
        share = self.aff[busy] / self.amount[busy]
        fee = self.fee[busy] / self.amount[busy]
        return float(np.median(share)), float(np.median(fee))


def _complaints(frame: Frame, rng: np.random.Generator, c: bg.Customers, tr: bg.Trades, quota: np.ndarray,
                first_id: int, limit: int = 2) -> tuple[dict[str, object], int]:
    n = rng.poisson(len(c.number) * 0.03)
    who = rng.integers(0, len(c.number), n)
    day_ = frame.calendar.sample(rng, n, frame.start, frame.end)
    kind = rng.choice(3, n, p=[0.6, 0.36, 0.04])
    cat = rng.choice(len(_CATEGORIES), n, p=[0.2, 0.12, 0.15, 0.05, 0.05, 0.3, 0.13])
    texts = [COMPLAINT_TEXTS[_CATEGORIES[k]][int(rng.integers(0, len(COMPLAINT_TEXTS[_CATEGORIES[k]])))] for k in cat]
    # a product the customer traded, if any
    first_trade = np.searchsorted(tr.cust, who)
    has = (first_trade < len(tr.cust)) & (tr.cust[np.minimum(first_trade, len(tr.cust) - 1)] == who)
    prod = np.where(has, tr.prod[np.minimum(first_trade, len(tr.cust) - 1)], -1)
    ptype = np.where(has, -1, rng.choice([0, 1, 2, 6], n))
    staff = np.full(n, -1)
    # complaint_cluster (guarded): a salesperson is named in at most two complaints or disputes, ever
    for i in np.flatnonzero(kind > 0):
        b = c.branch[who[i]]
        s = int(frame.sales_first[b] + rng.integers(0, frame.sales_count[b]))
        if quota[s] < limit:
            quota[s] += 1
            staff[i] = s
    closed = day_ + rng.integers(3, 120, n)
    closed = np.where(closed <= frame.end, closed, -1)
    cols = {
        "complaint_id": ids("Q", np.arange(first_id, first_id + n), 7), "received_date": opt_date(day_),
        "kind": pick(["inquiry", "complaint", "dispute"], kind), "customer_id": customer_ids(c.number[who]),
        "product_id": pick(frame.shelf.ids, prod), "product_type": pick(list(TYPES), ptype),
        "branch_id": pick([frame.branch_id(b) for b in range(len(frame.branch_names))], c.branch[who]),
        "staff_id": pick(frame.staff_ids, staff),
        "category": pick(_CATEGORIES, np.where(rng.random(n) < 0.3, -1, cat)), "text": texts,
        "closed_date": opt_date(closed),
    }
    return cols, n


def _planted_positions(frame: Frame, p: Planted, targets: dict[int, float]) -> dict[str, np.ndarray]:
    """Planted holdings valued with fixed factors, so household shares land exactly where planned."""
    c = p.customers_arrays()
    tr = p.trades_arrays()
    factor = {TYPE_INDEX["investment_trust"]: 1.08, TYPE_INDEX["structured_bond"]: 0.9}
    out: dict[str, list[float]] = {k: [] for k in ("as_of", "cust", "prod", "mv", "buy", "sale", "dist")}
    hh = c.household - c.number[0]
    d1 = frame.shelf.index("D001")
    for e in frame.eval_days:
        mv_c = np.zeros(len(c.number))
        sb_c = np.zeros(len(c.number))
        for h in np.unique(tr.holding):
            rows = tr.holding == h
            if tr.date[rows & tr.buy].min() > e or (rows & ~tr.buy & (tr.date <= e)).any():
                continue
            purchase = float((tr.amount + tr.fee)[rows & tr.buy & (tr.date <= e)].sum())
            cust, prod = int(tr.cust[rows][0]), int(tr.prod[rows][0])
            mv = round(purchase * factor.get(int(frame.shelf.type_[prod]), 1.0))
            for k, v in (("as_of", e), ("cust", cust), ("prod", prod), ("mv", mv), ("buy", purchase),
                         ("sale", 0), ("dist", 0)):
                out[k].append(v)
            mv_c[cust] += mv
            if frame.shelf.type_[prod] == TYPE_INDEX["structured_bond"]:
                sb_c[cust] += mv
        sb_h = np.bincount(hh, weights=sb_c, minlength=len(c.number))
        mv_h = np.bincount(hh, weights=mv_c, minlength=len(c.number))
        for i in range(len(c.number)):
            head = int(hh[i])
            if head + p.first_customer in targets or head in targets:
                if i != head:
                    continue
                share = targets[head]
                dep = round(sb_h[head] / share - mv_h[head])
            else:
                dep = 3_000_000 + 2 * round(sb_c[i])
            if dep > 0:
                for k, v in (("as_of", e), ("cust", i), ("prod", d1), ("mv", dep), ("buy", dep), ("sale", 0),
                             ("dist", 0)):
                    out[k].append(v)
    return {k: np.array(v) for k, v in out.items()}


def generate_conduct(out: Path, *, customers: int = 2_000, seed: int = 1, fmt: Format = "csv",
                     encoding: Encoding = "utf-8", as_of: dt.date = dt.date(2026, 3, 31),
                     progress: Callable[[int, int], None] | None = None,
                     background: rz.Background = "realistic") -> Summary:
    """Write every conduct table and answer_key.csv for a synthetic institution into `out`.

    The background is realistic by default (kansa.synth.realistic: the answer key then lists the planted
    cases only; background flags are whatever the rules find); `guarded` builds one no rule meets."""
    if background not in rz.BACKGROUNDS:
        raise ValueError(f"background: {' | '.join(rz.BACKGROUNDS)}, not {background!r}")
    real = background == "realistic"
    frame = build_frame(customers, seed, as_of)
    p = Planted(frame, first_customer=customers + 1)
    # planted branches: 丸の内支店 for the salespeople cases, and a branch opened three months ago
    marunouchi = frame.add_branch("丸の内支店", "関東")
    m_manager = frame.add_staff(marunouchi, "manager", frame.start - 4000)
    skew_staff = [frame.add_staff(marunouchi, "sales", frame.start - 900) for _ in range(7)]
    complaint_staff = [frame.add_staff(marunouchi, "sales", frame.start - 900) for _ in range(4)]
    newb = frame.add_branch(*new_branch_name())
    frame.add_staff(newb, "manager", frame.end - 150)
    frame.add_staff(newb, "sales", frame.end - 150)
    del m_manager
    pcases.elderly(p)
    pcases.suitability(p)
    targets = pcases.households(p)
    pcases.switches(p)
    pcases.resolicitation(p)
    pcases.complaints(p, marunouchi, complaint_staff)
    n_pre = len(p.trades)

    output = Output(out, fmt, encoding, "conduct")
    stats = _StaffStats(len(frame.staff_ids))
    quota = np.zeros(len(frame.staff_ids), dtype=np.int64)
    pre = p.trades_arrays()
    stats.add(frame, pre)
    # branch_sales_spike: a first pass sums every chunk's buys per branch x type x month; the cap is then
    # set once on those totals plus the planted buys, so the written background never spikes
    fixed = bm.buy_totals(frame, pre.branch, pre.prod, pre.date, pre.buy, pre.amount)
    background_totals = np.zeros_like(fixed)
    n_chunks = (customers + CHUNK - 1) // CHUNK
    for k in range(0 if real else n_chunks):   # the realistic background is not capped
        rng = np.random.default_rng([seed, 1, k])
        c = bg.customers(frame, rng, k * CHUNK + 1, min(CHUNK, customers - k * CHUNK))
        tr = bg.trades(frame, rng, c, HOLDINGS_PER_CUSTOMER)
        background_totals += bm.buy_totals(frame, tr.branch, tr.prod, tr.date, tr.buy, tr.amount)
        if progress:
            progress(k + 1, 2 * n_chunks)
    factor = np.ones_like(fixed) if real else bm.cap_factors(background_totals, fixed)
    totals = fixed.copy()
    next_trade, next_complaint = 1, 1
    for k in range(n_chunks):
        rng = np.random.default_rng([seed, 1, k])
        first = k * CHUNK + 1
        c = bg.customers(frame, rng, first, min(CHUNK, customers - k * CHUNK))
        tr = bg.trades(frame, rng, c, HOLDINGS_PER_CUSTOMER, real)
        bg.scale_buys(frame, tr, factor)
        totals += bm.buy_totals(frame, tr.branch, tr.prod, tr.date, tr.buy, tr.amount)
        bg.sell_amounts(frame, rng, tr)
        bg.conduct_fields(frame, rng, c, tr)
        if real:
            rf.assign_advisers(frame, c.number, tr)
            rf.untidy_conduct(frame, rng, age_years(c.birth[tr.cust], tr.date), tr)
        else:
            bg.assign_staff(frame, tr)
        stats.add(frame, tr)
        output.write("customers", customers_table(frame, c))
        output.write("trades", trades_table(frame, c, tr, next_trade))
        next_trade += len(tr.cust)
        output.write("positions", positions_table(frame, c, bg.positions(frame, rng, c, tr, realistic=real)))
        cols, n_q = _complaints(frame, rng, c, tr, quota, next_complaint, limit=10**9 if real else 2)
        output.write("complaints", build_table("complaints", cols))
        next_complaint += n_q
        if progress:
            progress(n_chunks + k + 1, 2 * n_chunks)
    share, fee = stats.medians()
    planted_late.spikes(p, totals, newb)
    planted_late.staff_skews(p, marunouchi, skew_staff, share, fee)

    pc_ = p.customers_arrays()
    ptr = p.trades_arrays()
    output.write("customers", customers_table(frame, pc_))
    output.write("trades", trades_table(frame, pc_, ptr, next_trade))
    output.write("positions", positions_table(frame, pc_, _planted_positions(frame, p, targets)))
    _write_planted_complaints(frame, p, output, next_complaint)
    output.write("products", products_table(frame))
    output.write("branches", branches_table(frame))
    output.write("staff", staff_table(frame))
    output.close(CONDUCT_TABLES)
    key_path = out / "answer_key.csv"
    counts = _write_key(p, key_path, next_trade)
    del n_pre
    return Summary(out, output.rows(), key_path, counts)


def _write_planted_complaints(frame: Frame, p: Planted, output: Output, first_id: int) -> None:
    rows = p.complaints
    texts = {"complaint": "短期間に何度も乗換えを勧められ、説明も不十分だった。担当者を替えてほしい。",
             "dispute": "担当者の説明不足による損失について、あっせんを申し立てた。",
             "inquiry": "担当者から勧められた商品の手数料について確認したい。"}
    n = len(rows)
    cats = {"complaint": "churning", "dispute": "explanation", "inquiry": "fees"}
    output.write("complaints", build_table("complaints", {
        "complaint_id": ids("Q", np.arange(first_id, first_id + n), 7),
        "received_date": opt_date(np.array([r["day"] for r in rows])), "kind": [r["kind"] for r in rows],
        "customer_id": customer_ids(np.array([int(r["cust"]) + p.first_customer for r in rows])),  # type: ignore[call-overload]
        "branch_id": [frame.branch_id(int(r["branch"])) for r in rows],  # type: ignore[call-overload]
        "staff_id": [frame.staff_ids[int(r["staff"])] for r in rows],  # type: ignore[call-overload]
        "product_type": ["investment_trust"] * n, "category": [cats[str(r["kind"])] if i % 2 else None
                                                                for i, r in enumerate(rows)],
        "text": [texts[str(r["kind"])] for r in rows], "closed_date": opt_date(np.full(n, -1)),
    }))


def _write_key(p: Planted, path: Path, first_trade: int) -> dict[str, dict[str, int]]:
    rows = set()
    for k in p.key:
        if k.entity_id is not None:
            eid = k.entity_id
        elif k.trade is not None:
            eid = f"T{first_trade + k.trade:09d}"
        elif k.entity_type == "household":
            eid = f"H{int(p.cust[k.customer]['household']) + p.first_customer:07d}"  # type: ignore[index, call-overload]
        else:
            eid = f"C{k.customer + p.first_customer:07d}"  # type: ignore[operator]
        rows.add((k.rule_id, k.entity_type, eid, k.expected))
    counts: dict[str, dict[str, int]] = {}
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["rule_id", "entity_type", "entity_id", "expected"])
        for r in sorted(rows):
            w.writerow(r)
            counts.setdefault(r[0], {}).setdefault(r[3], 0)
            counts[r[0]][r[3]] += 1
    return counts


__all__ = ["CONDUCT_TABLES", "PRODUCTS", "Summary", "estimate_trades", "generate_conduct"]
