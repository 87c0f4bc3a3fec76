"""Reviewed alias data for KEV matching (kev_data/aliases.yaml plus an institution's own files) and the
normaliser that both sides of a match go through.

The data says what code should not: which publishers are the same company (renamed, acquired, written as a
Japanese legal entity), which installed names are which KEV products (appliance models and their OS, old and
new product names), which distribution and library packages are which upstream project, and Japanese words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from kansa.messages import InputError

DEFAULT_ALIASES = Path(__file__).with_name("kev_data") / "aliases.yaml"
# The shipped data, split by subject (renames and acquisitions, appliance model lines, Japanese names, library
# coordinates); every file has the shape of aliases.yaml and all of them are read, aliases.yaml first.
SHIPPED_ALIASES = (DEFAULT_ALIASES, *sorted(p for p in DEFAULT_ALIASES.parent.glob("*.yaml") if p != DEFAULT_ALIASES))

# Signs that decorate a name without naming anything; removed BEFORE NFKC (which turns ™ into 'TM').
_SIGNS = re.compile(r"[\u2122\u00ae\u00a9\u2120]")
_SIGN_WORDS = re.compile(r"\((?:tm|r|c)\)")
_SPACES = re.compile(r"\s+")
# Legal-entity forms of Japanese companies, either side of the name, and the Japanese subsidiary's marker.
_JA_LEGAL = re.compile(r"株式会社|有限会社|合同会社|合資会社|合名会社|一般社団法人|\(株\)|\(有\)|\(同\)")
_JA_SUBSIDIARY = re.compile(r"(?:^|\s)(?:japan|ジャパン)(?:\s|$)|ジャパン$|^日本(?=[ァ-ヿ])")
_JA_DOT = re.compile(r"[・･]")
# Dotted legal forms of other countries, which word tokens would split into letters ('JetBrains s.r.o.').
_DOTTED_LEGAL = re.compile(
    r"(?:^|[\s,])(?:s\.r\.o|a\.s|s\.a|s\.p\.a|s\.r\.l|b\.v|n\.v|k\.k|g\.k|y\.k|s\.a\.s|a/s|pty\.? ltd|pvt\.? ltd|"
    r"pte\.? ltd|co\.,? ltd|gmbh (?:&|and) co\.? kg|co\.? kg)\.?(?=$|[\s,])")
_KEY_CHARS = re.compile(r"[^0-9a-z\u3040-\u30ff\u3400-\u9fff]+")


def normalise(text: str | None) -> str:
    """NFKC (full/half width folded), lower case, trademark signs dropped, spaces collapsed; idempotent."""
    return _normalise(text or "")


@lru_cache(maxsize=1 << 16)
def _normalise(text: str) -> str:
    out = _SIGNS.sub(" ", text)
    while True:
        nxt = _SPACES.sub(" ", _SIGN_WORDS.sub(" ", unicodedata.normalize("NFKC", out).lower())).strip()
        if nxt == out:
            return out
        out = nxt


def key(text: str) -> str:
    """A name as a joined key: normalised, legal forms and punctuation out ('Palo Alto, Inc.' -> 'paloaltoinc')."""
    return _KEY_CHARS.sub("", _JA_DOT.sub("", normalise(text)))


# Katakana corporate words ('...ネットワークス', '...ソフトウェア・テクノロジーズ') that name no company on their own.
_JA_CORPORATE = re.compile(r"ネットワークス|システムズ|ソフトウェア|テクノロジーズ|テクノロジー|コーポレーション|"
                           r"インターナショナル|ホールディングス|グループ|ジャパン")


def vendor_variants(vendor: str) -> tuple[str, ...]:
    """The vendor's core name, and without katakana corporate words (F5ネットワークスジャパン -> f5)."""
    core = vendor_core(vendor)
    bare = _JA_CORPORATE.sub("", _JA_DOT.sub("", core)).strip()
    return tuple(dict.fromkeys(v for v in (core, bare) if v))


@lru_cache(maxsize=1 << 14)
def vendor_core(vendor: str) -> str:
    """A vendor name without Japanese legal-entity forms and the Japan-subsidiary marker, normalised."""
    text = normalise(vendor).replace("㈱", " ")
    text = _DOTTED_LEGAL.sub(" ", _JA_LEGAL.sub(" ", text))
    text = _JA_SUBSIDIARY.sub(" ", _SPACES.sub(" ", text).strip())
    return _SPACES.sub(" ", text).strip() or normalise(vendor)


@dataclass(frozen=True)
class ProductRule:
    """An installed product name (regex on the normalised name) that is also the KEV product(s) `names`."""

    vendors: frozenset[str]
    pattern: re.Pattern[str]
    veto: re.Pattern[str] | None
    names: tuple[str, ...]
    block: tuple[str, ...]
    source: str

    def applies(self, vendor_keys: frozenset[str], product: str) -> bool:
        """True when this rule speaks for the row (vendor keys and normalised product)."""
        if self.vendors and not self.vendors & vendor_keys:
            return False
        return bool(self.pattern.search(product)) and not (self.veto and self.veto.search(product))


@dataclass(frozen=True)
class PackageRule:
    """A distribution or library package name (regex, whole name) that ships the upstream KEV product."""

    pattern: re.Pattern[str]
    veto: re.Pattern[str] | None
    only: frozenset[str]
    names: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class AliasData:
    """All reviewed alias data, merged from the shipped file and an institution's files."""

    vendors: Mapping[str, frozenset[str]]
    ja_words: tuple[tuple[str, str], ...]
    products: tuple[ProductRule, ...]
    distributions: frozenset[str]
    ecosystems: frozenset[str]
    packages: tuple[PackageRule, ...]
    sources: tuple[str, ...]


class AliasFileError(InputError):
    """An alias file cannot be used (bilingual message naming the file and the entry)."""


def _regex(value: Any, where: str) -> re.Pattern[str]:
    try:
        return re.compile(str(value))
    except re.error as exc:
        raise AliasFileError("kev_alias_regex", where=where, value=repr(value), error=str(exc)) from exc


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _parse(doc: Mapping[str, Any], source: str) -> dict[str, Any]:
    """One alias file's entries, checked; errors name the file, the section and the entry."""
    unknown = set(doc) - {"vendors", "ja_words", "products", "distributions", "ecosystems", "packages"}
    if unknown:
        raise AliasFileError("kev_alias_sections", path=source, sections=str(sorted(unknown)))
    vendors = {key(k): frozenset(key(v) for v in _as_list(val)) for k, val in (doc.get("vendors") or {}).items()}
    ja = [(normalise(k), str(v)) for k, v in (doc.get("ja_words") or {}).items()]
    products, packages = [], []
    for i, raw in enumerate(doc.get("products") or [], 1):
        where = f"{source} products[{i}]"
        if not isinstance(raw, dict) or "match" not in raw or not ("as" in raw or "block" in raw):
            raise AliasFileError("kev_alias_product", where=where, entry=repr(raw))
        products.append(ProductRule(
            vendors=frozenset(key(v) for v in _as_list(raw.get("vendor"))), pattern=_regex(raw["match"], where),
            veto=_regex(raw["not"], where) if raw.get("not") else None, names=tuple(_as_list(raw.get("as"))),
            block=tuple(_as_list(raw.get("block"))), source=where))
    for i, raw in enumerate(doc.get("packages") or [], 1):
        where = f"{source} packages[{i}]"
        if not isinstance(raw, dict) or "match" not in raw or not all("|" in n for n in _as_list(raw.get("as"))
                                                                      or [""]):
            raise AliasFileError("kev_alias_package", where=where, entry=repr(raw))
        packages.append(PackageRule(
            pattern=_regex(f"(?:{raw['match']})", where), veto=_regex(raw["not"], where) if raw.get("not") else None,
            only=frozenset(key(v) for v in _as_list(raw.get("only"))), names=tuple(_as_list(raw["as"])), source=where))
    return {"vendors": vendors, "ja": ja, "products": products, "packages": packages,
            "distributions": {key(v) for v in _as_list(doc.get("distributions"))},
            "ecosystems": {key(v) for v in _as_list(doc.get("ecosystems"))}}


def _read(path: Path) -> dict[str, Any]:
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8-sig")) or {}
    except FileNotFoundError as exc:
        raise AliasFileError("kev_alias_missing", path=str(path)) from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise AliasFileError("kev_alias_yaml", path=str(path), error=str(exc)) from exc
    if not isinstance(doc, dict):
        raise AliasFileError("kev_alias_mapping", path=str(path))
    return _parse(doc, str(path))


@lru_cache(maxsize=16)
def _load(paths: tuple[str, ...]) -> AliasData:
    vendors: dict[str, frozenset[str]] = {}
    ja: dict[str, str] = {}
    products: list[ProductRule] = []
    packages: list[PackageRule] = []
    dists: set[str] = set()
    ecos: set[str] = set()
    for p in paths:
        part = _read(Path(p))
        for k, v in part["vendors"].items():
            vendors[k] = vendors.get(k, frozenset()) | v
        ja.update(dict(part["ja"]))
        products += part["products"]
        shipped = p in _SHIPPED_NAMES
        packages = packages + part["packages"] if shipped else part["packages"] + packages
        dists |= part["distributions"]
        ecos |= part["ecosystems"]
    return AliasData(vendors=vendors, ja_words=tuple(sorted(ja.items(), key=lambda kv: -len(kv[0]))),
                     products=tuple(products), distributions=frozenset(dists), ecosystems=frozenset(ecos),
                     packages=tuple(packages), sources=paths)


_SHIPPED = tuple(str(p) for p in SHIPPED_ALIASES)
_SHIPPED_NAMES = frozenset(_SHIPPED)


def load_aliases(extra: Iterable[Path] = ()) -> AliasData:
    """The shipped alias data plus the institution's files (theirs are added; their packages are tried first)."""
    if not extra:
        return _load(_SHIPPED)
    mine = tuple(s for s in (str(Path(p).resolve()) for p in extra) if s not in _SHIPPED_NAMES)
    return _load((*_SHIPPED, *mine))


def translate_ja(text: str, data: AliasData) -> str:
    """Japanese words of a normalised name replaced by their English words (longest first)."""
    if text.isascii():
        return text
    for ja, en in data.ja_words:
        if ja in text:
            text = text.replace(ja, en)
    return _SPACES.sub(" ", text).strip()


def package_names(product: str) -> Sequence[str]:
    """The names a package goes by: as written, an SCA `group:artifact` or `vendor/package` and its last part."""
    name = normalise(product).replace(" ", "")
    names = [name, re.sub(r"-\d[\w.+~:-]*$", "", name)]  # 'kernel-3.10.0-1160.el7.x86_64' -> 'kernel'
    for sep in (":", "/"):
        if sep in name:
            names.append(name.rsplit(sep, 1)[1])
    return tuple(dict.fromkeys(names))
