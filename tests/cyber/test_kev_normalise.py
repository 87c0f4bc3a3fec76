"""Property tests of the KEV normaliser and matcher: idempotent, never raises, width-insensitive."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from kansa.cyber.kev import vendor_keys
from kansa.cyber.kev_aliases import key, load_aliases, normalise, vendor_core
from kansa.cyber.kev_match import clean_product, match_row

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
ASCII_WORD = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=30)
KATAKANA = st.text(st.characters(min_codepoint=0x30A1, max_codepoint=0x30F4), min_size=1, max_size=12)
DATA = load_aliases()


def _full_width(text: str) -> str:
    """ASCII printable characters as their full-width forms (U+FF01..U+FF5E)."""
    return "".join(chr(ord(c) + 0xFEE0) if 0x21 <= ord(c) <= 0x7E else c for c in text)


def _half_width_katakana(text: str) -> str:
    """Full-width katakana as half-width (the reverse of NFKC), via the Unicode decomposition names."""
    table = {unicodedata.normalize("NFKC", chr(cp)): chr(cp) for cp in range(0xFF66, 0xFF9E)}
    out = []
    for ch in text:
        base = unicodedata.normalize("NFD", ch)
        if base[0] in table:
            out.append(table[base[0]] + ("ﾞ" if "\u3099" in base else "ﾟ" if "\u309a" in base else ""))
        else:
            out.append(ch)
    return "".join(out)


@given(TEXT)
def test_normalise_is_idempotent_and_never_raises(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert key(key(text)) == key(text)


@given(TEXT)
def test_vendor_and_product_normalisers_never_raise(text: str) -> None:
    assert isinstance(vendor_keys(text), frozenset)
    assert isinstance(vendor_core(text), str)
    assert isinstance(clean_product(text, DATA), str)


@given(ASCII_WORD)
def test_full_width_ascii_normalises_like_ascii(text: str) -> None:
    assert normalise(_full_width(text)) == normalise(text)
    assert vendor_keys(_full_width(text)) == vendor_keys(text)


@given(KATAKANA)
def test_half_width_katakana_normalises_like_full_width(text: str) -> None:
    assert normalise(_half_width_katakana(text)) == normalise(text)


@given(st.sampled_from(["™", "®", "(TM)", "(R)", "©"]), ASCII_WORD)
def test_trademark_signs_do_not_change_the_name(sign: str, word: str) -> None:
    assert normalise(f"{word}{sign}") == normalise(word).strip() or sign.lower() in word.lower()


@settings(max_examples=60, deadline=None)
@given(TEXT, TEXT, st.one_of(st.none(), TEXT, st.just("cpe:2.3:a:x:y:1:*:*:*:*:*:*:*")))
def test_matching_an_arbitrary_row_never_raises(vendor: str, product: str, cpe: str | None) -> None:
    row = match_row(vendor, product, cpe, {}, DATA)
    assert row.accepted == [] and row.method in ("cpe", "vendor_product")
