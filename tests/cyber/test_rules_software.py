"""Software rules: end of support, and known exploited vulnerabilities (KEV) through the scan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kansa.cyber.scan import scan_connection
from kansa.engine.testing import d, duckdb_world, flagged

AS_OF = "2026-03-31"


def asset(asset_id: str, **kw: Any) -> dict[str, Any]:
    """An in-service internal server of criticality 3."""
    row: dict[str, Any] = {"asset_id": asset_id, "name": asset_id.lower(), "asset_type": "server", "owner": "IT",
                           "classification": "internal", "criticality": 3, "internet_facing": False}
    row.update(kw)
    return row


def sw(asset_id: str, vendor: str, product: str, version: str, **kw: Any) -> dict[str, Any]:
    """One installed software row."""
    row: dict[str, Any] = {"asset_id": asset_id, "vendor": vendor, "product": product, "version": version}
    row.update(kw)
    return row


def test_it_flags_software_past_end_of_support_with_severity_by_exposure() -> None:
    tables = {
        "assets": [asset("A1"), asset("A2", internet_facing=True), asset("A3", criticality=4),
                   asset("A4", decommissioned_on=d("2026-01-31"))],
        "software": [
            sw("A1", "Microsoft", "Windows Server", "2012 R2", end_of_support=d("2023-10-10")),
            sw("A2", "Apache", "HTTP Server", "2.2", end_of_support=d("2017-12-31")),
            sw("A3", "Oracle", "Database", "12c", end_of_support=d("2026-03-30")),
            sw("A1", "Red Hat", "Enterprise Linux", "9", end_of_support=d("2032-05-31")),   # supported
            sw("A1", "Vendor", "Tool", "1", end_of_support=d("2026-03-31")),                # ends today: not past
            sw("A1", "Vendor", "NoDate", "1"),                                              # unknown: not flagged
            sw("A4", "Microsoft", "Windows Server", "2008", end_of_support=d("2020-01-14")),  # decommissioned
        ],
    }
    scan = scan_connection(duckdb_world(tables, "cyber"), as_of=d(AS_OF))
    flags = {r["entity_id"]: r for r in scan.flags.to_pylist() if r["rule_id"] == "software_end_of_support"}
    assert set(flags) == {"A1:Microsoft:Windows Server:2012 R2", "A2:Apache:HTTP Server:2.2", "A3:Oracle:Database:12c"}
    assert flags["A1:Microsoft:Windows Server:2012 R2"]["severity"] == "medium"
    assert flags["A2:Apache:HTTP Server:2.2"]["severity"] == "high"
    assert flags["A3:Oracle:Database:12c"]["severity"] == "high"


def _kev_file(tmp_path: Path) -> Path:
    """A tiny catalog in CISA's JSON shape (made up entries, not copied from the real feed)."""
    def v(cve: str, vendor: str, product: str, due: str, ransomware: str = "Unknown", added: str = "2024-01-10"
          ) -> dict[str, str]:
        return {"cveID": cve, "vendorProject": vendor, "product": product, "vulnerabilityName": f"{product} bug",
                "dateAdded": added, "shortDescription": "", "requiredAction": "", "dueDate": due,
                "knownRansomwareCampaignUse": ransomware, "notes": ""}
    doc = {"title": "test", "catalogVersion": "test.1", "dateReleased": "2026-03-01T00:00:00Z", "count": 5,
           "vulnerabilities": [
               v("CVE-2099-0001", "Fortinet", "FortiOS", "2024-01-31", "Known"),
               v("CVE-2099-0002", "Fortinet", "FortiOS and FortiProxy", "2026-06-30"),
               v("CVE-2099-0003", "Microsoft", "Exchange Server", "2024-02-01"),
               v("CVE-2099-0004", "Acme", "Widget", "2099-01-01"),
               v("CVE-2099-0005", "Microsoft", "Exchange Server", "2026-12-01", added="2026-11-01"),  # after as_of
           ]}
    path = tmp_path / "kev.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_it_flags_known_exploited_software_with_cves_ransomware_and_due_dates(tmp_path: Path) -> None:
    tables = {
        "assets": [asset("FW1", internet_facing=True), asset("MX1"), asset("PC1")],
        "software": [
            sw("FW1", "Fortinet, Inc.", "FortiOS", "7.2.4"),
            sw("MX1", "Microsoft Corporation", "Microsoft Exchange Server", "2019"),
            sw("PC1", "Microsoft Corporation", "Microsoft Office", "2019"),          # near-miss: not Exchange
            sw("PC1", "Acme Widgets Ltd", "Widget", "1"),                            # near-miss: other vendor
        ],
    }
    scan = scan_connection(duckdb_world(tables, "cyber"), as_of=d(AS_OF), kev=_kev_file(tmp_path))
    flags = {r["entity_id"]: r for r in scan.flags.to_pylist() if r["rule_id"] == "software_known_exploited"}
    assert set(flags) == {"FW1:Fortinet, Inc.:FortiOS:7.2.4",
                          "MX1:Microsoft Corporation:Microsoft Exchange Server:2019"}
    fw = json.loads(flags["FW1:Fortinet, Inc.:FortiOS:7.2.4"]["evidence"])
    assert fw["cves"] == ["CVE-2099-0001", "CVE-2099-0002"]
    assert fw["n_ransomware"] == 1 and fw["n_past_due"] == 1 and fw["match_method"] == "vendor_product"
    assert flags["FW1:Fortinet, Inc.:FortiOS:7.2.4"]["severity"] == "high"      # ransomware + internet + past due
    mx = json.loads(flags["MX1:Microsoft Corporation:Microsoft Exchange Server:2019"]["evidence"])
    assert mx["cves"] == ["CVE-2099-0003"]      # the entry added after the as-of date is not yet known
    assert flags["MX1:Microsoft Corporation:Microsoft Exchange Server:2019"]["severity"] == "medium"
    assert "KEV" in flags["FW1:Fortinet, Inc.:FortiOS:7.2.4"]["reason"]


def test_without_a_kev_file_the_rule_is_skipped_not_silently_empty() -> None:
    tables = {"assets": [asset("FW1")], "software": [sw("FW1", "Fortinet", "FortiOS", "7.2.4")]}
    scan = scan_connection(duckdb_world(tables, "cyber"), as_of=d(AS_OF))
    assert scan.skipped == {"software_known_exploited": "no_kev"}
    assert "software_known_exploited" not in set(scan.flags.column("rule_id").to_pylist())
    assert flagged(scan.flags, "software_end_of_support") == set() and scan.kev is None
