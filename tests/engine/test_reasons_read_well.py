"""Every rule's reason, rendered by the real DuckDB engine, reads in words: no contract code leaks into Japanese."""

from __future__ import annotations

import re
import string
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from kansa.contract.labels import CODE_LABELS
from kansa.engine import DuckDBEngine, RuleSpec, load_catalog
from kansa.engine.lint import output_columns, reason_fields

AS_OF = date(2026, 3, 31)

# the enums of shared/contract/conduct.md and cyber.md, copied so that a new code fails here until it has words
CONTRACT_ENUMS: dict[str, tuple[str, ...]] = {
    "investment_experience": ("none", "under_1y", "1_to_5y", "over_5y"),
    "investment_purpose": ("preservation", "income", "balanced", "growth", "speculation"),
    "product_type": ("investment_trust", "structured_bond", "foreign_currency_insurance", "bond", "equity", "etf",
                     "deposit", "other"),
    "side": ("buy", "sell"),
    "channel": ("face_to_face", "phone", "online", "ifa"),
    "complaint_kind": ("inquiry", "complaint", "dispute"),
    "complaint_category": ("explanation", "suitability", "fees", "unauthorized_trade", "churning", "service", "other"),
    "role": ("sales", "manager", "back_office", "other"),
    "severity": ("high", "medium", "low"),
    "asset_type": ("server", "endpoint", "network_device", "cloud_service", "saas", "application", "database",
                   "storage", "other"),
    "classification": ("secret", "confidential", "internal", "public"),
    "environment": ("production", "staging", "development"),
    "asset_location": ("onprem", "cloud", "vendor", "overseas"),
    "account_status": ("active", "disabled", "locked"),
    "event_type": ("logon", "logon_failed", "logoff", "privileged_logon", "explicit_credentials", "sudo", "su",
                   "account_created", "group_member_added", "other"),
    "media": ("disk", "tape", "object_storage", "cloud_service", "other"),
    "backup_location": ("onsite", "offsite", "cloud"),
    "restore_test_result": ("pass", "fail"),
    "incident_category": ("ransomware", "unauthorized_access", "data_leak", "ddos", "phishing", "fraudulent_transfer",
                          "web_defacement", "supply_chain", "other"),
    "incident_status": ("open", "contained", "closed"),
    "boolean": ("true", "false"),
}
ALL_CODES = sorted({c for codes in CONTRACT_ENUMS.values() for c in codes}, key=len, reverse=True)
# codes that are also plain words inside our own identifiers or English product names are matched whole only
_CODE_RE = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(map(re.escape, ALL_CODES)) + r")(?![A-Za-z0-9_])")

# a plausible value for a column a rule returns: codes for the contract's code columns, the worst-looking ones
_CODE_VALUES: dict[str, Any] = {
    "product_type": "structured_bond", "investment_experience": "under_1y", "investment_purpose": "preservation",
    "channel": "face_to_face", "side": "sell", "kind": "dispute", "role": "back_office",
    "asset_type": "network_device", "classification": "confidential", "environment": "production",
    "location": "onprem", "media": "object_storage", "category": "unauthorized_access",
    "incident_severity": "high", "severity": "high", "status": "open", "event_type": "privileged_logon",
    "restore_test_result": "fail", "month": 202603, "issue": "late_report+open_too_long",
}


def _plausible(column: str) -> Any:
    """A value a real row could hold in `column`, judged from the contract's naming habits."""
    if column in _CODE_VALUES:
        return _CODE_VALUES[column]
    if column.startswith("is_") or column in ("internet_facing", "explanation_recorded"):
        return True
    if column.endswith("_jpy") or column == "score":
        return 1234567.0
    if column.endswith(("_pct", "_rate", "ratio", "_z")):
        return 12.5
    if column.endswith("_at") or column in ("event_time", "first_seen", "last_seen", "first_use",
                                             "window_start", "window_end"):
        return datetime(2026, 3, 2, 9, 30)
    if column.endswith(("_date", "_on", "_until")) or column in ("end_of_support", "last_login", "last_backup",
                                                                 "last_restore_pass", "last_confirmed", "last_covered"):
        return date(2026, 3, 2)
    if column.endswith(("_days", "_hours", "_months")) or column.startswith("n_") or column in (
            "age", "buys", "copies", "switches", "complaints", "disputes", "criticality", "risk_class",
            "risk_tolerance", "risk_gap", "years_to_maturity", "media_kinds", "offline_copies", "dormant_days"):
        return 7
    if column.endswith("_ids") or column in ("categories", "cves", "kev_products", "ransomware_cves"):
        return ["X-001", "X-002"]
    return "X-001"


def _reason(spec: RuleSpec, lang: str) -> str:
    """The reason `spec` writes for one plausible row, through the real DuckDB engine."""
    columns = output_columns(spec.sql)
    formatted = {f for lang_ in spec.reason for f, fmt in reason_fields(spec.reason[lang_]) if fmt}
    # a field the template formats as a number holds a number, whatever its name says
    row = {c: (12.5 if c in formatted and isinstance(_plausible(c), str) else _plausible(c)) for c in columns}
    engine = DuckDBEngine(duckdb.connect())
    engine.register("probe_row", pa.Table.from_pylist([row]))
    probe = replace(spec, tables=("probe_row",), params=(),
                    sql="SELECT " + ", ".join(f'"{c}"' for c in columns) + " FROM probe_row")
    flags = engine.run([probe], as_of=AS_OF, lang=lang)  # type: ignore[arg-type]
    assert flags.num_rows == 1
    return str(flags.column("reason")[0].as_py())


def _leaked_codes(text: str) -> list[str]:
    return _CODE_RE.findall(text)


SPECS = load_catalog("conduct") + load_catalog("cyber")


@pytest.mark.parametrize("spec", SPECS, ids=[s.id for s in SPECS])
def test_the_japanese_reason_prints_no_contract_code(spec: RuleSpec) -> None:
    ja = _reason(spec, "ja")
    assert "{" not in ja and ja.strip(), ja
    assert _leaked_codes(ja) == [], f"{spec.id}: {ja}"


@pytest.mark.parametrize("spec", SPECS, ids=[s.id for s in SPECS])
def test_a_labelled_code_reads_in_words_in_both_languages(spec: RuleSpec) -> None:
    for lang in ("ja", "en"):
        text = _reason(spec, lang)
        assert "{" not in text and text.strip(), text
        for _lit, name, _spec, conv in string.Formatter().parse(spec.reason[lang]):
            if conv == "l" and name is not None:
                code = str(_plausible(name)).lower()
                assert CODE_LABELS[code][lang] in text, f"{spec.id} {lang}: {name}={code} not in words: {text}"


def test_the_leak_check_catches_a_code_printed_without_l() -> None:
    """Near miss: the same template without `!l` prints the raw code, and the check sees it."""
    spec = next(s for s in SPECS if s.id == "missing_explanation_record")
    raw = replace(spec, reason={k: v.replace("{product_type!l}", "{product_type}") for k, v in spec.reason.items()})
    assert _leaked_codes(_reason(raw, "ja")) == ["structured_bond"]
    assert "仕組債" in _reason(spec, "ja")


def test_every_contract_code_has_japanese_and_english_words() -> None:
    for enum, codes in CONTRACT_ENUMS.items():
        for code in codes:
            words = CODE_LABELS.get(code)
            assert words is not None, f"{enum}: {code} has no label"
            assert words["ja"] and words["en"] and _leaked_codes(words["ja"]) == [], (enum, code, words)


def test_a_shared_code_means_the_same_in_every_enum() -> None:
    """`other`, `cloud`, `cloud_service` sit in several enums: one flat map is only right if they read alike."""
    assert CODE_LABELS["other"]["ja"] == "その他"
    assert CODE_LABELS["cloud"]["ja"] == "クラウド" and CODE_LABELS["cloud_service"]["ja"] == "クラウドサービス"
