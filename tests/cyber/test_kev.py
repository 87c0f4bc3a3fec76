"""KEV matching: normalisation, CPE parsing, and matches on the real CISA catalog with planted software lists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kansa.cyber.kev import (
    KevFileError,
    kev_alternatives,
    load_kev,
    parse_cpe,
    product_tokens,
    vendor_keys,
)
from kansa.cyber.kev_match import match_software


def test_it_normalises_vendor_names_and_corporate_suffixes() -> None:
    assert "microsoft" in vendor_keys("Microsoft Corporation")
    assert "microsoft" in vendor_keys("ＭＩＣＲＯＳＯＦＴ　Corp.")        # full-width
    assert "microsoft" in vendor_keys("日本マイクロソフト株式会社")
    assert "cisco" in vendor_keys("Cisco Systems, Inc.")
    assert "apache" in vendor_keys("The Apache Software Foundation")
    assert vendor_keys("Palo Alto Networks") & vendor_keys("paloaltonetworks")
    assert vendor_keys("D-Link") == vendor_keys("DLink")
    assert not vendor_keys("Micro Focus") & vendor_keys("Microsoft")
    assert not vendor_keys("Apache Friends") & vendor_keys("Apache")


def test_it_splits_compound_kev_product_names_and_drops_qualifiers() -> None:
    # NetScaler is Citrix's old-and-new brand word: left out so that 'Citrix ADC' matches 'NetScaler ADC'
    alts = kev_alternatives("NetScaler ADC and NetScaler Gateway", "Citrix")
    assert frozenset({"adc"}) in alts and frozenset({"gateway"}) in alts
    assert frozenset({"iis"}) in kev_alternatives("Internet Information Services (IIS)", "Microsoft")
    # 'Data Center' qualifies Confluence; alone it names nothing
    assert kev_alternatives("Confluence Server and Data Center", "Atlassian") == (frozenset({"confluence"}),)
    assert kev_alternatives("Multiple Products", "Fortinet") == ()
    assert product_tokens("Microsoft Exchange Server 2019", "Microsoft Corporation") == {"exchange", "2019"}


def test_it_reads_cpe_2_3_and_2_2_names() -> None:
    assert parse_cpe("cpe:2.3:a:microsoft:exchange_server:2019:cu12:*:*:*:*:*:*") == ("microsoft", "exchange server")
    assert parse_cpe("cpe:2.3:o:fortinet:fortios:7.2.4:*:*:*:*:*:*:*") == ("fortinet", "fortios")
    assert parse_cpe("cpe:/a:apache:log4j:2.14.1") == ("apache", "log4j")
    assert parse_cpe("cpe:2.3:a:*:*:*") is None
    assert parse_cpe("not a cpe") is None and parse_cpe(None) is None


def _kev(shared_data: Path) -> Path:
    return shared_data / "cisa_kev" / "known_exploited_vulnerabilities.json"


PLANTED = [
    # (asset, vendor, product, version, cpe, expected KEV product fragment or None)
    ("A1", "Microsoft Corporation", "Microsoft Exchange Server", "2019 CU12", None, "Exchange"),
    ("A2", "Fortinet, Inc.", "FortiOS", "7.2.4", None, "FortiOS"),
    ("A3", "Ivanti", "Ivanti Connect Secure", "22.3R1", None, "Connect Secure"),
    ("A4", "Citrix Systems, Inc.", "NetScaler ADC", "13.1", None, "NetScaler"),
    ("A5", "x", "y", "2.14.1", "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*", "Log4j"),
    ("A6", "Palo Alto Networks", "PAN-OS", "10.2.3", None, "PAN-OS"),
    ("A7", "Progress Software Corporation", "MOVEit Transfer", "2023.0.1", None, "MOVEit"),
    # near-misses: same vendor other product, similar vendor name, product not in KEV
    ("N1", "Microsoft Corporation", "Microsoft Teams", "24193", None, None),
    ("N2", "Micro Focus", "Windows Connector", "1.0", None, None),
    ("N3", "Apache Friends", "XAMPP", "8.2", None, None),
    ("N4", "Fortinet", "FortiGate Cloud", "1.0", None, None),
    ("N5", "Oracle Corporation", "MySQL Server", "8.0.36", None, None),
    ("N6", "Git", "Git LFS", "3.4", None, None),
    ("N7", "x", "y", "1", "cpe:2.3:a:microsoft:teams:1.6:*:*:*:*:*:*:*", None),
]


def test_it_matches_planted_software_on_the_real_catalog(shared_data: Path) -> None:
    catalog = load_kev(_kev(shared_data))
    assert catalog.version == "2025.08.25" and len(catalog.entries) == 1404
    rows = [{"asset_id": a, "vendor": v, "product": p, "version": ver, "cpe": cpe}
            for a, v, p, ver, cpe, _ in PLANTED]
    matches = match_software(rows, catalog).to_pylist()
    by_asset: dict[str, list[dict]] = {}
    for m in matches:
        by_asset.setdefault(m["asset_id"], []).append(m)
    for asset, _v, _p, _ver, cpe, expected in PLANTED:
        if expected is None:
            assert asset not in by_asset, (asset, {m["kev_product"] for m in by_asset.get(asset, [])})
        else:
            assert asset in by_asset, asset
            assert all(expected.lower() in m["kev_product"].lower() or m["kev_vendor"] != "Microsoft"
                       for m in by_asset[asset])
            assert {m["match_method"] for m in by_asset[asset]} == {"cpe" if cpe else "vendor_product"}
    assert "CVE-2021-44228" in {m["cve_id"] for m in by_asset["A5"]}          # Log4Shell through the CPE
    assert any(m["ransomware_known"] for m in by_asset["A7"])                  # MOVEit: ransomware campaigns
    assert all(m["software_id"] == "A2:Fortinet, Inc.:FortiOS:7.2.4" for m in by_asset["A2"])


def test_office_is_not_exchange_and_exchange_is_not_office(shared_data: Path) -> None:
    catalog = load_kev(_kev(shared_data))
    rows = [{"asset_id": "O", "vendor": "Microsoft", "product": "Office", "version": "2016"},
            {"asset_id": "E", "vendor": "Microsoft", "product": "Exchange Server", "version": "2016"}]
    products: dict[str, set[str]] = {}
    for m in match_software(rows, catalog).to_pylist():
        products.setdefault(m["asset_id"], set()).add(m["kev_product"])
    assert products["O"] and not any("Exchange" in p for p in products["O"])
    assert products["E"] and not any("Office" in p for p in products["E"])


def test_it_reads_the_csv_twin_with_the_same_entries(shared_data: Path) -> None:
    csv_cat = load_kev(shared_data / "cisa_kev" / "known_exploited_vulnerabilities.csv")
    json_cat = load_kev(_kev(shared_data))
    assert {e.cve_id for e in csv_cat.entries} == {e.cve_id for e in json_cat.entries}


def test_it_rejects_a_file_that_is_not_kev(tmp_path: Path) -> None:
    bad = tmp_path / "kev.json"
    bad.write_text(json.dumps({"hello": 1}), encoding="utf-8")
    with pytest.raises(KevFileError, match=r"kev\.json"):
        load_kev(bad)
    with pytest.raises(KevFileError, match="not found"):
        load_kev(tmp_path / "missing.json")
