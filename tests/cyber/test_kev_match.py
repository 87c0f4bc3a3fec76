"""KEV matching paths: aliases, packages, CPE disagreement to review, fuzzy proposals, near-miss controls."""

from __future__ import annotations

from pathlib import Path

import pytest

from kansa.cyber.kev import KevCatalog, load_kev
from kansa.cyber.kev_aliases import AliasFileError, load_aliases
from kansa.cyber.kev_match import match_inventory


@pytest.fixture(scope="module")
def catalog(shared_data: Path) -> KevCatalog:
    return load_kev(shared_data / "cisa_kev" / "known_exploited_vulnerabilities.json")


def _found(catalog: KevCatalog, vendor: str, product: str, cpe: str = "", aliases: tuple[Path, ...] = ()
           ) -> tuple[dict[str, tuple[str, float]], set[str]]:
    """(accepted KEV 'vendor|product' -> (path, confidence), KEV products proposed for review)."""
    res = match_inventory([{"asset_id": "A", "vendor": vendor, "product": product, "version": "1", "cpe": cpe}],
                          catalog, load_aliases(aliases))
    accepted = {f"{m['kev_vendor'].strip()}|{m['kev_product'].strip()}": (m["match_path"], m["confidence"])
                for m in res.matches.to_pylist()}
    review = {f"{m['kev_vendor'].strip()}|{m['kev_product'].strip()}" for m in res.review.to_pylist()}
    return accepted, review


def test_an_appliance_model_matches_its_operating_system_by_alias(catalog: KevCatalog) -> None:
    # half-width vendor, full-width model
    accepted, _ = _found(catalog, "ﾌｫｰﾃｨﾈｯﾄ", "ＦｏｒｔｉＧａｔｅ－２００Ｆ")
    assert accepted["Fortinet|FortiOS"][0] == "alias" and accepted["Fortinet|FortiOS"][1] >= 0.95
    accepted, _ = _found(catalog, "Palo Alto Networks", "PA-3220")
    assert set(accepted) == {"Palo Alto Networks|PAN-OS"}


def test_a_distribution_package_matches_its_upstream_project(catalog: KevCatalog) -> None:
    accepted, _ = _found(catalog, "Debian", "libssl3")
    assert set(accepted) == {"OpenSSL|OpenSSL"} and accepted["OpenSSL|OpenSSL"][0] == "package"
    accepted, _ = _found(catalog, "Maven", "org.apache.logging.log4j:log4j-core")
    assert set(accepted) == {"Apache|Log4j2"}


def test_a_japanese_legal_entity_vendor_and_katakana_product_match(catalog: KevCatalog) -> None:
    accepted, _ = _found(catalog, "アドビ株式会社", "アクロバットリーダー DC")
    assert "Adobe|Reader" in accepted and "Adobe|Acrobat and Reader" in accepted
    accepted, _ = _found(catalog, "合同会社ジェットブレインズ", "TeamCity")     # legal form before the name
    assert "JetBrains|TeamCity" in accepted


def test_a_renamed_vendor_matches_the_new_owner(catalog: KevCatalog) -> None:
    accepted, _ = _found(catalog, "Ipswitch, Inc.", "MOVEit Transfer 2021.0")
    assert "Progress|MOVEit Transfer" in accepted


@pytest.mark.parametrize(("vendor", "product", "cpe", "kev_product"), [
    ("Microsoft Corporation", "Microsoft Exchange Online Protection", "", "Exchange Server"),
    ("The Apache Software Foundation", "Apache Tomcat Native Library 1.2", "", "Tomcat"),
    ("Debian", "tomcat-native", "", "Tomcat"),
    ("Fortinet", "FortiGate Cloud", "", "FortiOS"),
    ("Pulse Secure, LLC", "Pulse Secure", "", "Pulse Connect Secure"),
    ("Ipswitch, Inc.", "WS_FTP Professional", "", "WS_FTP Server"),
    ("Veeam Software Group GmbH", "Veeam Backup & Replication Console", "", "Backup & Replication"),
    ("トレンドマイクロ株式会社", "ウイルスバスター クラウド", "", "OfficeScan"),
    ("Maven", "log4j:log4j", "", "Log4j2"),
    ("Red Hat", "redis", "", "Debian-specific Redis Servers"),
    ("Debian", "python3-openssl", "", "OpenSSL"),
    ("Ubuntu", "p7zip-full", "", "7-Zip"),
    ("Microsoft Corporation", "Windows Server Update Services", "", "Windows"),
    ("Microsoft Corporation", "Hyper-V 管理ツール", "", "Hyper-V RemoteFX"),
    ("Eclipse Adoptium", "Eclipse Temurin JDK with Hotspot 17.0.9+9 (x64)", "", "Java SE"),
    ("Microsoft Corporation", "Microsoft Visual Studio Code", "cpe:2.3:a:microsoft:visual_studio:1.84:*:*:*:*:*:*:*",
     "Visual Studio"),
    ("Maven", "org.springframework.boot:spring-boot-starter-web",
     "cpe:2.3:a:vmware:spring_framework:2.6.5:*:*:*:*:*:*:*", "Spring Framework"),
    ("Cisco Systems, Inc.", "Cisco 1921 Integrated Services Router", "", "Firepower Threat Defense"),
])
def test_near_misses_are_not_accepted(catalog: KevCatalog, vendor: str, product: str, cpe: str,
                                      kev_product: str) -> None:
    accepted, _ = _found(catalog, vendor, product, cpe)
    assert not [k for k in accepted if kev_product.lower() in k.lower()], accepted


def test_a_cpe_the_name_contradicts_goes_to_review_not_to_matches(catalog: KevCatalog) -> None:
    accepted, review = _found(catalog, "npm", "jquery-ui", "cpe:2.3:a:jquery:jquery:1.12.1:*:*:*:*:*:*:*")
    assert "JQuery|JQuery" not in accepted and "JQuery|JQuery" in review
    # where the name says nothing, the CPE is the evidence and is accepted
    accepted, review = _found(catalog, "x", "y", "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*")
    assert accepted["Apache|Log4j2"][0] == "cpe" and not review


def test_a_close_name_of_the_same_vendor_is_proposed_for_review_only(catalog: KevCatalog) -> None:
    accepted, review = _found(catalog, "SolarWinds", "SolarWinds Serv-U FTP")
    assert "SolarWinds|Serv-U" in accepted or "SolarWinds|Serv-U" in review
    accepted, review = _found(catalog, "Atlassian", "Confluense Server")        # a typo: never accepted
    assert not accepted and any("Confluence" in r for r in review)


def test_an_institution_alias_file_extends_the_shipped_data(catalog: KevCatalog, tmp_path: Path) -> None:
    mine = tmp_path / "kev_aliases.yaml"
    mine.write_text("vendors:\n  本店システム部調達: fortinet\nproducts:\n"
                    "  - {vendor: fortinet, match: '^勘定系境界fw', as: ['Fortinet|FortiOS']}\n", encoding="utf-8")
    assert _found(catalog, "本店システム部調達", "勘定系境界FW 1号機")[0] == {}
    accepted, _ = _found(catalog, "本店システム部調達", "勘定系境界FW 1号機", aliases=(mine,))
    assert "Fortinet|FortiOS" in accepted and accepted["Fortinet|FortiOS"][0] == "alias"


def test_a_bad_alias_file_names_the_file_and_the_entry(tmp_path: Path) -> None:
    bad = tmp_path / "a.yaml"
    bad.write_text("products:\n  - {match: '([', as: ['X|Y']}\n", encoding="utf-8")
    with pytest.raises(AliasFileError, match=r"a\.yaml products\[1\]"):
        load_aliases((bad,))
    bad.write_text("prodcts: []\n", encoding="utf-8")
    with pytest.raises(AliasFileError, match="unknown section"):
        load_aliases((bad,))
