"""An independent pandas reading of the 14 conduct rules, written from their documentation (title, rationale,
parameter descriptions in src/kansa/conduct/rules/*.yaml and the data contract), not from their SQL.

It proves the synthetic answer key for the background and is the pandas baseline the benchmark can time:
`flags(folder, as_of)` -> {rule_id: set of flagged entity ids} with every parameter at its default.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

Tables = dict[str, pd.DataFrame]
DATES = {"customers": ["birth_date", "cognitive_check_date"], "products": ["maturity_date"],
         "trades": ["trade_date", "solicitation_date", "manager_approval_at", "post_trade_contact_at"],
         "positions": ["as_of_date"], "complaints": ["received_date"]}
BOOLS = {"customers": ["is_professional"], "products": ["is_complex", "is_caution_product", "is_affiliated"],
         "trades": ["solicited", "explanation_recorded"]}


def read(folder: Path) -> Tables:
    """The contract tables of a synthetic institution's CSV folder, typed."""
    out: Tables = {}
    for name in ("customers", "products", "trades", "positions", "complaints", "staff", "branches"):
        path = folder / f"{name}.csv"
        if not path.exists():
            continue
        df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
        for col in DATES.get(name, []):
            if col in df:
                df[col] = pd.to_datetime(df[col].str.slice(0, 10), errors="coerce")
        for col in BOOLS.get(name, []):
            if col in df:
                df[col] = df[col].map({"true": True, "false": False})
        for col in ("amount_jpy", "fee_jpy", "market_value_jpy", "upfront_fee_rate", "risk_class", "risk_tolerance"):
            if col in df:
                df[col] = pd.to_numeric(df[col])
        out[name] = df
    return out


def age(birth: pd.Series, at: pd.Series) -> pd.Series:
    """Whole years, as an age is counted (a birthday not yet reached this year does not count)."""
    before = (at.dt.month < birth.dt.month) | ((at.dt.month == birth.dt.month) & (at.dt.day < birth.dt.day))
    return at.dt.year - birth.dt.year - before.astype(int)


def _buys(t: Tables, as_of: pd.Timestamp) -> pd.DataFrame:
    """Buys up to the evaluation date, with the customer and the product beside them."""
    tr = t["trades"]
    b = tr[(tr["side"] == "buy") & (tr["trade_date"] <= as_of)]
    b = b.merge(t["customers"].add_prefix("c_"), left_on="customer_id", right_on="c_customer_id")
    b = b.merge(t["products"].add_prefix("p_"), left_on="product_id", right_on="p_product_id")
    b["age"] = age(b["c_birth_date"], b["trade_date"])
    # solicited when the flag says so; when empty, every channel but online counts as solicited
    b["is_solicited"] = b["solicited"].where(b["solicited"].notna(), b["channel"] != "online").astype(bool)
    caution = b["p_is_complex"].fillna(False).astype(bool) | (b["p_risk_class"] >= 4)
    b["is_caution"] = b["p_is_caution_product"].where(b["p_is_caution_product"].notna(), caution).astype(bool)
    return b


def elderly_caution_no_approval(t: Tables, as_of: pd.Timestamp) -> set[str]:
    """75+ solicited into a caution product without a manager's approval on or before the trade day, unless a
    cognitive check was made within the 365 days before it."""
    b = _buys(t, as_of)
    b = b[b["is_solicited"] & b["is_caution"] & (b["age"] >= 75)]
    approved = b["manager_approval_at"].notna() & (b["manager_approval_at"].dt.normalize() <= b["trade_date"])
    since = (b["trade_date"] - b["c_cognitive_check_date"]).dt.days
    checked = since.between(0, 365)
    return set(b.loc[~approved & ~checked, "trade_id"])


def elderly80_same_day_order(t: Tables, as_of: pd.Timestamp) -> set[str]:
    """80+ solicited into a caution product and ordering on the day of the solicitation."""
    b = _buys(t, as_of)
    b = b[b["is_solicited"] & b["is_caution"] & (b["age"] >= 80)]
    return set(b.loc[b["solicitation_date"] == b["trade_date"], "trade_id"])


def elderly80_post_trade_contact(t: Tables, as_of: pd.Timestamp) -> set[str]:
    """80+ caution sale: no contact after the trade, a contact by the seller, or one more than 7 days later;
    a trade still within its 7 days has not missed the contact yet."""
    b = _buys(t, as_of)
    b = b[b["is_solicited"] & b["is_caution"] & (b["age"] >= 80)].copy()
    days = (b["post_trade_contact_at"].dt.normalize() - b["trade_date"]).dt.days
    none = b["post_trade_contact_at"].isna() | (days < 0)
    same = ~none & (b["post_trade_contact_by"] == b["staff_id"])
    late = ~none & ~same & (days > 7)
    waiting = none & ((as_of - b["trade_date"]).dt.days <= 7)
    return set(b.loc[(none & ~waiting) | same | late, "trade_id"])


def _early_exit(p: pd.DataFrame) -> pd.Series:
    """The product's early exit, by default from its type (structured bonds, insurance and other: at_cost)."""
    default = np.where(p["product_type"].isin(["structured_bond", "foreign_currency_insurance", "other"]),
                       "at_cost", "liquid")
    given = p["early_exit"] if "early_exit" in p else pd.Series([None] * len(p), index=p.index)
    return given.where(given.notna(), pd.Series(default, index=p.index))


def elderly_long_maturity(t: Tables, as_of: pd.Timestamp) -> set[str]:
    """80+ buying a product maturing 10+ whole years later that cannot be left early without loss."""
    b = _buys(t, as_of)
    exits = dict(zip(t["products"]["product_id"], _early_exit(t["products"]), strict=True))
    years = age(b["trade_date"], b["p_maturity_date"])
    locked = b["product_id"].map(exits).isin(["at_cost", "none"])
    return set(b.loc[(b["age"] >= 80) & (years >= 10) & locked, "trade_id"])


def suitability_mismatch(t: Tables, as_of: pd.Timestamp) -> set[str]:
    """Solicited sale to a non-professional: risk class 2+ above the tolerance, or a complex product to a
    customer with no or under a year of experience or a preservation purpose."""
    b = _buys(t, as_of)
    b = b[b["is_solicited"] & ~b["c_is_professional"].fillna(False).astype(bool)]
    over = (b["p_risk_class"] - b["c_risk_tolerance"]) >= 2
    complex_ = b["p_is_complex"].fillna(False).astype(bool) & (
        b["c_investment_experience"].isin(["none", "under_1y"]) | (b["c_investment_purpose"] == "preservation"))
    return set(b.loc[over | complex_, "trade_id"])


def missing_explanation_record(t: Tables, as_of: pd.Timestamp) -> set[str]:
    """Solicited sale of a complex product without a recorded explanation."""
    b = _buys(t, as_of)
    b = b[b["is_solicited"] & b["p_is_complex"].fillna(False).astype(bool)]
    return set(b.loc[b["explanation_recorded"].ne(True), "trade_id"])


def household_concentration(t: Tables, as_of: pd.Timestamp) -> set[str]:
    """Households with 1,000,000 JPY or more whose latest holdings are 80%+ in structured bonds."""
    pos = t["positions"]
    pos = pos[pos["as_of_date"] <= as_of]
    if pos.empty:
        return set()
    pos = pos[pos["as_of_date"] == pos["as_of_date"].max()]
    c = t["customers"].assign(hh=lambda d: d["household_id"].fillna(d["customer_id"]))
    pos = pos.merge(c[["customer_id", "hh"]], on="customer_id").merge(t["products"][["product_id", "product_type"]],
                                                                      on="product_id")
    pos["target"] = pos["market_value_jpy"].where(pos["product_type"] == "structured_bond", 0.0)
    g = pos.groupby("hh")[["market_value_jpy", "target"]].sum()
    g = g[(g["market_value_jpy"] >= 1_000_000) & (g["market_value_jpy"] > 0)]
    return set(g.index[(100.0 * g["target"] / g["market_value_jpy"]).round(6) >= 80.0])


def _it_switches(t: Tables, as_of: pd.Timestamp) -> pd.DataFrame:
    """Fund sells held under 180 days since the first buy (not the fund's redemption within 7 days of its
    maturity) followed within 30 days by a fee-paying buy of another fund: one row per sell."""
    tr = t["trades"].merge(t["products"][["product_id", "product_type", "maturity_date"]], on="product_id")
    tr = tr[(tr["product_type"] == "investment_trust") & (tr["trade_date"] <= as_of)]
    buys, sells = tr[tr["side"] == "buy"], tr[tr["side"] == "sell"]
    first = buys.groupby(["customer_id", "product_id"])["trade_date"].min().rename("first_buy").reset_index()
    s = sells.merge(first, on=["customer_id", "product_id"])
    s = s[(s["trade_date"] - s["first_buy"]).dt.days.between(0, 179)]
    s = s[s["maturity_date"].isna() | ((s["maturity_date"] - s["trade_date"]).dt.days > 7)]
    pairs = s.merge(buys[["customer_id", "product_id", "trade_date", "fee_jpy"]], on="customer_id",
                    suffixes=("", "_b"))
    pairs = pairs[(pairs["product_id_b"] != pairs["product_id"]) & (pairs["fee_jpy_b"] > 0)
                  & (pairs["trade_date_b"] - pairs["trade_date"]).dt.days.between(0, 30)]
    return pairs.drop_duplicates("trade_id")


def short_term_switch(t: Tables, as_of: pd.Timestamp) -> set[str]:
    """See _it_switches."""
    return set(_it_switches(t, as_of)["trade_id"])


def churning_customer(t: Tables, as_of: pd.Timestamp) -> set[str]:
    """Customers with 3+ short-term switch sells in the 365 days up to the evaluation date."""
    s = _it_switches(t, as_of)
    s = s[(as_of - s["trade_date"]).dt.days.between(0, 364)]
    n = s.groupby("customer_id").size()
    return set(n.index[n >= 3])


def structured_bond_resolicitation(t: Tables, as_of: pd.Timestamp) -> set[str]:
    """A structured-bond buy within 30 days after the customer sold or redeemed another structured bond."""
    tr = t["trades"].merge(t["products"][["product_id", "product_type"]], on="product_id")
    tr = tr[(tr["product_type"] == "structured_bond") & (tr["trade_date"] <= as_of)]
    pairs = tr[tr["side"] == "buy"].merge(tr[tr["side"] == "sell"], on="customer_id", suffixes=("", "_s"))
    days = (pairs["trade_date"] - pairs["trade_date_s"]).dt.days
    return set(pairs.loc[(pairs["product_id"] != pairs["product_id_s"]) & days.between(0, 30), "trade_id"])


def _staff_window(t: Tables, as_of: pd.Timestamp) -> pd.DataFrame:
    """Buys by a salesperson in the 365 days up to the evaluation date; salespeople with 30+ of them."""
    b = t["trades"].merge(t["products"][["product_id", "is_affiliated", "upfront_fee_rate"]], on="product_id")
    b = b[(b["side"] == "buy") & b["staff_id"].notna() & (b["trade_date"] <= as_of)
          & ((as_of - b["trade_date"]).dt.days < 365)]
    n = b.groupby("staff_id").size()
    return b[b["staff_id"].isin(n.index[n >= 30])]


def staff_affiliated_skew(t: Tables, as_of: pd.Timestamp) -> set[str]:
    """Salespeople whose in-house share of sales (by amount) is 30+ points above the salespeople's median."""
    b = _staff_window(t, as_of)
    b = b.assign(aff=b["amount_jpy"].where(b["is_affiliated"].fillna(False).astype(bool), 0.0))
    g = b.groupby("staff_id")[["amount_jpy", "aff"]].sum()
    share = (100.0 * g["aff"] / g["amount_jpy"]).round(4)
    return set(share.index[(share - round(float(share.median()), 4)).round(4) >= 30.0]) if len(share) else set()


def staff_high_fee_skew(t: Tables, as_of: pd.Timestamp) -> set[str]:
    """Salespeople whose amount-weighted upfront fee rate is 1+ point above the salespeople's median."""
    b = _staff_window(t, as_of)
    b = b.assign(w=b["amount_jpy"] * b["upfront_fee_rate"].fillna(0.0))
    g = b.groupby("staff_id")[["amount_jpy", "w"]].sum()
    rate = (g["w"] / g["amount_jpy"]).round(4)
    return set(rate.index[(rate - round(float(rate.median()), 4)).round(4) >= 1.0]) if len(rate) else set()


def complaint_cluster(t: Tables, as_of: pd.Timestamp) -> set[str]:
    """Salespeople named in 3+ complaints or disputes (not inquiries) received in the 365 days up to the date."""
    k = t.get("complaints")
    if k is None or k.empty:
        return set()
    k = k[k["staff_id"].notna() & k["kind"].isin(["complaint", "dispute"]) & (k["received_date"] <= as_of)
          & ((as_of - k["received_date"]).dt.days < 365)]
    n = k.groupby("staff_id").size()
    return set(n.index[n >= 3])


def branch_sales_spike(t: Tables, as_of: pd.Timestamp) -> set[str]:
    """A branch's month of buys of one product type, among the 12 months up to the evaluation date, at 3x+
    the median of all its earlier months (6+ of them) with a robust z of 3.5+ (a flat history: any rise),
    at least 10 buys and a count statistic 2(sqrt(n) - sqrt(median past buys)) of 3+, and at least twice the
    median rise of the other branches (with the same history rule) in that month and product type."""
    b = t["trades"].merge(t["products"][["product_id", "product_type"]], on="product_id")
    b = b[(b["side"] == "buy") & (b["trade_date"] <= as_of)]
    b = b.assign(month_no=b["trade_date"].dt.year * 12 + b["trade_date"].dt.month)
    m = b.groupby(["branch_id", "product_type", "month_no"]).agg(amount=("amount_jpy", "sum"),
                                                                 buys=("trade_id", "size")).reset_index()
    now = as_of.year * 12 + as_of.month
    rows = []
    for (branch, ptype), g in m.groupby(["branch_id", "product_type"]):
        g = g.sort_values("month_no")
        for _, r in g[now - g["month_no"] < 12].iterrows():
            past = g[g["month_no"] < r["month_no"]]
            if len(past) < 6:
                continue
            med = float(np.median(past["amount"]))
            mad = float(np.median(np.abs(past["amount"] - med)))
            rows.append({"branch": branch, "ptype": ptype, "month": r["month_no"], "amount": r["amount"],
                         "buys": r["buys"], "median": med, "mad": mad,
                         "median_buys": float(np.median(past["buys"]))})
    if not rows:
        return set()
    s = pd.DataFrame(rows)
    s = s[s["median"] > 0].assign(ratio=lambda d: d["amount"] / d["median"])
    out = set()
    for _, r in s.iterrows():
        peers = s[(s["ptype"] == r["ptype"]) & (s["month"] == r["month"]) & (s["branch"] != r["branch"])]
        peer = float(np.median(peers["ratio"])) if len(peers) else 0.0
        z = 0.6745 * (r["amount"] - r["median"]) / r["mad"] if r["mad"] > 0 else None
        surge = (z is not None and z >= 3.5) or (r["mad"] == 0 and r["amount"] > r["median"])
        count_z = 2.0 * (np.sqrt(r["buys"]) - np.sqrt(r["median_buys"]))
        if (r["amount"] >= 3.0 * r["median"] and surge and r["buys"] >= 10 and count_z >= 3.0
                and r["ratio"] >= 2.0 * peer):
            out.add(r["branch"])
    return out


RULES: dict[str, Callable[[Tables, pd.Timestamp], set[str]]] = {
    f.__name__: f for f in (
        elderly_caution_no_approval, elderly80_same_day_order, elderly80_post_trade_contact, elderly_long_maturity,
        suitability_mismatch, missing_explanation_record, household_concentration, short_term_switch,
        churning_customer, structured_bond_resolicitation, staff_affiliated_skew, staff_high_fee_skew,
        complaint_cluster, branch_sales_spike)
}


def flags(folder: Path, as_of: dt.date) -> dict[str, set[str]]:
    """Entities flagged by every conduct rule with default parameters."""
    tables = read(folder)
    when = pd.Timestamp(as_of)
    return {rule: fn(tables, when) for rule, fn in RULES.items()}
