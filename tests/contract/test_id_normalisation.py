"""Ids as people type them: full-width letters and digits in keys are NFKC-normalised and counted."""

from __future__ import annotations

from pathlib import Path

from kansa.contract.load import load_directory
from tests.conduct.institution import tables, write_csv


def test_full_width_ids_match_their_half_width_keys_and_the_load_report_counts_them(tmp_path: Path) -> None:
    data = tables()
    for t in data["trades"][:3]:
        t["customer_id"] = str(t["customer_id"]).translate(str.maketrans("CH0123456789", "ＣＨ０１２３４５６７８９"))
    data["customers"][0]["branch_id"] = "Ｂ１"
    result = load_directory(write_csv(tmp_path, data), domain="conduct", lang="en")
    assert result.ok, [i.message for i in result.errors]
    assert set(result.tables["trades"].column("customer_id").to_pylist()) == {"C85", "C40", "H1A", "H1B"}
    notes = {(i.table, i.column): i.message for i in result.warnings if i.code == "ids_normalised"}
    assert notes[("trades", "customer_id")] == (
        "customer_id: 3 values with full-width letters or digits normalised (NFKC)")
    assert "1 values" in notes[("customers", "branch_id")]
    assert ("products", "product_id") not in notes


def test_names_and_free_text_are_left_as_written(tmp_path: Path) -> None:
    data = tables()
    data["products"][0]["name"] = "日経平均連動債（Ａ）"
    result = load_directory(write_csv(tmp_path, data), domain="conduct")
    assert result.ok
    assert "日経平均連動債（Ａ）" in result.tables["products"].column("name").to_pylist()
