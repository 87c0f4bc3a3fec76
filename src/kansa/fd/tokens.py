"""Content words of Japanese text (SudachiPy, its core dictionary installed as a wheel: nothing downloaded)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from kansa.fd.normalise import SYNONYMS, fold

CONTENT_POS = ("名詞", "動詞", "形容詞", "形状詞")
# Words every policy uses whatever it says: they carry no sign of restating or of saying something.
STOPWORDS = frozenset({
    "する", "為る", "ある", "有る", "居る", "いる", "成る", "なる", "こと", "事", "もの", "物", "ため", "為",
    "等", "よう",
    "様", "おる", "下さる", "致す", "いたす", "できる", "出来る", "上", "中", "際", "場合", "これ", "それ", "方", "的",
    "化", "性", "行う", "図る", "努める", "参る", "まいる", "つく", "よる", "因る", "おく", "置く", "向ける",
})
_FOLD_WORDS = {v: w for w, vs in SYNONYMS for v in vs}
MAX_CHARS = 8_000   # at most 4 bytes a character in UTF-8: well under Sudachi's limit


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    """One Sudachi tokenizer per process (loading the dictionary takes 0.1 s)."""
    from sudachipy import Dictionary  # loaded on first use: fd only, 0.1 s + dictionary

    return Dictionary(dict="core").create()


def _mode() -> Any:
    from sudachipy import SplitMode  # with the tokenizer: fd only

    return SplitMode.B  # middle units: 金融/商品 apart, 重要情報シート kept as words a reader sees


def content_words(text: str) -> list[str]:
    """Nouns, verbs and adjectives as normalised forms, synonyms folded, numbers and stopwords left out."""
    out: list[str] = []
    tok = _tokenizer()
    folded = fold(text)
    # Sudachi refuses inputs over about 49 KB: long text goes in pieces cut at a full stop or a line
    pieces = [folded] if len(folded) <= MAX_CHARS else _pieces(folded)
    for m in (m for piece in pieces for m in tok.tokenize(piece, _mode())):
        pos = m.part_of_speech()
        if pos[0] not in CONTENT_POS or pos[1] == "数詞" or (pos[1] == "非自立可能" and pos[0] == "名詞"):
            continue
        word = _FOLD_WORDS.get(m.normalized_form(), m.normalized_form())
        word = _FOLD_WORDS.get(m.surface(), word)
        if word in STOPWORDS or word.isdigit() or (len(word) == 1 and not _is_kanji(word)):
            continue
        out.append(word)
    return out


def _is_kanji(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _pieces(text: str) -> list[str]:
    """Text cut into pieces of at most MAX_CHARS, at a full stop or line end where there is one."""
    out = []
    while len(text) > MAX_CHARS:
        cut = max(text.rfind("。", 0, MAX_CHARS), text.rfind("\n", 0, MAX_CHARS)) + 1 or MAX_CHARS
        out.append(text[:cut])
        text = text[cut:]
    return [*out, text] if text else out
