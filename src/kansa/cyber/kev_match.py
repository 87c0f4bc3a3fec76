"""Match one installed-software row to KEV entries through tiers, each match saying why and how sure.

Tiers, most certain first: `alias` (a reviewed rule in kev_data names the KEV product: appliance model -> OS,
old -> new product name, Windows feature), `package` (a distribution or library package -> its upstream
project), `name` (the normalised vendor and product agree token for token), `cpe` (the row's CPE 2.3 name).
The row's name is the truth (a scanner's CPE may be wrong): a CPE match is accepted where the name says
nothing about it, and goes to review where the name speaks and disagrees (same vendor, shared words, or other
matches). Then the general tiers of kev_general, which need no reviewed data: the version column, device
models, package names, a KEV name of another publisher, shorter names of a matched product, and same-vendor
similarity (`vendor+fuzzy`, rapidfuzz): accepted only when near-identical for a vendor with few KEV products,
otherwise proposed for review, like every uncertain match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
from rapidfuzz import fuzz

from kansa.cyber.kev import (
    KEV_MATCH_SCHEMA,
    KEV_REVIEW_SCHEMA,
    KevCatalog,
    KevEntry,
    installed_names,
    kev_index,
    names_product,
    parse_cpe,
    software_id,
    vendor_keys,
)
from kansa.cyber.kev_aliases import AliasData, load_aliases, normalise, package_names, translate_ja, vendor_core
from kansa.cyber.kev_general import (
    Proposal,
    by_global_name,
    by_model,
    by_package,
    by_vendor_fuzzy,
    by_vendor_os,
    general_index,
    more_vendor_keys,
    shorter_names,
    words,
)

CONFIDENCE = {"alias": 0.97, "package": 0.95, "name": 0.9, "cpe": 0.9, "model": 0.9, "vendor+fuzzy": 0.85}
FUZZY_FLOOR = 88.0  # rapidfuzz token_set_ratio at or above which a same-vendor name is proposed for review
_NOISE_SUFFIX = re.compile(
    r"\((?:remove only|x64|x86|64-bit|32-bit|64 bit|32 bit)\)|\b(?:x64|x86|amd64|i386|arm64|aarch64|noarch|64-bit|"
    r"32-bit)\b|\s-\s(?:japanese|english)\b|\b(?:ja|en|zh|ko|fr|de|es|it|pt)-(?:jp|us|gb|cn|tw|kr|fr|de|es|it|br)\b"
    r"|\bcumulative update\s*\d*\b|\bsecurity update\b|\bservice pack\s*\d*\b|\bkb\d{6,8}\b|\bbuild\s+\d[\w.]*")
_DOTTED_VERSION = re.compile(r"(?<![\w.])(\d+)(?:\.\d+)+(?![\w.])")
_GLUED_VERSION = re.compile(r"\b([a-z]{3,})(\d+)\b")


@dataclass(frozen=True)
class Match:
    """A KEV entry found for a row, with the path that found it, a confidence and the rule or name used."""

    entry: KevEntry
    path: str
    confidence: float
    rule: str


@dataclass
class RowMatch:
    """Everything found for one row: accepted matches, those for review, and the row's method."""

    method: str = "vendor_product"
    accepted: list[Match] = field(default_factory=list)
    review: list[Match] = field(default_factory=list)


@dataclass(frozen=True)
class InventoryMatches:
    """The `kev_matches` table (accepted) and the `kev_review` table (uncertain: a person decides)."""

    matches: pa.Table
    review: pa.Table


def clean_product(product: str, data: AliasData) -> str:
    """An installed product name normalised for matching: NFKC, Japanese words, architecture and
    '(remove only)' suffixes out, 'Tomcat9' next to 'Tomcat' split."""
    text = translate_ja(normalise(product), data)
    text = _NOISE_SUFFIX.sub(" ", text)
    text = _DOTTED_VERSION.sub(r"\1", text)  # 2.3.1 -> 2: the major line only ('Struts 2.3.1' is not Struts 1)
    words = set(re.findall(r"[a-z]+", text))
    text = _GLUED_VERSION.sub(lambda m: f"{m.group(1)} {m.group(2)}" if m.group(1) in words - {m.group(0)}
                              else m.group(0), text)
    return re.sub(r"\s+", " ", text).strip()


def _entries(vendor: str, product: str, index: dict[str, list[KevEntry]], data: AliasData,
             exact: bool = False, keys: frozenset[str] | None = None, eponymous: bool = True) -> list[KevEntry]:
    """Entries whose alternatives name (vendor, product) by tokens (the original matcher); with `exact`, also
    entries whose product is this very name (a reviewed rule may name 'Multiple Firewalls', which has no tokens)."""
    keys = keys if keys is not None else vendor_keys(vendor, data)
    names = installed_names(product, vendor)
    wanted = normalise(product)
    theirs = _publisher_words(vendor)
    seen: dict[str, KevEntry] = {}
    for k in keys:
        for entry in index.get(k, ()):
            if entry.cve_id not in seen and (
                (exact and normalise(entry.product) == wanted)
                or any(names_product(alt, inst, entry) for alt in entry.alternatives for inst in names
                       if alt or eponymous)
                or any(names_product(alt - theirs, inst, entry) for alt in entry.alternatives
                       if alt & theirs and alt - theirs for inst in names)
            ):
                seen[entry.cve_id] = entry
    return list(seen.values())


def _publisher_words(vendor: str) -> frozenset[str]:
    """The publisher's own words, left out of a KEV name too ('Brocade Fabric OS' by Brocade is 'Fabric OS')."""
    return frozenset(w for w in words(vendor_core(vendor)) if len(w) >= 3)


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z]{3,}|[^\x00-\x7f]+", normalise(text)) if w not in _GENERIC]


_GENERIC = frozenset({"server", "software", "the", "and", "for", "edition", "enterprise", "microsoft", "web"})


def _split(name: str) -> tuple[str, str]:
    vendor, _, product = name.partition("|")
    return (vendor, product) if product else ("", vendor)


def _package_rules(vendor: str, product: str, keys: frozenset[str], data: AliasData) -> list[tuple[str, str]]:
    """(KEV 'Vendor|Product', rule) for a row that is a distribution or library package."""
    packaged = bool(keys & (data.distributions | data.ecosystems)) or (" " not in product.strip() and
                                                                        product.strip() == product.strip().lower())
    if not packaged:
        return []
    whole = normalise(product)
    names = package_names(product)
    out: dict[str, str] = {}
    for rule in data.packages:
        if (rule.only and not rule.only & keys) or (rule.veto and rule.veto.search(whole)):
            continue
        if any(rule.pattern.fullmatch(name) for name in names):
            out.update({n: rule.source for n in rule.names if n not in out})
    return list(out.items())


def match_row(vendor: str, product: str, cpe: str | None, index: dict[str, list[KevEntry]],
              data: AliasData | None = None, version: str = "") -> RowMatch:
    """All KEV entries for one row, by tier; see the module docstring."""
    data = data or load_aliases()
    result = RowMatch()
    found: dict[str, Match] = {}

    def add(entries: list[KevEntry], path: str, rule: str) -> None:
        for e in entries:
            if e.cve_id not in found or found[e.cve_id].confidence < CONFIDENCE[path]:
                found[e.cve_id] = Match(e, path, CONFIDENCE[path], rule)

    keys = vendor_keys(vendor, data)
    clean = clean_product(product, data)
    blocked: set[str] = set()
    for rule in data.products:
        if rule.applies(keys, clean):
            blocked.update(normalise(b) for b in rule.block)
            if "*" in rule.block:
                return result  # a reviewed 'not a product' name (an updater): nothing, not even review
            for name in rule.names:
                kv, kp = _split(name)
                add(_entries(kv or vendor, kp, index, data, exact=True), "alias", rule.source)
    for name, source in _package_rules(vendor, product, keys, data):
        kv, kp = _split(name)
        add(_entries(kv, kp, index, data, exact=True), "package", source)
    add(_entries(vendor, clean, index, data), "name", "")
    _general_tiers(vendor, product, clean, version, keys, index, data, found, add, result)
    parsed = parse_cpe(cpe)
    if parsed:
        cpe_found = _entries(parsed[0], clean_product(parsed[1], data), index, data)
        speaks = bool(found) or bool(keys & vendor_keys(parsed[0], data)) or bool(
            set(_words(clean)) & set(_words(parsed[1])))
        extra = [e for e in cpe_found if e.cve_id not in found]
        if speaks:
            result.review += [Match(e, "cpe", 0.5, "cpe disagrees with the name") for e in extra]
        else:
            add(extra, "cpe", cpe or "")
        if any(e.cve_id in found for e in cpe_found):
            result.method = "cpe"  # the CPE is (also) the evidence for accepted matches
    for cve, m in list(found.items()):
        if normalise(f"{m.entry.vendor_project}|{m.entry.product}") in blocked:
            del found[cve]  # a reviewed near-miss: this installed name is not that KEV product
    result.accepted = sorted(found.values(), key=lambda m: m.entry.cve_id)
    if not found and not result.review:
        result.review += _fuzzy(keys, clean, index)
    return result


def _general_tiers(vendor: str, product: str, clean: str, version: str, keys: frozenset[str],
                   index: dict[str, list[KevEntry]], data: AliasData, found: dict[str, Match],
                   add: Any, result: RowMatch) -> None:
    """Matching from the catalogue alone (kev_general): more vendor keys, the version column, models, package
    names, and same-vendor names by similarity (accepted only when near-identical, else for review)."""
    more = more_vendor_keys(vendor, product, keys, index)
    for k, rest in more.items():
        add(_entries(vendor, clean_product(rest, data), index, data, keys=frozenset({k})), "name", f"vendor {k}")
    all_keys = keys | frozenset(more)
    own = [e for k in all_keys for e in index.get(k, ())]
    ver = " ".join(w for w in words(version) if not any(c.isdigit() for c in w))
    if ver and own:
        add(_entries(vendor, clean_product(ver, data), index, data, keys=all_keys, eponymous=False), "name",
            "version column")
    if own:
        _take(by_model(product, own), add, result)
    if not found:
        registry = bool(keys & (data.distributions | data.ecosystems))
        if registry or " " not in product.strip():
            _take(by_package(product, index, frozenset(k for k in all_keys if k not in data.distributions
                                                         and k not in data.ecosystems), general_index(index),
                             registry), add, result)
    if found and own:
        _take(shorter_names([m.entry for m in found.values()], own), add, result)
    if not found and own:
        _take(by_vendor_os(product, own), add, result)
    if not found and not own:
        _take(by_global_name(installed_names(clean, vendor), general_index(index)), add, result)
    if not found and own:
        vwords = set(words(vendor)) | set(all_keys)
        _take(by_vendor_fuzzy(clean, vwords, own), add, result)


def _take(p: Proposal | None, add: Any, result: RowMatch) -> None:
    if p is None:
        return
    if p.accept:
        add(list(p.entries), p.path, p.rule)
    else:
        result.review += [Match(e, p.path, round(0.7 * p.score, 3), p.rule) for e in p.entries]


def _fuzzy(keys: frozenset[str], clean: str, index: dict[str, list[KevEntry]]) -> list[Match]:
    """Same-vendor KEV products whose names are close to the installed name: proposals for review only."""
    if not clean:
        return []
    out: dict[str, Match] = {}
    for k in keys:
        for entry in index.get(k, ()):
            score = fuzz.token_set_ratio(clean, normalise(entry.product))
            if score >= FUZZY_FLOOR and entry.cve_id not in out:
                out[entry.cve_id] = Match(entry, "fuzzy", round(score / 100 * 0.7, 3),
                                          f"rapidfuzz token_set_ratio {score:.0f}")
    return sorted(out.values(), key=lambda m: m.entry.cve_id)


def match_one(vendor: str, product: str, cpe: str | None, index: dict[str, list[KevEntry]]
              ) -> tuple[str, list[KevEntry]]:
    """KEV entries accepted for one installed product: ('cpe' | 'vendor_product', entries)."""
    row = match_row(vendor, product, cpe, index)
    return row.method, [m.entry for m in row.accepted]


def match_software(software: pa.Table | Iterable[dict[str, Any]], catalog: KevCatalog,
                   aliases: AliasData | None = None) -> pa.Table:
    """The derived `kev_matches` table: one row per (installed software, accepted KEV CVE)."""
    return match_inventory(software, catalog, aliases).matches


def match_inventory(software: pa.Table | Iterable[dict[str, Any]], catalog: KevCatalog,
                    aliases: AliasData | None = None) -> InventoryMatches:
    """Accepted matches (`kev_matches`) and the uncertain ones for review (`kev_review`), every one with why."""
    rows = software.to_pylist() if isinstance(software, pa.Table) else list(software)
    index = kev_index(catalog)
    cache: dict[tuple[str, str, str, str], RowMatch] = {}
    out: dict[str, list[Any]] = {f.name: [] for f in KEV_MATCH_SCHEMA}
    review: dict[str, list[Any]] = {f.name: [] for f in KEV_REVIEW_SCHEMA}
    for row in rows:
        vendor, product = str(row.get("vendor") or ""), str(row.get("product") or "")
        cpe = str(row.get("cpe") or "")
        version = str(row.get("version") or "")
        ck = (vendor, product, cpe, " ".join(w for w in words(version) if not any(c.isdigit() for c in w)))
        if ck not in cache:
            cache[ck] = match_row(vendor, product, cpe or None, index, aliases, ck[3])
        found = cache[ck]
        sid = software_id(str(row.get("asset_id")), vendor, product, str(row.get("version") or ""))
        base = (sid, row.get("asset_id"), vendor, product, row.get("version"), cpe or None)
        for m in found.accepted:
            e = m.entry
            values = (*base, found.method, e.cve_id, e.vendor_project, e.product, e.vulnerability_name,
                      e.date_added, e.due_date, e.ransomware_known, m.path, m.confidence, m.rule)
            for name, value in zip(out, values, strict=True):
                out[name].append(value)
        for m in found.review:
            e = m.entry
            values2 = (*base, e.cve_id, e.vendor_project, e.product, e.date_added, e.ransomware_known,
                      m.path, m.confidence, m.rule)
            for name, value in zip(review, values2, strict=True):
                review[name].append(value)
    return InventoryMatches(pa.table(out, schema=KEV_MATCH_SCHEMA), pa.table(review, schema=KEV_REVIEW_SCHEMA))
