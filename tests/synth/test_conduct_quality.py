"""A 20,000-customer synthetic institution: the whole conduct catalog meets the review bar per rule, and
the background stays clean (no branch sales spike by accident) while keeping its seasonal peaks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest

from kansa.engine import DuckDBEngine, load_catalog
from kansa.synth.branch_months import MAX_RATIO, cap_factors, worst_ratio
from kansa.synth.conduct import generate_conduct
from kansa.workspace import open_source
from tests.integration.quality import assert_meets_the_bar, measure

AS_OF = dt.date(2026, 3, 31)
CUSTOMERS = 20_000


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bank20k")
    generate_conduct(out, customers=CUSTOMERS, seed=2027, fmt="parquet", background="guarded")
    return out


@pytest.fixture(scope="module")
def con(bank: Path) -> Any:
    """One DuckDB connection over the institution's tables, shared by the tests below."""
    return open_source(bank)


def test_every_rule_meets_recall_and_precision_on_20k_customers(bank: Path, con: Any, tmp_path: Path) -> None:
    flags = DuckDBEngine(con).run(load_catalog("conduct"), as_of=AS_OF)
    pq.write_table(flags, tmp_path / "flags.parquet")
    quality = measure(bank / "answer_key.csv", tmp_path / "flags.parquet")
    assert_meets_the_bar(quality, {r.id for r in load_catalog("conduct")})
    spike = quality["branch_sales_spike"]
    assert spike.flagged == spike.found  # not one background branch among the flags


def _monthly(con: Any) -> np.ndarray:
    """Background buys per branch x product type (rows) and month (columns), through DuckDB."""
    rows = con.execute(f"""
        SELECT t.branch_id || p.product_type AS cell, YEAR(t.trade_date) * 12 + MONTH(t.trade_date) AS m,
               SUM(t.amount_jpy)
        FROM trades t JOIN products p USING (product_id)
        WHERE t.side = 'buy' AND CAST(SUBSTR(t.customer_id, 2) AS INTEGER) <= {CUSTOMERS}
        GROUP BY ALL""").fetchall()
    cells = sorted({r[0] for r in rows})
    first = min(r[1] for r in rows)
    out = np.zeros((len(cells), max(r[1] for r in rows) - first + 1))
    for cell, m, amount in rows:
        out[cells.index(cell), m - first] = float(amount)
    return out


def test_background_months_stay_under_the_cap_and_keep_march_and_september_peaks(con: Any) -> None:
    monthly = _monthly(con)
    # rounding each scaled buy to 1,000 JPY may nudge a month a little past the cap, never near 3x
    assert worst_ratio(monthly) <= MAX_RATIO + 0.1
    total = monthly.sum(axis=0)  # April of the first year is column 0
    march, september = total[11::12], total[5::12]
    quiet = np.median(total)
    assert (march > 1.2 * quiet).all() and (september > 1.1 * quiet).all()


def test_no_background_buy_predates_its_product(con: Any) -> None:
    early = con.execute(f"""
        SELECT COUNT(*) FROM trades t JOIN products p USING (product_id)
        WHERE t.trade_date < p.inception_date AND CAST(SUBSTR(t.customer_id, 2) AS INTEGER) <= {CUSTOMERS}
    """).fetchone()
    assert early == (0,)


def test_the_cap_trims_only_what_would_look_like_a_spike() -> None:
    rng = np.random.default_rng(5)
    season = np.tile([0.9, 0.95, 1.05, 1.0, 0.8, 1.35, 1.0, 0.95, 1.0, 0.85, 0.95, 1.45], 4)
    background = np.vstack([season * 1e7, season * 1e7, rng.uniform(0.8, 1.2, 48) * 1e6])
    background[1, 40] = 4.5e7  # a heavy month at the second cell
    fixed = np.zeros_like(background)
    fixed[2, 30] = 5e6  # planted buys of another rule land on the third cell
    factor = cap_factors(background, fixed)
    total = background * factor + fixed
    assert (factor[0] == 1.0).all()  # the seasonal peaks (1.45x) are left alone
    assert factor[1, 40] < 1.0 and factor[1, :40].min() == 1.0
    assert total[1, 40] == pytest.approx(MAX_RATIO * np.median(total[1, :40]))
    assert factor[2, 30] == 0.0  # the planted buys alone exceed the cap: the background gives way
    assert worst_ratio(total[:2]) <= MAX_RATIO + 1e-9
