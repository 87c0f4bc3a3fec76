"""hypothesis: the rule SQL gives identical flags on DuckDB and Spark over generated edge cases.

Small worlds: birthdays a day either side of the age thresholds (29 February too), trades a day either side
of the rules' windows, nulls in every optional column, tied amounts and dates. Spark is slow per query, so
one session serves every example and the examples are few.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kansa.engine import DuckDBEngine, load_catalog
from kansa.engine.testing import customer, duckdb_world, product, trade, world_tables
from tests.engine.test_conformance import _comparable

pytestmark = [pytest.mark.spark, pytest.mark.slow]

AS_OF = date(2026, 3, 31)
# the rules reading ages, windows and optional columns: where the two dialects could part ways
RULES = ("elderly80_same_day_order", "elderly80_post_trade_contact", "elderly_caution_no_approval",
         "elderly_long_maturity", "missing_explanation_record", "short_term_switch", "suitability_mismatch")
PRODUCTS = [
    product("SB", "structured_bond", risk_class=5, is_complex=True, is_caution_product=None,
            maturity_date="2036-02-29"),
    product("FX", "foreign_currency_insurance", risk_class=4, is_caution_product=True, maturity_date="2041-03-31"),
    product("F1", risk_class=3, upfront_fee_rate=3.3, is_affiliated=None),
    product("F2", risk_class=4, upfront_fee_rate=None, is_caution_product=None),
]
# days before the evaluation date at the edges of 30-, 90-, 180- and 365-day windows
DAYS_BACK = (0, 1, 2, 29, 30, 31, 89, 90, 91, 179, 180, 181, 364, 365, 366)
AGES = (64, 65, 69, 70, 74, 75, 79, 80, 81)

maybe_bool = st.none() | st.booleans()


@st.composite
def customers(draw: st.DrawFn, n: int) -> list[dict[str, Any]]:
    """Customers born a day either side of an age threshold at a window edge (some on 29 February)."""
    rows = []
    for i in range(n):
        at = AS_OF - timedelta(days=draw(st.sampled_from(DAYS_BACK)))
        age = draw(st.sampled_from(AGES))
        if draw(st.booleans()):
            birth = date(at.year - age, at.month, at.day) + timedelta(days=draw(st.sampled_from((-1, 0, 1))))
        else:
            birth = date(1944 + 4 * draw(st.integers(0, 5)), 2, 29)  # leap-day births
        rows.append(customer(
            f"C{i}", birth.isoformat(),
            risk_tolerance=draw(st.none() | st.integers(1, 5)),
            investment_experience=draw(st.none() | st.sampled_from(["none", "under_1y", "1_to_5y", "over_5y"])),
            investment_purpose=draw(st.none() | st.sampled_from(["preservation", "income", "growth"])),
            cognitive_check_date=draw(st.none() | st.sampled_from(["2025-03-31", "2025-04-01", "2026-03-31"])),
            household_id=draw(st.none() | st.sampled_from(["H1", "H2"])),
            is_professional=draw(maybe_bool)))
    return rows


@st.composite
def trades(draw: st.DrawFn, n: int, customer_ids: list[str]) -> list[dict[str, Any]]:
    """Trades at window edges with tied amounts and dates, nulls in the optional columns."""
    rows = []
    for k in range(n):
        when = AS_OF - timedelta(days=draw(st.sampled_from(DAYS_BACK)))
        extra: dict[str, Any] = {}
        lag = draw(st.none() | st.sampled_from((-1, 0, 1, 7, 8)))
        if lag is not None:
            extra["manager_approval_at"] = f"{when + timedelta(days=lag)}T23:59:59"
            extra["post_trade_contact_at"] = f"{when + timedelta(days=lag)}T00:00:00"
            extra["post_trade_contact_by"] = draw(st.none() | st.sampled_from(["S01", "M01"]))
        solicited_on = draw(st.none() | st.sampled_from((0, 1)))
        rows.append(trade(
            f"T{k:02d}", when.isoformat(), draw(st.sampled_from(customer_ids)),
            draw(st.sampled_from([p["product_id"] for p in PRODUCTS])),
            side=draw(st.sampled_from(["buy", "buy", "sell"])),
            amount_jpy=draw(st.sampled_from([1_000_000.0, 1_000_000.0, 3_000_000.0, 0.5])),  # ties on purpose
            fee_jpy=draw(st.none() | st.sampled_from([0.0, 33_000.0])),
            channel=draw(st.sampled_from(["face_to_face", "phone", "online"])),
            solicited=draw(maybe_bool),
            solicitation_date=None if solicited_on is None else (when - timedelta(days=solicited_on)).isoformat(),
            explanation_recorded=draw(maybe_bool),
            **extra))
    return rows


@st.composite
def worlds(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    """A small world: 2 to 5 customers, 1 to 12 trades among them."""
    people = draw(customers(draw(st.integers(2, 5))))
    deals = draw(trades(draw(st.integers(1, 12)), [c["customer_id"] for c in people]))
    return {"customers": people, "products": PRODUCTS, "trades": deals}


@pytest.fixture(scope="module")
def spark_engine(spark: Any) -> Any:
    from kansa.engine.spark_engine import SparkEngine

    return SparkEngine(spark)


@settings(max_examples=5, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(world=worlds())
def test_generated_edge_cases_give_identical_flags_on_duckdb_and_spark(spark_engine: Any, world: dict) -> None:
    specs = [s for s in load_catalog("conduct") if s.id in RULES]
    duck = DuckDBEngine(duckdb_world(world)).run(specs, as_of=AS_OF)
    for name, table in world_tables(world).items():
        spark_engine.register(name, table)  # the same typed tables, replaced for each example
    assert _comparable(spark_engine.run(specs, as_of=AS_OF)) == _comparable(duck)
