"""General KEV matching (kansa.cyber.kev_general): models, package names, same-vendor similarity and names of
another publisher, each with planted cases and near-miss controls, against the real catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest

from kansa.cyber.kev import KevEntry, kev_index, load_kev
from kansa.cyber.kev_general import model_keys, package_core
from kansa.cyber.kev_match import RowMatch, match_inventory, match_row


@pytest.fixture(scope="module")
def index(shared_data: Path) -> dict[str, list[KevEntry]]:
    return kev_index(load_kev(shared_data / "cisa_kev" / "known_exploited_vulnerabilities.json"))


def _accepted(row: RowMatch) -> dict[str, str]:
    return {f"{m.entry.vendor_project}|{m.entry.product}": m.path for m in row.accepted}


def _review(row: RowMatch) -> set[str]:
    return {f"{m.entry.vendor_project}|{m.entry.product}" for m in row.review}


def test_it_reads_a_model_with_a_variant_or_hardware_revision_as_its_base_model() -> None:
    assert "dgn2200" in model_keys("DGN2200v1", installed=True)
    assert "emg2926" in model_keys("EMG2926-Q10A", installed=True)
    assert "p660hnt1a" in model_keys("P-660HN-T1A", installed=True)
    assert model_keys("DIR-859 Router", installed=False) == {"dir859"}
    assert "dir859" not in model_keys("DIR-859L", installed=True)  # a letter suffix is another model


def test_it_matches_a_device_model_to_the_kev_name_that_carries_it(index: dict[str, list[KevEntry]]) -> None:
    found = _accepted(match_row("NETGEAR", "DGN2200v1", None, index))
    assert found["NETGEAR|DGN2200 Devices"] == "model"
    assert "NETGEAR|Wireless Router DGN2200" in found
    assert "Zyxel|P660HN-T1A Routers" in _accepted(match_row("ZyXEL Communications", "P-660HN-T1A", None, index))


def test_a_model_of_the_same_vendor_with_another_number_is_not_matched(index: dict[str, list[KevEntry]]) -> None:
    found = _accepted(match_row("NETGEAR", "DGN1000", None, index))
    assert not any("DGN2200" in k for k in found)
    found = _accepted(match_row("D-Link", "DIR-859L", None, index))
    assert "D-Link|DIR-859 Router" not in found


def test_it_takes_a_package_name_apart_into_the_project_words() -> None:
    assert package_core("apache-superset") == (["apache", "superset"], False)
    assert package_core("org.apache.flink:flink-runtime") == (["apache", "flink"], False)
    assert package_core("wazuh-manager") == (["wazuh"], False)
    assert package_core("python3-openssl")[1] is True  # another project's binding
    assert package_core("apache2-utils")[1] is True  # utilities, not the server
    assert package_core("linux-headers-6.1.0-17-amd64")[1] is True


@pytest.mark.parametrize(("vendor", "product", "kev"), [
    ("PyPI", "apache-superset", "Apache|Superset"),
    ("Ubuntu", "superset", "Apache|Superset"),
    ("Maven", "org.apache.flink:flink-runtime", "Apache|Flink"),
    ("Maven", "org.apache.rocketmq:rocketmq-broker", "Apache|RocketMQ"),
    ("Wazuh, Inc.", "wazuh-manager", "Wazuh|Wazuh Server"),
])
def test_it_matches_a_package_name_to_its_upstream_project(index: dict[str, list[KevEntry]], vendor: str,
                                                           product: str, kev: str) -> None:
    assert kev in _accepted(match_row(vendor, product, None, index))


@pytest.mark.parametrize(("vendor", "product"), [
    ("PyPI", "apache-airflow-providers-http"), ("Ubuntu", "python3-openssl"), ("Ubuntu", "apache2-utils"),
    ("npm", "jquery-ui"), ("Ubuntu", "docker-ce"), ("Red Hat", "redis"), ("Ubuntu", "perl"),
])
def test_a_package_of_another_project_or_a_tool_is_not_matched(index: dict[str, list[KevEntry]], vendor: str,
                                                              product: str) -> None:
    found = _accepted(match_row(vendor, product, None, index))
    assert not {k: p for k, p in found.items() if p in ("package", "vendor+fuzzy")}, found


def test_a_close_name_of_a_small_vendor_is_accepted_and_says_why(index: dict[str, list[KevEntry]]) -> None:
    row = match_row("Open Source Matters", "Joomla! CMS", None, index)
    match = next(m for m in row.accepted if m.entry.product == "Joomla!")
    assert match.path == "vendor+fuzzy" and "rapidfuzz" in match.rule and match.confidence < 0.9


def test_a_launcher_of_a_small_vendor_goes_to_review_not_to_the_matches(index: dict[str, list[KevEntry]]) -> None:
    row = match_row("NextGen Healthcare", "Mirth Connect Administrator Launcher", None, index)
    assert row.accepted == []
    assert "NextGen Healthcare|Mirth Connect" in _review(row)
    assert match_row("Wazuh, Inc.", "Wazuh Agent", None, index).accepted == []


def test_a_big_vendor_s_unknown_product_is_never_accepted_by_similarity(index: dict[str, list[KevEntry]]) -> None:
    row = match_row("Microsoft Corporation", "Windows Admin Center", None, index)
    assert row.accepted == []
    assert "Microsoft|Windows" in _review(row)  # proposed, a person decides


def test_a_distinctive_kev_name_under_an_unknown_publisher_is_accepted(index: dict[str, list[KevEntry]]) -> None:
    found = _accepted(match_row("株式会社サンプル商事", "OmniPCX Enterprise", None, index))
    assert found == {"Alcatel|OmniPCX Enterprise": "name"}


def test_a_common_kev_name_under_an_unknown_publisher_only_goes_to_review(index: dict[str, list[KevEntry]]) -> None:
    row = match_row("サイボウズ株式会社", "サイボウズ Office 10", None, index)
    assert row.accepted == []
    assert "Microsoft|Office" in _review(row)


def test_a_model_of_a_vendor_with_one_kev_operating_system_runs_it(index: dict[str, list[KevEntry]]) -> None:
    found = _accepted(match_row("TerraMaster", "F4-423", None, index))
    assert found == {"TerraMaster|TerraMaster OS": "model"}
    assert _accepted(match_row("Fortinet", "FortiManager-VM64", None, index)).keys() <= {"Fortinet|FortiManager"}


def test_the_version_column_can_name_the_operating_system(index: dict[str, list[KevEntry]]) -> None:
    found = _accepted(match_row("Cisco", "Catalyst 9300-48P", None, index, version="IOS XE"))
    assert "Cisco|IOS XE Software" in found
    assert _accepted(match_row("MinIO, Inc.", "mc", None, index, version="RELEASE")) == {}


def test_every_accepted_match_on_the_inventory_says_which_path_found_it(shared_data: Path) -> None:
    catalog = load_kev(shared_data / "cisa_kev" / "known_exploited_vulnerabilities.json")
    rows = [{"asset_id": "A1", "vendor": "Open Source Matters", "product": "Joomla! CMS", "version": "4.2"},
            {"asset_id": "A2", "vendor": "NETGEAR", "product": "DGN2200v1", "version": "1.0"},
            {"asset_id": "A3", "vendor": "PyPI", "product": "apache-superset", "version": "2.0.1"},
            {"asset_id": "A4", "vendor": "NextGen Healthcare", "product": "Mirth Connect Administrator Launcher",
             "version": "1.4.0"}]
    result = match_inventory(rows, catalog)
    matches = result.matches.to_pylist()
    assert {m["asset_id"] for m in matches} == {"A1", "A2", "A3"}
    assert {m["match_path"] for m in matches} <= {"alias", "package", "name", "cpe", "model", "vendor+fuzzy"}
    assert all(m["match_rule"] for m in matches if m["match_path"] in ("model", "vendor+fuzzy", "package"))
    assert {r["asset_id"] for r in result.review.to_pylist()} >= {"A4"}
