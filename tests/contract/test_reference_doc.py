"""docs/contract-reference.md is the schema's own words: regenerated, it must not change."""

from __future__ import annotations

from pathlib import Path

from kansa.contract.reference import markdown
from kansa.contract.schema import TABLES

DOC = Path(__file__).resolve().parents[2] / "docs" / "contract-reference.md"


def test_the_reference_is_up_to_date_with_the_schema() -> None:
    assert DOC.read_text(encoding="utf-8") == markdown(), (
        "regenerate: python -m kansa.contract.reference > docs/contract-reference.md")


def test_every_table_and_column_is_in_the_reference() -> None:
    text = markdown()
    for table in TABLES.values():
        assert f"### `{table.name}`" in text
        for column in table.names:
            assert f"| `{column}` |" in text
