"""Text normalisation for comparing policies: NFKC, and the usual synonyms folded to one word."""

from __future__ import annotations

import re
import unicodedata

# Longest first within each group so that お客さま is folded before お客. The folded word is what the
# principle items' keywords and the restatement measure are written in.
SYNONYMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("顧客", ("お客さま", "お客様", "お客さん", "ご顧客", "御客様", "ご利用者", "利用者", "お客")),
    ("当社", ("当金庫", "当組合", "当行", "当庫", "弊社", "弊行", "弊金庫", "わたくしども", "私ども", "私たち",
              "わたしたち", "当グループ")),
    ("商品", ("金融商品", "投資商品", "運用商品")),
    ("従業員", ("役職員", "営業職員", "営業担当者", "販売担当者", "職員", "社員", "行員", "担当者")),
    ("手数料", ("手数料等",)),
    ("分かりやすい", ("わかりやすい", "分り易い", "分かり易い", "わかり易い")),
    ("分かりやすく", ("わかりやすく", "分り易く", "分かり易く", "わかり易く")),
)
_FOLD = re.compile("|".join(re.escape(v) for _w, vs in SYNONYMS for v in sorted(vs, key=len, reverse=True)))
_TO = {v: w for w, vs in SYNONYMS for v in vs}
_SPACES = re.compile(r"[ \t\u3000]+")


def nfkc(text: str) -> str:
    """NFKC (full-width digits and letters to half-width, half-width kana to full-width), spaces squeezed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def fold(text: str) -> str:
    """NFKC and the synonyms folded (お客さま -> 顧客, 当行 -> 当社, 金融商品 -> 商品 ...)."""
    return _FOLD.sub(lambda m: _TO[m.group(0)], nfkc(text))


def compact(text: str) -> str:
    """The folded text without spaces or punctuation, for comparing two versions of a sentence."""
    return re.sub(r"[\s、。,.・「」『』（）()【】\[\]:：;；!！?？\-ー―–—~〜]", "", fold(text))
