"""The synthetic cyber institution: deterministic tables and logs whose answer key points at real records."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from kansa.contract.schema import TABLES
from kansa.synth.cyber import CYBER_TABLES, generate_cyber

RULES = [
    "asset_missing_owner_or_class",
    "asset_inventory_stale",
    "host_not_in_register",
    "software_end_of_support",
    "software_known_exploited",
    "privileged_account_shared",
    "privileged_account_no_mfa",
    "privileged_password_age",
    "privileged_account_dormant",
    "account_created_outside_register",
    "privileged_use_without_request",
    "request_self_approved",
    "log_review_gap",
    "backup_not_321",
    "backup_stale_or_untested",
    "incident_late_report",
]


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cyber")
    generate_cyber(out, assets=60, seed=5)
    return out


def _key(folder: Path) -> list[dict[str, str]]:
    with open(folder / "answer_key.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_it_is_deterministic(shop: Path, tmp_path: Path) -> None:
    generate_cyber(tmp_path, assets=60, seed=5)
    for name in ["answer_key.csv", "logs/auth.log", "logs/security.jsonl"] + [f"{t}.csv" for t in CYBER_TABLES]:
        assert (tmp_path / name).read_bytes() == (shop / name).read_bytes(), name


def test_tables_have_the_contract_columns(shop: Path) -> None:
    for table in CYBER_TABLES:
        with open(shop / f"{table}.csv", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        assert list(rows[0]) == list(TABLES[table].names), table
        for col in TABLES[table].columns:
            if col.enum:
                assert not ({r[col.name] for r in rows} - set(col.enum) - {""}), (table, col.name)


def test_every_cyber_rule_has_flags_and_near_misses(shop: Path) -> None:
    key = _key(shop)
    for rule in RULES:
        assert {k["expected"] for k in key if k["rule_id"] == rule} == {"flag", "no_flag"}, rule


def test_event_pointers_name_the_planted_lines(shop: Path) -> None:
    auth = (shop / "logs" / "auth.log").read_text(encoding="utf-8").splitlines()
    win = (shop / "logs" / "security.jsonl").read_text(encoding="utf-8").splitlines()
    for k in _key(shop):
        if k["entity_type"] != "event":
            continue
        name, n = k["entity_id"].split(":")
        line = (auth if name == "auth.log" else win)[int(n) - 1]
        if k["rule_id"] == "account_created_outside_register":
            assert "new user" in line or json.loads(line)["EventID"] == 4720
            created = line.split("name=")[1].split(",")[0] if "name=" in line else json.loads(line)["TargetUserName"]
            with open(shop / "accounts.csv", encoding="utf-8") as f:
                registered = {r["username"] for r in csv.DictReader(f)}
            assert (created in registered) == (k["expected"] == "no_flag")


def test_syslog_lines_look_like_real_auth_logs(shop: Path) -> None:
    text = (shop / "logs" / "auth.log").read_text(encoding="utf-8")
    assert " sshd[" in text and "Accepted publickey for " in text and "COMMAND=/usr/bin/" in text
    assert "su[" in text and "(to root)" in text and "useradd[" in text
    first = json.loads((shop / "logs" / "security.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert {"EventID", "Hostname", "EventTime", "@timestamp", "Channel"} <= set(first)


def test_background_software_misses_the_kev_catalog(shop: Path, shared_data: Path) -> None:
    kev = json.loads((shared_data / "cisa_kev" / "known_exploited_vulnerabilities.json").read_text(encoding="utf-8"))

    def norm(s: str) -> str:
        return "".join(ch for ch in s.lower() if ch.isalnum())

    pairs = {(norm(v["vendorProject"]), norm(v["product"])) for v in kev["vulnerabilities"]}
    planted = {
        k["entity_id"] for k in _key(shop) if k["rule_id"] == "software_known_exploited" and k["expected"] == "flag"
    }
    with open(shop / "software.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            sid = f"{r['asset_id']}:{r['vendor']}:{r['product']}:{r['version']}"
            assert ((norm(r["vendor"]), norm(r["product"])) in pairs) == (sid in planted), sid
