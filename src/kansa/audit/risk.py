"""Data-driven, explained risk: each entity's inherent and control risk from judgement plus kansa's signals."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa
import yaml

from kansa.audit.errors import AuditConfigError, AuditUsageError
from kansa.audit.events import now, record
from kansa.audit.model import Book, Entity, Event, Override
from kansa.workspace import Workspace

CYBER_RULES = {"software_known_exploited": "kev_exposure",
               "privileged_use_without_request": "privileged_without_approval",
               "backup_stale_or_untested": "backup_without_restore_test"}
NEGATIVE_BANDS = ("lt_m50", "m50_m30", "m30_m10", "m10_0")


@dataclass(frozen=True)
class Signal:
    """One measured fact about an entity, the scan it came from, and what it added to the score."""

    entity_id: str
    name: str
    value: float
    source: str
    detail: str = ""
    side: str = ""
    contribution: float = 0.0


@dataclass
class RiskScore:
    """An entity's explained risk: judgement, each signal's part, the override if any, and the rating."""

    entity_id: str
    inherent: float
    control: float
    overall: float
    rating: str
    signals: list[Signal] = field(default_factory=list)
    overridden: Override | None = None


def default_weights() -> dict[str, Any]:
    """The shipped weights (risk_weights.yaml beside this module)."""
    text = resources.files("kansa.audit").joinpath("risk_weights.yaml").read_text(encoding="utf-8")
    return dict(yaml.safe_load(text))


def load_weights(path: Path | None) -> dict[str, Any]:
    """Defaults overlaid with a user's YAML; unknown signals or non-numbers are ConfigErrors naming the field."""
    weights = default_weights()
    if path is None:
        return weights
    try:
        user = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise AuditConfigError("audit_params", path=str(path), field="(file)", detail=str(exc)) from exc
    for name, spec in (user.get("signals") or {}).items() if isinstance(user, dict) else []:
        if name not in weights["signals"] or not isinstance(spec, dict):
            raise AuditConfigError("audit_params", path=str(path), field=f"signals.{name}", detail="unknown signal")
        for key, value in spec.items():
            if key not in ("weight", "cap") or isinstance(value, bool) or not isinstance(value, (int, float)):
                raise AuditConfigError("audit_params", path=str(path), field=f"signals.{name}.{key}",
                                       detail=f"expected weight/cap numbers, not {value!r}")
            weights["signals"][name][key] = float(value)
    if isinstance(user, dict) and isinstance(user.get("ratings"), dict):
        weights["ratings"].update(user["ratings"])
    return weights


def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise AuditUsageError("audit_scan_unreadable", path=str(path), detail=str(exc)) from exc


def conduct_signals(scan_dir: Path, con: Any) -> list[Signal]:
    """Flag rates per branch and per rule (per 1,000 trades), complaints per branch, negative-return share."""
    src = str(scan_dir / "flags.csv")
    flags = _read_csv(scan_dir / "flags.csv")
    out: list[Signal] = []
    trades = con.execute("SELECT branch_id, count(*) FROM trades GROUP BY 1").fetchall()
    per_branch = {str(b): int(n) for b, n in trades}
    total = max(1, sum(per_branch.values()))
    con.register("_audit_flags", _flag_table(flags))
    mapped = con.execute("""
        SELECT coalesce(t.branch_id, c.branch_id, s.branch_id, h.branch_id,
                        CASE WHEN f.entity_type = 'branch' THEN f.entity_id END) AS branch_id, count(*)
        FROM _audit_flags f
        LEFT JOIN trades t ON f.entity_type = 'trade' AND t.trade_id = f.entity_id
        LEFT JOIN customers c ON f.entity_type = 'customer' AND c.customer_id = f.entity_id
        LEFT JOIN staff s ON f.entity_type = 'staff' AND s.staff_id = f.entity_id
        LEFT JOIN (SELECT household_id, min(branch_id) AS branch_id FROM customers GROUP BY 1) h
               ON f.entity_type = 'household' AND h.household_id = f.entity_id
        GROUP BY 1""").fetchall()
    con.unregister("_audit_flags")
    counts = {str(b): int(n) for b, n in mapped if b is not None}
    for branch, n_trades in sorted(per_branch.items()):
        n = counts.get(branch, 0)
        out.append(Signal(f"branch:{branch}", "conduct_flags_per_1000_trades", round(1000 * n / max(1, n_trades), 2),
                          src, f"{n} flags / {n_trades} trades"))
    by_rule: dict[str, int] = {}
    for row in flags:
        by_rule[row["rule_id"]] = by_rule.get(row["rule_id"], 0) + 1
    for rule, n in sorted(by_rule.items()):
        out.append(Signal("theme:conduct", "conduct_rule_per_1000_trades", round(1000 * n / total, 2), src,
                          f"{rule}: {n} flags / {total} trades"))
    complaints = dict(con.execute("SELECT branch_id, count(*) FROM complaints GROUP BY 1").fetchall())
    for branch, n_trades in sorted(per_branch.items()):
        n = int(complaints.get(branch, 0))
        out.append(Signal(f"branch:{branch}", "complaints_per_1000_trades", round(1000 * n / max(1, n_trades), 2),
                          "workspace:complaints", f"{n} complaints / {n_trades} trades"))
    out += _negative_return_signals(scan_dir / "kpis.json")
    return out


def _flag_table(flags: list[dict[str, str]]) -> Any:
    return pa.table({"entity_type": [f.get("entity_type", "") for f in flags],
                     "entity_id": [f.get("entity_id", "").lstrip("'") for f in flags]})


def _negative_return_signals(path: Path) -> list[Signal]:
    if not path.exists():
        return []
    try:
        kpis = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise AuditUsageError("audit_scan_unreadable", path=str(path), detail=str(exc)) from exc
    return kpi_signals(kpis, str(path))


def stored_scan_signals(flags: Sequence[Mapping[str, Any]], kpis: Any, source: str) -> list[Signal]:
    """Signals from a scan kept as flag records (the web app): flags per branch, cyber flags, negative returns.

    Without the trades table the branch signal is a flag count (conduct_flags_per_branch), not a rate.
    """
    per_branch: dict[str, int] = {}
    cyber: dict[tuple[str, str], int] = {}
    for f in flags:
        name = CYBER_RULES.get(str(f.get("rule_id", "")))
        if name:
            key = (f"system:{_asset_of({k: str(v) for k, v in f.items() if v is not None})}", name)
            cyber[key] = cyber.get(key, 0) + 1
        elif f.get("branch"):
            per_branch[str(f["branch"])] = per_branch.get(str(f["branch"]), 0) + 1
    out = [Signal(f"branch:{b}", "conduct_flags_per_branch", float(n), source, f"{n} flags")
           for b, n in sorted(per_branch.items())]
    out += [Signal(eid, name, float(n), source, f"{n} flags") for (eid, name), n in sorted(cyber.items())]
    return out + kpi_signals(kpis, source)


def kpi_signals(kpis: Any, source: str) -> list[Signal]:
    """Negative-return share per product type from the latest date of kpis.json objects."""
    if not isinstance(kpis, list) or not kpis:
        return []
    latest = max(kpis, key=lambda k: str(k.get("as_of_date", "")))
    out = []
    for ptype, block in sorted(latest.items()):
        if isinstance(block, dict) and "return_bands" in block:
            share = sum(float(b.get("share") or 0) for b in block["return_bands"] if b.get("band") in NEGATIVE_BANDS)
            out.append(Signal(f"product_type:{ptype}", "negative_return_share", round(share, 4), source,
                              f"as of {latest.get('as_of_date')}: {block.get('customers')} customers"))
    return out


def cyber_signals(scan_dir: Path) -> list[Signal]:
    """Per system: KEV exposure, privileged use without approval, backups without a restore test (flag counts)."""
    src = str(scan_dir / "flags.csv")
    counts: dict[tuple[str, str], int] = {}
    for row in _read_csv(scan_dir / "flags.csv"):
        name = CYBER_RULES.get(row.get("rule_id", ""))
        if name:
            key = (f"system:{_asset_of(row)}", name)
            counts[key] = counts.get(key, 0) + 1
    return [Signal(eid, name, float(n), src, f"{n} flags") for (eid, name), n in sorted(counts.items())]


def _asset_of(row: Mapping[str, str]) -> str:
    """The asset a cyber flag is about: its evidence's asset_id, else the entity id (up to a colon)."""
    try:
        evidence = json.loads(row.get("evidence") or "{}")
    except json.JSONDecodeError:
        evidence = {}
    if isinstance(evidence, dict) and evidence.get("asset_id"):
        return str(evidence["asset_id"])
    return row.get("entity_id", "").lstrip("'").split(":")[0]


def assessment_gaps(result_dir: Path, institution_id: str) -> dict[str, float]:
    """Points (0-100 scale) by which the institution's domain scores fall below its benchmark cohort's median."""
    scores = [r for r in _read_csv(result_dir / "institution_scores.csv") if r.get("institution_id") == institution_id]
    stats = _read_csv(result_dir / "domain_stats.csv")
    median = {(r["cohort"], r["domain_id"]): r["median"] for r in stats if r.get("median")}
    gaps = {}
    for r in scores:
        peer = median.get((r.get("benchmark_cohort", ""), r["domain_id"]))
        if peer and r.get("score"):
            gaps[r["domain_id"]] = round(float(peer) - float(r["score"]), 2)
    return gaps


def assessment_signals(gaps: Mapping[str, float], source: str) -> list[Signal]:
    """The worst self-assessment domain gap (points below the peer median) as a signal on the cyber theme."""
    if not gaps:
        return []
    domain, gap = max(gaps.items(), key=lambda kv: kv[1])
    detail = ", ".join(f"{d}: {g:+.2f}" for d, g in sorted(gaps.items()))
    return [Signal("theme:cyber", "self_assessment_gap", round(max(0.0, gap), 3), source, f"worst {domain}; {detail}")]


def cycle_signal(entity: Entity, as_of: date) -> Signal:
    """How far past its audit cycle an entity is (0 inside the cycle; never audited counts as one cycle over)."""
    if entity.last_audited is None:
        return Signal(entity.id, "cycle_overrun", 1.0, "audit book", "never audited")
    months = (as_of.year - entity.last_audited.year) * 12 + as_of.month - entity.last_audited.month
    over = max(0.0, months / max(1, entity.cycle_months) - 1)
    return Signal(entity.id, "cycle_overrun", round(over, 3), "audit book",
                  f"{months} months since {entity.last_audited.isoformat()}, cycle {entity.cycle_months}")


def _clamp(x: float) -> float:
    return round(min(5.0, max(1.0, x)), 2)


def score_entity(entity: Entity, signals: list[Signal], weights: Mapping[str, Any]) -> RiskScore:
    """Judgement plus each weighted, capped signal; an override replaces the numbers but keeps the signals."""
    made: list[Signal] = []
    sides = {"inherent": entity.inherent_judgement, "control": entity.control_judgement}
    for s in signals:
        spec = weights["signals"].get(s.name)
        if spec is None:
            continue
        part = round(min(float(spec["cap"]), float(spec["weight"]) * s.value), 3)
        sides[spec["side"]] += part
        made.append(Signal(s.entity_id, s.name, s.value, s.source, s.detail, spec["side"], part))
    inherent, control = _clamp(sides["inherent"]), _clamp(sides["control"])
    if entity.override is not None:
        inherent, control = entity.override.inherent, entity.override.control
    overall = round(inherent * control, 2)
    ratings = weights["ratings"]
    rating = "high" if overall >= ratings["high"] else "medium" if overall >= ratings["medium"] else "low"
    return RiskScore(entity.id, inherent, control, overall, rating, made, entity.override)


def assess(book: Book, signals: list[Signal], weights: Mapping[str, Any] | None = None,
           as_of: date | None = None) -> dict[str, RiskScore]:
    """Risk scores of every entity in the book (retired ones left out) from the signals and time since last audit."""
    weights = weights or default_weights()
    as_of = as_of or date.today()
    by_entity: dict[str, list[Signal]] = {}
    for s in signals:
        by_entity.setdefault(s.entity_id, []).append(s)
    return {eid: score_entity(e, [*by_entity.get(eid, []), cycle_signal(e, as_of)], weights)
            for eid, e in book.entities.items() if e.retired_on is None}


def override_risk(book: Book, entity_id: str, inherent: float, control: float, reason: str, who: str) -> Event:
    """Set a manual score; the reason is required and the change is a trail event."""
    entity = book.entities.get(entity_id)
    if entity is None:
        raise AuditUsageError("audit_unknown_id", kind="entity", id=entity_id)
    if not reason.strip():
        raise AuditUsageError("audit_override_reason", id=entity_id)
    before = entity.override
    entity.override = Override(_clamp(inherent), _clamp(control), reason.strip(), who, now())
    return record(book, who, "entity.risk_override", entity_id, before, entity.override)


def collect_signals(workspace: Path | None = None, conduct_scan: Path | None = None, cyber_scan: Path | None = None,
                    assessment: Path | None = None, institution_id: str | None = None) -> list[Signal]:
    """Every signal the given scan outputs yield (conduct needs the workspace too, to map flags to branches)."""
    signals: list[Signal] = []
    if conduct_scan is not None:
        if workspace is None or not Workspace(workspace).exists():
            raise AuditUsageError("audit_no_workspace", path=str(workspace))
        con = Workspace(workspace).connect(read_only=True)
        try:
            signals += conduct_signals(conduct_scan, con)
        finally:
            con.close()
    if cyber_scan is not None:
        signals += cyber_signals(cyber_scan)
    if assessment is not None and institution_id:
        signals += assessment_signals(assessment_gaps(assessment, institution_id),
                                      str(assessment / "institution_scores.csv"))
    return signals
