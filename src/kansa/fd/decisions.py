"""The auditor's decisions on the say-do table as a CSV file: written as a template, read back with checks."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from kansa.fd.messages import FdError
from kansa.fd.readers import decode
from kansa.fd.saydo import VERDICTS, Decision, SayDoRow
from kansa.outputs import write_csv_rows

COLUMNS = ("promise_id", "proposed", "verdict", "reason", "reviewer", "decided_at", "sentence")


def write_template(rows: Sequence[SayDoRow], path: Path) -> Path:
    """decisions.csv with every promise, its proposed verdict and empty columns for the auditor (UTF-8 BOM)."""
    return write_csv_rows(path, COLUMNS, ((r.promise.id, r.proposed, d.verdict if d else "", d.reason if d else "",
                                           d.reviewer if d else "", d.decided_at if d else "", r.promise.sentence)
                                          for r in rows for d in (r.decision,)))


def read_decisions(path: Path, rows: Sequence[SayDoRow]) -> dict[str, Decision]:
    """Decisions by promise id. A blank verdict is no decision; 'confirm' keeps the proposal; an override
    needs a reason; an unknown promise id or verdict is an error naming the row."""
    proposed = {r.promise.id: r.proposed for r in rows}
    text = decode(path.read_bytes(), path)
    out: dict[str, Decision] = {}
    for n, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        pid = (row.get("promise_id") or "").strip()
        verdict = (row.get("verdict") or "").strip().lower()
        if not pid and not verdict:
            continue
        if pid not in proposed:
            raise FdError("decision_unknown", path=str(path), row=n, value=pid)
        if not verdict:
            continue
        if verdict not in (*VERDICTS, "confirm"):
            raise FdError("decision_verdict", path=str(path), row=n, value=verdict)
        reason = (row.get("reason") or "").strip()
        if verdict not in ("confirm", proposed[pid]) and not reason:
            raise FdError("decision_no_reason", path=str(path), row=n, verdict=verdict)
        out[pid] = Decision(pid, verdict, reason, (row.get("reviewer") or "").strip(),
                            (row.get("decided_at") or "").strip())
    return out
