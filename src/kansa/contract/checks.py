"""Checks across tables (foreign keys) and the warnings that do not block a load."""

from __future__ import annotations

from datetime import date

import duckdb
import pyarrow as pa

from kansa.contract.issues import Issue, make_issue, row_issues
from kansa.contract.schema import TableSchema
from kansa.contract.validate import q, raw_col, work_table
from kansa.i18n import Lang
from kansa.jpdate import public_holidays


def check_foreign_keys(
    con: duckdb.DuckDBPyConnection,
    spec: TableSchema,
    present: set[str],
    loaded: set[str],
    lang: Lang,
) -> list[Issue]:
    """Every non-empty FK value must exist in the referred table (which must be in the batch)."""
    issues: list[Issue] = []
    for col in spec.foreign_keys:
        if col.name not in present or col.fk is None:
            continue
        target, target_col = col.fk.split(".")
        if target not in loaded:
            continue  # the loader reports the absent table once, with the file or workbook to fix
        w, t = work_table(spec.name), work_table(target)
        rows = con.execute(
            f"SELECT c._row, c.{q(col.name)} FROM {w} c ANTI JOIN {t} p ON c.{q(col.name)} = p.{q(target_col)} "
            f"WHERE c.{q(col.name)} IS NOT NULL ORDER BY c._row"
        ).fetchall()
        issues += row_issues("dangling_fk", lang, spec.name, col.name, rows, detail=col.fk)
    return issues


def fk_in_use(con: duckdb.DuckDBPyConnection, spec: TableSchema, column: str) -> bool:
    """True when the column holds at least one value (an empty optional FK needs no target table)."""
    w = work_table(spec.name)
    # fetchall, not fetchone: DuckDB 2 keeps a half-read result open and refuses the next relation on the connection
    return con.execute(f"SELECT count(*) FROM {w} WHERE {q(column)} IS NOT NULL").fetchall() != [(0,)]


def _market_closed(d: date, lang: Lang) -> str | None:
    """Why the market was closed on `d` (weekend, public holiday, 12/31-1/3), or None on a business day."""
    ja = lang == "ja"
    if d.weekday() >= 5:
        return ("土曜" if ja else "Saturday") if d.weekday() == 5 else ("日曜" if ja else "Sunday")
    name = public_holidays(d.year).get(d)
    if name is not None:
        return name if ja else f"public holiday {name}"
    if (d.month, d.day) in ((12, 31), (1, 1), (1, 2), (1, 3)):
        return "年末年始" if ja else "year-end holidays"
    return None


def warn(
    con: duckdb.DuckDBPyConnection, spec: TableSchema, present: set[str], lang: Lang, today: date | None = None
) -> list[Issue]:
    """Suspicious but legal values: very old or future birth dates, trades on closed days, inverted periods."""
    today = today or date.today()
    w = work_table(spec.name)
    issues: list[Issue] = []
    name = spec.name

    def rows(sql: str, params: list[object] | None = None) -> list[tuple[int, str]]:
        return con.execute(sql, params or []).fetchall()

    if name == "customers" and "birth_date" in present:
        limit = date(today.year - 110, today.month, min(today.day, 28))
        col = spec.column("birth_date")
        for r, v in rows(f"SELECT _row, {raw_col(col)} FROM {w} WHERE birth_date <= ? ORDER BY _row", [limit]):
            issues.append(make_issue("old_birth_date", lang, name, r, "birth_date", v))
        for r, v in rows(f"SELECT _row, {raw_col(col)} FROM {w} WHERE birth_date > ? ORDER BY _row", [today]):
            issues.append(make_issue("future_date", lang, name, r, "birth_date", v))
    if name == "trades" and "trade_date" in present:
        days = [
            d for (d,) in con.execute(f"SELECT DISTINCT trade_date FROM {w} WHERE trade_date IS NOT NULL").fetchall()
        ]
        closed = {d: why for d in days if (why := _market_closed(d, lang))}
        if closed:
            col = spec.column("trade_date")
            con.register("_closed", pa.table({"d": pa.array(list(closed), pa.date32())}))
            found = con.execute(
                f"SELECT _row, trade_date, {raw_col(col)} FROM {w} JOIN _closed ON trade_date = d ORDER BY _row"
            ).fetchall()
            for r, d, v in found:
                issues.append(make_issue("trade_on_holiday", lang, name, r, "trade_date", v, detail=closed[d]))
            con.unregister("_closed")
        if "solicitation_date" in present:
            issues += _inverted(con, spec, "solicitation_date", "trade_date", lang, later_is_bad=True)
        if "fee_jpy" in present and "amount_jpy" in present:
            # A negative amount is already an error; a fee above it says nothing more.
            for r, v in rows(
                f"SELECT _row, {raw_col(spec.column('fee_jpy'))} FROM {w} "
                "WHERE fee_jpy > amount_jpy AND amount_jpy >= 0 ORDER BY _row"
            ):
                issues.append(make_issue("fee_exceeds_amount", lang, name, r, "fee_jpy", v))
    for start, end in (
        ("inception_date", "maturity_date"),
        ("received_date", "closed_date"),
        ("window_start", "window_end"),
        ("period_start", "period_end"),
        ("detected_at", "closed_at"),
    ):
        if start in present and end in present:
            issues += _inverted(con, spec, end, start, lang, later_is_bad=False)
    return issues


def _inverted(
    con: duckdb.DuckDBPyConnection, spec: TableSchema, column: str, other: str, lang: Lang, later_is_bad: bool
) -> list[Issue]:
    op = ">" if later_is_bad else "<"
    w = work_table(spec.name)
    col = spec.column(column)
    found = con.execute(
        f"SELECT _row, {raw_col(col)} FROM {w} WHERE {q(column)} {op} {q(other)} ORDER BY _row"
    ).fetchall()
    return [make_issue("inverted_period", lang, spec.name, r, column, v, detail=other) for r, v in found]
