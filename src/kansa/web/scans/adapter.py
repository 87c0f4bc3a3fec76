"""The web app's scans through the library's one door (kansa.services), reshaped into what the web stores."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kansa import __version__, services
from kansa.progress import Reporter
from kansa.services import open_source


@dataclass(frozen=True)
class FlagRow:
    """One flag as the web app stores it."""

    rule_id: str
    entity_type: str
    entity_id: str
    branch: str
    salesperson: str
    severity: str
    score: float | None
    event_date: date | None
    reason: str
    evidence: dict[str, Any]
    case_id: str = ""
    area: str = ""


@dataclass(frozen=True)
class ScanOutcome:
    """What a scan (conduct or cyber) produced, ready to store."""

    as_of: date
    manifest: dict[str, str]
    versions: dict[str, Any]
    flags: list[FlagRow]
    kpis: list[dict[str, Any]]
    cases: list[dict[str, Any]] = field(default_factory=list)      # CASES_SCHEMA rows, ranked
    coverage: list[dict[str, Any]] = field(default_factory=list)   # COVERAGE_SCHEMA rows
    details: dict[str, Any] = field(default_factory=dict)          # cyber: KEV catalogue, matches, review


def _text(evidence: dict[str, Any], *keys: str) -> str:
    for k in keys:
        if evidence.get(k):
            return str(evidence[k])
    return ""


def run_conduct(folder: Path, reporter: Reporter, as_of: date | None = None) -> ScanOutcome:
    """Run the conduct rules over a data folder through kansa.services; results stay in memory, no file is written."""
    source = open_source(folder, domain="conduct", reporter=reporter)
    try:
        run = services.run_conduct(source, as_of=as_of, reporter=reporter)
        files = {str(r["path"]): str(r["sha256"]) for r in source.manifest.to_pylist()}
    finally:
        source.close()
    result = run.result
    rows = []
    for r in result.flags.to_pylist():
        ev = json.loads(r["evidence"]) if r.get("evidence") else {}
        branch = r["entity_id"] if r["entity_type"] == "branch" else _text(ev, "branch_id", "branch")
        sales = r["entity_id"] if r["entity_type"] == "staff" else _text(ev, "staff_id", "salesperson_id")
        rows.append(FlagRow(r["rule_id"], r["entity_type"], r["entity_id"], branch, sales, r["severity"],
                            r["score"], r["event_date"], r["reason"] or "", ev, r.get("case_id") or ""))
    rules = {s.id: getattr(s, "version", None) for s in run.rules}
    return ScanOutcome(result.as_of, files, {"kansa": __version__, "rules": rules}, rows, result.kpis,
                          cases=result.cases.to_pylist() if result.cases is not None else [],
                          coverage=result.coverage.to_pylist() if result.coverage is not None else [])
