"""The second fresh held-out KEV set (tests/data/kev_inventory/fresh2_heldout.csv): the set is what its README
says, and the matcher does not fall below the figure measured once on it (issue 16 part 1).

The set was written and committed (04f18dc) before the matcher was changed and scored once, at the end
(commit fa2a072): precision 0.951, recall 0.707. The floors below are those figures minus a small margin, so a
regression fails; they are not targets (the issue's target, recall 0.90, is not reached on this set).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.cyber.kev_eval import INVENTORY, InventoryRow, kansa_matcher, load_inventory, pair, score

FRESH2 = INVENTORY.parent / "fresh2_heldout.csv"
EARLIER = (INVENTORY, INVENTORY.parent / "fresh_heldout.csv")
README = INVENTORY.parent / "README.md"
MEASURED_PRECISION, MEASURED_RECALL, MARGIN = 0.951, 0.707, 0.02


@pytest.fixture(scope="module")
def rows() -> list[InventoryRow]:
    return load_inventory(FRESH2)


def test_the_set_has_at_least_200_held_out_rows_in_the_documented_forms(rows: list[InventoryRow]) -> None:
    assert len(rows) >= 200 and {r.split for r in rows} == {"heldout"}
    forms = Counter(r.form for r in rows)
    assert forms["negative"] >= 20 and forms["appliance_model"] >= 20 and forms["linux_pkg"] >= 20
    text = README.read_text(encoding="utf-8")
    for form, n in forms.items():
        found = re.search(rf"^\| {form} \| (\d+) \| (\d+) \| (\d+) \|$", text, re.M)
        assert found, form
        mine = [r for r in rows if r.form == form]
        assert (int(found[1]), int(found[2]), int(found[3])) == (
            n, sum(not r.expected for r in mine), sum(len(r.expected) for r in mine)), form


def test_every_label_is_spelled_as_the_catalogue_spells_it(rows: list[InventoryRow],
                                                            catalogue: dict[str, Any]) -> None:
    known = {pair(v["vendorProject"], v["product"]) for v in catalogue["vulnerabilities"]}
    assert [(r.row_id, p) for r in rows for p in r.expected if p not in known] == []


def test_no_row_repeats_a_row_of_the_earlier_sets_and_ids_are_unique(rows: list[InventoryRow]) -> None:
    earlier = {(r.vendor, r.product) for path in EARLIER for r in load_inventory(path)}
    assert [r.row_id for r in rows if (r.vendor, r.product) in earlier] == []
    assert [k for k, n in Counter(r.row_id for r in rows).items() if n > 1] == []


def test_most_rows_with_a_kev_product_name_products_no_earlier_row_expects(rows: list[InventoryRow]) -> None:
    earlier = {p for path in EARLIER for r in load_inventory(path) for p in r.expected}
    with_kev = [r for r in rows if r.expected]
    new = [r for r in with_kev if not r.expected & earlier]
    assert len(new) / len(with_kev) >= 0.6


def test_the_matcher_stays_above_the_figure_measured_once_on_the_fresh_set(shared_data: Path,
                                                                         rows: list[InventoryRow]) -> None:
    result = score(rows, kansa_matcher(shared_data / "cisa_kev" / "known_exploited_vulnerabilities.json"))
    overall = result.overall
    assert overall.precision is not None and overall.recall is not None
    assert overall.precision >= MEASURED_PRECISION - MARGIN, result.false_matches
    assert overall.recall >= MEASURED_RECALL - MARGIN, len(result.misses)
    assert result.by_form["negative"].found <= 5, result.false_matches  # near misses mostly stay silent
