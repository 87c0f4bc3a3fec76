"""Turn chunk arrays into contract tables (ids, dates and timestamps as Arrow types)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kansa.synth.background import CHANNELS, Customers, Trades
from kansa.synth.catalog import PRODUCTS
from kansa.synth.institution import EXP, PURPOSE, Frame
from kansa.synth.writer import build_table


def ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """`prefix` + zero-padded numbers, built in Arrow (fast for millions)."""
    text = pc.utf8_lpad(pc.cast(pa.array(numbers, pa.int64()), pa.string()), width=width, padding="0")
    return pc.binary_join_element_wise(pa.scalar(prefix), text, "")


def opt_date(days: np.ndarray, nullable: bool = True) -> pa.Array:
    """Day numbers to date32, -1 as null (birth dates before 1970 are negative: pass nullable=False)."""
    return pa.array(days.astype(np.int32), pa.date32(), mask=(days == -1) if nullable else None)


def opt_ts(us: np.ndarray) -> pa.Array:
    """Microseconds to timestamp[us], -1 as null."""
    return pa.array(us.astype(np.int64), pa.timestamp("us"), mask=us < 0)


def opt_bool(v: np.ndarray) -> pa.Array:
    """1/0/-1 to true/false/null."""
    return pa.array(v == 1, pa.bool_(), mask=v < 0)


def pick(values: list[str], idx: np.ndarray) -> pa.Array:
    """Strings by index, -1 as null."""
    return pc.take(pa.array(values, pa.string()), pa.array(idx.astype(np.int64), pa.int64(), mask=idx < 0))


def customer_ids(numbers: np.ndarray) -> pa.Array:
    """Customer ids C0000001 ..."""
    return ids("C", numbers, 7)


def customers_table(frame: Frame, c: Customers) -> pa.Table:
    """The customers table of a chunk."""
    return build_table("customers", {
        "customer_id": customer_ids(c.number), "household_id": ids("H", c.household, 7),
        "birth_date": opt_date(c.birth, nullable=False),
        "branch_id": pick([frame.branch_id(b) for b in range(len(frame.branch_names))], c.branch),
        "investment_experience": pick(list(EXP), c.experience), "risk_tolerance": pa.array(c.tolerance, pa.int64()),
        "investment_purpose": pick(list(PURPOSE), c.purpose), "financial_assets_jpy": pa.array(c.assets, pa.int64()),
        "annual_income_jpy": pa.array(c.income, pa.int64()), "cognitive_check_date": opt_date(c.cognitive),
        "is_professional": pa.array(c.professional, pa.bool_()), "opened_on": opt_date(c.opened, nullable=False),
    })


def trades_table(frame: Frame, c: Customers, tr: Trades, first_trade: int) -> pa.Table:
    """The trades table of a chunk; trade ids follow `first_trade`."""
    n = len(tr.cust)
    staff = list(frame.staff_ids)
    return build_table("trades", {
        "trade_id": ids("T", np.arange(first_trade, first_trade + n), 9),
        "trade_date": opt_date(tr.date), "customer_id": customer_ids(c.number[tr.cust]),
        "product_id": pick(frame.shelf.ids, tr.prod), "side": pa.array(np.where(tr.buy, "buy", "sell"), pa.string()),
        "amount_jpy": pa.array(tr.amount, pa.float64()), "fee_jpy": pa.array(tr.fee, pa.float64()),
        "branch_id": pick([frame.branch_id(b) for b in range(len(frame.branch_names))], tr.branch),
        "staff_id": pick(staff, tr.staff), "channel": pick(list(CHANNELS), tr.channel),
        "solicited": opt_bool(tr.solicited), "solicitation_date": opt_date(tr.solicitation),
        "switch_group_id": pa.array([f"W{g:06d}" if g >= 0 else None for g in tr.switch_group], pa.string())
        if (tr.switch_group >= 0).any() else pa.nulls(n, pa.string()),
        "manager_approval_at": opt_ts(tr.approval), "post_trade_contact_at": opt_ts(tr.contact),
        "post_trade_contact_by": pick(staff, tr.contact_by), "explanation_recorded": opt_bool(tr.explained),
    })


def positions_table(frame: Frame, c: Customers, pos: dict[str, np.ndarray]) -> pa.Table:
    """The positions table of a chunk."""
    return build_table("positions", {
        "as_of_date": opt_date(pos["as_of"]), "customer_id": customer_ids(c.number[pos["cust"]]),
        "product_id": pick(frame.shelf.ids, pos["prod"]), "market_value_jpy": pa.array(pos["mv"], pa.float64()),
        "cumulative_purchase_jpy": pa.array(pos["buy"], pa.float64()),
        "cumulative_sale_jpy": pa.array(pos["sale"], pa.float64()),
        "cumulative_distribution_jpy": pa.array(pos["dist"], pa.float64()),
    })


def products_table(frame: Frame) -> pa.Table:
    """The product shelf."""
    a = frame.as_of
    return build_table("products", {
        "product_id": [p.code for p in PRODUCTS], "name": [p.display_name(a) for p in PRODUCTS],
        "product_type": [p.product_type for p in PRODUCTS], "risk_class": [p.risk_class for p in PRODUCTS],
        "is_complex": [p.is_complex for p in PRODUCTS], "is_caution_product": [p.is_caution_product for p in PRODUCTS],
        "is_affiliated": [p.is_affiliated for p in PRODUCTS], "currency": [p.currency for p in PRODUCTS],
        "upfront_fee_rate": [p.upfront_fee_rate for p in PRODUCTS],
        "annual_cost_rate": [p.annual_cost_rate for p in PRODUCTS],
        "implied_cost_rate": [p.implied_cost_rate for p in PRODUCTS],
        "inception_date": [p.inception(a) for p in PRODUCTS], "maturity_date": [p.maturity(a) for p in PRODUCTS],
        "knock_in_level": [p.knock_in_level for p in PRODUCTS], "return_5y_annualized": [p.return_5y for p in PRODUCTS],
        "risk_5y_annualized": [p.risk_5y for p in PRODUCTS], "is_money_market": [p.is_money_market for p in PRODUCTS],
    })


def branches_table(frame: Frame) -> pa.Table:
    """Branches."""
    return build_table("branches", {
        "branch_id": [frame.branch_id(b) for b in range(len(frame.branch_names))],
        "name": [n for n, _ in frame.branch_names], "region": [r for _, r in frame.branch_names],
    })


def staff_table(frame: Frame) -> pa.Table:
    """Staff."""
    return build_table("staff", {
        "staff_id": frame.staff_ids, "branch_id": [frame.branch_id(b) for b in frame.staff_branch],
        "role": frame.staff_role, "hired_on": opt_date(np.array(frame.staff_hired)),
    })
