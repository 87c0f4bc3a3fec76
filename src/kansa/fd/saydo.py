"""The say-do gap: each promise of a policy against the conduct scan's evidence, a proposed verdict
(kept / not kept / cannot tell), and the auditor's decision (confirm, or override with a reason).

Pure functions: promises and evidence in, rows out; decisions in, final rows out. Reading files is elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from kansa.fd.promises import Promise, kinds
from kansa.fd.scan_evidence import ScanEvidence, structured_bond_buys_since

VERDICTS = ("kept", "not_kept", "cannot_tell")
VERDICT_LABELS = {"kept": {"ja": "守られている", "en": "Kept"}, "not_kept": {"ja": "守られていない", "en": "Not kept"},
                  "cannot_tell": {"ja": "判断できない", "en": "Cannot tell"}}
TOP_ENTITIES = 5


@dataclass(frozen=True)
class Evidence:
    """One line of evidence: a message code (messages.EVIDENCE) and its fields."""

    code: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class Decision:
    """The auditor's decision on one promise."""

    promise_id: str
    verdict: str
    reason: str = ""
    reviewer: str = ""
    decided_at: str = ""


@dataclass(frozen=True)
class SayDoRow:
    """Promise -> evidence -> proposed verdict, and the auditor's decision when there is one."""

    promise: Promise
    tests: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    proposed: str
    decision: Decision | None = None

    @property
    def final(self) -> str:
        """The auditor's verdict when decided, else the proposed one."""
        return self.decision.verdict if self.decision is not None else self.proposed

    @property
    def overridden(self) -> bool:
        """Whether the auditor changed the proposed verdict."""
        return self.decision is not None and self.decision.verdict != self.proposed


@dataclass
class _Found:
    verdict: str
    evidence: list[Evidence] = field(default_factory=list)


def propose(promises: Iterable[Promise], scan: ScanEvidence) -> list[SayDoRow]:
    """The proposed verdict of every promise, with its evidence."""
    rows = []
    for p in promises:
        kind = kinds()[p.kind]
        found = _TESTS[kind.test](p, scan)
        tests = kind.rules or ((kind.test,) if kind.test != "none" else ())
        rows.append(SayDoRow(p, tests, tuple(found.evidence), found.verdict))
    return rows


def _rules(p: Promise, scan: ScanEvidence) -> _Found:
    """Flags of the kind's rules contradict the promise; none over a scan with trades keeps it."""
    kind = kinds()[p.kind]
    found = _Found("kept")
    flagged = False
    for rule in kind.rules:
        flags = scan.flags.get(rule, [])
        if flags:
            flagged = True
            entities = "、".join(f.entity_id for f in flags[:TOP_ENTITIES])
            found.evidence.append(Evidence("ev_flags", {"rule": rule, "count": len(flags), "entities": entities}))
            found.evidence += [Evidence("ev_flag", {"rule": rule, "entity_type": f.entity_type,
                                                    "entity_id": f.entity_id, "reason": f.reason})
                               for f in flags[:TOP_ENTITIES]]
        else:
            found.evidence.append(Evidence("ev_no_flags", {"rule": rule, "buys": scan.buys_in_window(),
                                                           "as_of": scan.as_of or ""}))
    if flagged:
        found.verdict = "not_kept"
    elif scan.buys_in_window() == 0:
        found.verdict = "cannot_tell"
        found.evidence.append(Evidence("ev_no_data", {"what": "trades"}))
    if p.kind == "no_inhouse_bias":
        found.evidence += _monitoring(scan, "affiliated_share")
    elif p.kind == "no_fee_bias":
        found.evidence += _monitoring(scan, "fee_rate_weighted")
    return found


def _monitoring(scan: ScanEvidence, key: str) -> list[Evidence]:
    """A monitoring indicator over the scan's dates, as context for the auditor."""
    values = [(k["as_of_date"], (k.get("monitoring") or {}).get(key)) for k in scan.kpis]
    series = " → ".join(f"{d}: {_fmt(key, v)}" for d, v in values if v is not None)
    return [Evidence("ev_series", {"metric": key, "series": series})] if series else []


def _fmt(key: str, value: float) -> str:
    return f"{value * 100:.1f}%" if key.endswith("share") else f"{value:.2f}%"


def _structured_bonds(p: Promise, scan: ScanEvidence) -> _Found:
    """Structured bonds still bought after the stop (workspace), or in the latest window (kpis.json)."""
    found = _rules(p, scan)
    since = date.fromisoformat(p.since + "-01") if p.since else None
    if scan.workspace is not None and since is not None:
        count, ids = structured_bond_buys_since(scan.workspace, since)
        found.evidence.append(Evidence("ev_sb_since", {"count": count, "since": since.isoformat(),
                                                       "ids": "、".join(ids)}))
        if count:
            found.verdict = "not_kept"
        return found
    buys = scan.product_buys("structured_bond")
    if buys is None:
        return found if found.verdict == "not_kept" else _Found("cannot_tell", [Evidence("ev_no_data", {
            "what": "structured_bond"})])
    found.evidence.append(Evidence("ev_sb_window", {"count": buys, "as_of": scan.as_of or ""}))
    window_start = (scan.kpis[-1].get("monitoring") or {}).get("window", {}).get("from") if scan.kpis else None
    if buys and (since is None or window_start is None or p.since is None or p.since + "-01" <= str(window_start)):
        found.verdict = "not_kept"
    return found


def _complaints(p: Promise, scan: ScanEvidence) -> _Found:
    """Complaints and disputes of the last two fiscal years; a target reduction when the promise gives one."""
    years = sorted(scan.complaints)
    if len(years) < 2:
        return _Found("cannot_tell", [Evidence("ev_no_data", {"what": "complaints"})])
    prev, cur = years[-2], years[-1]
    a, b = scan.complaints[prev], scan.complaints[cur]
    change = (b - a) / a * 100 if a else 0.0
    ev = Evidence("ev_complaints", {"prev_fy": prev, "prev": a, "fy": cur, "cur": b, "change": f"{change:+.1f}"})
    target = p.target
    kept = (-change >= target) if target is not None else b < a
    return _Found("kept" if kept else "not_kept", [ev])


def _kpi(p: Promise, scan: ScanEvidence, *, path: tuple[str, ...], scale: float, higher_is_better: bool) -> _Found:
    """A common KPI against the promise's target, else its trend over the scan's dates."""
    series = []
    for k in scan.kpis:
        v: Any = k
        for key in path:
            v = v.get(key) if isinstance(v, dict) else None
        if v is not None:
            series.append((k["as_of_date"], float(v) * scale))
    if not series:
        return _Found("cannot_tell", [Evidence("ev_no_data", {"what": ".".join(path)})])
    text = " → ".join(f"{d}: {v:.2f}" for d, v in series)
    ev = [Evidence("ev_kpi", {"metric": ".".join(path), "series": text,
                              "target": "" if p.target is None else f"{p.target:g}"})]
    last = series[-1][1]
    if p.target is not None:
        kept = last >= p.target if higher_is_better else last <= p.target
    elif len(series) >= 2:
        kept = last >= series[-2][1] if higher_is_better else last <= series[-2][1]
    else:
        return _Found("cannot_tell", ev)
    return _Found("kept" if kept else "not_kept", ev)


def _untestable(p: Promise, scan: ScanEvidence) -> _Found:
    del scan
    return _Found("cannot_tell", [Evidence("ev_untestable", {"kind": p.kind})])


_TESTS: dict[str, Any] = {
    "rules": _rules,
    "structured_bond_sales": _structured_bonds,
    "complaints": _complaints,
    "positive_share": lambda p, s: _kpi(p, s, path=("investment_trust", "positive_share"), scale=100.0,
                                        higher_is_better=True),
    "top20_cost": lambda p, s: _kpi(p, s, path=("investment_trust", "top20_weighted", "cost_rate"), scale=1.0,
                                    higher_is_better=False),
    "none": _untestable,
}


def apply_decisions(rows: Sequence[SayDoRow], decisions: Mapping[str, Decision]) -> list[SayDoRow]:
    """The rows with the auditor's decisions attached (a decision 'confirm' keeps the proposed verdict)."""
    out = []
    for row in rows:
        d = decisions.get(row.promise.id)
        if d is not None and d.verdict == "confirm":
            d = replace(d, verdict=row.proposed)
        out.append(replace(row, decision=d))
    return out
