"""The evaluation date (評価基準日), one policy per pillar: given, else read from the data, else an error."""

from __future__ import annotations

from datetime import date

import duckdb

from kansa.messages import InputError


def _table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchall()[0]
    return bool(row and row[0])


def conduct_as_of(con: duckdb.DuckDBPyConnection, given: date | None = None) -> date:
    """Conduct: the date given, else the latest positions as_of_date (the holdings' own date), else an error."""
    if given is not None:
        return given
    if _table_exists(con, "positions"):
        row = con.execute("SELECT max(as_of_date) FROM positions").fetchall()[0]
        if row and row[0] is not None:
            return row[0]
    raise InputError("as_of_conduct_missing")


def cyber_as_of(con: duckdb.DuckDBPyConnection, given: date | None = None) -> tuple[date, bool]:
    """Cyber: the date given, else the latest register date (never the clock: a rerun must give the same flags).

    Returns the date and whether it was inferred (the report says so). Log times are not used: one host with
    a wrong clock would move every rule's date.
    """
    if given is not None:
        return given, False

    from kansa.cyber.scan import infer_as_of  # the cyber pillar, only for a cyber date

    found = infer_as_of(con)
    if found is None:
        raise InputError("as_of_cyber_missing")
    return found, True
