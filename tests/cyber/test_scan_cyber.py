"""The cyber scan end to end on `kansa synth cyber` output: precision/recall per rule, reports, CLI."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from kansa.cli import app
from kansa.cyber.scan import CyberScan, cyber_catalog
from kansa.engine.catalog import catalog
from kansa.services import run_cyber_scan
from kansa.synth.cyber import generate_cyber

RULE_IDS = sorted(s.id for s in cyber_catalog())


@pytest.fixture(scope="module")
def synth_scan(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> tuple[Path, CyberScan]:
    """A synthetic institution (unseen seed) scanned with its logs and the real KEV catalog; PDF included."""
    root = tmp_path_factory.mktemp("cyber")
    data = root / "data"
    generate_cyber(data, assets=80, seed=4242)
    logs = [data / "logs" / "auth.log", data / "logs" / "security.jsonl"]
    kev = shared_data / "cisa_kev" / "known_exploited_vulnerabilities.json"
    scan = run_cyber_scan(data, out=root / "out", logs=logs, kev=kev, lang="ja")
    return data, scan


def _answer_key(data: Path) -> dict[str, dict[str, set[str]]]:
    key: dict[str, dict[str, set[str]]] = defaultdict(lambda: {"flag": set(), "no_flag": set()})
    with (data / "answer_key.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            key[row["rule_id"]][row["expected"]].add(row["entity_id"])
    return key


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_each_rule_meets_recall_and_precision_on_synthetic_data(synth_scan: tuple[Path, CyberScan],
                                                                 rule_id: str) -> None:
    data, scan = synth_scan
    key = _answer_key(data)[rule_id]
    got = {r["entity_id"] for r in scan.flags.to_pylist() if r["rule_id"] == rule_id}
    assert key["flag"], f"the answer key plants nothing for {rule_id}"
    recall = len(got & key["flag"]) / len(key["flag"])
    precision = len(got & key["flag"]) / len(got) if got else 0.0
    assert recall >= 0.95, (rule_id, sorted(key["flag"] - got))
    assert precision >= 0.9, (rule_id, sorted(got - key["flag"]))
    assert not got & key["no_flag"], (rule_id, sorted(got & key["no_flag"]))


def test_the_report_has_every_section_and_the_backup_matrix(synth_scan: tuple[Path, CyberScan]) -> None:
    _data, scan = synth_scan
    html = scan.files["report.html"].read_text(encoding="utf-8")
    filed = catalog("cyber").filed(scan.rules)
    assert sum(len(rules) for _a, rules in filed) == 16  # every rule under one area
    for area, rules in filed:
        assert f'id="area-{area.id}"' in html
        for rule in rules:
            assert f'id="rule-{rule.id}"' in html
    assert 'id="summary"' in html and "経営陣向けサマリー" in html
    assert 'id="backup-matrix"' in html and "3-2-1" in html
    assert 'id="kev-method"' in html and "KEVは影響を受けるバージョンを掲載しない" in html
    assert "auth.log:" in html                      # raw log pointers next to log findings
    assert all(digest in html for digest in scan.logs.sha256.values()) and len(scan.logs.sha256) == 2
    assert scan.backup_matrix and all("meets_321" in m for m in scan.backup_matrix)
    assert scan.as_of.isoformat() == "2026-03-31" and scan.as_of_inferred   # synth's as-of, read from the registers


def test_the_pdf_and_the_workbook_are_written(synth_scan: tuple[Path, CyberScan]) -> None:
    _data, scan = synth_scan
    pdf = scan.files["report.pdf"]
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 20_000
    wb = openpyxl.load_workbook(scan.files["report.xlsx"], read_only=True)
    names = set(wb.sheetnames)
    assert {"summary", "backup_3-2-1", "kev_matches", "log_errors", "unresolved_hosts"} <= names
    assert all(rid[:31] in names for rid in RULE_IDS)
    assert (scan.out_dir / "flags.csv").exists() and (scan.out_dir / "flags.parquet").exists()


def test_without_kev_the_report_says_the_check_did_not_run(tmp_path: Path) -> None:
    data = tmp_path / "data"
    generate_cyber(data, assets=30, seed=9)
    scan = run_cyber_scan(data, out=tmp_path / "out", lang="en", pdf=False)
    assert scan.skipped == {"software_known_exploited": "no_kev"}
    html = scan.files["report.html"].read_text(encoding="utf-8")
    # without logs the four access-event rules cannot run either: the report counts only what was evaluated
    no_events = [r.id for r in scan.rules if "access_events" in r.tables]
    assert len(no_events) == 4
    assert "The KEV catalogue was turned off" in html and f"{16 - 1 - len(no_events)} of 16 tests ran" in html
    assert "table access_events was not supplied" in html
    assert "software_known_exploited" not in set(scan.flags.column("rule_id").to_pylist())


def test_the_cli_scans_a_folder_and_rejects_a_bad_kev_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    generate_cyber(data, assets=30, seed=5)
    runner = CliRunner()
    help_text = runner.invoke(app, ["cyber", "scan", "--help"]).output
    assert "--kev" in help_text and "--logs" in help_text
    ok = runner.invoke(app, ["cyber", "scan", str(data), "--out", str(tmp_path / "out"), "--no-pdf", "--lang", "en",
                             "--logs", str(data / "logs" / "auth.log"), "--as-of", "2026-03-31"])
    assert ok.exit_code == 0, ok.output
    assert (tmp_path / "out" / "report.xlsx").exists() and (tmp_path / "out" / "flags.csv").exists()
    params = tmp_path / "params.toml"
    params.write_text("[asset_inventory_stale]\nmax_age_days = 1\n", encoding="utf-8")
    strict = runner.invoke(app, ["cyber", "scan", str(data), "--out", str(tmp_path / "o3"), "--no-pdf",
                                 "--params", str(params), "--as-of", "2026-03-31"])
    assert strict.exit_code == 0, strict.output
    default_n = (tmp_path / "out" / "flags.csv").read_text(encoding="utf-8-sig").count("asset_inventory_stale")
    strict_n = (tmp_path / "o3" / "flags.csv").read_text(encoding="utf-8-sig").count("asset_inventory_stale")
    assert strict_n > default_n >= 1
    bad = tmp_path / "kev.json"
    bad.write_text("{}", encoding="utf-8")
    failed = runner.invoke(app, ["cyber", "scan", str(data), "--out", str(tmp_path / "o2"), "--kev", str(bad)])
    assert failed.exit_code == 1 and "kev.json" in failed.output


def test_the_scan_reads_a_loaded_workspace_read_only(tmp_path: Path) -> None:
    data = tmp_path / "data"
    generate_cyber(data, assets=30, seed=6)
    runner = CliRunner()
    loaded = runner.invoke(app, ["load", str(data), "--workspace", str(tmp_path / "ws")])
    assert loaded.exit_code == 0, loaded.output
    scan = run_cyber_scan(workspace=tmp_path / "ws", out=tmp_path / "out", logs=[data / "logs" / "auth.log"],
                          pdf=False)
    key = _answer_key(data)
    got = {r["entity_id"] for r in scan.flags.to_pylist() if r["rule_id"] == "account_created_outside_register"}
    assert got == {e for e in key["account_created_outside_register"]["flag"] if e.startswith("auth.log:")}
    assert scan.counts["assets"] > 30 and scan.files["report.html"].exists()


def test_bad_input_stops_the_scan_naming_table_row_column_and_value(tmp_path: Path) -> None:
    data = tmp_path / "data"
    generate_cyber(data, assets=20, seed=3)
    lines = (data / "assets.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace('"server"', '"mainframe"', 1)
    assert "mainframe" in lines[2]
    (data / "assets.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["cyber", "scan", str(data), "--out", str(tmp_path / "out"), "--lang", "en"])
    assert result.exit_code == 1
    assert "assets / 3 / asset_type / mainframe" in result.output
    assert not (tmp_path / "out" / "flags.csv").exists()
