"""The fourth fresh held-out KEV set (tests/data/kev_inventory/fresh4_heldout.csv), written blind: the set is
well formed, and the matcher does not fall below the figure measured once on it (issue 16).

A helper who never read the matcher or its data files wrote and committed the set (a40a5f7) and scored it once
(README, "Fourth fresh held-out set, written blind"): precision 0.999, recall 0.975, 290/299 rows fully right;
on the 193 rows whose names no earlier set uses, 0.998 / 0.965. That is the independent figure for the issue's
check (recall >= 0.90, precision >= 0.95). The floors are the measured figures minus a small margin, so a
regression fails; they are not targets.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.cyber.kev_eval import INVENTORY, InventoryRow, kansa_matcher, load_inventory, pair, score

FRESH4 = INVENTORY.parent / "fresh4_heldout.csv"
EARLIER = tuple(INVENTORY.parent / f for f in ("inventory.csv", "fresh_heldout.csv", "fresh2_heldout.csv",
                                               "fresh3_heldout.csv"))
MEASURED_PRECISION, MEASURED_RECALL, MARGIN = 0.999, 0.975, 0.02


@pytest.fixture(scope="module")
def rows() -> list[InventoryRow]:
    return load_inventory(FRESH4)


def test_the_set_has_200_held_out_rows_with_near_misses(rows: list[InventoryRow]) -> None:
    assert len(rows) >= 200 and {r.split for r in rows} == {"heldout"}
    forms = Counter(r.form for r in rows)
    assert forms["negative"] >= 20 and sum(not r.expected for r in rows) / len(rows) >= 0.15
    assert {"windows_arp", "sccm", "appliance_model", "linux_pkg", "ja_vendor", "renamed_vendor", "sca"} <= set(forms)


def test_every_label_is_spelled_as_the_catalogue_spells_it(catalogue: dict[str, Any], rows: list[InventoryRow]) -> None:
    known = {pair(v["vendorProject"], v["product"]) for v in catalogue["vulnerabilities"]}
    assert [(r.row_id, p) for r in rows for p in r.expected if p not in known] == []


def test_no_row_repeats_an_earlier_row_and_ids_are_unique(rows: list[InventoryRow]) -> None:
    earlier = {(r.vendor, r.product, r.version) for path in EARLIER for r in load_inventory(path)}
    assert [r.row_id for r in rows if (r.vendor, r.product, r.version) in earlier] == []
    assert [k for k, n in Counter(r.row_id for r in rows).items() if n > 1] == []


def test_the_matcher_stays_above_the_blind_figure(shared_data: Path, rows: list[InventoryRow]) -> None:
    result = score(rows, kansa_matcher(shared_data / "cisa_kev" / "known_exploited_vulnerabilities.json"))
    overall = result.overall
    assert overall.precision is not None and overall.recall is not None
    assert overall.precision >= MEASURED_PRECISION - MARGIN, result.false_matches
    assert overall.recall >= MEASURED_RECALL - MARGIN, len(result.misses)
