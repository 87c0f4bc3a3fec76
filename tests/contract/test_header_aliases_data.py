"""headers.yaml is data people extend: every entry must be reachable and point at a real contract name."""

from __future__ import annotations

from kansa.contract.headers import _BY_TABLE, _COMMON, TABLE_ALIASES, normalize_header, resolve_header, table_for_name
from kansa.contract.schema import TABLES


def test_every_table_alias_names_a_contract_table_and_is_found() -> None:
    for alias, table in TABLE_ALIASES.items():
        assert table in TABLES, alias
        assert table_for_name(alias) == table, alias


def test_every_header_alias_is_folded_and_points_at_a_column_of_its_tables() -> None:
    for alias, column in _COMMON.items():
        assert normalize_header(alias) == alias, f"{alias!r} would never match: write it folded"
        owners = [t for t in TABLES.values() if column in t.names]
        assert owners, f"{alias} -> {column}: no table has that column"
        assert resolve_header(owners[0].name, alias) == column
    for table, aliases in _BY_TABLE.items():
        for alias, column in aliases.items():
            assert normalize_header(alias) == alias, f"{alias!r} would never match: write it folded"
            assert column in TABLES[table].names, f"{table}: {alias} -> {column}"
            assert resolve_header(table, alias) == column


def test_a_header_not_in_the_file_is_not_guessed() -> None:
    assert resolve_header("customers", "好きな食べ物") is None
