"""How much a sentence only restates a principle: the share of its content words found in the item's text."""

from __future__ import annotations

import re
from functools import lru_cache

from kansa.fd.normalise import nfkc
from kansa.fd.principles import Item, Principles
from kansa.fd.tokens import content_words

# A sentence at or above this share of principle words, with no concreteness signal, restates (tuned on the
# dev firms of the synthetic corpus only; see tests/fd/test_quality_heldout.py for the held-out figures).
RESTATE_THRESHOLD = 0.3
_NA = re.compile(r"対象外|該当(しない|しません|いたしません|せず|なし|する(もの|事項)?はありません)|適用外|"
                 r"(実施|採択|対応)(しない|しません|いたしません|しておりません|していません)")
_REASON = re.compile(r"(ため|ので|ことから|により|によって|から、|ておらず|ず、)")
_ALTERNATIVE = re.compile(r"なお|ただし|代わりに|代替|今後|場合(に)?は|際は|としては|に代えて|予定")


@lru_cache(maxsize=256)
def _reference_words(item: Item, family: tuple[Item, ...]) -> frozenset[str]:
    words = set(content_words(item.reference_text()))
    for other in family:
        words |= set(content_words(other.reference_text()))
    return frozenset(words)


def reference_words(item: Item, principles: Principles) -> frozenset[str]:
    """The words of the item's text, with its principle's body (notes restate the body's words too)."""
    body = tuple(i for i in principles.of_principle(item.principle) if not i.note and i.id != item.id)
    return _reference_words(item, body)


def overlap(sentence: str, items: tuple[str, ...], principles: Principles) -> float:
    """The largest share of the sentence's content words found in one of its items' texts (0 when none)."""
    words = content_words(sentence)
    if not words or not items:
        return 0.0
    best = 0.0
    for item_id in items:
        ref = reference_words(principles.by_id[item_id], principles)
        best = max(best, sum(1 for w in words if w in ref) / len(words))
    return round(best, 3)


def not_applicable(sentence: str) -> tuple[bool, bool, bool]:
    """(declares the item not applicable, gives a reason, gives an alternative)."""
    text = nfkc(sentence)
    m = _NA.search(text)
    if not m:
        return False, False, False
    return True, bool(_REASON.search(text)), bool(_ALTERNATIVE.search(text))


_FOLLOWS = re.compile(r"^(なお|ただし|但し|代わりに|今後|その代わり|一方|[^、。]{1,15}としては)")


def follows_declaration(sentence: str) -> bool:
    """A sentence that continues a not-applicable declaration with its alternative (なお、… / 今後…)."""
    return bool(_FOLLOWS.match(nfkc(sentence)))
