"""The KEV snapshot shipped with kansa, `kansa kev update/info/match`, and the scan's kev_review.csv."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from kansa.cli import app
from kansa.cyber.kev import KEV_REVIEW_SCHEMA, KevFileError, load_kev
from kansa.cyber.kev_review import write_kev_review
from kansa.cyber.kev_snapshot import BUNDLED_KEV, bundled_kev, write_snapshot
from kansa.services import run_cyber_scan
from kansa.synth.cyber import generate_cyber


def _kev(shared_data: Path) -> Path:
    return shared_data / "cisa_kev" / "known_exploited_vulnerabilities.json"


def test_the_shipped_snapshot_has_the_catalogue_facts_and_no_prose(shared_data: Path) -> None:
    snap = bundled_kev()
    full = load_kev(_kev(shared_data))
    assert snap.version and snap.released and len(snap.entries) >= 1404
    with gzip.open(BUNDLED_KEV, "rt", encoding="utf-8") as fh:
        doc = json.load(fh)
    first = doc["vulnerabilities"][0]
    assert set(first) == {"cveID", "vendorProject", "product", "vulnerabilityName", "dateAdded", "dueDate",
                          "knownRansomwareCampaignUse"}                       # no shortDescription, requiredAction
    if snap.version == full.version:
        assert {(e.cve_id, e.product, e.date_added, e.ransomware_known) for e in snap.entries} == {
            (e.cve_id, e.product, e.date_added, e.ransomware_known) for e in full.entries}
    assert load_kev(Path("bundled")).version == snap.version


def test_update_writes_a_snapshot_that_loads_like_the_source(shared_data: Path, tmp_path: Path) -> None:
    dest = tmp_path / "snap.json.gz"
    result = CliRunner().invoke(app, ["kev", "update", str(_kev(shared_data)), "--to", str(dest)])
    assert result.exit_code == 0, result.output
    assert "2025.08.25" in result.output and "1404 CVE" in result.output
    new, full = load_kev(dest), load_kev(_kev(shared_data))
    assert new.version == full.version and new.released == full.released
    assert [e.cve_id for e in new.entries] == [e.cve_id for e in full.entries]
    assert dest.stat().st_size < _kev(shared_data).stat().st_size / 5


def test_update_refuses_a_file_that_is_not_kev_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "kev.json"
    bad.write_text(json.dumps({"hello": 1}), encoding="utf-8")
    dest = tmp_path / "snap.json.gz"
    result = CliRunner().invoke(app, ["kev", "update", str(bad), "--to", str(dest)])
    assert result.exit_code == 1 and not dest.exists()
    with pytest.raises(KevFileError, match="JSON"):
        write_snapshot(tmp_path / "known.csv", dest)


def test_kev_match_writes_matches_and_a_review_list_with_formulas_escaped(tmp_path: Path) -> None:
    sw = tmp_path / "software.csv"
    sw.write_text("asset_id,vendor,product,version,cpe\nFW1,Fortinet,FortiGate-60F,7.2,\n"
                  "PC1,=HYPERLINK(\"x\"),Microsoft Visual Studio Code,1.84,"
                  "cpe:2.3:a:microsoft:visual_studio:1.84:*:*:*:*:*:*:*\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["kev", "match", str(sw), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    with (tmp_path / "o" / "kev_matches.csv").open(encoding="utf-8-sig") as fh:
        matches = list(csv.DictReader(fh))
    assert {m["kev_product"] for m in matches if m["asset_id"] == "FW1"} >= {"FortiOS"}
    assert all(m["match_path"] == "alias" for m in matches if m["asset_id"] == "FW1")
    assert not [m for m in matches if m["asset_id"] == "PC1"]
    with (tmp_path / "o" / "kev_review.csv").open(encoding="utf-8-sig") as fh:
        review = list(csv.DictReader(fh))
    assert review and all(r["vendor"].startswith("'=") and r["match_path"] == "cpe" for r in review)


def test_write_kev_review_escapes_every_formula_cell(tmp_path: Path) -> None:
    row = {f.name: None for f in KEV_REVIEW_SCHEMA}
    row.update(software_id="@SUM(A1)", product="+cmd", kev_product="-x", reason="=1+1", confidence=0.6)
    path = write_kev_review(pa.Table.from_pylist([row], schema=KEV_REVIEW_SCHEMA), tmp_path)
    text = path.read_text(encoding="utf-8-sig")
    assert "'@SUM(A1)" in text and "'+cmd" in text and "'=1+1" in text and "'-x" in text


def test_a_scan_with_the_bundled_catalogue_runs_the_kev_rule_and_writes_the_review_list(tmp_path: Path) -> None:
    data = tmp_path / "data"
    generate_cyber(data, assets=30, seed=9)
    scan = run_cyber_scan(data, out=tmp_path / "out", lang="en", pdf=False, kev=Path("bundled"))
    assert scan.skipped == {} and scan.kev is not None and scan.kev.version
    assert (tmp_path / "out" / "kev_review.csv").exists()
    html = scan.files["report.html"].read_text(encoding="utf-8")
    no_events = [r.id for r in scan.rules if "access_events" in r.tables]  # no logs given: these cannot run
    assert scan.kev.version in html and f"{16 - len(no_events)} of 16 tests ran" in html
