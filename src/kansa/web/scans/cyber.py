"""A cyber scan of an uploaded data folder through kansa.services.run_cyber, reshaped into what the web stores."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from kansa import __version__, services
from kansa.engine.catalog import catalog
from kansa.progress import Reporter
from kansa.services import open_source
from kansa.web.scans.adapter import FlagRow, ScanOutcome

LOG_SUFFIXES = {".log", ".jsonl", ".evtx"}
KEEP_MATCHES = 500   # KEV matches kept for the page; the count is kept whole


def log_files(folder: Path) -> list[Path]:
    """The log files of an uploaded folder: anything under logs/ with a log suffix (auth.log, security.jsonl)."""
    logs = folder / "logs"
    return sorted(p for p in logs.rglob("*") if p.is_file() and p.suffix.lower() in LOG_SUFFIXES) \
        if logs.is_dir() else []


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()}


def run_cyber(folder: Path, reporter: Reporter, as_of: date | None = None) -> ScanOutcome:
    """Registers, logs and the shipped KEV snapshot through kansa.services.run_cyber; nothing is written."""
    source = open_source(folder, domain="cyber", reporter=reporter)
    try:
        scan = services.run_cyber(source, logs=log_files(folder), kev=Path("bundled"), as_of=as_of,
                                  reporter=reporter)
        files = {str(r["path"]): str(r["sha256"]) for r in source.manifest.to_pylist()}
    finally:
        source.close()
    files.update({Path(p).name: sha for p, sha in scan.logs.sha256.items()})
    area_of = {r.id: r.area for r in scan.rules}
    rows = []
    for r in scan.flags.to_pylist():
        ev = json.loads(r["evidence"]) if r.get("evidence") else {}
        rows.append(FlagRow(r["rule_id"], r["entity_type"], r["entity_id"], "", "", r["severity"], r["score"],
                            r["event_date"], r["reason"] or "", ev, area=area_of.get(r["rule_id"], "")))
    matches = scan.kev_matches.to_pylist()
    details = {
        "kev": {"version": scan.kev.version, "released": scan.kev.released} if scan.kev else None,
        "kev_match_count": len(matches),
        "kev_assets": len({m["asset_id"] for m in matches}),
        "kev_ransomware": sum(1 for m in matches if m.get("ransomware_known")),
        "kev_matches": [_jsonable(m) for m in matches[:KEEP_MATCHES]],
        "kev_review_count": scan.kev_review.num_rows,
        "areas": [{"id": a.id, "title": a.title} for a in catalog("cyber").areas],
        "counts": scan.counts, "log_errors": len(scan.logs.errors),
    }
    rules = {s.id: getattr(s, "version", None) for s in scan.rules}
    return ScanOutcome(scan.as_of, files, {"kansa": __version__, "rules": rules}, rows, [],
                          coverage=scan.coverage.to_pylist() if scan.coverage is not None else [],
                          details=details)
