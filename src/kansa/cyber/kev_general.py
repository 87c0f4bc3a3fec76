"""General KEV matching that needs no reviewed entry per product: the catalogue itself is the dictionary.

- `model`: a device model in the installed name ('DIR-859', 'DGN2200v1', 'P-660HN-T1A') equals a model the
  vendor's KEV product names ('DIR-859 Router', 'P660HN-T1A Routers'); a KEV series 'UCM6200' covers 'UCM6202'.
- `package`: a distribution or library package name ('apache-superset', 'flink-runtime', 'wazuh-manager',
  'org.apache.kylin:kylin-server-base') stripped of packaging words is a KEV product of the vendor it names, or,
  for a distinctive name, a KEV product of any vendor. Clients, tools, headers, bindings never are.
- `vendor+fuzzy`: an unknown product of a known vendor is compared with that vendor's KEV product names
  (rapidfuzz); a near-identical name of a vendor with few KEV products is accepted, a close one goes to review.
Each function returns (entries, path, rule) proposals; kev_match decides what is accepted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from kansa.cyber.kev import KevEntry, singular
from kansa.cyber.kev_aliases import normalise, vendor_core

# Words that make an installed name another thing than the product: a client, agent, add-on, tool, pack.
NEAR_MISS = frozenset({
    "client", "agent", "updater", "plugin", "addon", "add-on", "add-in", "extension", "sdk", "launcher", "console",
    "connector", "module", "tool", "utility", "util", "helper", "player", "language", "pack", "mui",
    "redistributable", "sensor", "collector", "forwarder", "exporter", "provider", "starter", "adapter", "bridge",
    "header", "doc", "documentation", "dev", "devel", "man", "test", "sample", "example", "guest", "addition",
    "monitor", "firmware", "completion", "binding", "controller", "pro",
})
# Words too common to make two names the same product on their own.
_COMMON = frozenset({
    "server", "web", "desktop", "connect", "manager", "management", "service", "cloud", "software", "suite",
    "platform", "center", "data", "system", "network", "security", "access", "application", "portal", "edition",
    "enterprise", "community", "mobile", "office", "remote", "file", "mail", "email", "windows", "window",
})
_TOKEN = re.compile(r"[a-z0-9]+|[^\x00-\x7f]+")
_MODEL = re.compile(r"(?<![a-z0-9])([a-z]{1,6}-?\d[a-z0-9]*(?:-[a-z0-9]+)*)")
_HW_REVISION = re.compile(r"(?:v|rev|r)\d+$")
# Packaging words: a package named '<project>-<word>' still ships the project ('wazuh-manager', 'apache2-bin').
_PKG_PACKAGING = frozenset({
    "server", "daemon", "bin", "common", "core", "base", "all", "lib", "libs", "runtime", "broker", "manager", "web",
    "light", "heavy", "nox", "full", "ce", "ee", "oss", "stable", "community", "java", "perl", "jar", "cli",
})
# A package whose name has one of these is not the project itself (or is another project's binding).
_PKG_BLOCK = NEAR_MISS | {"utils", "tools", "headers", "docs", "clients", "plugins", "providers", "starters",
                          "api", "js", "python", "python3", "py", "ruby", "node", "nodejs", "golang", "r", "mod"}
_PKG_GROUP = frozenset({"org", "com", "net", "io", "de", "jp", "github", "maven", "npm", "pypi", "nuget"})
_GLOBAL_STOP = frozenset({
    "kernel", "framework", "frontend", "desktop", "viewer", "compact", "firewall", "controller", "gateway",
    "helpdesk", "window", "project", "pixel", "sense", "server", "routers", "device", "webmail",
})
# Words an installed name may add to a small vendor's KEV product name and still be it ('Joomla! CMS', 'Authy
# Desktop', 'Mirth Connect Server'); any other extra word may be another product ('jquery-ui' is not jQuery).
_WEAK = frozenset({
    "desktop", "cms", "connect", "server", "os", "app", "application", "suite", "platform", "community", "web",
    "portal", "onsite", "prem", "premise", "service", "edition", "enterprise", "standard", "professional",
    "gpl", "oss", "light", "lite", "free", "ce", "ee", "ftp", "file", "messaging", "mail", "bit",
})
ACCEPT_FUZZY = 95.0  # token_set_ratio at or above which a same-vendor name of a small vendor is accepted
REVIEW_FUZZY = 75.0  # ... at or above which it goes to review
SMALL_VENDOR = 6  # distinct KEV product names: above this, a vendor's products are too many to guess among


@dataclass(frozen=True)
class Proposal:
    """KEV entries the general tiers found for a row: path, rule (why), and whether to accept or review."""

    entries: tuple[KevEntry, ...]
    path: str
    rule: str
    accept: bool
    score: float = 1.0


def words(text: str) -> list[str]:
    """Normalised, singular word tokens of a name."""
    return [singular(t) for t in _TOKEN.findall(normalise(text))]


def model_keys(text: str, installed: bool) -> set[str]:
    """Device models in a name as compact keys ('DIR-859' -> dir859); an installed model also by its base
    before a variant or hardware-revision suffix ('EMG2926-Q10A' -> emg2926, 'DGN2200v1' -> dgn2200)."""
    out: set[str] = set()
    for m in _MODEL.finditer(normalise(text)):
        raw = m.group(1)
        compact = raw.replace("-", "")
        if len(compact) < 4 or sum(c.isdigit() for c in compact) < 2 or compact.isdigit():
            continue
        out.add(compact)
        if installed:
            parts = raw.split("-")
            out |= {"".join(parts[:i]) for i in range(1, len(parts)) if any(c.isdigit() for c in "".join(parts[:i]))}
            out |= {_HW_REVISION.sub("", k) for k in set(out) if _HW_REVISION.search(k)}
    return {k for k in out if len(k) >= 4}


def _series(kev: str, installed: str) -> bool:
    return (len(kev) == len(installed) and kev.endswith("00") and kev[-3:-2].isdigit()
            and installed.startswith(kev[:-2]) and installed[-2:].isdigit())


def by_model(product: str, entries: Iterable[KevEntry]) -> Proposal | None:
    """Entries of the row's vendor whose KEV name has the installed name's model (or its series)."""
    mine = model_keys(product, installed=True)
    if not mine:
        return None
    found, series = [], []
    for e in entries:
        theirs = model_keys(e.product, installed=False)
        if mine & theirs:
            found.append(e)
        elif any(_series(k, m) for k in theirs for m in mine):
            series.append(e)
    if found:
        return Proposal(tuple(found), "model", "model in the KEV product name", True)
    if series:
        return Proposal(tuple(series), "model", "model of a KEV product series", True, 0.85)
    return None


def package_core(product: str) -> tuple[list[str], bool]:
    """A package name's project words (packaging words, versions and group coordinates out) and whether the
    name is blocked (a client, tool, binding, headers ...)."""
    text = normalise(product).replace(" ", "")
    raw = [t for t in re.split(r"[-_.:/@+]+", text) if t]
    core: list[str] = []
    for i, tok in enumerate(raw):
        if tok in _PKG_BLOCK and not (i == 0 and len(raw) == 1):
            if singular(tok) in _KIND_WORDS:
                continue  # 'plugins' in 'org.jenkins-ci.plugins': KEV names plugins and actions as such
            return [], True
        if tok in _PKG_GROUP or tok.isdigit() or re.fullmatch(r"v?\d[\da-z]*", tok):
            continue
        if tok.startswith("lib") and len(tok) > 5:
            tok = tok[3:]
        tok = re.sub(r"(?<=[a-z]{3})\d+[a-z]?$", "", tok)  # tomcat9 -> tomcat, exim4 -> exim, libssl3 -> ssl
        if tok in _PKG_PACKAGING and core:
            continue
        core.append(singular(tok))
    return list(dict.fromkeys(core)), False


# Words KEV adds to the name of a plugin or action ('Matrix Project Plugin', 'changed-files GitHub Action').
_KIND_WORDS = frozenset({"plugin", "action", "github"})


def by_package(product: str, vendor_index: dict[str, list[KevEntry]], row_keys: frozenset[str],
               global_alts: dict[frozenset[str], list[KevEntry]], registry: bool) -> Proposal | None:
    """KEV entries a package name stands for: a product of the vendor the name or the row names, or, for a
    row published by a distribution or a registry (`registry`), a distinctive KEV product name of any vendor."""
    core, blocked = package_core(product)
    if blocked or not core:
        return None
    vendors = [t for t in core if t in vendor_index] + sorted(k for k in row_keys if k in vendor_index)
    for vk in dict.fromkeys(vendors):
        rest = frozenset(t for t in core if t != vk)
        entries = vendor_index[vk]
        hit = [e for e in entries if rest in e.alternatives or rest in {a - _KIND_WORDS for a in e.alternatives}
               ] if rest else [
            e for e in entries if frozenset() in e.alternatives]
        if hit:
            return Proposal(tuple(hit), "package", f"package name: {vk} {' '.join(sorted(rest))}".strip(), True)
    key = frozenset(core)
    if registry and (len(key) >= 2 or (len(key) == 1 and len(core[0]) >= 5 and core[0] not in _GLOBAL_STOP)):
        hit = global_alts.get(key, [])
        if hit:
            return Proposal(tuple(hit), "package", "package name equals a KEV product name", True, 0.9)
    return None


def by_global_name(names: Iterable[frozenset[str]], global_alts: dict[frozenset[str], list[KevEntry]]
                   ) -> Proposal | None:
    """A product whose name is exactly a KEV product name of a vendor the row does not name (renamed, acquired,
    a reseller or a Japanese legal name): accepted when the name is distinctive (two words or more, one of them
    uncommon), otherwise proposed for review."""
    for name in names:
        key = frozenset(t for t in name if not any(c.isdigit() for c in t)) if len(name) > 1 else name
        hit = global_alts.get(key)
        if not hit or not key:
            continue
        distinctive = len(key) >= 2 and any(len(t) >= 5 and t not in _COMMON for t in key) and not key & NEAR_MISS
        return Proposal(tuple(hit), "name", "product name equals a KEV product name of another publisher",
                        distinctive, 0.8)
    return None


def by_vendor_os(product: str, entries: Iterable[KevEntry]) -> Proposal | None:
    """A device model of a vendor whose KEV names one operating system only ('F4-423' by TerraMaster ->
    TerraMaster OS): the device runs it."""
    keys = model_keys(product, installed=True)
    letters = [w for w in words(product) if not any(c.isdigit() for c in w)]
    if not any(sum(c.isdigit() for c in k) >= 3 for k in keys) or len(letters) > 1 or any(len(w) > 4 for w in letters):
        return None  # not a bare device model ('FortiManager-VM64' is a product named by its own words)
    systems: dict[str, list[KevEntry]] = {}
    for e in entries:
        for w in words(e.product):
            if w == "os" or (len(w) >= 3 and w.endswith("os")):
                systems.setdefault(w if w != "os" else " ".join(words(e.product)), []).append(e)
    if len(systems) != 1:
        return None
    (name, hit), = systems.items()
    return Proposal(tuple(hit), "model", f"device of a vendor whose only KEV operating system is {name}", True, 0.85)


def shorter_names(matched: Iterable[KevEntry], entries: Iterable[KevEntry]) -> Proposal | None:
    """Other KEV names of a small vendor that are a shorter form of a matched name ('Nexus Repository' for a row
    matched to 'Nexus Repository Manager'): KEV files one product under both."""
    pool = [e for e in entries if "multiple" not in e.product.lower()]
    if not pool or len({e.product for e in pool}) > SMALL_VENDOR:
        return None
    mine = [frozenset(words(e.product)) for e in matched if len(e.alternatives) == 1]  # not 'X and Y' names
    hit = [e for e in pool if e not in matched and any(
        (theirs := frozenset(words(e.product))) and theirs < m for m in mine)]
    return Proposal(tuple(hit), "name", "shorter KEV name of the matched product", True) if hit else None


def by_vendor_fuzzy(clean: str, vendor_words: set[str], entries: list[KevEntry]) -> Proposal | None:
    """The vendor's KEV product names closest to the installed name: accepted when near-identical for a vendor
    with few KEV products and no word makes it a client/agent/tool; otherwise proposed for review."""
    names: dict[str, list[KevEntry]] = {}
    for e in entries:
        if "multiple" not in e.product.lower():
            names.setdefault(e.product, []).append(e)
    mine = [w for w in words(clean) if not any(c.isdigit() for c in w)]
    if not mine or not names:
        return None
    best: tuple[float, str] = (0.0, "")
    for name in names:
        score = fuzz.token_set_ratio(" ".join(mine), " ".join(words(name)))
        best = max(best, (score, name))
    score, name = best
    if score < REVIEW_FUZZY:
        return None
    theirs = set(words(name))
    extras = set(mine) - theirs - vendor_words
    shared = {w for w in set(mine) & theirs if len(w) >= 4 and w not in _COMMON}
    accept = (score >= ACCEPT_FUZZY and len(names) <= SMALL_VENDOR and extras <= _WEAK and bool(shared))
    return Proposal(tuple(names[name]), "vendor+fuzzy", f"rapidfuzz token_set_ratio {score:.0f} with {name!r}",
                    accept, round(score / 100, 3))


def more_vendor_keys(vendor: str, product: str, keys: frozenset[str], index: dict[str, list[KevEntry]]
                      ) -> dict[str, str]:
    """KEV vendor keys the row names beyond its publisher: the publisher's first word ('Trihedral Engineering
    Ltd.' -> trihedral) and a vendor word leading the product name ('Apache Superset'), each with the product
    name left to match."""
    out: dict[str, str] = {}
    first = words(vendor_core(vendor))
    if (first and len(first[0]) >= 4 and first[0] in index and first[0] not in keys
            and set(first[1:]) <= _CORPORATE_WORDS):  # not 'Acme Widgets Ltd' (tests/cyber/test_rules_software.py)
        out[first[0]] = product
    lead = words(product)
    for n in (2, 1):
        k = "".join(lead[:n])
        if len(lead) > n and len(k) >= 3 and k in index and k not in keys:
            out[k] = " ".join(lead[n:])
    return out


# Words after a publisher's name that say what kind of company it is ('Trihedral Engineering', 'Srimax Software
# System'), not which: 'Acme Widgets' is not Acme.
_CORPORATE_WORDS = frozenset({
    "engineering", "software", "system", "technology", "technologie", "solution", "international", "electronic",
    "communication", "network", "lab", "group", "corporation", "industry", "industrie", "studio", "digital",
    "computing", "security", "consulting", "service", "development", "holding", "ltd", "inc", "llc", "co", "corp",
    "gmbh", "ag", "sa", "bv", "ab", "kk", "limited", "company", "pty",
})


def general_index(index: dict[str, list[KevEntry]]) -> dict[frozenset[str], list[KevEntry]]:
    """Every KEV product alternative -> its entries (for package names that name no vendor); cached per index."""
    cached = _GENERAL.get(id(index))
    if cached is not None and cached[0] is index:
        return cached[1]
    alts: dict[frozenset[str], list[KevEntry]] = {}
    seen: set[str] = set()
    for entries in index.values():
        for e in entries:
            if e.cve_id in seen or "multiple" in e.product.lower():
                continue
            seen.add(e.cve_id)
            for alt in e.alternatives:
                if alt:
                    alts.setdefault(alt, []).append(e)
    _GENERAL.clear()
    _GENERAL[id(index)] = (index, alts)
    return alts


_GENERAL: dict[int, tuple[dict[str, list[KevEntry]], dict[frozenset[str], list[KevEntry]]]] = {}
