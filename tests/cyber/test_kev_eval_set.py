"""The KEV evaluation set itself (tests/data/kev_inventory) and its scorer: labels exist in the real catalogue,
splits and forms are as documented, nothing is duplicated. No quality bar for the matcher here."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.cyber.kev_eval import (
    CATALOGUE_VERSION,
    FORMS,
    INVENTORY,
    SPLITS,
    UNSCORED_PRODUCTS,
    InventoryRow,
    load_inventory,
    main,
    pair,
    score,
)

README = INVENTORY.parent / "README.md"


@pytest.fixture(scope="module")
def rows() -> list[InventoryRow]:
    return load_inventory()


def test_the_catalogue_is_the_version_the_set_was_labelled_against(catalogue: dict[str, Any]) -> None:
    assert catalogue["catalogVersion"] == CATALOGUE_VERSION
    assert CATALOGUE_VERSION in README.read_text(encoding="utf-8")


def test_every_expected_pair_names_a_product_of_the_real_catalogue(
        rows: list[InventoryRow], catalogue: dict[str, Any]) -> None:
    known = {pair(v["vendorProject"], v["product"]) for v in catalogue["vulnerabilities"]}
    unknown = sorted((r.row_id, p) for r in rows for p in r.expected if p not in known)
    assert unknown == []


def test_no_expected_pair_is_a_name_that_names_nothing(rows: list[InventoryRow]) -> None:
    generic = [(r.row_id, p) for r in rows for p in r.expected if p.split("|", 1)[1] in UNSCORED_PRODUCTS]
    assert generic == []


def test_the_set_is_large_enough_and_the_heldout_split_has_at_least_200_rows(rows: list[InventoryRow]) -> None:
    by_split = Counter(r.split for r in rows)
    assert set(by_split) == set(SPLITS)
    assert len(rows) >= 440
    assert by_split["heldout"] >= 200
    assert 0.40 <= by_split["dev"] / len(rows) <= 0.50  # documented: about 45 % dev


def test_every_form_is_documented_and_present_in_both_splits(rows: list[InventoryRow]) -> None:
    assert {r.form for r in rows} == set(FORMS)
    per_split = Counter((r.form, r.split) for r in rows)
    thin = [(form, split) for form in FORMS for split in SPLITS if per_split[(form, split)] < 5]
    assert thin == []


def test_a_family_never_straddles_the_split(rows: list[InventoryRow]) -> None:
    splits_of: dict[str, set[str]] = {}
    for r in rows:
        assert re.fullmatch(r"[a-z0-9-]+-\d{2}", r.row_id), r.row_id
        splits_of.setdefault(r.family, set()).add(r.split)
    assert [f for f, s in splits_of.items() if len(s) > 1] == []


def test_no_row_or_row_id_is_duplicated(rows: list[InventoryRow]) -> None:
    ids = Counter(r.row_id for r in rows)
    same = Counter((r.vendor, r.product, r.version, r.cpe) for r in rows)
    assert [k for k, n in ids.items() if n > 1] == []
    assert [k for k, n in same.items() if n > 1] == []


def test_about_a_third_of_rows_have_no_kev_product_and_negatives_have_none(rows: list[InventoryRow]) -> None:
    empty = sum(not r.expected for r in rows)
    assert 0.25 <= empty / len(rows) <= 0.40
    assert [r.row_id for r in rows if r.form == "negative" and r.expected] == []
    for split in SPLITS:  # every split has rows that must match nothing, and rows that must match
        assert any(not r.expected for r in rows if r.split == split)
        assert any(r.expected for r in rows if r.split == split)


def test_about_a_tenth_of_rows_carry_a_well_formed_cpe(rows: list[InventoryRow]) -> None:
    cpes = [r.cpe for r in rows if r.cpe]
    assert 0.08 <= len(cpes) / len(rows) <= 0.15
    malformed = [c for c in cpes if not re.match(r"cpe:(2\.3:[aoh]:|/[aoh]:)[^:]+:[^:]+", c)]
    assert malformed == []
    assert any(c.startswith("cpe:2.3:") for c in cpes) and any(c.startswith("cpe:/") for c in cpes)


def test_the_readme_table_counts_what_the_csv_holds(rows: list[InventoryRow]) -> None:
    text = README.read_text(encoding="utf-8")
    for form in FORMS:
        found = re.search(rf"^\| {form} \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|$", text, re.M)
        assert found, form
        mine = [r for r in rows if r.form == form]
        actual = (sum(r.split == "dev" for r in mine), sum(r.split == "heldout" for r in mine), len(mine),
                  sum(not r.expected for r in mine), sum(len(r.expected) for r in mine))
        assert tuple(int(g) for g in found.groups()) == actual, form


def test_a_split_can_be_loaded_alone_and_an_unknown_split_is_refused(rows: list[InventoryRow]) -> None:
    dev = load_inventory(split="dev")
    assert dev and {r.split for r in dev} == {"dev"}
    assert len(dev) + len(load_inventory(split="heldout")) == len(rows)
    with pytest.raises(ValueError, match="unknown split"):
        load_inventory(split="test")


def test_the_inventory_is_utf8_with_japanese_names_intact(rows: list[InventoryRow]) -> None:
    names = {r.product for r in rows}
    assert "インターネット インフォメーション サービス" in names
    assert "ｳｲﾙｽﾊﾞｽﾀｰ Corp." in names
    assert "Ｃｈｒｏｍｅ" in names


# --- the scorer ---------------------------------------------------------------------------------------------


def _oracle(rows: list[InventoryRow]) -> Any:
    """A matcher that returns exactly the labels (plus what `extra` adds), to test the counting."""
    def match(software: list[dict[str, Any]], extra: dict[str, list[str]] | None = None) -> list[dict[str, str]]:
        by_id = {r.row_id: r for r in rows}
        out = []
        for s in software:
            pairs = sorted(by_id[s["asset_id"]].expected) + (extra or {}).get(s["asset_id"], [])
            out += [{"asset_id": s["asset_id"], "kev_vendor": p.split("|")[0], "kev_product": p.split("|")[1]}
                    for p in pairs]
        return out
    return match


def test_a_matcher_that_returns_the_labels_scores_one(rows: list[InventoryRow]) -> None:
    result = score(rows, _oracle(rows))
    assert result.overall.precision == result.overall.recall == 1.0
    assert result.overall.rows_fully_right == len(rows)
    assert result.misses == result.false_matches == []
    assert sum(c.rows for c in result.by_form.values()) == len(rows)


def test_a_matcher_that_finds_nothing_has_no_recall_and_is_right_only_on_empty_rows(
        rows: list[InventoryRow]) -> None:
    result = score(rows, lambda software: [])
    assert result.overall.recall == 0.0 and result.overall.precision is None
    assert result.overall.rows_fully_right == sum(not r.expected for r in rows)
    assert len(result.misses) == sum(len(r.expected) for r in rows)


def test_false_matches_lower_precision_and_multiple_products_is_left_unscored(rows: list[InventoryRow]) -> None:
    negative = next(r for r in rows if r.form == "negative")
    positive = next(r for r in rows if r.expected)
    oracle = _oracle(rows)
    extra = {negative.row_id: ["Fortinet|Multiple Products ", "Microsoft|Windows"],
             positive.row_id: ["Apple|Multiple Products"]}
    result = score(rows, lambda software: oracle(software, extra))
    assert [(r.row_id, p) for r, p in result.false_matches] == [(negative.row_id, "Microsoft|Windows")]
    assert sorted(p for _, p in result.unscored) == ["Apple|Multiple Products", "Fortinet|Multiple Products"]
    assert result.overall.found == result.overall.right + 1
    assert result.by_form["negative"].precision == 0.0
    assert result.overall.rows_fully_right == len(rows) - 1


def test_a_match_for_an_unknown_row_is_an_error(rows: list[InventoryRow]) -> None:
    with pytest.raises(ValueError, match="unknown row"):
        score(rows[:3], lambda software: [{"asset_id": "nope", "kev_vendor": "Git", "kev_product": "Git"}])


def test_the_script_prints_a_table_for_the_dev_split_with_kansas_matcher(
        shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kev = shared_data / "cisa_kev" / "known_exploited_vulnerabilities.json"
    assert main(["--split", "dev", "--kev", str(kev)]) == 0
    out = capsys.readouterr().out
    assert "split=dev" in out
    dev_rows = len(load_inventory(split="dev"))
    assert re.search(rf"^ALL\s+{dev_rows}\s", out, re.M), out
    for form in FORMS:
        assert re.search(rf"^{form}\s+\d+", out, re.M), form
