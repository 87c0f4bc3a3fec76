"""Concreteness signals and the restatement share of a sentence."""

from __future__ import annotations

import pytest

from kansa.fd.concrete import signals
from kansa.fd.principles import default_principles
from kansa.fd.restate import RESTATE_THRESHOLD, not_applicable, overlap


@pytest.mark.parametrize("sentence", [
    "2025年度末までに積立投資信託の契約件数を12,000件とすることを目標とします。",
    "令和６年４月から、提案書に推奨理由を記載します。",                       # era date, full-width digits
    "「みどりライフナビ」を全店に導入します。",                             # a named tool
    "お客さま本位推進委員会が四半期ごとに検証します。",                     # a named body and a schedule
    "重要情報シートを交付し、交付の記録を全件保存します。",                 # two weak signals
])
def test_it_finds_what_makes_a_sentence_concrete(sentence: str) -> None:
    assert signals(sentence).concrete


@pytest.mark.parametrize("sentence", [
    "当行は、「顧客本位の業務運営に関する原則」を採択し、方針を公表いたします。",   # a quoted principle is no product
    "パッケージ商品を取り扱っていないため、原則5（注2）は対象外です。",            # principle numbers are no figures
    "お客さまの最善の利益を追求し、研修その他の体制を整備します。",                # one weak signal only
    "お客さまのニーズを的確に把握し、ふさわしい商品をご提案いたします。",
])
def test_near_misses_are_not_concrete(sentence: str) -> None:
    assert not signals(sentence).concrete


def test_a_restating_sentence_shares_most_words_with_its_item_and_a_concrete_one_few() -> None:
    p = default_principles()
    restating = "お客様の最善の利益を追求し、誠実かつ公正に業務を行い、これを企業文化として定着させます。"
    concrete = "2024年度から全営業店に推進リーダーを2名配置し、FD推進会議が四半期ごとに検証します。"
    assert overlap(restating, ("P2",), p) >= 0.6 > RESTATE_THRESHOLD
    assert overlap(concrete, ("P2",), p) < RESTATE_THRESHOLD


def test_synonyms_fold_before_comparing() -> None:
    p = default_principles()
    a = overlap("当金庫は、お客さまの最善の利益を追求します。", ("P2",), p)
    b = overlap("当社は、顧客の最善の利益を追求します。", ("P2",), p)
    assert a == b > 0.5


def test_a_declaration_needs_a_reason_to_count() -> None:
    assert not_applicable("パッケージ商品を取り扱っていないため、本項目は対象外です。") == (True, True, False)
    assert not_applicable("原則5（注2）は該当しません。") == (True, False, False)
    assert not_applicable("商品の組成を行っておらず、該当しません。今後取り扱う場合は整備します。")[1:] == (True, True)
    assert not_applicable("仕組債の販売を停止しました。") == (False, False, False)


def test_text_longer_than_the_analyser_takes_is_cut_into_pieces() -> None:
    from kansa.fd.tokens import content_words

    words = content_words("お客さまの最善の利益を追求します。" * 6000)   # 102,000 characters
    assert words.count("最善") == 6000 and words.count("顧客") == 6000
