"""Background customers and their trades, vectorised per chunk.

Guarded (`realistic=False`, for tests that need a background no rule meets): each guard below names the rule
it keeps clear of; margins keep values well away from each default. Realistic (the default of `kansa synth
conduct`): the guards are loosened to the rates in kansa.synth.realistic, with branch campaigns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kansa.synth import realistic as rz
from kansa.synth.branch_months import trade_cells
from kansa.synth.catalog import PRODUCTS, SAFE_FALLBACK, TYPE_MIX_OLD, TYPE_MIX_YOUNG
from kansa.synth.dates import age_years
from kansa.synth.institution import TYPES, Frame

DAY_US = 86_400_000_000
HOUR_US = 3_600_000_000
_IT, _SB, _FCI, _BOND, _EQ, _ETF, _DEP, _OTHER = range(8)
# median buy amount (JPY) per product type
_AMOUNT = {_IT: 900_000, _SB: 2_500_000, _FCI: 4_000_000, _BOND: 1_500_000, _EQ: 700_000, _ETF: 500_000,
           _OTHER: 300_000}
# expected annual return and volatility per type, for market values
_DRIFT = {_IT: (0.05, 0.14), _SB: (-0.02, 0.12), _FCI: (0.02, 0.08), _BOND: (0.005, 0.02), _EQ: (0.05, 0.25),
          _ETF: (0.05, 0.18), _DEP: (0.0, 0.0), _OTHER: (0.06, 0.12)}


@dataclass
class Customers:
    """Customer attributes of one chunk (arrays); numbers are global customer numbers."""

    number: np.ndarray
    household: np.ndarray  # customer number of the household's first member
    birth: np.ndarray
    branch: np.ndarray
    experience: np.ndarray  # index into EXP
    tolerance: np.ndarray
    purpose: np.ndarray  # index into PURPOSE
    assets: np.ndarray
    income: np.ndarray
    cognitive: np.ndarray  # day number or -1
    professional: np.ndarray
    opened: np.ndarray


@dataclass
class Trades:
    """Trades as arrays; `cust` indexes the chunk's customers, `prod` the shelf."""

    cust: np.ndarray
    prod: np.ndarray
    buy: np.ndarray  # bool
    date: np.ndarray
    amount: np.ndarray
    fee: np.ndarray
    branch: np.ndarray
    staff: np.ndarray  # staff index or -1
    channel: np.ndarray  # 0 face_to_face, 1 phone, 2 online, 3 ifa
    solicited: np.ndarray  # 1 true, 0 false, -1 empty
    solicitation: np.ndarray  # day or -1
    switch_group: np.ndarray  # int or -1
    approval: np.ndarray  # microseconds or -1
    contact: np.ndarray  # microseconds or -1
    contact_by: np.ndarray  # staff index or -1
    explained: np.ndarray  # 1, 0, -1
    holding: np.ndarray  # holding number within the chunk (positions), or -1


CHANNELS = ("face_to_face", "phone", "online", "ifa")


def customers(frame: Frame, rng: np.random.Generator, first: int, n: int) -> Customers:
    """n customers, ages skewed old as in Japanese retail investment, grouped in households."""
    band = rng.choice(5, n, p=[0.08, 0.22, 0.35, 0.22, 0.13])
    lo = np.array([24, 40, 60, 75, 85])[band]
    hi = np.array([40, 60, 75, 85, 96])[band]
    age_days = (rng.uniform(lo, hi) * 365.25).astype(np.int64)
    birth = frame.end - age_days
    # households: consecutive customers, 1-3 members, one branch
    size = rng.choice(3, n, p=[0.68, 0.26, 0.06]) + 1
    starts = np.cumsum(size) - size
    starts = starts[starts < n]
    head = np.zeros(n, dtype=np.int64)
    head[starts] = starts
    head = np.maximum.accumulate(head)
    branch = rng.choice(frame.n_branches, n, p=frame.branch_weight)[head]
    age_end = age_years(birth, np.full(n, frame.end))
    older = age_end >= 60
    experience = np.where(older, rng.choice(4, n, p=[0.1, 0.1, 0.35, 0.45]), rng.choice(4, n, p=[0.25, 0.2, 0.35, 0.2]))
    tolerance = rng.choice(5, n, p=[0.1, 0.22, 0.35, 0.22, 0.11]) + 1
    purpose = np.clip(tolerance - 1 + rng.choice([-1, 0, 0, 1], n), 0, 4)
    assets = (np.exp(rng.normal(np.log(6e6), 0.9, n)) * np.where(older, 1.8, 1.0)).round(-4).astype(np.int64)
    income = np.where(age_end >= 66, rng.uniform(1.5e6, 3.5e6, n), np.exp(rng.normal(np.log(5.5e6), 0.4, n)))
    cognitive = np.where((age_end >= 75) & (rng.random(n) < 0.4), frame.end - rng.integers(0, 700, n), -1)
    opened = np.maximum(birth + int(20 * 365.25), frame.start - rng.integers(30, 25 * 365, n))
    opened = np.minimum(opened, frame.start - 1)
    return Customers(
        number=np.arange(first, first + n), household=head + first, birth=birth, branch=branch,
        experience=experience, tolerance=tolerance, purpose=purpose, assets=assets,
        income=income.round(-4).astype(np.int64), cognitive=cognitive,
        professional=rng.random(n) < 0.003, opened=opened,
    )


def _type_cum(mix: dict[str, float]) -> np.ndarray:
    """Cumulative probabilities of the eight product types for one age band."""
    p = np.array([mix.get(t, 0.0) for t in TYPES])
    return np.cumsum(p / p.sum())


def _launched_product(frame: Frame, rng: np.random.Generator, type_: np.ndarray, day: np.ndarray) -> np.ndarray:
    """A product of each row's type already on the shelf on that day, by popularity; -1 when none is.

    Choosing the day first and then a product launched by it keeps each type's monthly sales steady
    when a new series replaces an older one (branch_sales_spike: no launch ramps in the history)."""
    s = frame.shelf
    out = np.full(len(type_), -1, dtype=np.int64)
    u = rng.random(len(type_))
    for t in range(len(TYPES)):
        rows = np.flatnonzero(type_ == t)
        prods = np.flatnonzero(s.type_ == t)
        if len(rows) == 0 or len(prods) == 0:
            continue
        d = day[rows]
        total = np.zeros(len(rows))
        for q in prods:
            total += np.where(s.inception[q] <= d, s.weight[q], 0.0)
        target = u[rows] * total
        acc = np.zeros(len(rows))
        pick = np.full(len(rows), -1, dtype=np.int64)
        for q in prods:
            w = np.where(s.inception[q] <= d, s.weight[q], 0.0)
            hit = (pick < 0) & (w > 0) & (acc + w > target)
            pick[hit] = q
            acc += w
        out[rows] = pick
    return out


def _allowed(frame: Frame, c: Customers, cust: np.ndarray, prod: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(suitable, not long for the old): the two guards, apart so the realistic background can loosen each."""
    s = frame.shelf
    # suitability_mismatch: risk never more than one class above tolerance; complex products only for
    # experienced customers who are not preserving capital (whatever the channel or professional status)
    ok = s.risk[prod] <= c.tolerance[cust] + 1
    ok &= ~s.complex_[prod] | ((c.experience[cust] >= 2) & (c.purpose[cust] != 0))
    # elderly_long_maturity: customers 78+ at the evaluation date never buy a product maturing 9+ years
    # after the first trade day (so never 10+ years after any of their trades)
    age_end = age_years(c.birth[cust], np.full(len(cust), frame.end))
    long_ = s.maturity[prod] >= frame.start + int(9 * 365.25)
    return ok, ~(long_ & (age_end >= 78))


def holdings(frame: Frame, rng: np.random.Generator, c: Customers, per_customer: float,
             realistic: bool = False) -> tuple[np.ndarray, ...]:
    """One holding per (customer, product): customer, product, first buy day."""
    n = len(c.number)
    count = 1 + rng.poisson(per_customer - 1, n)
    cust = np.repeat(np.arange(n), count)
    age_end = age_years(c.birth[cust], np.full(len(cust), frame.end))
    # the day comes first, then the type by age band, then a product of that type launched by that day
    buy = frame.calendar.sample(rng, len(cust), frame.start, frame.end)
    c_young, c_old = _type_cum(TYPE_MIX_YOUNG), _type_cum(TYPE_MIX_OLD)
    old = age_end >= 65
    prod = np.empty(len(cust), dtype=np.int64)
    todo = np.ones(len(cust), dtype=bool)
    lax = rng.random(len(cust)) if realistic else np.ones(len(cust))   # per holding, not per draw
    for _ in range(8):
        idx = np.flatnonzero(todo)
        u = rng.random(len(idx))
        type_ = np.where(old[idx], np.searchsorted(c_old, u * c_old[-1]), np.searchsorted(c_young, u * c_young[-1]))
        draw = _launched_product(frame, rng, np.minimum(type_, len(TYPES) - 1), buy[idx])
        prod[idx] = np.maximum(draw, 0)
        suitable, short = _allowed(frame, c, cust[idx], np.maximum(draw, 0))
        ok = rz.accept(lax[idx], suitable, short) if realistic else suitable & short
        todo[idx] = (draw < 0) | ~ok
        if not todo.any():
            break
    prod[todo] = frame.shelf.index(SAFE_FALLBACK)
    key = cust * 1000 + prod
    _, first = np.unique(key, return_index=True)
    first.sort()
    cust, prod, buy = cust[first], prod[first], np.minimum(buy[first], frame.end)
    if realistic:
        moved = rz.campaigns(frame, rng, c.branch[cust], frame.shelf.type_[prod], buy)
        buy = np.where(frame.shelf.inception[prod] <= moved, moved, buy)
    return cust, prod, buy


def _sb_resolicitation_clear(cust: np.ndarray, is_sb: np.ndarray, buy: np.ndarray, sell: np.ndarray) -> np.ndarray:
    """structured_bond_resolicitation: holdings to keep so that no structured-bond buy falls between
    1 day before and 60 days after a sell of another structured bond by the same customer."""
    keep = np.ones(len(cust), dtype=bool)
    sb = np.flatnonzero(is_sb)
    sold = sb[sell[sb] >= 0]
    if len(sold) == 0:
        return keep
    big = 1 << 20
    sell_key = np.sort(cust[sold] * big + sell[sold])
    buy_key = cust[sb] * big + buy[sb]
    pos = np.searchsorted(sell_key, buy_key - 60)
    pos_ok = pos < len(sell_key)
    nxt = sell_key[np.minimum(pos, len(sell_key) - 1)]
    conflict = pos_ok & (nxt <= buy_key + 1) & (nxt // big == cust[sb])
    # a holding's own sell is after its buy, so it never conflicts with itself
    keep[sb[conflict]] = False
    return keep


def trades(frame: Frame, rng: np.random.Generator, c: Customers, per_customer: float,
           realistic: bool = False) -> Trades:
    """Buys, top-ups and sells of one chunk's holdings, with protections and staff left to fill."""
    s = frame.shelf
    cust, prod, buy = holdings(frame, rng, c, per_customer, realistic)
    m = len(cust)
    t = s.type_[prod]
    # short_term_switch: an investment trust is sold 200+ days after its (only) first buy
    hold = np.full(m, -1, dtype=np.int64)
    r = rng.random(m)
    it = t == _IT
    hold[it & (r < 0.5)] = 200 + rng.lognormal(np.log(450), 0.6, m).astype(np.int64)[it & (r < 0.5)]
    other = (t == _EQ) | (t == _ETF) | (t == _OTHER)
    hold[other & (r < 0.55)] = 20 + rng.lognormal(np.log(300), 0.8, m).astype(np.int64)[other & (r < 0.55)]
    sb = t == _SB
    hold[sb & (r < 0.35)] = 90 + rng.integers(0, 720, m)[sb & (r < 0.35)]
    fci = t == _FCI
    hold[fci & (r < 0.08)] = 730 + rng.integers(0, 1000, m)[fci & (r < 0.08)]
    bond = t == _BOND
    hold[bond & (r < 0.2)] = 100 + rng.integers(0, 900, m)[bond & (r < 0.2)]
    if realistic:
        hold = rz.short_fund_holds(rng, hold, it)
    sell = np.where(hold >= 0, frame.calendar.snap(buy + np.maximum(hold, 0)), -1)
    sell[(sell > frame.end) | (sell >= s.maturity[prod])] = -1
    keep = np.ones(m, dtype=bool) if realistic else _sb_resolicitation_clear(cust, sb, buy, sell)
    cust, prod, buy, sell, t = cust[keep], prod[keep], buy[keep], sell[keep], t[keep]
    m = len(cust)
    base = np.exp(rng.normal(np.log(np.array([_AMOUNT.get(int(x), 5e5) for x in range(8)])[t]), 0.7))
    base = np.clip(base, 50_000, 20_000_000).round(-3)
    # top-ups (追加購入) of funds, equities and gold, before the sell and the evaluation date
    n_top = np.where(t == _IT, rng.poisson(0.9, m), np.where(other[keep], rng.poisson(0.4, m), 0))
    h_top = np.repeat(np.arange(m), n_top)
    top_day = frame.calendar.snap(buy[h_top] + rng.integers(20, 900, len(h_top)))
    limit = np.where(sell[h_top] >= 0, sell[h_top] - 1, frame.end)
    ok = top_day <= limit
    h_top, top_day = h_top[ok], top_day[ok]
    top_amount = (base[h_top] * rng.uniform(0.2, 0.6, len(h_top))).round(-3)
    h_sell = np.flatnonzero(sell >= 0)
    holding = np.concatenate([np.arange(m), h_top, h_sell])
    is_buy = np.concatenate([np.ones(m + len(h_top), dtype=bool), np.zeros(len(h_sell), dtype=bool)])
    date = np.concatenate([buy, top_day, sell[h_sell]])
    amount = np.concatenate([base, top_amount, np.zeros(len(h_sell))])
    order = np.lexsort((holding, date, cust[holding]))
    holding, is_buy, date, amount = holding[order], is_buy[order], date[order], amount[order]
    n = len(holding)
    return Trades(
        cust=cust[holding], prod=prod[holding], buy=is_buy, date=date, amount=amount, fee=np.zeros(n),
        branch=c.branch[cust[holding]], staff=np.full(n, -1), channel=np.zeros(n, dtype=np.int64),
        solicited=np.zeros(n, dtype=np.int64), solicitation=np.full(n, -1), switch_group=np.full(n, -1),
        approval=np.full(n, -1), contact=np.full(n, -1), contact_by=np.full(n, -1),
        explained=np.full(n, -1), holding=holding,
    )


def sell_amounts(frame: Frame, rng: np.random.Generator, tr: Trades) -> None:
    """Sell amounts: what the holding's buys grew to by the sell day."""
    bought = np.bincount(tr.holding, weights=np.where(tr.buy, tr.amount, 0.0))
    first = np.full(len(bought), np.iinfo(np.int64).max)
    np.minimum.at(first, tr.holding, np.where(tr.buy, tr.date, np.iinfo(np.int64).max))
    sells = np.flatnonzero(~tr.buy)
    h = tr.holding[sells]
    years = (tr.date[sells] - first[h]) / 365.25
    mu = np.array([_DRIFT[int(x)][0] for x in range(8)])[frame.shelf.type_[tr.prod[sells]]]
    sd = np.array([_DRIFT[int(x)][1] for x in range(8)])[frame.shelf.type_[tr.prod[sells]]]
    growth = np.exp(mu * years + sd * np.sqrt(years) * rng.normal(0, 1, len(sells)))
    tr.amount[sells] = (bought[h] * growth).round(-3)


def conduct_fields(frame: Frame, rng: np.random.Generator, c: Customers, tr: Trades) -> None:
    """Channel, solicitation, approvals, contacts, explanations and fees, with the elderly guards."""
    s = frame.shelf
    n = len(tr.cust)
    age = age_years(c.birth[tr.cust], tr.date)
    p_online = np.select([age < 50, age < 65, age < 74], [0.45, 0.25, 0.1], 0.03)
    online = (rng.random(n) < p_online) & s.online[tr.prod]
    other = rng.choice([0, 1, 3], n, p=[0.8, 0.15, 0.05])
    tr.channel[:] = np.where(online, 2, other)
    buy = tr.buy
    r = rng.random(n)
    tr.solicited[:] = np.where(online | ~buy, 0, np.where(r < 0.88, 1, np.where(r < 0.97, 0, -1)))
    solicited_like = (tr.solicited == 1) | ((tr.solicited == -1) & ~online)
    caution = s.caution[tr.prod] & buy
    # elderly_caution_no_approval / elderly80_same_day_order / elderly80_post_trade_contact: every
    # non-online caution buy by a customer 74+ is solicited 1-4 business days ahead, approved by a
    # manager that day, and confirmed 1-3 days after the trade by the branch manager
    guarded = caution & ~online & (age >= 74)
    tr.solicited[guarded & (tr.solicited == 0)] = 1
    lag = np.where(guarded, rng.integers(1, 5, n), np.where(rng.random(n) < 0.4, 0, rng.integers(1, 6, n)))
    sol_day = frame.calendar.previous(tr.date, lag)
    has_sol = solicited_like | guarded
    tr.solicitation[:] = np.where(has_sol, sol_day, -1)
    approve = guarded | (caution & has_sol & (lag > 0) & (rng.random(n) < 0.5))
    tr.approval[:] = np.where(approve, sol_day * DAY_US + (15 * 60 + rng.integers(0, 120, n)) * 60_000_000, -1)
    contact_day = tr.date + rng.integers(1, 4, n)
    tr.contact[:] = np.where(guarded, contact_day * DAY_US + rng.integers(10, 17, n) * HOUR_US, -1)
    tr.contact_by[:] = np.where(guarded, frame.manager[tr.branch], -1)
    # missing_explanation_record: every buy of a complex product has its explanation recorded
    r2 = rng.random(n)
    tr.explained[:] = np.where(s.complex_[tr.prod] | (r2 < 0.85), 1, np.where(r2 < 0.95, 0, -1))
    tr.explained[~buy] = -1
    rate = np.where(buy, s.fee_rate[tr.prod], np.where(np.isin(s.type_[tr.prod], [_EQ, _ETF]), s.fee_rate[tr.prod], 0))
    tr.fee[:] = (tr.amount * rate / 100).round()


def scale_buys(frame: Frame, tr: Trades, factor: np.ndarray) -> None:
    """branch_sales_spike: apply the institution-wide cap factors (branch_months.cap_factors) to buys,
    rounded to 1,000 JPY and never below 10,000 JPY."""
    f = factor.reshape(-1)[trade_cells(frame, tr.branch, tr.prod, tr.date)]
    scaled = np.where(tr.buy & (f < 1.0), np.maximum((tr.amount * f).round(-3), 10_000), tr.amount)
    tr.amount[:] = scaled


def assign_staff(frame: Frame, tr: Trades) -> None:
    """staff_affiliated_skew / staff_high_fee_skew: deal each branch's trades to its salespeople in a
    snake order sorted by window, in-house flag, fee rate and amount, so every salesperson's mix is alike."""
    s = frame.shelf
    idx = np.flatnonzero(tr.channel != 2)
    if len(idx) == 0:
        return
    recent = tr.date[idx] > frame.end - 365
    order = np.lexsort((-tr.amount[idx], s.fee_rate[tr.prod[idx]], s.affiliated[tr.prod[idx]], recent, tr.branch[idx]))
    idx = idx[order]
    br = tr.branch[idx]
    starts = np.r_[0, np.flatnonzero(np.diff(br)) + 1]
    rank = np.arange(len(idx)) - np.repeat(starts, np.diff(np.r_[starts, len(idx)]))
    k = frame.sales_count[br]
    q, pos = rank // k, rank % k
    slot = np.where(q % 2 == 0, pos, k - 1 - pos)
    tr.staff[idx] = frame.sales_first[br] + slot


def positions(frame: Frame, rng: np.random.Generator, c: Customers, tr: Trades,
              fixed_households: set[int] | None = None, realistic: bool = False) -> dict[str, np.ndarray]:
    """Holdings and deposits at each evaluation date; when guarded, structured bonds kept at <= 45% of any
    household's assets (household_concentration) except households planted on purpose."""
    s = frame.shelf
    n_h = int(tr.holding.max()) + 1 if len(tr.holding) and tr.holding.max() >= 0 else 0
    h_cust = np.zeros(n_h, dtype=np.int64)
    h_prod = np.zeros(n_h, dtype=np.int64)
    h_cust[tr.holding] = tr.cust
    h_prod[tr.holding] = tr.prod
    first = np.full(n_h, np.iinfo(np.int64).max)
    np.minimum.at(first, tr.holding, np.where(tr.buy, tr.date, np.iinfo(np.int64).max))
    sold = np.full(n_h, np.iinfo(np.int64).max)
    np.minimum.at(sold, tr.holding, np.where(~tr.buy, tr.date, np.iinfo(np.int64).max))
    h_type = s.type_[h_prod]
    mu = np.array([_DRIFT[int(x)][0] for x in range(8)])[h_type]
    sd = np.array([_DRIFT[int(x)][1] for x in range(8)])[h_type]
    z = rng.normal(0, 1, n_h)
    n_c = len(c.number)
    older = age_years(c.birth, np.full(n_c, frame.end)) >= 65
    base_dep = np.exp(rng.normal(np.log(3e6), 1.0, n_c)) * np.where(older, 2.0, 1.0)
    time_dep = rng.random(n_c) < 0.4
    out: dict[str, list[np.ndarray]] = {k: [] for k in ("as_of", "cust", "prod", "mv", "buy", "sale", "dist")}
    for e in frame.eval_days:
        upto = tr.buy & (tr.date <= e)
        purchase = np.bincount(tr.holding[upto], weights=(tr.amount + tr.fee)[upto], minlength=n_h)
        live = (first <= e) & (sold > e) & (purchase > 0)
        years = np.maximum(e - first, 0) / 365.25
        mv = np.where(live, purchase * np.exp(mu * years + sd * np.sqrt(years) * z), 0).round()
        paying = np.isin(np.array(h_prod), [s.index(x) for x in ("F004", "F005", "F010", "F011")])
        dist = np.where(paying, purchase * 0.035 * years, 0).round()
        h = np.flatnonzero(live)
        dep = (base_dep * rng.uniform(0.9, 1.1, n_c)).round(-3)
        # household_concentration guard
        hh = c.household - c.number[0]
        sb_mv = np.bincount(hh[h_cust[h]], weights=np.where(h_type[h] == _SB, mv[h], 0), minlength=n_c)
        all_mv = np.bincount(hh[h_cust[h]], weights=mv[h], minlength=n_c) + np.bincount(hh, weights=dep, minlength=n_c)
        need = np.zeros(n_c) if realistic else np.maximum(sb_mv / 0.45 - all_mv, 0)
        if fixed_households:
            need[[x - c.number[0] for x in fixed_households if 0 <= x - c.number[0] < n_c]] = 0
        is_head = hh == np.arange(n_c)
        dep = dep + np.where(is_head, need[hh], 0).round(-3) + np.where(is_head & (need > 0), 1000, 0)
        d_prod = np.where(time_dep, s.index("D002"), s.index("D001"))
        for arr_c, arr_p, arr_mv, arr_buy, arr_dist in (
            (h_cust[h], h_prod[h], mv[h], purchase[h], dist[h]),
            (np.arange(n_c), np.full(n_c, s.index("D001")), np.where(time_dep, (dep * 0.3).round(-3), dep), None, None),
            (np.flatnonzero(time_dep), d_prod[time_dep], (dep[time_dep] * 0.7).round(-3), None, None),
        ):
            out["as_of"].append(np.full(len(arr_c), e))
            out["cust"].append(arr_c)
            out["prod"].append(arr_p)
            out["mv"].append(arr_mv)
            out["buy"].append(arr_mv if arr_buy is None else arr_buy)
            out["sale"].append(np.zeros(len(arr_c)))
            out["dist"].append(np.zeros(len(arr_c)) if arr_dist is None else arr_dist)
    return {k: np.concatenate(v) for k, v in out.items()}


PRODUCT_TYPE_OF = {p.code: p.product_type for p in PRODUCTS}
__all__ = ["CHANNELS", "TYPES", "Customers", "Trades"]
