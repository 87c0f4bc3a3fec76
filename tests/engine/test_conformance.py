"""Conformance: every rule gives identical flags on DuckDB and Spark over edge-case data."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from kansa.engine import DuckDBEngine, load_catalog
from kansa.engine.testing import customer, duckdb_world, parquet_world, product, trade

AS_OF = date(2026, 3, 31)
# Trade dates where engines are most likely to disagree: month and fiscal-year ends, leap days.
EDGE_DATES = [date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1), date(2025, 2, 28), date(2025, 3, 1),
              date(2025, 3, 31), date(2025, 4, 1), date(2025, 12, 31), date(2026, 1, 1), date(2026, 3, 31)]


def _edge_world() -> dict[str, list[dict[str, Any]]]:
    """About 900 trades: birthdays on and around trade dates, 29 Feb births, nulls in optional columns."""
    rng = random.Random(20260331)
    customers = []
    births = [date(1946, 2, 28), date(1944, 2, 29), date(1945, 3, 1), date(1950, 3, 31), date(1945, 4, 1),
              date(1951, 1, 1), date(1960, 6, 15), date(1949, 12, 31)]
    for i in range(40):
        birth = births[i % len(births)] if i < 16 else date(1935 + i % 40, 1 + i % 12, 1 + i % 28)
        customers.append(customer(
            f"C{i:02d}", birth.isoformat(),
            household_id=None if i % 5 == 0 else f"H{i // 2:02d}",
            risk_tolerance=1 + i % 5,
            investment_experience=["none", "under_1y", "1_to_5y", "over_5y"][i % 4],
            investment_purpose=["preservation", "income", "balanced", "growth", "speculation"][i % 5],
            cognitive_check_date=None if i % 3 else (date(2024, 6, 1) + timedelta(days=37 * i)).isoformat(),
            is_professional=None if i % 7 == 0 else i % 11 == 0,
        ))
    products = [
        product("SB1", "structured_bond", risk_class=5, is_complex=True, is_caution_product=None,
                maturity_date="2035-03-01", upfront_fee_rate=None, is_affiliated=True),
        product("SB2", "structured_bond", risk_class=4, is_complex=True, is_caution_product=True,
                maturity_date="2036-02-29"),
        product("F1", risk_class=3, upfront_fee_rate=3.3, is_affiliated=True),
        product("F2", risk_class=4, upfront_fee_rate=2.2, is_caution_product=None),
        product("F3", risk_class=2, upfront_fee_rate=1.1, is_affiliated=None),
        product("BD", "bond", risk_class=2, maturity_date="2040-01-01"),
        product("DEP", "deposit", risk_class=1),
        *(product(f"G{k}", upfront_fee_rate=1.65) for k in range(3)),
    ]
    trades = []
    days = (AS_OF - date(2024, 1, 1)).days
    for n in range(900):
        c = customers[rng.randrange(len(customers))]
        when = EDGE_DATES[n % len(EDGE_DATES)] if n % 4 == 0 else date(2024, 1, 1) + timedelta(rng.randrange(days))
        prod = rng.choice(["SB1", "SB2", "F1", "F2", "F3", "F1", "F2", "F3", "BD"])
        channel = rng.choice(["face_to_face", "phone", "online", "ifa"])
        extra: dict[str, Any] = {}
        if rng.random() < 0.5:
            extra["manager_approval_at"] = f"{when + timedelta(days=rng.choice([-1, 0, 1]))}T23:59:59"
        if rng.random() < 0.6:
            extra["post_trade_contact_at"] = f"{when + timedelta(days=rng.randrange(0, 12))}T09:00:00"
            extra["post_trade_contact_by"] = rng.choice(["S1", "M1", None])
        trades.append(trade(
            f"T{n:04d}", when.isoformat(), c["customer_id"], prod,
            side="sell" if rng.random() < 0.3 else "buy",
            amount_jpy=float(rng.choice([100_000, 1_000_000, 3_000_000, 2_500_000.5])),
            fee_jpy=None if n % 13 == 0 else float(rng.choice([0, 0, 11_000, 33_000])),
            branch_id=f"B{n % 3}",
            staff_id=None if channel == "online" else f"S{n % 6}",
            channel=channel,
            solicited=None if n % 3 == 0 else rng.random() < 0.8,
            solicitation_date=None if n % 5 == 0 else (when - timedelta(days=rng.choice([0, 0, 1]))).isoformat(),
            explanation_recorded=None if n % 6 == 0 else rng.random() < 0.8,
            **extra,
        ))
    # a branch spike with a long history, so the robust z-score path runs on both engines
    for m in range(1, 13):
        trades.append(trade(f"H{m:02d}", f"2025-{m:02d}-28", "C20", "BD", branch_id="B9", amount_jpy=1e6 + m * 1e4))
    # the spike is a campaign: twelve sales where a month had one (the count statistic and minimum count run too)
    trades += [trade(f"SPIKE{k:02d}", f"2026-01-{10 + k:02d}", "C20", "BD", branch_id="B9", amount_jpy=750_000.0)
               for k in range(12)]
    # a salesperson selling only the in-house, high-fee fund, so the staff medians are compared
    trades += [trade(f"P{k:02d}", f"2025-{4 + k % 9:02d}-{1 + k % 28:02d}", "C21", "F1", staff_id="S7",
                     branch_id="B2", fee_jpy=33_000.0) for k in range(36)]
    # three short-term switches for one customer in the last year
    for k, (buy, sell) in enumerate([("2025-04-01", "2025-05-30"), ("2025-07-01", "2025-08-29"),
                                     ("2025-12-01", "2026-02-27")]):
        trades.append(trade(f"W{k}b", buy, "C22", f"G{k}", side="buy", fee_jpy=11_000.0))
        trades.append(trade(f"W{k}s", sell, "C22", f"G{k}", side="sell"))
        trades.append(trade(f"W{k}n", sell, "C22", "F3", side="buy", fee_jpy=22_000.0))
    positions = []
    for i, c in enumerate(customers):
        for as_of in ("2025-09-30", "2026-03-31"):
            positions.append({"as_of_date": as_of, "customer_id": c["customer_id"], "product_id": "SB1",
                              "market_value_jpy": float(1_000_000 * (i % 9)), "cumulative_purchase_jpy": 1e6})
            positions.append({"as_of_date": as_of, "customer_id": c["customer_id"], "product_id": "DEP",
                              "market_value_jpy": float(250_000 * (i % 4)), "cumulative_purchase_jpy": 0.0})
    complaints = [{"complaint_id": f"K{i:03d}", "received_date": (date(2025, 1, 1) + timedelta(days=9 * i)).isoformat(),
                   "kind": ["complaint", "dispute", "inquiry"][i % 3], "staff_id": None if i % 4 == 0 else f"S{i % 3}",
                   "category": None if i % 2 else "explanation", "branch_id": "B0"} for i in range(50)]
    staff = [{"staff_id": f"S{i}", "branch_id": f"B{i % 3}", "role": "sales"} for i in range(6)]
    return {"customers": customers, "products": products, "trades": trades, "positions": positions,
            "complaints": complaints, "staff": staff}


def _comparable(flags: pa.Table) -> list[tuple]:
    """Rows with evidence parsed and floats rounded, so summation order cannot matter."""
    def norm(v: Any) -> Any:
        if isinstance(v, float):
            return round(v, 6)
        if isinstance(v, list):
            return [norm(x) for x in v]
        if isinstance(v, dict):
            return {k: norm(x) for k, x in v.items()}
        return v

    return [(r["rule_id"], r["entity_id"], r["severity"], norm(r["score"]), r["event_date"], r["reason"],
             norm(json.loads(r["evidence"]))) for r in flags.to_pylist()]


@pytest.fixture(scope="module")
def edge_world() -> dict[str, list[dict[str, Any]]]:
    return _edge_world()


@pytest.fixture(scope="module")
def duckdb_flags(edge_world: dict) -> pa.Table:
    return DuckDBEngine(duckdb_world(edge_world)).run(load_catalog("conduct"), as_of=AS_OF)


def test_the_edge_world_makes_every_conduct_rule_fire_on_duckdb(duckdb_flags: pa.Table) -> None:
    fired = set(duckdb_flags.column("rule_id").to_pylist())
    assert fired == {s.id for s in load_catalog("conduct")}


@pytest.mark.spark
def test_every_conduct_rule_gives_identical_flags_on_duckdb_and_spark(
    edge_world: dict, duckdb_flags: pa.Table, spark: Any, tmp_path: Path
) -> None:
    from kansa.engine.spark_engine import SparkEngine

    engine = SparkEngine.from_parquet(parquet_world(edge_world, tmp_path / "pq"), spark)
    spark_flags = engine.run(load_catalog("conduct"), as_of=AS_OF)
    assert spark_flags.schema == duckdb_flags.schema
    ours, theirs = _comparable(duckdb_flags), _comparable(spark_flags)
    by_rule = {rid: ([r for r in ours if r[0] == rid], [r for r in theirs if r[0] == rid])
               for rid in sorted({r[0] for r in ours + theirs})}
    for rid, (a, b) in by_rule.items():
        assert a == b, f"{rid}: DuckDB and Spark disagree"


@pytest.mark.spark
def test_the_banned_year_difference_really_differs_between_engines(spark: Any) -> None:
    # Why the linter bans date_diff('year', ...): one day before the 80th birthday DuckDB counts 80
    # calendar-year boundaries, Spark's floor(months_between / 12) says 79, and age_years says 79 on both.
    import duckdb
    import sqlglot

    from kansa.engine.macros import expand_macros

    raw = "SELECT date_diff('year', DATE '1946-03-01', DATE '2026-02-28') AS v"
    duck = duckdb.connect().execute(raw).fetchone()
    spk = spark.sql(sqlglot.transpile(raw, read="duckdb", write="spark")[0]).collect()[0][0]
    assert duck is not None and duck[0] == 80 and spk == 79
    portable = expand_macros(sqlglot.parse_one("SELECT age_years(DATE '1946-03-01', DATE '2026-02-28') AS v",
                                               read="duckdb"), "spark")
    assert spark.sql(portable.sql("spark")).collect()[0][0] == 79


@pytest.mark.spark
def test_every_cyber_rule_gives_identical_flags_on_duckdb_and_spark(spark: Any, tmp_path: Path,
                                                                    shared_data: Path) -> None:
    # The cyber rules read derived tables (parsed logs, KEV matches): register the scan's own on both engines.
    from kansa.cyber.scan import scan_connection
    from kansa.engine.spark_engine import SparkEngine
    from kansa.synth.cyber import generate_cyber
    from kansa.workspace import open_source

    data = tmp_path / "cyber"
    generate_cyber(data, assets=40, seed=3, fmt="parquet", encoding="utf-8", as_of=date(2026, 3, 31))
    con = open_source(data)
    kev = shared_data / "cisa_kev" / "known_exploited_vulnerabilities.csv"
    scan = scan_connection(con, logs=sorted((data / "logs").glob("*")), kev=kev, as_of=date(2026, 3, 31))
    rules = [r for r in load_catalog("cyber") if r.id not in scan.skipped]
    assert len(rules) == len(load_catalog("cyber"))
    derived = {"access_events": scan.hosts.events, "kev_matches": scan.kev_matches}
    folder = tmp_path / "pq"
    folder.mkdir()
    tables = {t for r in rules for t in r.tables} - set(derived)
    for name in tables:
        con.execute(f"COPY (SELECT * FROM \"{name}\") TO '{folder / name}.parquet' (FORMAT parquet)")
    duck = DuckDBEngine(con)
    for name, table in derived.items():
        duck.register(name, table)
    duck_flags = duck.run(rules, as_of=date(2026, 3, 31))
    engine = SparkEngine.from_parquet(folder, spark)
    for name, table in derived.items():
        engine.register(name, table)
    spark_flags = engine.run(rules, as_of=date(2026, 3, 31))
    assert duck_flags.num_rows > 0
    ours, theirs = _comparable(duck_flags), _comparable(spark_flags)
    for rid in sorted({r[0] for r in ours + theirs}):
        assert [r for r in ours if r[0] == rid] == [r for r in theirs if r[0] == rid], f"{rid}: engines disagree"
