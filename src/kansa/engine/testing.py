"""Small typed worlds for rule tests: contract tables from a few dict rows, in DuckDB or as Parquet."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from kansa.contract.schema import arrow_schema, tables_of
from kansa.engine.duckdb_engine import DuckDBEngine
from kansa.engine.loader import load_catalog
from kansa.i18n import Lang

Rows = Sequence[Mapping[str, Any]]


def typed_table(table: str, rows: Rows) -> pa.Table:
    """A contract table with the contract's types; columns a row leaves out are NULL."""
    schema = arrow_schema(table)
    unknown = {k for r in rows for k in r} - set(schema.names)
    if unknown:
        raise KeyError(f"{table}: no such column(s) {sorted(unknown)}")
    return pa.Table.from_pylist([{f.name: _typed(f.type, r.get(f.name)) for f in schema} for r in rows], schema=schema)


def _typed(kind: pa.DataType, value: Any) -> Any:
    """ISO text for date and datetime columns becomes a date or datetime (shorter test rows)."""
    if isinstance(value, str) and pa.types.is_date(kind):
        return date.fromisoformat(value)
    if isinstance(value, str) and pa.types.is_timestamp(kind):
        return datetime.fromisoformat(value)
    return value


def world_tables(tables: Mapping[str, Rows], domain: str = "conduct") -> dict[str, pa.Table]:
    """Every contract table of `domain`, typed: the given rows, the others empty."""
    contract = tables_of(domain)  # type: ignore[arg-type]
    names = contract + [t for t in tables if t not in contract]
    return {name: typed_table(name, tables.get(name, [])) for name in names}


def duckdb_world(tables: Mapping[str, Rows], domain: str = "conduct") -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one typed table per contract table of `domain`."""
    con = duckdb.connect()
    for name, table in world_tables(tables, domain).items():
        con.register("_src", table)
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _src')
        con.unregister("_src")
    return con


def parquet_world(tables: Mapping[str, Rows], folder: Path, domain: str = "conduct") -> Path:
    """Write every contract table of `domain` as `<folder>/<table>.parquet`; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in world_tables(tables, domain).items():
        pq.write_table(table, folder / f"{name}.parquet")
    return folder


def d(text: str) -> date:
    """A date from ISO text (shorter test rows)."""
    return date.fromisoformat(text)


def dt(text: str) -> datetime:
    """A naive datetime from ISO text."""
    return datetime.fromisoformat(text)


def customer(customer_id: str, birth: str, **kw: Any) -> dict[str, Any]:
    """A customer row with plausible defaults for the required columns."""
    row: dict[str, Any] = {"customer_id": customer_id, "birth_date": d(birth), "branch_id": "B01",
                           "investment_experience": "over_5y", "risk_tolerance": 5, "investment_purpose": "growth",
                           "household_id": customer_id, "is_professional": False}
    row.update(kw)
    return row


def product(product_id: str, product_type: str = "investment_trust", **kw: Any) -> dict[str, Any]:
    """A product row with plausible defaults (a simple, moderate-risk, non-caution product)."""
    row: dict[str, Any] = {"product_id": product_id, "name": product_id, "product_type": product_type,
                           "risk_class": 3, "is_complex": False, "is_caution_product": False, "is_affiliated": False,
                           "currency": "JPY"}
    row.update(kw)
    return row


def trade(trade_id: str, trade_date: str, customer_id: str, product_id: str, **kw: Any) -> dict[str, Any]:
    """A trade row: by default a solicited face-to-face buy of 1,000,000 JPY at branch B01 by S01."""
    row: dict[str, Any] = {"trade_id": trade_id, "trade_date": d(trade_date), "customer_id": customer_id,
                           "product_id": product_id, "side": "buy", "amount_jpy": 1_000_000.0, "fee_jpy": 0.0,
                           "branch_id": "B01", "staff_id": "S01", "channel": "face_to_face", "solicited": True,
                           "explanation_recorded": True}
    row.update(kw)
    return row


def run_rule(rule_id: str, tables: Mapping[str, Rows], as_of: str, params: Mapping[str, Any] | None = None,
             lang: Lang = "ja", domain: str = "conduct") -> pa.Table:
    """Run one catalog rule on DuckDB over a small world, with optional parameter overrides."""

    spec = next(s for s in load_catalog(domain) if s.id == rule_id)
    engine = DuckDBEngine(duckdb_world(tables, domain))
    return engine.run([spec], as_of=d(as_of), params={rule_id: dict(params)} if params else None, lang=lang)


def flagged(flags: pa.Table, rule_id: str | None = None) -> set[str]:
    """The entity ids flagged (by one rule, when given)."""
    rows = flags.to_pylist()
    return {r["entity_id"] for r in rows if rule_id is None or r["rule_id"] == rule_id}
