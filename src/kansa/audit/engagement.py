"""Engagements: phases, team, work-program steps from the library, evidence files and samples."""

from __future__ import annotations

import csv
import functools
import hashlib
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from kansa.assessment.registry import builtin_frameworks
from kansa.audit.errors import AuditConfigError, AuditUsageError, TransitionError
from kansa.audit.events import now, record
from kansa.audit.model import ENGAGEMENT_TYPES, PHASES, TEST_RESULTS, Book, Engagement, Event, Evidence, Sample, Step
from kansa.audit.sampling import make_sample
from kansa.engine import all_rules

PHASE_TRANSITIONS = {"planning": ("fieldwork",), "fieldwork": ("reporting",), "reporting": ("closed",), "closed": ()}
# evidence kept: documents, spreadsheets, images, text exports; never programs or archives that could hide them
EVIDENCE_TYPES = {".pdf": "application/pdf", ".xlsx": "application/vnd.openxmlformats-officedocument"
                  ".spreadsheetml.sheet", ".csv": "text/csv", ".txt": "text/plain", ".png": "image/png",
                  ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".docx": "application/vnd.openxmlformats-"
                  "officedocument.wordprocessingml.document", ".msg": "application/vnd.ms-outlook",
                  ".eml": "message/rfc822"}
MAGIC = {".pdf": b"%PDF", ".xlsx": b"PK\x03\x04", ".docx": b"PK\x03\x04", ".png": b"\x89PNG", ".jpg": b"\xff\xd8",
         ".jpeg": b"\xff\xd8"}
MAX_EVIDENCE_BYTES = 50 * 1024 * 1024


@functools.cache
def library() -> list[dict[str, Any]]:
    """The shipped work-program library (work_program.yaml)."""
    text = resources.files("kansa.audit").joinpath("work_program.yaml").read_text(encoding="utf-8")
    return list(yaml.safe_load(text)["steps"])


def check_library(steps: list[dict[str, Any]]) -> None:
    """Every rule id and framework question a library step links to must exist (a ConfigError names it)."""
    rules = {r.id for r in all_rules()}
    questions = {q for fw in builtin_frameworks().values() for q in fw.question_index()}
    for step in steps:
        for rule in step.get("rules", []):
            if rule not in rules:
                raise AuditConfigError("audit_library_ref", step=step["id"], kind="rule", ref=rule)
        for question in step.get("questions", []):
            if question not in questions:
                raise AuditConfigError("audit_library_ref", step=step["id"], kind="question", ref=question)


def new_engagement(book: Book, engagement: Engagement, who: str, with_library: bool = True) -> Event:
    """Add an engagement (phase planning); its work program starts with the library steps of its type."""
    if engagement.type not in ENGAGEMENT_TYPES:
        raise AuditUsageError("audit_bad_value", field="type", value=engagement.type,
                              allowed=", ".join(ENGAGEMENT_TYPES))
    for eid in engagement.entity_ids:
        if eid not in book.entities:
            raise AuditUsageError("audit_unknown_id", kind="entity", id=eid)
        if book.entities[eid].retired_on is not None:
            raise AuditUsageError("audit_bad_value", field="entity", value=eid, allowed="an entity not retired")
    if with_library and not engagement.steps:
        engagement.steps = [_step(s) for s in library() if s.get("type") == engagement.type]
    engagement.phase = "planning"
    book.engagements[engagement.id] = engagement
    return record(book, who, "engagement.create", engagement.id, None, engagement)


def _step(entry: dict[str, Any]) -> Step:
    return Step(entry["id"], entry["title"], list(entry.get("rules", [])), list(entry.get("questions", [])))


def library_step(step_id: str) -> dict[str, Any]:
    """One library step by id (a usage error naming it when the library has none)."""
    for entry in library():
        if entry["id"] == step_id:
            return entry
    raise AuditUsageError("audit_unknown_id", kind="work-program step", id=step_id)


def _open(book: Book, engagement_id: str) -> Engagement:
    e = get_engagement(book, engagement_id)
    if e.phase == "closed":
        raise TransitionError("audit_illegal_transition", kind="engagement", id=engagement_id, before=e.phase,
                              after="work program changed", allowed="—")
    return e


def add_step(book: Book, engagement_id: str, step_id: str, who: str) -> Event:
    """Put a library step (of any engagement type) into the work program, with its rule and question links."""
    e = _open(book, engagement_id)
    entry = library_step(step_id)
    if any(s.id == step_id for s in e.steps):
        raise AuditUsageError("audit_bad_value", field="step", value=step_id, allowed="a step not yet in the program")
    step = _step(entry)
    e.steps.append(step)
    return record(book, who, "engagement.step_add", engagement_id, None, step)


def remove_step(book: Book, engagement_id: str, step_id: str, who: str) -> Event:
    """Take a step out of the work program (a step already concluded stays: its conclusion is evidence)."""
    e = _open(book, engagement_id)
    for i, step in enumerate(e.steps):
        if step.id == step_id:
            if step.done:
                raise AuditUsageError("audit_bad_value", field="step", value=step_id, allowed="a step not yet done")
            del e.steps[i]
            return record(book, who, "engagement.step_remove", engagement_id, step, None)
    raise AuditUsageError("audit_unknown_id", kind="work-program step", id=step_id)


def conclude_step(book: Book, engagement_id: str, step_id: str, conclusion: str, who: str) -> Event:
    """Mark a step done with the auditor's conclusion (a blank conclusion is refused)."""
    e = _open(book, engagement_id)
    if not conclusion.strip():
        raise AuditUsageError("audit_bad_value", field="conclusion", value="", allowed="a conclusion")
    for step in e.steps:
        if step.id == step_id:
            before = {"done": step.done, "conclusion": step.conclusion}
            step.done, step.conclusion = True, conclusion.strip()
            return record(book, who, "engagement.step_done", engagement_id, before,
                          {"step": step_id, "done": True, "conclusion": step.conclusion})
    raise AuditUsageError("audit_unknown_id", kind="work-program step", id=step_id)


def get_engagement(book: Book, engagement_id: str) -> Engagement:
    """An engagement by id (a usage error when unknown)."""
    engagement = book.engagements.get(engagement_id)
    if engagement is None:
        raise AuditUsageError("audit_unknown_id", kind="engagement", id=engagement_id)
    return engagement


def advance_phase(book: Book, engagement_id: str, after: str, who: str) -> Event:
    """planning -> fieldwork -> reporting -> closed, one step at a time."""
    e = get_engagement(book, engagement_id)
    if after not in PHASES or after not in PHASE_TRANSITIONS[e.phase]:
        raise TransitionError("audit_illegal_transition", kind="engagement", id=engagement_id, before=e.phase,
                              after=after, allowed=", ".join(PHASE_TRANSITIONS[e.phase]) or "—")
    before, e.phase = e.phase, after
    if after == "closed":
        e.closed_on = now().date()
    return record(book, who, f"engagement.{after}", engagement_id, {"phase": before}, {"phase": after})


def attach_evidence(book: Book, engagement_id: str, file: Path, store: Path, who: str) -> Event:
    """Copy an evidence file into the store under its SHA-256 (type and size checked; never opened or run)."""
    e = get_engagement(book, engagement_id)
    suffix = file.suffix.lower()
    if suffix not in EVIDENCE_TYPES:
        raise AuditUsageError("audit_evidence_rejected", path=str(file),
                              detail=f"type {suffix or '(none)'} not in {', '.join(sorted(EVIDENCE_TYPES))}")
    try:
        size = file.stat().st_size
        if size > MAX_EVIDENCE_BYTES or size == 0:
            raise AuditUsageError("audit_evidence_rejected", path=str(file), detail=f"size {size} bytes")
        data = file.read_bytes()
    except OSError as exc:
        raise AuditUsageError("audit_evidence_rejected", path=str(file), detail=str(exc)) from exc
    if suffix in MAGIC and not data.startswith(MAGIC[suffix]):
        raise AuditUsageError("audit_evidence_rejected", path=str(file), detail=f"content is not {suffix}")
    digest = hashlib.sha256(data).hexdigest()
    target = store / digest[:2] / f"{digest}{suffix}"
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        shutil.copyfile(file, target)
        target.chmod(0o444)   # read-only, never executable
    evidence = Evidence(file.name, digest, size, EVIDENCE_TYPES[suffix], str(target.relative_to(store)), who, now())
    e.evidence.append(evidence)
    return record(book, who, "engagement.evidence", engagement_id, None, evidence)


def read_flags(scan_dir: Path) -> list[dict[str, str]]:
    """The flags of a scan output folder, each with a `key` (rule:entity) to sample on."""
    with (scan_dir / "flags.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row["entity_id"] = row.get("entity_id", "").lstrip("'")
        row["key"] = f"{row.get('rule_id')}:{row['entity_id']}"
    return rows


def add_sample(book: Book, engagement_id: str, sample: Sample, who: str) -> Event:
    """Attach a drawn sample to an engagement."""
    e = get_engagement(book, engagement_id)
    e.samples.append(sample)
    return record(book, who, "engagement.sample", engagement_id, None, sample)


def sample_flags(book: Book, engagement_id: str, scan_dir: Path, who: str, *, seed: int,
                 confidence: float = 0.95, tolerable_rate: float = 0.05, expected_rate: float = 0.0,
                 strata: tuple[str, ...] = ()) -> Event:
    """Draw a sample from a scan's flags (random or stratified, e.g. by rule_id) and attach it."""
    e = get_engagement(book, engagement_id)
    rows = read_flags(scan_dir)
    sample = make_sample(f"{engagement_id}-S{len(e.samples) + 1}", str(scan_dir / "flags.csv"), rows, "key",
                         seed=seed, confidence=confidence, tolerable_rate=tolerable_rate,
                         expected_rate=expected_rate, strata=strata)
    return add_sample(book, engagement_id, sample, who)


def record_test(book: Book, engagement_id: str, sample_id: str, key: str, result: str, who: str,
                note: str = "") -> Event:
    """The auditor's result for one sampled item (pass or exception)."""
    e = get_engagement(book, engagement_id)
    if result not in TEST_RESULTS:
        raise AuditUsageError("audit_bad_value", field="result", value=result, allowed=", ".join(TEST_RESULTS))
    for sample in e.samples:
        for item in sample.items if sample.id == sample_id else []:
            if item.key == key:
                before = item.result
                item.result, item.note = result, note
                return record(book, who, "sample.test", f"{sample_id}/{key}", {"result": before},
                              {"result": result, "note": note})
    raise AuditUsageError("audit_unknown_id", kind="sample item", id=f"{sample_id}/{key}")
