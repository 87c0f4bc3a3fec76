"""Bilingual text helpers: Japanese first, English too."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

Lang = Literal["ja", "en"]
LANGS: tuple[Lang, ...] = ("ja", "en")


def pick(text: Mapping[str, str] | str | None, lang: Lang) -> str:
    """Return the text in `lang` from a {ja, en} mapping, falling back to the other language."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    return text.get(lang) or text.get("ja") or text.get("en") or ""


def check_lang(value: str) -> Lang:
    """Validate a --lang option value."""
    if value not in LANGS:
        raise ValueError(f"--lang must be ja or en, not {value!r}")
    return value
