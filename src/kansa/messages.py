"""One message catalogue: every text a user can see is a stable code plus fields, rendered late in ja or en.

The texts live beside the code that raises them, in a `messages.yaml` per package (`kansa/contract/messages.yaml`
...), and are gathered here into one catalogue: a code is unique across all of kansa, every code has a
Japanese and an English text with the same fields, and docs/error-codes.md lists them all (tests hold this).
Nothing is rendered when a problem is found: an issue, a parse error or an exception keeps its code and
fields, and the face that shows it (terminal, web page, CSV) renders it in its reader's language.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, ClassVar

from kansa.i18n import LANGS, Lang
from kansa.yamlio import load_yaml

CATALOGUE_FILE = "messages.yaml"


class CatalogueError(RuntimeError):
    """A messages.yaml that breaks the catalogue's rules (a bug in kansa, found by its tests)."""


def _catalogue_files(root: Traversable, prefix: str = "kansa") -> Iterator[tuple[str, Traversable]]:
    """Every messages.yaml under the kansa package, with the package it belongs to."""
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.is_dir() and not entry.name.startswith(("_", ".")) and entry.name != "templates":
            yield from _catalogue_files(entry, f"{prefix}.{entry.name}")
        elif entry.name == CATALOGUE_FILE:
            yield prefix, entry


def placeholders(template: str) -> set[str]:
    """The field names a template uses ({row}, {value:,.0f} -> row, value)."""
    return {name.split(".")[0].split("[")[0] for _lit, name, _spec, _conv in string.Formatter().parse(template)
            if name}


@dataclass(frozen=True)
class Entry:
    """One catalogue entry: the texts of a code and the package that owns it."""

    code: str
    package: str
    ja: str
    en: str

    def text(self, lang: Lang) -> str:
        """The template in one language."""
        return self.ja if lang == "ja" else self.en


def _check_entry(package: str, code: str, raw: Any) -> Entry:
    if not isinstance(raw, Mapping) or set(raw) != set(LANGS):
        raise CatalogueError(f"{package}: {code}: needs exactly ja and en texts")
    ja, en = str(raw["ja"]).strip(), str(raw["en"]).strip()
    if not ja or not en:
        raise CatalogueError(f"{package}: {code}: empty text")
    if placeholders(ja) != placeholders(en):
        raise CatalogueError(f"{package}: {code}: ja uses {sorted(placeholders(ja))}, en {sorted(placeholders(en))}")
    return Entry(code, package, ja, en)


@functools.cache
def catalogue() -> Mapping[str, Entry]:
    """Every code of every package (read once); a code defined twice is a CatalogueError."""
    entries: dict[str, Entry] = {}
    for package, path in _catalogue_files(resources.files("kansa")):
        data = load_yaml(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, Mapping):
            raise CatalogueError(f"{package}/{CATALOGUE_FILE}: expected code: {{ja, en}} entries")
        for code, raw in data.items():
            if code in entries:
                raise CatalogueError(f"code {code!r} is defined by {entries[code].package} and {package}")
            entries[str(code)] = _check_entry(package, str(code), raw)
    return entries


class _Fields(dict[str, Any]):
    """Format fields where a missing one prints as '?' rather than failing at the user's screen."""

    def __missing__(self, key: str) -> str:
        return "?"


def has_code(code: str) -> bool:
    """Whether the catalogue has `code`."""
    return code in catalogue()


def render(code: str, lang: Lang, fields: Mapping[str, Any] | None = None) -> str:
    """The text of `code` in `lang` with `fields` filled in; an unknown code prints as itself."""
    entry = catalogue().get(code)
    if entry is None:
        return code if not fields else f"{code}: " + ", ".join(f"{k}={v}" for k, v in fields.items())
    try:
        return string.Formatter().vformat(entry.text(lang), (), _Fields(fields or {}))
    except (ValueError, TypeError):  # a field of another type than the template expects: show it plainly
        return entry.text(lang) + " (" + ", ".join(f"{k}={v}" for k, v in (fields or {}).items()) + ")"


@dataclass(frozen=True)
class Message:
    """A code and its fields, rendered only when someone reads it."""

    code: str
    fields: Mapping[str, Any] = field(default_factory=dict)

    def render(self, lang: Lang = "ja") -> str:
        """The message in one language."""
        return render(self.code, lang, self.fields)

    def __call__(self, lang: Lang = "ja") -> str:
        """`error.message(lang)`: the same as render, for callers that read a message like a method."""
        return self.render(lang)


class KansaError(Exception):
    """The root of every error a user can see: a message code, its fields, and the exit status it means.

    Subclasses name the kind of failure; the command line maps each kind to one exit status (README, exit
    codes), the web app to a page. `str(error)` is English for logs; faces call `render(lang)`.
    """

    exit_code: ClassVar[int] = 1

    def __init__(self, code: str, **fields: Any) -> None:
        self.message = Message(code, fields)
        super().__init__(self.render("en"))

    @property
    def code(self) -> str:
        """The stable message code."""
        return self.message.code

    def render(self, lang: Lang = "ja") -> str:
        """The message in one language (subclasses with many problems list them)."""
        return self.message.render(lang)

    def details(self, lang: Lang = "ja") -> list[str]:
        """Further lines to show under the message (one per problem found); none by default."""
        del lang
        return []


class InputError(KansaError):
    """The data given cannot be used: validation errors, unreadable or wrong files. Exit status 1."""

    exit_code = 1


class UsageError(KansaError):
    """The command was asked the wrong way: options that conflict, a path that does not exist. Exit status 2."""

    exit_code = 2


class ConfigError(KansaError):
    """A rule spec, parameter file or framework that is wrong. Exit status 3."""

    exit_code = 3


class OutputError(KansaError):
    """Outputs cannot be written where asked (permissions, disk full, over an input). Exit status 4."""

    exit_code = 4


class PartialError(KansaError):
    """The work finished and wrote its outputs, but some inputs could not be read (they are named). Exit 5."""

    exit_code = 5


EXIT_CODES: tuple[tuple[int, str, str], ...] = (
    (0, "成功", "success"),
    (1, "入力データを使えない（検証エラー、読めないファイル、別の機関の回答票など）",
     "bad input: the data cannot be used (validation errors, unreadable files, another institution's workbook)"),
    (2, "使い方の誤り（オプションの矛盾、存在しないパス）", "usage: options that conflict, a path that does not exist"),
    (3, "設定の誤り（ルール定義、パラメータファイル、フレームワーク）",
     "configuration: a rule spec, parameter file or framework is wrong"),
    (4, "出力を書けない（権限、容量不足、入力への上書き）",
     "output cannot be written (permissions, disk full, over an input)"),
    (5, "完了したが読めない入力があった（レポートに明記）",
     "finished, but some inputs could not be read (named in the outputs)"),
    (70, "内部エラー（不具合。詳細を保存）", "internal error: a bug in kansa (the traceback is saved)"),
    (130, "中断（Ctrl-C）", "interrupted (Ctrl-C)"),
)
