"""The pandas script a user would otherwise write: the 14 conduct rules, the common KPIs and complaint counts.

    .venv/bin/python bench/pandas_baseline.py DATA_DIR OUT_DIR

Straightforward, idiomatic and vectorised (merges, groupby, boolean masks; pyarrow's CSV reader); no
validation, no reports. Writes flag_counts.json (flags per rule), kpis.json (return bands and top-20 per
positions date) and complaints_summary.csv into OUT_DIR. The baseline for bench/vs_pandas.py.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

CAUTION_AGE, OLD_AGE = 75, 80
LOCKIN_TYPES = ["structured_bond", "foreign_currency_insurance", "other"]
BANDS = [-np.inf, -0.5, -0.3, -0.1, 0.0, 0.1, 0.3, 0.5, np.inf]
BAND_NAMES = ["lt_m50", "m50_m30", "m30_m10", "m10_0", "0_10", "10_30", "30_50", "ge_50"]
DATES = {
    "trades": ["trade_date", "solicitation_date", "manager_approval_at", "post_trade_contact_at"],
    "customers": ["birth_date", "cognitive_check_date", "opened_on"],
    "products": ["inception_date", "maturity_date"],
    "positions": ["as_of_date"],
    "complaints": ["received_date", "closed_date"],
}


def read(data: Path, table: str) -> pd.DataFrame:
    """One table with its dates parsed."""
    df = pd.read_csv(data / f"{table}.csv", engine="pyarrow")
    for col in DATES.get(table, []):
        if col in df:
            df[col] = pd.to_datetime(df[col], errors="coerce")
    return df


def age(birth: pd.Series, at: pd.Series) -> pd.Series:
    """Whole years from birth to at, (month, day) compared."""
    before = (at.dt.month * 100 + at.dt.day) < (birth.dt.month * 100 + birth.dt.day)
    return at.dt.year - birth.dt.year - before.astype(int)


def days(a: pd.Series, b: pd.Series) -> pd.Series:
    """Days from a to b (dates)."""
    return (b.dt.normalize() - a.dt.normalize()).dt.days


def rules(t: pd.DataFrame, c: pd.DataFrame, p: pd.DataFrame, pos: pd.DataFrame, q: pd.DataFrame,
          staff: pd.DataFrame, as_of: pd.Timestamp) -> dict[str, int]:
    """Flags per rule at the evaluation date."""
    t = t[t.trade_date <= as_of]
    tp = t.merge(p, on="product_id", how="left")
    solicited = tp.solicited.astype("boolean").fillna(tp.channel != "online").astype(bool)
    caution = tp.is_caution_product.astype("boolean").fillna(
        tp.is_complex.astype("boolean").fillna(False) | (tp.risk_class >= 4)).fillna(False).astype(bool)
    buys = tp[tp.side == "buy"].merge(c, on="customer_id", how="left", suffixes=("", "_c"))
    b_sol = solicited[tp.side == "buy"].to_numpy()
    b_caution = caution[tp.side == "buy"].to_numpy()
    buys["age"] = age(buys.birth_date, buys.trade_date)
    out: dict[str, int] = {}

    base = b_sol & b_caution
    approved = buys.manager_approval_at.notna() & (buys.manager_approval_at.dt.normalize() <= buys.trade_date)
    checked = days(buys.cognitive_check_date, buys.trade_date).between(0, 365)
    out["elderly_caution_no_approval"] = int((base & (buys.age >= CAUTION_AGE) & ~approved & ~checked).sum())
    out["elderly80_same_day_order"] = int((base & (buys.age >= OLD_AGE)
                                           & (buys.solicitation_date == buys.trade_date)).sum())
    s80 = buys[base & (buys.age >= OLD_AGE)]
    cd = days(s80.trade_date, s80.post_trade_contact_at)
    none = s80.post_trade_contact_at.isna() | (cd < 0)
    problem = none | (s80.post_trade_contact_by == s80.staff_id) | (cd > 7)
    waiting = none & (days(s80.trade_date, pd.Series(as_of, index=s80.index)) <= 7)
    out["elderly80_post_trade_contact"] = int((problem & ~waiting).sum())
    yrs = age(buys.trade_date, buys.maturity_date)
    # Lock-in only, as the rule documents: early_exit at_cost/none; when empty, the product type decides.
    by_type = pd.Series(np.where(buys.product_type.isin(LOCKIN_TYPES), "at_cost", "liquid"), index=buys.index)
    exit_ = buys.early_exit.where(buys.early_exit.notna(), by_type) if "early_exit" in buys else by_type
    out["elderly_long_maturity"] = int(((buys.age >= OLD_AGE) & (yrs >= 10) & exit_.isin(["at_cost", "none"])).sum())
    complex_ = buys.is_complex.astype("boolean").fillna(False).astype(bool)
    pro = buys.is_professional.astype("boolean").fillna(False).astype(bool)
    over = (buys.risk_class - buys.risk_tolerance) >= 2
    unsuited = complex_ & (buys.investment_experience.isin(["none", "under_1y"])
                           | buys.investment_purpose.isin(["preservation"]))
    out["suitability_mismatch"] = int((b_sol & ~pro & (over | unsuited)).sum())
    recorded = buys.explanation_recorded.astype("boolean").fillna(False).astype(bool)
    out["missing_explanation_record"] = int((b_sol & complex_ & ~recorded).sum())
    out["household_concentration"] = household_concentration(pos, c, p, as_of)
    it = tp[tp.product_type == "investment_trust"]
    switches = short_term_switches(it, as_of)
    out["short_term_switch"] = len(switches)
    out["churning_customer"] = churning(switches, as_of)
    out["structured_bond_resolicitation"] = resolicitation(tp[tp.product_type == "structured_bond"])
    out["branch_sales_spike"] = branch_spikes(tp[tp.side == "buy"], as_of)
    recent = tp[(tp.side == "buy") & tp.staff_id.notna() & (days(tp.trade_date, pd.Series(as_of, index=tp.index))
                                                             < 365)].copy()
    recent["aff_jpy"] = recent.amount_jpy.where(recent.is_affiliated.astype("boolean").fillna(False), 0)
    recent["fee_jpy_w"] = recent.amount_jpy * recent.upfront_fee_rate.fillna(0)
    per = recent.groupby("staff_id").agg(n=("amount_jpy", "size"), amt=("amount_jpy", "sum"),
                                         aff=("aff_jpy", "sum"), fee=("fee_jpy_w", "sum"))
    per = per[per.n >= 30]
    aff = (100 * per.aff / per.amt).round(4)
    fee = (per.fee / per.amt).round(4)
    out["staff_affiliated_skew"] = int(((aff - round(aff.median(), 4)).round(4) >= 30).sum())
    out["staff_high_fee_skew"] = int(((fee - round(fee.median(), 4)).round(4) >= 1).sum())
    qn = q[q.staff_id.notna() & q.kind.isin(["complaint", "dispute"]) & (q.received_date <= as_of)]
    qn = qn[days(qn.received_date, pd.Series(as_of, index=qn.index)) < 365]
    out["complaint_cluster"] = int((qn.groupby("staff_id").size() >= 3).sum())
    del staff
    return out


def household_concentration(pos: pd.DataFrame, c: pd.DataFrame, p: pd.DataFrame, as_of: pd.Timestamp) -> int:
    """Households holding 80% or more in structured bonds (at least 1M yen in all)."""
    last = pos.as_of_date[pos.as_of_date <= as_of].max()
    h = pos[pos.as_of_date == last].merge(c[["customer_id", "household_id"]], on="customer_id")
    h = h.merge(p[["product_id", "product_type"]], on="product_id")
    h["hh"] = h.household_id.fillna(h.customer_id)
    h["target"] = h.market_value_jpy.where(h.product_type == "structured_bond", 0)
    g = h.groupby("hh")[["market_value_jpy", "target"]].sum()
    g = g[(g.market_value_jpy >= 1_000_000) & (g.market_value_jpy > 0)]
    return int(((100 * g.target / g.market_value_jpy).round(6) >= 80).sum())


def short_term_switches(it: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Fund sells within 180 days of the first buy, followed within 30 days by a fee-paying buy of another fund."""
    buys = it[it.side == "buy"][["trade_id", "trade_date", "customer_id", "product_id", "fee_jpy"]]
    sells = it[it.side == "sell"][["trade_id", "trade_date", "customer_id", "product_id"]]
    first = buys.groupby(["customer_id", "product_id"], as_index=False).trade_date.min()
    s = sells.merge(first.rename(columns={"trade_date": "first_buy"}), on=["customer_id", "product_id"])
    s = s[days(s.first_buy, s.trade_date).between(0, 179)]
    pairs = s.merge(buys[buys.fee_jpy > 0], on="customer_id", suffixes=("", "_b"))
    pairs = pairs[(pairs.product_id_b != pairs.product_id) & (pairs.trade_date_b >= pairs.trade_date)
                  & (pairs.trade_date_b <= pairs.trade_date + pd.Timedelta(days=30))]
    del as_of
    return pairs.drop_duplicates("trade_id")[["trade_id", "trade_date", "customer_id"]]


def churning(switches: pd.DataFrame, as_of: pd.Timestamp) -> int:
    """Customers with three or more switches sold within the last 365 days."""
    recent = switches[days(switches.trade_date, pd.Series(as_of, index=switches.index)).between(0, 364)]
    return int((recent.groupby("customer_id").size() >= 3).sum())


def resolicitation(sb: pd.DataFrame) -> int:
    """Structured-bond buys within 30 days after the same customer sold or redeemed another one."""
    b = sb[sb.side == "buy"][["trade_id", "trade_date", "customer_id", "product_id"]]
    s = sb[sb.side == "sell"][["trade_date", "customer_id", "product_id"]]
    m = b.merge(s, on="customer_id", suffixes=("", "_s"))
    m = m[(m.product_id_s != m.product_id) & (m.trade_date >= m.trade_date_s)
          & (m.trade_date <= m.trade_date_s + pd.Timedelta(days=30))]
    return int(m.trade_id.nunique())


def branch_spikes(buys: pd.DataFrame, as_of: pd.Timestamp) -> int:
    """(branch, product type, month) buys among the last 12 months at 3x+ the branch's median earlier month (6+
    of them) with a robust z of 3.5+ (flat history: any rise), 10+ buys with a count statistic
    2(sqrt(n) - sqrt(median past buys)) of 3+, and at least twice the other branches' median rise that month."""
    b = buys.assign(month_no=buys.trade_date.dt.year * 12 + buys.trade_date.dt.month)
    m = b.groupby(["branch_id", "product_type", "month_no"], as_index=False).agg(
        amount=("amount_jpy", "sum"), n=("trade_id", "size"))
    now = as_of.year * 12 + as_of.month
    rows = []
    for (branch, ptype), g in m.groupby(["branch_id", "product_type"]):
        g = g.sort_values("month_no")
        vals, counts, months = g.amount.to_numpy(), g.n.to_numpy(), g.month_no.to_numpy()
        for i in np.nonzero(now - months < 12)[0]:
            if i < 6:
                continue
            med = float(np.median(vals[:i]))
            mad = float(np.median(np.abs(vals[:i] - med)))
            rows.append((branch, ptype, months[i], vals[i], counts[i], med, mad, float(np.median(counts[:i]))))
    s = pd.DataFrame(rows, columns=["branch", "ptype", "month", "amount", "n", "med", "mad", "med_n"])
    s = s[s.med > 0].assign(ratio=lambda d: d.amount / d.med)
    found = 0
    for _key, g in s.groupby(["ptype", "month"]):
        ratios = g.ratio.to_numpy()
        for j, r in enumerate(g.itertuples()):
            others = np.delete(ratios, j)
            peer = float(np.median(others)) if len(others) else 0.0
            z = 0.6745 * (r.amount - r.med) / r.mad if r.mad > 0 else None
            surge = (z is not None and z >= 3.5) or (r.mad == 0 and r.amount > r.med)
            count_z = 2.0 * (np.sqrt(r.n) - np.sqrt(r.med_n))
            if r.amount >= 3 * r.med and surge and r.n >= 10 and count_z >= 3.0 and r.ratio >= 2.0 * peer:
                found += 1
    return found


def kpis(pos: pd.DataFrame, p: pd.DataFrame) -> list[dict[str, object]]:
    """Return bands (customers per band) and the top-20 products by balance, per positions date and type."""
    x = pos.merge(p, on="product_id")
    x = x[x.product_type.isin(["investment_trust", "foreign_currency_insurance"])]
    x = x.assign(gain=x.market_value_jpy + x.cumulative_sale_jpy.fillna(0) + x.cumulative_distribution_jpy.fillna(0)
                 - x.cumulative_purchase_jpy)
    per = x.groupby(["as_of_date", "product_type", "customer_id"])[["market_value_jpy", "gain"]].sum()
    per = per[per.market_value_jpy > 0]
    per["band"] = pd.cut((per.gain / per.market_value_jpy).round(10), BANDS, right=False, labels=BAND_NAMES)
    bands = per.groupby(["as_of_date", "product_type", "band"], observed=False).size()
    out: list[dict[str, object]] = []
    for (d, ptype), g in x.groupby(["as_of_date", "product_type"]):
        old = ((d.year - g.inception_date.dt.year)
               - ((d.month * 100 + d.day) < (g.inception_date.dt.month * 100 + g.inception_date.dt.day))) >= 5
        g = g[old & ~g.is_money_market.astype("boolean").fillna(False)]
        top = g.groupby("product_id").market_value_jpy.sum()
        top = top[top > 0].sort_values(ascending=False).head(20)
        out.append({"as_of_date": d.date().isoformat(), "product_type": ptype,
                    "bands": {str(k): int(v) for k, v in bands.loc[(d, ptype)].items()},
                    "top20": list(top.index)})
    return out


def complaints_summary(q: pd.DataFrame, p: pd.DataFrame) -> pd.DataFrame:
    """Complaints per fiscal year (April-March), kind and product type."""
    q = q.merge(p[["product_id", "product_type"]], on="product_id", how="left", suffixes=("", "_p"))
    q["ptype"] = q.product_type_p.fillna(q.product_type)
    q["fiscal_year"] = q.received_date.dt.year - (q.received_date.dt.month < 4)
    return q.groupby(["fiscal_year", "kind", "ptype"], dropna=False).size().rename("count").reset_index()


def main(data: Path, out: Path) -> None:
    """Read the folder, evaluate everything, write the three outputs."""
    t, c, p, pos, q, staff = (read(data, n) for n in
                              ("trades", "customers", "products", "positions", "complaints", "staff"))
    as_of = pos.as_of_date.max()
    out.mkdir(parents=True, exist_ok=True)
    counts = rules(t, c, p, pos, q, staff, as_of)
    (out / "flag_counts.json").write_text(json.dumps(counts, indent=1, sort_keys=True), encoding="utf-8")
    (out / "kpis.json").write_text(json.dumps(kpis(pos, p), ensure_ascii=False), encoding="utf-8")
    complaints_summary(q, p).to_csv(out / "complaints_summary.csv", index=False)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
