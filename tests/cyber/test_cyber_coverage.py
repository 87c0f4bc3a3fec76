"""coverage.csv of a cyber scan: a rule that could not run says so and why, never an empty finding."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from kansa.services import run_cyber_scan
from kansa.synth.cyber import generate_cyber


@pytest.fixture(scope="module")
def registers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic institution's registers and logs."""
    data = tmp_path_factory.mktemp("cyber") / "data"
    generate_cyber(data, assets=30, seed=5)
    return data


def _coverage(out: Path) -> dict[str, dict[str, str]]:
    with (out / "coverage.csv").open(encoding="utf-8-sig", newline="") as fh:
        return {r["rule_id"]: r for r in csv.DictReader(fh)}


def test_every_rule_runs_on_a_full_institution_with_logs(registers: Path, tmp_path: Path) -> None:
    logs = [registers / "logs" / "auth.log", registers / "logs" / "security.jsonl"]
    scan = run_cyber_scan(registers, out=tmp_path / "out", logs=logs, kev=Path("bundled"), formats=["csv"])
    cov = _coverage(tmp_path / "out")
    assert len(cov) == len(scan.rules) == 16
    assert {r["status"] for r in cov.values()} == {"evaluated"}, [r for r in cov.values() if r["reason"]]
    assert int(cov["privileged_use_without_request"]["rows_in_scope"]) > 0


def test_missing_inputs_are_named_per_rule(registers: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(registers, data)
    (data / "backups.csv").unlink()
    run_cyber_scan(data, out=tmp_path / "out", kev=None, formats=["csv"])  # no logs, no KEV
    cov = _coverage(tmp_path / "out")
    not_run = {rid: (r["reason"], r["detail"]) for rid, r in cov.items() if r["status"] == "not_evaluated"}
    assert not_run["backup_not_321"] == ("table_absent", "backups")
    assert not_run["backup_stale_or_untested"] == ("table_absent", "backups")
    assert not_run["privileged_use_without_request"] == ("table_absent", "access_events")
    assert not_run["software_known_exploited"] == ("no_kev", "")
    # near misses: the registers that were given are evaluated, with their rows counted
    assert cov["software_end_of_support"]["status"] == "evaluated"
    assert int(cov["privileged_account_no_mfa"]["rows_in_scope"]) > 0


def test_the_report_says_which_rules_did_not_run_and_why(registers: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    data = tmp_path / "data"
    shutil.copytree(registers, data)
    (data / "backups.csv").unlink()
    run_cyber_scan(data, out=tmp_path / "out", kev=Path("bundled"), lang="en", formats=["html", "pdf"])
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "table backups was not supplied" in html and "table access_events was not supplied" in html
    text = "".join(p.extract_text() or "" for p in PdfReader(tmp_path / "out" / "report.pdf").pages)
    assert "table backups was not supplied" in " ".join(text.split())
