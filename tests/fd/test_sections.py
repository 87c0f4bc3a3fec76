"""Sections of a policy: numbering styles, principle references in headings, sentences."""

from __future__ import annotations

import pytest

from kansa.fd.readers import TextBlock
from kansa.fd.sections import item_refs, sectionise, split_sentences


@pytest.mark.parametrize(("text", "refs"), [
    ("【原則2、原則2（注）】", ["P2", "P2-N"]),
    ("原則５（注１）", ["P5-N1"]),
    ("原則6（注1～5）", ["P6-N1", "P6-N2", "P6-N3", "P6-N4", "P6-N5"]),
    ("原則3本文", ["P3"]),
    ("原則4", ["P4*"]),          # a bare principle: the whole of it
    ("方針と原則の関係", []),
])
def test_it_reads_principle_references(text: str, refs: list[str]) -> None:
    assert item_refs(text) == refs


def test_a_bracketed_full_stop_does_not_end_a_sentence() -> None:
    text = "「説明が分かりやすかった。」と回答した割合を目標とします。次の文です。見出しのような末尾"
    assert split_sentences(text) == ["「説明が分かりやすかった。」と回答した割合を目標とします。", "次の文です。",
                                     "見出しのような末尾"]


@pytest.mark.parametrize("labels", [("1.", "(1)"), ("方針1", "①"), ("第一", "1."), ("■", "①")])
def test_it_nests_numbered_headings_of_any_style(labels: tuple[str, str]) -> None:
    top, sub = labels
    second_top = top.replace("1", "2").replace("一", "二") if top != "■" else "■"
    blocks = [TextBlock("line", "顧客本位の業務運営に関する取組方針"), TextBlock("line", "あさひ信用金庫"),
              TextBlock("line", f"{top} お客さまの最善の利益の追求"),
              TextBlock("line", f"{sub}基本的な考え方"), TextBlock("line", "当金庫は誠実に業務を行います。"),
              TextBlock("line", f"{sub.replace('1', '2').replace('①', '②')}経営戦略との関係"),
              TextBlock("line", "預り資産残高を重視します。"),
              TextBlock("line", f"{second_top} 利益相反の適切な管理"), TextBlock("line", "利益相反を管理します。")]
    title, sections = sectionise(blocks)
    assert title == "顧客本位の業務運営に関する取組方針"
    assert [(s.path, s.heading) for s in sections] == [
        (("お客さまの最善の利益の追求",), "基本的な考え方"), (("お客さまの最善の利益の追求",), "経営戦略との関係"),
        ((), "利益相反の適切な管理")]


def test_a_kpi_line_without_a_full_stop_is_no_heading() -> None:
    blocks = [TextBlock("line", "1. 手数料等の明確化"), TextBlock("line", "手数料を明示します。"),
              TextBlock("line", "【KPI】投資信託預り残高上位20銘柄の平均コスト：2025年度目標 1.2%以下"),
              TextBlock("line", "2. 重要な情報の分かりやすい提供"), TextBlock("line", "丁寧に説明します。")]
    _title, sections = sectionise(blocks)
    assert [s.heading for s in sections] == ["手数料等の明確化", "重要な情報の分かりやすい提供"]
    assert sections[0].sentences[-1].text.startswith("【KPI】")
