"""The one door from the web app into the library's scans (kansa.services will replace the calls here)."""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from kansa import __version__
from kansa.progress import Reporter


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


@dataclass(frozen=True)
class ConductOutcome:
    """What a conduct scan produced, ready to store."""

    as_of: date
    manifest: dict[str, str]
    versions: dict[str, Any]
    flags: list[FlagRow]
    kpis: list[dict[str, Any]]


def manifest(folder: Path) -> dict[str, str]:
    """SHA-256 of every input file, by path relative to the folder."""
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h = hashlib.sha256()
            with p.open("rb") as f:
                while chunk := f.read(1 << 20):
                    h.update(chunk)
            out[p.relative_to(folder).as_posix()] = h.hexdigest()
    return out


class _ReporterProgress:
    """Adapts kansa.progress.Reporter to the Rich-like progress the conduct scan still takes."""

    def __init__(self, reporter: Reporter) -> None:
        self.reporter = reporter
        self.tasks: dict[int, Any] = {}

    def add_task(self, description: str, total: int | None = None, **_: Any) -> int:
        self.tasks[len(self.tasks)] = self.reporter.task("web_scan_rules", total=total, label=description)
        return len(self.tasks) - 1

    def update(self, task_id: int, description: str | None = None, advance: int = 0, **_: Any) -> None:
        if advance:
            self.tasks[task_id].advance(advance, item=description)

    def advance(self, task_id: int, advance: int = 1) -> None:
        self.tasks[task_id].advance(advance)


def _text(evidence: dict[str, Any], *keys: str) -> str:
    for k in keys:
        if evidence.get(k):
            return str(evidence[k])
    return ""


def run_conduct(folder: Path, reporter: Reporter, as_of: date | None = None) -> ConductOutcome:
    """Run the conduct rules over a data folder; nothing is written outside a temporary directory."""
    from kansa.conduct.scan import run_conduct_scan
    from kansa.engine import load_catalog

    files = manifest(folder)
    with tempfile.TemporaryDirectory(prefix="kansa-web-scan-") as tmp:
        result = run_conduct_scan(folder, out=Path(tmp), as_of=as_of, report=False,
                                  progress=_ReporterProgress(reporter))  # type: ignore[arg-type]
    rows = []
    for r in result.flags.to_pylist():
        ev = json.loads(r["evidence"]) if r.get("evidence") else {}
        branch = r["entity_id"] if r["entity_type"] == "branch" else _text(ev, "branch_id", "branch")
        sales = r["entity_id"] if r["entity_type"] == "staff" else _text(ev, "staff_id", "salesperson_id")
        rows.append(FlagRow(r["rule_id"], r["entity_type"], r["entity_id"], branch, sales, r["severity"],
                            r["score"], r["event_date"], r["reason"] or "", ev))
    rules = {s.id: getattr(s, "version", None) for s in load_catalog("conduct")}
    return ConductOutcome(result.as_of, files, {"kansa": __version__, "rules": rules}, rows, result.kpis)
