"""CISA Known Exploited Vulnerabilities (KEV): load the catalog and match installed software to it.

Method (explained in the report too): KEV lists vendorProject and product names but no CPEs and no
affected versions. Both sides therefore go through the same normalisation: vendor names lose case,
punctuation, corporate suffixes (Inc., Corporation, 株式会社 ...) and map through a small alias table
(`Microsoft Corporation` -> microsoft); product names become sets of tokens without generic words
(server, software, edition ...) and without a vendor's legacy brand words (Pulse, NetScaler). A KEV product
such as `NetScaler ADC and Gateway` or `Internet Information Services (IIS)` is split into alternatives.
Installed software matches a KEV entry when the vendors agree, every token of one alternative appears in
the installed product, and the installed product's other tokens are only versions, editions or the entry's
other alternatives (so Visual Studio Code is not Visual Studio, IOS XE not classic IOS). KEV entries filed
under a component (Win32k, Excel, Chromium V8) also name their product through `PART_OF` (Windows, Office,
Chrome; Chromium also Edge). Software with a CPE 2.3 name is matched by the CPE's vendor and product only.
A match says "this product has known exploited vulnerabilities": the installed version still has to be
checked against the vendor advisory. tests/cyber/test_kev_inventory.py measures precision and recall.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from kansa.cyber.kev_aliases import AliasData, load_aliases, normalise, translate_ja, vendor_core, vendor_variants
from kansa.cyber.kev_aliases import key as name_key
from kansa.messages import InputError

BUNDLED_KEV = Path(__file__).with_name("kev_data") / "kev_snapshot.json.gz"  # kev_snapshot.py

# Trailing (or leading) words that name the legal form or the kind of company, not the company.
_VENDOR_NOISE = frozenset({
    "the", "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "llc", "plc",
    "gmbh", "ag", "sa", "bv", "nv", "kk", "holdings", "group", "software", "systems", "technologies",
    "technology", "networks", "communications", "foundation", "labs", "project", "株式会社", "有限会社", "合同会社",
    "ulc", "pvt", "pte", "kg", "ab", "oy", "gk",
})
# Legal forms only (a vendor key without them keeps 'Software', 'Group' ... that an alias may need).
_LEGAL_FORMS = frozenset({
    "the", "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "llc", "plc", "gmbh",
    "ag", "sa", "bv", "nv", "kk", "株式会社", "有限会社", "合同会社", "ulc", "pvt", "pte", "kg", "ab", "oy", "gk",
})
# Old brand words a vendor dropped from its product names (Pulse Connect Secure is now Ivanti Connect Secure,
# Citrix ADC is NetScaler ADC again): left out on both sides so either name matches.
_LEGACY_BRANDS: dict[str, frozenset[str]] = {"ivanti": frozenset({"pulse"}), "citrix": frozenset({"netscaler"})}
# Words an installed product name may carry beyond the KEV name without naming another product: editions,
# updates, languages, builds (tokens with digits are versions and allowed too). Anything else ('Code' in
# Visual Studio Code, 'XE' in IOS XE, 'Management Studio' in SQL Server Management Studio) is a different product.
_EDITION_WORDS = frozenset({
    "enterprise", "professional", "pro", "plus", "standard", "datacenter", "dc", "home", "business", "education",
    "ltsc", "ltsb", "lts", "esr", "update", "updates", "express", "x86", "x64", "bit", "ja", "jp", "japanese",
    "日本語", "日本語版", "cu", "sp", "rtm", "premium", "ultimate", "essentials", "classic", "continuous", "release",
    "development", "kit", "jdk", "jre", "runtime", "environment", "antivirus", "microsoft", "windows",
    "foundation", "proplus", "activex", "vm", "corp", "advanced", "january", "february", "march", "april", "may",
    "june", "july", "august", "september", "october", "november", "december",
})
# KEV products that are parts of a bigger installed product: (vendor key, KEV product) -> the bigger product's
# names. KEV lists Win32k, SMBv1 ... apart from Windows, Excel apart from Office, Chromium V8 apart from Chrome.
_WINDOWS_PARTS = (
    "atm font driver", "ancillary function driver (afd.sys)", "client-server run-time subsystem (csrss)",
    "dwm core library", "directx graphics kernel (dxgkrnl)", "enhanced cryptographic provider", "graphics component",
    "graphics device interface (gdi)", "http protocol stack", "http.sys", "input method editor (ime) japanese",
    "mshtml", "remote desktop services", "smbv1", "smbv1 server", "smbv3", "smartscreen prompt", "streaming service",
    "streaming service proxy", "task scheduler", "update notification manager", "win32k", "winverifytrust function",
    "windows cng key isolation service", "windows com+ event system service", "xml core services", "wordpad",
    "office and wordpad", "hyper-v remotefx",
)
PART_OF: dict[tuple[str, str], tuple[str, ...]] = {
    **{("microsoft", part): ("Windows",) for part in _WINDOWS_PARTS},
    **{("microsoft", part): ("Office",) for part in ("excel", "word", "powerpoint", "outlook", "publisher")},
    ("microsoft", "office outlook"): ("Office", "Outlook"),
    ("microsoft", "internet explorer scripting engine"): ("Internet Explorer",),
    ("microsoft", "mshtml"): ("Windows", "Internet Explorer"),
    ("apache", "airflow's experimental api"): ("Airflow",),
    ("microsoft", "malware protection engine"): ("Defender",),
    **{("microsoft", part): ("Active Directory Domain Services",) for part in (
        "active directory", "netlogon", "kerberos key distribution center (kdc)")},
    ("cisco", "cisco ios xe web ui"): ("IOS XE",),
    ("cisco", "ios xe web ui"): ("IOS XE",),
    ("cisco", "anyconnect secure"): ("AnyConnect Secure Mobility Client",),
    ("adobe", "reader"): ("Acrobat Reader",),
    ("teamviewer", "desktop"): ("TeamViewer",),
    ("f5", "big-ip configuration utility"): ("BIG-IP",),
    ("f5", "big-ip traffic management microkernel"): ("BIG-IP",),
    ("oracle", "java runtime environment (jre)"): ("Java",),
    ("oracle", "java se jdk and jre"): ("Java",),
}
_VERSION = re.compile(r"^(?:v|cu|sp|r|u|kb|build)?[0-9][0-9a-z]*$")  # 2019, 22h2, cu23, sp1, r2, 100f
# Chromium's parts are in Chrome and, built on Chromium, in Microsoft Edge (KEV names only Google).
_CHROMIUM_PREFIXES = ("chromium", "chrome ")
# Words that qualify a product name without naming it.
_PRODUCT_NOISE = frozenset({
    "server", "servers", "software", "data", "center", "centre", "appliance", "appliances", "edition",
    "series", "the", "and", "for", "of", "system", "systems", "suite", "platform", "formerly", "version",
    "multiple", "products", "devices", "se", "router", "routers", "device", "camera", "cameras",
})
_PRODUCT_ALIASES: dict[str, str] = {"log4j2": "log4j", "msexchange": "exchange", "iis": "iis", "app": "application",
                                    "ウイルスバスター": "officescan"}  # Trend Micro's Japanese name for it
_DOTTED_OR_PAREN = re.compile(r"(?<=\s)\d+(?:\.\d+)*|\d+(?:\.\d+)+|\([^)]*\)")
_TOKEN = re.compile(r"[a-z0-9]+|[^\x00-\x7f]+")
_PAREN = re.compile(r"\(([^)]*)\)")
_SPLIT_ALTERNATIVES = re.compile(r",|/|\band\b|&")


@dataclass(frozen=True)
class KevEntry:
    """One KEV catalog entry with its normalised matching keys."""

    cve_id: str
    vendor_project: str
    product: str
    vulnerability_name: str
    date_added: date | None
    due_date: date | None
    ransomware_known: bool
    short_description: str
    vendor_keys: frozenset[str]
    alternatives: tuple[frozenset[str], ...]


@dataclass(frozen=True)
class KevCatalog:
    """The KEV catalog as loaded: version, release date, entries."""

    path: Path
    version: str
    released: str
    entries: tuple[KevEntry, ...]


class KevFileError(InputError):
    """The KEV file cannot be read (bilingual message naming the file)."""


def _nfkc(text: str) -> str:
    return translate_ja(normalise(text), load_aliases())  # cached: read once, on first use


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(_nfkc(text).replace("㈱", " 株式会社 ").replace("(株)", " 株式会社 "))


def _brands(keys: frozenset[str]) -> frozenset[str]:
    """Legacy brand words of these vendor keys."""
    return frozenset(w for k in keys for w in _LEGACY_BRANDS.get(k, ()))


def vendor_keys(vendor: str, data: AliasData | None = None) -> frozenset[str]:
    """Normalised keys for a vendor name: all tokens joined, and without corporate words; aliases applied
    (kev_data/aliases.yaml: renamed and acquired companies, Japanese names and legal-entity forms)."""
    data = data or load_aliases()
    cache = _VENDOR_KEYS.setdefault(data.sources, {})  # AliasData of the same files is the same data
    found = cache.get(vendor)
    if found is None:
        found = cache[vendor] = _vendor_keys(vendor, data.vendors)
    return found


_VENDOR_KEYS: dict[tuple[str, ...], dict[str, frozenset[str]]] = {}


def _vendor_keys(vendor: str, aliases: Mapping[str, frozenset[str]]) -> frozenset[str]:
    core_name = vendor_core(vendor)
    toks = _tokens(_PAREN.sub(" ", core_name))
    core = [t for t in toks if t not in _VENDOR_NOISE] or toks
    legal = [t for t in toks if t not in _LEGAL_FORMS] or toks  # 'Cloud Software Group, Inc.' -> cloudsoftwaregroup
    keys = {"".join(toks), "".join(core), "".join(legal), name_key(vendor)}
    keys = (keys | {name_key(v) for v in vendor_variants(vendor)}) - {""}
    out: set[str] = set()
    for k in keys:
        out |= aliases.get(k, frozenset({k}))
    return frozenset(out)


def _vendor_tokens(vendor: str) -> set[str]:
    return {singular(t) for t in _tokens(vendor)} | set(vendor_keys(vendor))


_NOT_PLURAL = ("ss", "us", "is", "os", "cms")


def singular(token: str) -> str:
    """A plural English word as its singular ('Controllers' -> 'controller'), applied to both sides alike."""
    if len(token) > 4 and token.isascii() and token.endswith("s") and not token.endswith(_NOT_PLURAL):
        return token[:-1]
    return token


_EDITION_WORDS = _EDITION_WORDS | frozenset(singular(w) for w in _EDITION_WORDS)


def _words(text: str) -> list[str]:
    return [singular(_PRODUCT_ALIASES.get(t, t)) for t in _tokens(text)]


def product_tokens(product: str, vendor: str = "") -> frozenset[str]:
    """The tokens that name an installed product (vendor words and generic words removed)."""
    drop = (_vendor_tokens(vendor) | _brands(vendor_keys(vendor))) if vendor else set()
    toks = _words(product.replace("_", " "))
    return frozenset(t for t in toks if t not in drop and t not in _PRODUCT_NOISE)


def installed_names(product: str, vendor: str) -> tuple[frozenset[str], ...]:
    """Token sets an installed product goes by: its whole name, without its brackets, and what is in them.

    'Adaptive Security Appliance (ASA) Software' is also 'Adaptive Security Appliance' and 'ASA'; a product
    named like its vendor ('7-Zip' by Igor Pavlov, whose key is 7zip) is the vendor's eponymous product.
    """
    keys = vendor_keys(vendor)
    bare = name_key(_DOTTED_OR_PAREN.sub(" ", product))  # '7-Zip 19.00 (x64)' -> '7zip', Igor Pavlov's key
    if "".join(_tokens(product)) in keys or bare in keys:
        return (frozenset(),)
    text = _nfkc(product)
    names = [product_tokens(text, vendor), product_tokens(_PAREN.sub(" ", text), vendor)]
    names += [product_tokens(m.group(1), vendor) for m in _PAREN.finditer(text)]
    if not any(names) and _tokens(text) and _is_vendor_name(text, vendor):
        return (frozenset(),)  # only vendor and generic words ('Wazuh Server'): the vendor's eponymous product
    return tuple(dict.fromkeys(n for n in names if n))


def _is_vendor_name(product: str, vendor: str) -> bool:
    """The product's words are the vendor's whole name ('Wazuh Server' by Wazuh; not 'APISIX' by Apache APISIX)."""
    mine = {singular(t) for t in _tokens(product)} - _PRODUCT_NOISE
    theirs = {singular(t) for t in _tokens(vendor_core(vendor))} - _VENDOR_NOISE
    return bool(mine) and mine == theirs


def kev_alternatives(product: str, vendor: str) -> tuple[frozenset[str], ...]:
    """Split a KEV product name ('NetScaler ADC and Gateway', 'IIS (Internet ...)') into token sets."""
    text = _nfkc(product)
    parts = [m.group(1) for m in _PAREN.finditer(text)]
    parts += _SPLIT_ALTERNATIVES.split(_PAREN.sub(" ", text))
    parts += _acronym_forms(text)
    keys = vendor_keys(vendor)
    drop = _vendor_tokens(vendor) | _brands(keys)
    alts: list[frozenset[str]] = []
    for part in parts:
        toks = _words(part)
        if not toks or "multiple" in toks:
            continue  # 'Multiple Products' names nothing that can be matched
        named = frozenset(t for t in toks if t not in _PRODUCT_NOISE)
        if not named:
            continue  # a qualifier such as 'Data Center' is not a product of its own
        alts.append(frozenset(named - drop))  # empty = the vendor's eponymous product ('Git' by Git)
    whole = text.strip()
    for key in keys:
        for bigger in PART_OF.get((key, whole), ()):
            alts.append(product_tokens(bigger, vendor))
    if "google" in keys and whole.startswith(_CHROMIUM_PREFIXES) and "android" not in whole:
        alts.append(frozenset({"chrome"}))
        if whole.startswith("chromium"):
            alts.append(frozenset({"chromium"}))  # the `chromium` package gets every Chromium part (README R2)
    return tuple(dict.fromkeys(alts))


def _acronym_forms(text: str) -> list[str]:
    """'Agile Product Lifecycle Management (PLM)' is also 'Agile PLM': the words the bracketed acronym stands
    for replaced by it (installed names use either)."""
    out = []
    for m in _PAREN.finditer(text):
        acronym = m.group(1).strip()
        if not (2 <= len(acronym) <= 6 and acronym.isalpha() and acronym.isascii()):
            continue
        words = text[:m.start()].split()
        for k in range(len(acronym), 1, -1):
            lead = [w for w in words[-k:] if w not in ("and", "of", "for", "&")]
            if len(words) > k and "".join(w[0] for w in lead) == acronym:
                out.append(" ".join([*words[:-k], acronym]))
                break
    return out


def parse_cpe(cpe: str | None) -> tuple[str, str] | None:
    """Vendor and product of a CPE 2.3 (`cpe:2.3:a:vendor:product:...`) or 2.2 (`cpe:/a:...`) name."""
    if not cpe or not cpe.strip():
        return None
    text = cpe.strip()
    if text.lower().startswith("cpe:2.3:"):
        fields = re.split(r"(?<!\\):", text)
        if len(fields) < 5:
            return None
        vendor, product = fields[3], fields[4]
    elif text.lower().startswith("cpe:/"):
        fields = text[5:].split(":")
        if len(fields) < 3:
            return None
        vendor, product = fields[1], fields[2]
    else:
        return None
    vendor, product = (f.replace("\\", "") for f in (vendor, product))
    if vendor in ("", "*", "-") or product in ("", "*", "-"):
        return None
    return vendor.replace("_", " "), product.replace("_", " ")


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _entry(raw: dict[str, Any]) -> KevEntry:
    vendor, product = str(raw.get("vendorProject") or ""), str(raw.get("product") or "")
    return KevEntry(
        cve_id=str(raw["cveID"]).strip(), vendor_project=vendor.strip(), product=product.strip(),
        vulnerability_name=str(raw.get("vulnerabilityName") or ""),
        date_added=_date(raw.get("dateAdded")), due_date=_date(raw.get("dueDate")),
        ransomware_known=str(raw.get("knownRansomwareCampaignUse") or "").strip().lower() == "known",
        short_description=str(raw.get("shortDescription") or ""),
        vendor_keys=vendor_keys(vendor), alternatives=kev_alternatives(product, vendor),
    )


def load_kev(path: Path) -> KevCatalog:
    """Load the KEV catalog from CISA's JSON feed (or its CSV twin); errors name the file (ja/en)."""
    path = Path(path)
    if str(path) == "bundled" and not path.exists():  # `--kev bundled`: the snapshot shipped with kansa
        path = BUNDLED_KEV
    if not path.is_file():
        raise KevFileError("kev_file_missing", path=str(path))
    try:
        rows: list[dict[str, Any]]
        if path.suffix.lower() == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as fh:
                rows = list(csv.DictReader(fh))
            version, released = "", ""
        else:
            if path.name.lower().endswith(".gz"):  # the shipped snapshot (kev_snapshot.py)
                with gzip.open(path, "rt", encoding="utf-8") as fh:
                    doc = json.load(fh)
            else:
                doc = json.loads(path.read_text(encoding="utf-8-sig"))
            rows = doc["vulnerabilities"]
            version, released = str(doc.get("catalogVersion", "")), str(doc.get("dateReleased", ""))
        entries = tuple(_entry(r) for r in rows)
    except (KeyError, TypeError, AttributeError, ValueError, OSError, EOFError) as exc:  # JSON, Unicode: ValueError
        raise KevFileError("kev_file_format", path=str(path), error=f"{type(exc).__name__}: {exc}") from exc
    return KevCatalog(path=path, version=version, released=released, entries=entries)


KEV_MATCH_SCHEMA = pa.schema([
    ("software_id", pa.string()), ("asset_id", pa.string()), ("vendor", pa.string()), ("product", pa.string()),
    ("version", pa.string()), ("cpe", pa.string()), ("match_method", pa.string()), ("cve_id", pa.string()),
    ("kev_vendor", pa.string()), ("kev_product", pa.string()), ("vulnerability_name", pa.string()),
    ("date_added", pa.date32()), ("due_date", pa.date32()), ("ransomware_known", pa.bool_()),
    ("match_path", pa.string()), ("confidence", pa.float64()), ("match_rule", pa.string()),
])


KEV_REVIEW_SCHEMA = pa.schema([
    ("software_id", pa.string()), ("asset_id", pa.string()), ("vendor", pa.string()), ("product", pa.string()),
    ("version", pa.string()), ("cpe", pa.string()), ("cve_id", pa.string()), ("kev_vendor", pa.string()),
    ("kev_product", pa.string()), ("date_added", pa.date32()), ("ransomware_known", pa.bool_()),
    ("match_path", pa.string()), ("confidence", pa.float64()), ("reason", pa.string()),
])


def software_id(asset_id: str, vendor: str, product: str, version: str) -> str:
    """The entity id of an installed software row: `asset_id:vendor:product:version`."""
    return f"{asset_id}:{vendor}:{product}:{version}"


def kev_index(catalog: KevCatalog) -> dict[str, list[KevEntry]]:
    index: dict[str, list[KevEntry]] = {}
    for entry in catalog.entries:
        for key in entry.vendor_keys:
            index.setdefault(key, []).append(entry)
        name = _nfkc(entry.product)
        if "google" in entry.vendor_keys and name.startswith("chromium") and "android" not in name:
            edge = replace(entry, alternatives=(frozenset({"edge"}),))  # reported as Google's entry
            index.setdefault("microsoft", []).append(edge)
    return index


def names_product(alt: frozenset[str], installed: frozenset[str], entry: KevEntry) -> bool:
    """True when `alt` names the installed product: all its words there, and nothing else but editions,
    versions or the entry's other alternatives ('Acrobat' and 'Reader' of 'Acrobat and Reader')."""
    if not alt <= installed:
        return False
    present = frozenset().union(*(a for a in entry.alternatives if a and a <= installed))
    return all(t in _EDITION_WORDS or t in present or _VERSION.match(t) for t in installed - alt)


def empty_matches() -> pa.Table:
    """An empty `kev_matches` table (so the rule's SQL still binds when no KEV file is given)."""
    return KEV_MATCH_SCHEMA.empty_table()
