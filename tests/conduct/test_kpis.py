"""FSA common KPIs: DuckDB SQL against hand cases at band edges and an independent plain-Python computation."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from kansa.conduct.kpis import compute_kpis, evaluation_dates, write_kpis

PRODUCTS_DDL = """
CREATE TABLE products (product_id VARCHAR, name VARCHAR, product_type VARCHAR, risk_class BIGINT,
  is_complex BOOLEAN, is_caution_product BOOLEAN, is_affiliated BOOLEAN, currency VARCHAR,
  upfront_fee_rate DOUBLE, annual_cost_rate DOUBLE, implied_cost_rate DOUBLE, inception_date DATE,
  maturity_date DATE, knock_in_level DOUBLE, return_5y_annualized DOUBLE, risk_5y_annualized DOUBLE,
  is_money_market BOOLEAN)
"""
POSITIONS_DDL = """
CREATE TABLE positions (as_of_date DATE, customer_id VARCHAR, product_id VARCHAR, market_value_jpy DOUBLE,
  cumulative_purchase_jpy DOUBLE, cumulative_sale_jpy DOUBLE, cumulative_distribution_jpy DOUBLE)
"""
AS_OF = date(2026, 3, 31)


def _fund(pid: str, ptype: str = "investment_trust", inception: date | None = date(2015, 1, 1), **kw: Any) -> dict:
    row = {"product_id": pid, "name": pid, "product_type": ptype, "risk_class": 3, "is_complex": False,
           "is_caution_product": False, "is_affiliated": False, "currency": "JPY", "upfront_fee_rate": 3.3,
           "annual_cost_rate": 1.1, "implied_cost_rate": None, "inception_date": inception, "maturity_date": None,
           "knock_in_level": None, "return_5y_annualized": 5.0, "risk_5y_annualized": 12.0, "is_money_market": False}
    row.update(kw)
    return row


def _con(products: list[dict], positions: list[tuple]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(PRODUCTS_DDL)
    con.execute(POSITIONS_DDL)
    cols = list(_fund("x").keys())
    con.executemany(f"INSERT INTO products VALUES ({', '.join('?' * len(cols))})",
                    [[p[c] for c in cols] for p in products])
    if positions:
        con.executemany("INSERT INTO positions VALUES (?, ?, ?, ?, ?, ?, ?)", positions)
    return con


def _bands(section: dict) -> dict[str, int]:
    return {b["band"]: b["customers"] for b in section["return_bands"]}


def test_it_puts_band_edges_in_the_band_they_open() -> None:
    # (mv, purchase, sale, distribution): rate = (mv + sale + dist - purchase) / mv
    cases = {
        "C_zero": (1_000_000, 1_000_000, 0, 0),           # exactly 0%      -> 0_10
        "C_m50": (1_000_000, 1_500_000, 0, 0),            # exactly -50%    -> m50_m30
        "C_p50": (1_000_000, 500_000, 0, 0),              # exactly +50%    -> ge_50
        "C_m10": (1_000_000, 1_200_000, 100_000, 0),      # exactly -10% with a sale -> m10_0
        "C_just_below0": (1_000_000, 1_000_001, 0, 0),    # -0.0001%        -> m10_0
        "C_m30b": (100, 130, 0, 0),                        # -30% (binary 0.3) -> m30_m10
        "C_p10": (300, 270, 0, 0),                         # +10% with 0.1 inexact -> 10_30
        "C_deep": (100, 1000, 0, 0),                       # -900%           -> lt_m50
        "C_dist": (1_000_000, 1_400_000, 0, 100_000),      # -30%            -> m30_m10
    }
    positions = [(AS_OF, cid, "F1", mv, pur, sale, dist) for cid, (mv, pur, sale, dist) in cases.items()]
    kpis = compute_kpis(_con([_fund("F1")], positions))
    sec = kpis[0]["investment_trust"]
    assert _bands(sec) == {"lt_m50": 1, "m50_m30": 1, "m30_m10": 2, "m10_0": 2, "0_10": 1, "10_30": 1,
                           "30_50": 0, "ge_50": 1}
    assert sec["customers"] == 9
    assert sec["positive_share"] == pytest.approx(3 / 9)
    assert [b["band"] for b in sec["return_bands"]] == ["lt_m50", "m50_m30", "m30_m10", "m10_0", "0_10", "10_30",
                                                        "30_50", "ge_50"]


def test_it_sums_a_customers_positions_of_the_type_before_banding() -> None:
    products = [_fund("F1"), _fund("F2"), _fund("I1", "foreign_currency_insurance"), _fund("D1", "deposit")]
    positions = [
        (AS_OF, "C1", "F1", 100, 200, 0, 0),   # -100% alone
        (AS_OF, "C1", "F2", 100, 0, 0, 0),     # +100% alone; together (200-200)/200 = 0% -> 0_10
        (AS_OF, "C1", "I1", 100, 160, 0, 0),   # insurance -60% -> lt_m50 in its own section
        (AS_OF, "C1", "D1", 1_000, 1_000, 0, 0),  # deposits are in neither section
    ]
    kpi = compute_kpis(_con(products, positions))[0]
    assert _bands(kpi["investment_trust"])["0_10"] == 1 and kpi["investment_trust"]["customers"] == 1
    assert _bands(kpi["foreign_currency_insurance"])["lt_m50"] == 1
    assert kpi["foreign_currency_insurance"]["positive_share"] == 0


def test_it_skips_customers_with_no_value_left_and_reports_every_date() -> None:
    d1 = date(2025, 3, 31)
    positions = [(d1, "C1", "F1", 100, 90, 0, 0), (AS_OF, "C1", "F1", 0, 90, 120, 0), (AS_OF, "C2", "F1", 50, 50, 0, 0)]
    con = _con([_fund("F1")], positions)
    kpis = compute_kpis(con)
    assert [k["as_of_date"] for k in kpis] == ["2025-03-31", "2026-03-31"]
    assert kpis[0]["investment_trust"]["customers"] == 1
    assert kpis[1]["investment_trust"]["customers"] == 1  # C1 sold out: denominator 0, not counted
    assert evaluation_dates(con, up_to=d1) == [d1]


def test_top20_takes_five_year_old_non_mmf_funds_by_balance() -> None:
    products = [
        _fund("OLD_BIG", inception=date(2021, 3, 31), upfront_fee_rate=3.0, annual_cost_rate=1.0,
              return_5y_annualized=8.0, risk_5y_annualized=16.0),      # exactly 5 years on the date: in
        _fund("YOUNG", inception=date(2021, 4, 1)),                     # one day short: out
        _fund("MMF", is_money_market=True),                             # money market: out
        _fund("NOINC", inception=None),                                 # unknown age: out
        _fund("SMALL", upfront_fee_rate=None, annual_cost_rate=0.5, return_5y_annualized=2.0,
              risk_5y_annualized=4.0),                                  # no-load: cost = 0.5
        _fund("LEAP", inception=date(2020, 2, 29)),                     # see the leap-day test
    ]
    positions = [(AS_OF, f"C{i}", pid, mv, mv, 0, 0) for i, (pid, mv) in enumerate(
        [("OLD_BIG", 3e6), ("OLD_BIG", 1e6), ("YOUNG", 9e9), ("MMF", 9e9), ("NOINC", 9e9), ("SMALL", 1e6)])]
    sec = compute_kpis(_con(products, positions))[0]["investment_trust"]
    assert [t["product_id"] for t in sec["top20"]] == ["OLD_BIG", "SMALL"]
    big = sec["top20"][0]
    assert big == {"product_id": "OLD_BIG", "balance_jpy": 4e6, "cost_rate": pytest.approx(1.6),
                   "return_5y": 8.0, "risk_5y": 16.0}
    assert sec["top20"][1]["cost_rate"] == pytest.approx(0.5)
    w = sec["top20_weighted"]
    assert w["cost_rate"] == pytest.approx((1.6 * 4 + 0.5 * 1) / 5)
    assert w["return_5y"] == pytest.approx((8 * 4 + 2 * 1) / 5)
    assert w["risk_5y"] == pytest.approx((16 * 4 + 4 * 1) / 5)


def test_a_leap_day_inception_completes_its_years_on_1_march() -> None:
    products = [_fund("LEAP", inception=date(2020, 2, 29))]
    for as_of, expected in ((date(2025, 2, 28), []), (date(2025, 3, 1), ["LEAP"])):
        con = _con(products, [(as_of, "C1", "LEAP", 100, 100, 0, 0)])
        assert [t["product_id"] for t in compute_kpis(con)[0]["investment_trust"]["top20"]] == expected


def test_top20_keeps_only_twenty_and_breaks_ties_by_product_id() -> None:
    products = [_fund(f"F{i:02d}") for i in range(25)]
    positions = [(AS_OF, "C1", f"F{i:02d}", 1000 if i < 22 else 10, 1, 0, 0) for i in range(25)]
    top = compute_kpis(_con(products, positions))[0]["investment_trust"]["top20"]
    assert [t["product_id"] for t in top] == [f"F{i:02d}" for i in range(20)]


# ---- independent computation on generated data ------------------------------------------------------

def _py_band(rate: float) -> str:
    # written apart from kansa.conduct.kpis on purpose: thresholds as the contract states them
    edges = [(-0.5, "lt_m50"), (-0.3, "m50_m30"), (-0.1, "m30_m10"), (0.0, "m10_0"), (0.1, "0_10"),
             (0.3, "10_30"), (0.5, "30_50")]
    for edge, name in edges:
        if rate < edge:
            return name
    return "ge_50"


def _py_years(start: date, at: date) -> int:
    return at.year - start.year - ((at.month, at.day) < (start.month, start.day))


def _py_kpis(products: list[dict], positions: list[tuple], as_of: date, ptype: str) -> dict:
    by_id = {p["product_id"]: p for p in products}
    per_cust: dict[str, list[float]] = {}
    balance: dict[str, float] = {}
    for d, cid, pid, mv, pur, sale, dist in positions:
        if d != as_of or by_id[pid]["product_type"] != ptype:
            continue
        acc = per_cust.setdefault(cid, [0.0, 0.0])
        acc[0] += mv
        acc[1] += mv + (sale or 0) + (dist or 0) - pur
        balance[pid] = balance.get(pid, 0.0) + mv
    counts = {b: 0 for b in ("lt_m50", "m50_m30", "m30_m10", "m10_0", "0_10", "10_30", "30_50", "ge_50")}
    for mv, gain in per_cust.values():
        if mv > 0:
            counts[_py_band(round(gain / mv, 10))] += 1
    eligible = [pid for pid, bal in balance.items() if bal > 0
                and not by_id[pid]["is_money_market"] and by_id[pid]["inception_date"] is not None
                and _py_years(by_id[pid]["inception_date"], as_of) >= 5]
    eligible.sort(key=lambda pid: (-balance[pid], pid))
    top = eligible[:20]
    tot = sum(balance[p] for p in top)
    cost = {p: (by_id[p]["upfront_fee_rate"] or 0) / 5 + by_id[p]["annual_cost_rate"] for p in top}
    return {
        "bands": counts,
        "positive_share": sum(counts[b] for b in ("0_10", "10_30", "30_50", "ge_50")) / sum(counts.values()),
        "top": top,
        "balance": [balance[p] for p in top],
        "w_cost": sum(cost[p] * balance[p] for p in top) / tot if top else None,
        "w_ret": sum(by_id[p]["return_5y_annualized"] * balance[p] for p in top) / tot if top else None,
    }


def _generated(seed: int) -> tuple[list[dict], list[tuple], list[date]]:
    rnd = random.Random(seed)
    dates = [date(2024, 3, 31), date(2025, 3, 31), AS_OF]
    products = []
    for i in range(60):
        ptype = rnd.choice(["investment_trust"] * 3 + ["foreign_currency_insurance", "deposit", "structured_bond"])
        products.append(_fund(
            f"P{i:03d}", ptype, inception=rnd.choice([None, date(rnd.randint(2012, 2025), rnd.randint(1, 12), 1),
                                                      date(2020, 2, 29), date(2021, 3, 31)]),
            upfront_fee_rate=rnd.choice([None, 0.0, 1.1, 2.2, 3.3]), annual_cost_rate=round(rnd.uniform(0.1, 2.5), 3),
            return_5y_annualized=round(rnd.uniform(-5, 15), 2), risk_5y_annualized=round(rnd.uniform(2, 25), 2),
            is_money_market=rnd.random() < 0.1))
    positions = []
    for d in dates:
        for c in range(400):
            for pid in rnd.sample([p["product_id"] for p in products], rnd.randint(1, 4)):
                mv = rnd.choice([0, 100_000, 250_000, rnd.randint(1, 5_000_000)])
                # purchases chosen to hit band edges often: mv * (1 - edge) exactly
                pur = rnd.choice([round(mv * rnd.choice([0.5, 0.7, 0.9, 1.0, 1.1, 1.3, 1.5, 2.0])),
                                  rnd.randint(0, 6_000_000)])
                positions.append((d, f"C{c:04d}", pid, float(mv), float(pur),
                                  rnd.choice([None, 0.0, float(rnd.randint(0, 500_000))]),
                                  rnd.choice([None, 0.0, float(rnd.randint(0, 100_000))])))
    return products, positions, dates


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_it_equals_an_independent_python_computation(seed: int) -> None:
    products, positions, dates = _generated(seed)
    kpis = compute_kpis(_con(products, positions))
    assert [k["as_of_date"] for k in kpis] == [d.isoformat() for d in dates]
    tops = 0
    for k, d in zip(kpis, dates, strict=True):
        for ptype in ("investment_trust", "foreign_currency_insurance"):
            want = _py_kpis(products, positions, d, ptype)
            sec = k[ptype]
            assert _bands(sec) == want["bands"]
            assert sec["positive_share"] == pytest.approx(want["positive_share"])
            assert sum(b["share"] for b in sec["return_bands"]) == pytest.approx(1.0)
            assert [t["product_id"] for t in sec["top20"]] == want["top"]
            tops += len(want["top"])
            assert [t["balance_jpy"] for t in sec["top20"]] == pytest.approx(want["balance"])
            assert sec["top20_weighted"]["cost_rate"] == (want["w_cost"] and pytest.approx(want["w_cost"]))
            assert sec["top20_weighted"]["return_5y"] == (want["w_ret"] and pytest.approx(want["w_ret"]))
    assert tops > 20  # the generated data really exercises the top-20 selection


def test_write_kpis_gives_the_contract_shape(tmp_path: Path) -> None:
    products, positions, _ = _generated(7)
    path = write_kpis(compute_kpis(_con(products, positions)), tmp_path / "kpis.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, list) and data[0]["as_of_date"] == "2024-03-31"
    it = data[0]["investment_trust"]
    assert set(it) >= {"return_bands", "positive_share", "top20", "top20_weighted"}
    assert set(it["top20"][0]) == {"product_id", "balance_jpy", "cost_rate", "return_5y", "risk_5y"}
    assert set(data[0]["foreign_currency_insurance"]) >= {"return_bands", "positive_share"}


# ---- the platform's own monitoring indicators ---------------------------------------------------------

def _trading_con() -> duckdb.DuckDBPyConnection:
    products = [
        _fund("SB", "structured_bond", is_complex=True, is_caution_product=True, is_affiliated=True, risk_class=4),
        _fund("IT", is_caution_product=False), _fund("IT2", is_caution_product=False),
        _fund("DEP", "deposit", is_caution_product=False),
    ]
    con = _con(products, [])
    con.execute("CREATE TABLE customers (customer_id VARCHAR, birth_date DATE, branch_id VARCHAR)")
    con.executemany("INSERT INTO customers VALUES (?, ?, ?)", [
        ("C75", date(1951, 3, 31), "B1"),   # 75 on the evaluation date itself
        ("C74", date(1951, 4, 1), "B1"),    # 74 there: one day short
        ("C80", date(1946, 3, 1), "B2"),    # 80 on 2026-03-01
    ])
    con.execute("CREATE TABLE trades (trade_id VARCHAR, trade_date DATE, customer_id VARCHAR, product_id VARCHAR,"
                " side VARCHAR, amount_jpy DOUBLE, fee_jpy DOUBLE, branch_id VARCHAR, switch_group_id VARCHAR)")
    con.executemany("INSERT INTO trades VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        ("T1", AS_OF, "C75", "SB", "buy", 1_000_000, 30_000, "B1", None),
        ("T2", AS_OF, "C74", "SB", "buy", 2_000_000, 0, "B1", None),
        ("T3", date(2026, 3, 1), "C80", "IT", "buy", 500_000, 16_500, "B2", None),
        ("T4", date(2026, 3, 1), "C80", "SB", "buy", 1_000_000, 10_000, "B2", None),
        ("T5", AS_OF, "C74", "DEP", "buy", 9_999_999, 0, "B1", None),            # deposits: left out
        ("T6", date(2025, 3, 31), "C75", "SB", "buy", 5_000_000, 0, "B1", None),  # 365 days back: outside
        ("T7s", date(2026, 1, 10), "C74", "IT", "sell", 300_000, 0, "B1", None),
        ("T7b", date(2026, 2, 1), "C74", "IT2", "buy", 300_000, 9_900, "B1", None),  # 22 days after a sell
    ])
    return con


def test_monitoring_indicators_on_a_hand_built_book() -> None:
    from kansa.conduct.indicators import monitoring_indicators

    m = monitoring_indicators(_trading_con(), AS_OF)["monitoring"]
    assert m["window"] == {"from": "2025-04-01", "to": "2026-03-31", "days": 365}
    assert m["buys"] == 5 and m["buy_amount_jpy"] == 4_800_000
    assert m["fee_rate_weighted"] == pytest.approx(66_400 / 4_800_000 * 100)
    assert m["affiliated_share"] == pytest.approx(4 / 4.8)
    assert m["caution_buys"] == 3
    assert m["caution_buys_age75_share"] == pytest.approx(2 / 3)
    assert m["caution_buys_age80_share"] == pytest.approx(1 / 3)
    assert m["caution_amount_age75_share"] == pytest.approx(0.5)
    assert m["caution_amount_age80_share"] == pytest.approx(0.25)
    assert m["investment_trust_buys"] == 2 and m["switch_share"] == 0.5
    assert m["switch_amount_share"] == pytest.approx(0.3 / 0.8)
    assert [(b["branch_id"], round(b["structured_bond_share"], 4)) for b in m["by_branch"]] == [
        ("B1", round(3 / 3.3, 4)), ("B2", round(1 / 1.5, 4))]
    assert {p["product_type"] for p in m["by_product_type"]} == {"structured_bond", "investment_trust"}


def test_compute_kpis_adds_the_monitoring_key_per_date() -> None:
    from kansa.conduct.indicators import monitoring_indicators

    con = _trading_con()
    con.execute("INSERT INTO positions VALUES (?, 'C1', 'IT', 100, 100, 0, 0)", [AS_OF])
    kpis = compute_kpis(con, extra=lambda d: monitoring_indicators(con, d))
    assert kpis[0]["monitoring"]["caution_buys"] == 3


def test_monitoring_for_several_dates_equals_each_date_alone() -> None:
    from kansa.conduct.indicators import monitoring_for_dates, monitoring_indicators

    con = _trading_con()
    dates = [date(2025, 3, 30), date(2026, 2, 15), AS_OF, date(2027, 6, 30)]
    together = monitoring_for_dates(con, dates)
    for d in dates:
        assert together[d] == monitoring_indicators(con, d)
    assert together[date(2025, 3, 30)]["monitoring"]["buys"] == 0  # the day before the first buy (T6)
    assert together[date(2026, 2, 15)]["monitoring"]["switch_share"] == 1.0  # only T7b so far, a switch
    assert together[date(2027, 6, 30)]["monitoring"]["caution_buys_age75_share"] is None


def test_a_buy_31_days_after_a_sell_is_not_a_switch_but_30_days_is() -> None:
    from kansa.conduct.indicators import monitoring_indicators

    con = _trading_con()
    con.executemany("INSERT INTO trades VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        ("T8s", date(2025, 11, 1), "C75", "IT", "sell", 100_000, 0, "B1", None),
        ("T8b", date(2025, 12, 2), "C75", "IT2", "buy", 100_000, 0, "B1", None),   # 31 days: not a switch
        ("T9s", date(2025, 6, 1), "C80", "IT", "sell", 100_000, 0, "B2", None),
        ("T9b", date(2025, 7, 1), "C80", "IT2", "buy", 100_000, 0, "B2", None),    # 30 days: a switch
        ("T10b", date(2025, 8, 1), "C80", "IT", "buy", 100_000, 0, "B2", "G1"),   # named switch group
    ])
    m = monitoring_indicators(con, AS_OF)["monitoring"]
    # buys of funds: T3, T7b (switch), T8b, T9b (switch), T10b (switch)
    assert m["investment_trust_buys"] == 5 and m["switch_share"] == pytest.approx(3 / 5)


def test_a_buy_after_two_sells_or_in_a_group_and_after_a_sell_counts_once() -> None:
    from kansa.conduct.indicators import monitoring_indicators

    con = _trading_con()
    con.executemany("INSERT INTO trades VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        ("T11s", date(2025, 9, 1), "C75", "IT", "sell", 100_000, 0, "B1", None),
        ("T12s", date(2025, 9, 10), "C75", "IT2", "sell", 100_000, 0, "B1", None),
        ("T11b", date(2025, 9, 15), "C75", "IT2", "buy", 200_000, 0, "B1", None),    # two sells before: once
        ("T13b", date(2025, 9, 15), "C75", "IT", "buy", 400_000, 0, "B1", "G2"),     # group and sells: once
        ("T14b", date(2025, 9, 15), "C80", "IT", "buy", 300_000, 0, "B2", None),     # same day, no sell: none
    ])
    m = monitoring_indicators(con, AS_OF)["monitoring"]
    # buys of funds: T3 (500k), T7b (300k, switch), T11b (200k, switch), T13b (400k, switch), T14b (300k)
    assert m["investment_trust_buys"] == 5 and m["switch_share"] == pytest.approx(3 / 5)
    assert m["switch_amount_share"] == pytest.approx(0.9 / 1.7)
