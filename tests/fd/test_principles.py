"""The principles' item structure shipped with kansa, and the official text the user supplies."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kansa.fd.messages import FdError
from kansa.fd.principles import load_items, load_principles, parse_principles_text


def test_it_ships_21_items_of_which_19_are_reported() -> None:
    items = load_items()
    assert len(items) == 21
    assert sum(i.report_required for i in items) == 19
    assert {i.principle for i in items if i.report_required} == {2, 3, 4, 5, 6, 7}
    assert all(i.summary_ja and i.summary_en and i.keywords for i in items)


def test_its_structure_matches_the_shared_compilation_but_not_its_wording(shared_data: Path) -> None:
    with (shared_data / "fd" / "principles_items.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    ours = {i.id: i for i in load_items()}
    assert [r["item_id"] for r in rows] == list(ours)
    for r in rows:
        assert ours[r["item_id"]].report_required == (r["report_required_2021"] == "yes")
        if r["text_ja"]:   # the official text is the user's to supply: kansa's summary must not copy it
            assert r["text_ja"] not in ours[r["item_id"]].summary_ja
            assert ours[r["item_id"]].summary_ja[:20] not in r["text_ja"]


def test_it_parses_an_official_text_into_items(tmp_path: Path) -> None:
    text = ("【顧客の最善の利益の追求】\n原則２．金融事業者は、顧客の最善の利益を図るべきである。\n"
            "（注）金融事業者は、安定した顧客基盤を確保すべきである。\n"
            "原則５．重要な情報を分かりやすく提供すべきである。\n（注１）重要な情報には次が含まれる。\n"
            "（注２）パッケージの場合。\n")
    found = parse_principles_text(text)
    assert found["P2"].startswith("金融事業者は、顧客の最善の利益")
    assert "顧客基盤" in found["P2-N"]
    assert set(found) == {"P2", "P2-N", "P5", "P5-N1", "P5-N2"}
    path = tmp_path / "principles.txt"
    path.write_text(text, encoding="utf-8")
    p = load_principles(path)
    assert p.by_id["P2"].official.startswith("金融事業者は")
    assert p.by_id["P2"].reference_text().startswith(p.by_id["P2"].official)
    assert p.by_id["P3"].reference_text().startswith("利益相反")


def test_it_refuses_a_principles_file_without_items(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("これは原則の本文ではありません。\n", encoding="utf-8")
    with pytest.raises(FdError) as err:
        load_principles(path)
    assert err.value.code == "principles_empty"
    assert "notes.txt" in err.value.message("ja")
