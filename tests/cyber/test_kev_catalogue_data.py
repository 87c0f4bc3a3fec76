"""The catalogue-wide KEV data files (kev_data/renames.yaml, appliances.yaml, ja_names.yaml, libraries.yaml):
every name they point at exists in the real catalogue, and each kind of entry finds its planted rows and
leaves its near misses alone (issue 16: renames, appliance models, Japanese names, library coordinates).

The probe rows below are written for this test; none is a row of the labelled inventories.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kansa.cyber.kev import KevCatalog, kev_index, load_kev, vendor_keys
from kansa.cyber.kev_aliases import SHIPPED_ALIASES, key, load_aliases
from kansa.cyber.kev_match import _entries, _split, match_software

# KEV vendor keys an alias may point at although the catalogue has no product of theirs: kept so that their
# names are read as these companies and not mistaken for another (NEC is not 'NETGEAR').
NOT_IN_KEV = {"canon", "fujitsu", "jsol", "nec"}


@pytest.fixture(scope="module")
def catalog(shared_data: Path) -> KevCatalog:
    return load_kev(shared_data / "cisa_kev" / "known_exploited_vulnerabilities.json")


def found(catalog: KevCatalog, vendor: str, product: str, version: str = "") -> set[str]:
    rows = [{"asset_id": "A-1", "vendor": vendor, "product": product, "version": version, "cpe": None}]
    table = match_software(rows, catalog)
    return {f"{m['kev_vendor'].strip()}|{m['kev_product'].strip()}" for m in table.to_pylist()}


def test_the_data_is_split_into_the_documented_files() -> None:
    assert [p.name for p in SHIPPED_ALIASES] == [
        "aliases.yaml", "appliances.yaml", "ja_names.yaml", "libraries.yaml", "renames.yaml"]


def test_every_name_the_data_points_at_is_a_kev_product(catalog: KevCatalog) -> None:
    data, index = load_aliases(), kev_index(catalog)
    named = [(r.source, n) for r in (*data.products, *data.packages) for n in r.names]
    assert len(named) > 400
    missing = [(src, n) for src, n in named if not _entries(_split(n)[0], _split(n)[1], index, data, exact=True)]
    assert missing == []


def test_every_vendor_alias_points_at_a_kev_vendor(catalog: KevCatalog) -> None:
    targets = {v for values in load_aliases().vendors.values() for v in values}
    assert targets - set(kev_index(catalog)) == NOT_IN_KEV


@pytest.mark.parametrize(("spelling", "kev_vendor"), [
    ("Broadcom Inc.", "VMware"), ("Omnissa, LLC", "VMware"), ("Allaire Corporation", "Adobe"),
    ("AdventNet, Inc.", "Zoho"), ("Cat Soft LLC", "SolarWinds"), ("Intel Security", "McAfee"),
    ("Cloud Software Group, Inc.", "TIBCO"), ("Lime Technology", "Unraid"), ("Smarsh", "TeleMessage"),
    ("Cisco Systems G.K.", "Cisco"), ("Zoho Corporation Pvt. Ltd.", "Zoho"), ("Sitecore Corporation A/S", "Sitecore"),
    ("Zhejiang Dahua Technology Co., Ltd.", "Dahua"), ("ASUSTeK COMPUTER INC.", "ASUS"),
    ("アレイ・ネットワークス株式会社", "Array Networks"), ("ダーファ・テクノロジー・ジャパン合同会社", "Dahua"),
    ("日本ヒューレット・パッカード合同会社", "Hewlett Packard (HP)"), ("マイクロフォーカス株式会社", "Micro Focus"),
    ("ﾃｨｰﾋﾟｰﾘﾝｸｼﾞｬﾊﾟﾝ株式会社", "TP-Link"), ("クラウド・ソフトウェア・グループ", "Citrix"),
])
def test_renamed_acquired_and_japanese_vendor_names_are_the_kev_vendor(spelling: str, kev_vendor: str) -> None:
    assert key(kev_vendor) in vendor_keys(spelling)


@pytest.mark.parametrize(("vendor", "product", "version", "expected"), [
    # renames and acquisitions, written with the old or the new owner
    ("Yahoo! Inc.", "Zimbra Collaboration Server 7", "", "Synacor|Zimbra Collaboration Suite (ZCS)"),
    ("Zeus Technology", "Zeus Traffic Manager 9.9", "", "Ivanti|Virtual Traffic Manager"),
    ("Ipswitch, Inc.", "MOVEit DMZ 7.5", "", "Progress|MOVEit Transfer"),
    ("Microsoft Corporation", "Microsoft Internet Security and Acceleration Server 2004", "",
     "Microsoft|Forefront Threat Management Gateway (TMG)"),
    ("Oracle Corporation", "Oracle Analytics Server 2023", "", "Oracle|Intelligence Enterprise Edition"),
    ("Atlassian", "Atlassian Stash 3.11", "", "Atlassian|Bitbucket Server and Data Center"),
    ("SolarWinds", "SolarWinds Platform 2023.4", "", "SolarWinds|Orion"),
    ("Brave Software, Inc.", "Brave", "", "Google|Chromium V8"),
    # appliance model lines -> their OS
    ("Fortinet", "FGR-70F", "", "Fortinet|FortiOS"),
    ("Cisco", "ISR4451-X/K9", "", "Cisco|IOS XE Software"),
    ("Cisco", "CISCO1941/K9", "", "Cisco|IOS"),
    ("Cisco", "NCS-540-28Z4C-SYS-A", "", "Cisco|IOS XR"),
    ("Cisco", "FPR-4115", "", "Cisco|Adaptive Security Appliance (ASA) and Firepower Threat Defense (FTD)"),
    ("Juniper Networks", "NFX250", "", "Juniper|Junos OS"),
    ("Palo Alto Networks", "PA-460", "", "Palo Alto Networks|PAN-OS"),
    ("Check Point", "Quantum Spark 1535", "", "Check Point|Quantum Security Gateways"),
    ("MikroTik", "CCR1036-8G-2S+", "", "MikroTik|RouterOS"),
    ("Zyxel", "USG20W-VPN", "", "Zyxel|Multiple Firewalls"),
    ("TP-Link", "TL-WR940N", "", "TP-Link|Multiple Routers"),
    ("NETGEAR", "WAC104", "", "NETGEAR|Wireless Access Point (WAP) Devices"),
    ("Apple Inc.", "iPhone 15 Pro", "", "Apple|iOS"),
    # Japanese vendor names and katakana product names
    ("ジュニパーネットワークス株式会社", "QFX5120-48Y", "", "Juniper|Junos OS"),
    ("日本オラクル株式会社", "ウェブロジック サーバー 12c", "", "Oracle|WebLogic Server"),
    ("ゾーホージャパン株式会社", "ManageEngine デスクトップセントラル", "", "Zoho|Desktop Central"),
    # library and package coordinates
    ("Maven", "org.springframework:spring-jdbc", "5.3.30", "VMware|Spring Framework"),
    ("Maven", "org.apache.logging.log4j:log4j-slf4j-impl", "2.14.0", "Apache|Log4j2"),
    ("Maven", "org.apache.tomcat:tomcat-jasper", "9.0.40", "Apache|Tomcat"),
    ("NuGet", "DotNetNuke.Web", "9.10.2", "DotNetNuke (DNN)|DotNetNuke (DNN)"),
    ("Packagist", "illuminate/encryption", "5.5.40", "Laravel|Laravel Framework"),
    ("Red Hat", "kernel-rt-core", "5.14.0", "Linux|Kernel"),
])
def test_the_data_finds_its_planted_rows(catalog: KevCatalog, vendor: str, product: str, version: str,
                                         expected: str) -> None:
    assert expected in found(catalog, vendor, product, version)


@pytest.mark.parametrize(("vendor", "product", "not_expected"), [
    ("VMware, Inc.", "Zimbra Desktop 7", "Synacor"),
    ("Broadcom Inc.", "VMware Horizon Client 2312", "VMware"),
    ("ConnectWise", "ScreenConnect Client (0123abcd)", "ConnectWise"),
    ("Arcserve", "Arcserve UDP Agent (Windows)", "Arcserve"),
    ("Cisco", "Cisco Nexus Dashboard Fabric Controller", "Cisco|NX-OS"),
    ("QNAP", "TS-h973AX", "QNAP|QTS"),
    ("Opera Norway AS", "Opera Mini", "Google"),
    ("TP-Link", "Archer T3U Plus", "TP-Link"),
    ("Hikvision", "iVMS-4200 Client", "Hikvision"),
    ("Maven", "org.springframework.boot:spring-boot-starter-web", "VMware"),
    ("Maven", "org.apache.solr:solr-solrj", "Apache"),
    ("Maven", "log4j:log4j", "Apache|Log4j2"),
    ("Debian", "redis-tools", "Redis"),
    ("Red Hat", "glibc-langpack-ja", "GNU"),
    ("Packagist", "org.apache.struts:struts-core", "Apache|Struts 2"),
    ("株式会社日立ソリューションズ", "秘文 Data Encryption", "Hitachi"),
    ("PyPI", "elasticsearch", "Elastic"),
    ("Juniper Networks", "Junos Space Network Management Platform", "Juniper"),
    ("TP-Link", "Deco X50", "TP-Link"),
    ("Broadcom Inc.", "Symantec Endpoint Protection", "Symantec"),
    ("Maven", "org.springframework.security:spring-security-core", "VMware"),
    ("Red Hat", "kernel-devel", "Linux"),
    ("Opera Software", "Opera 12.16", "Google"),
    ("ACME Corp.", "LM-3400", "Progress"),
    ("Cisco", "Catalyst 9120", "Cisco"),
    ("QNAP Systems, Inc.", "TR-004", "QNAP"),
])
def test_the_data_leaves_near_misses_alone(catalog: KevCatalog, vendor: str, product: str,
                                           not_expected: str) -> None:
    assert [p for p in found(catalog, vendor, product) if p.startswith(not_expected)] == []


def test_every_kev_product_written_as_kev_writes_it_finds_itself(catalog: KevCatalog) -> None:
    pairs = sorted({(e.vendor_project.strip(), e.product.strip()) for e in catalog.entries})
    rows = [{"asset_id": str(i), "vendor": v, "product": p, "version": "", "cpe": None}
            for i, (v, p) in enumerate(pairs)]
    got: dict[int, set[tuple[str, str]]] = {}
    for m in match_software(rows, catalog).to_pylist():
        got.setdefault(int(m["asset_id"]), set()).add((m["kev_vendor"].strip(), m["kev_product"].strip()))
    # Device-class names ('Multiple Routers') and protocols name no installable product (README rules B, U).
    missing = [p for i, p in enumerate(pairs) if p not in got.get(i, set())
               and "Multiple" not in p[1] and p != ("Treck TCP/IP stack", "IPv6")]
    assert len(pairs) > 500 and missing == []
