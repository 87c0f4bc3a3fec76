"""The answer store: one JSON file per submission plus an index; resubmissions supersede, history stays."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from kansa.assessment.answers import Answer, Submission
from kansa.assessment.errors import AssessmentError, Problem
from kansa.assessment.loader import dump_framework, load_framework, question_set_checksum
from kansa.assessment.model import Framework

INDEX = "index.csv"
INDEX_COLUMNS = ("submission_id", "institution_id", "framework_id", "framework_version", "checksum",
                 "received_at", "source", "source_sha256", "format", "file", "current")
_SAFE = re.compile(r"[^0-9A-Za-z_.-]+")


@dataclass(frozen=True)
class IndexRow:
    """One submission as the index lists it."""

    submission_id: str
    institution_id: str
    framework_id: str
    framework_version: str
    checksum: str
    received_at: str
    source: str
    source_sha256: str
    format: str
    file: str
    current: bool


class AnswerStore:
    """A folder of submissions for one framework version: `framework.yaml`, `index.csv`, `submissions/`."""

    def __init__(self, path: Path):
        self.path = Path(path)

    @property
    def framework_file(self) -> Path:
        """The snapshot of the framework the store's answers belong to."""
        return self.path / "framework.yaml"

    def exists(self) -> bool:
        """True once something has been stored."""
        return self.framework_file.exists()

    def framework(self) -> Framework:
        """The framework snapshot taken at the first import."""
        if not self.exists():
            raise AssessmentError([Problem(str(self.path), "assess_answer_store_framework_yaml", {})])
        return load_framework(self.framework_file)

    def check_framework(self, framework: Framework) -> None:
        """Refuse to mix answers of another framework or version in one store."""
        if not self.exists():
            return
        stored = self.framework()
        if (stored.id, stored.version) != (framework.id, framework.version) or \
                question_set_checksum(stored) != question_set_checksum(framework):
            raise AssessmentError([Problem(str(self.path), "assess_store_other_framework",
                                           {"stored": f"{stored.id} {stored.version}",
                                            "given": f"{framework.id} {framework.version}"})])

    def index(self) -> list[IndexRow]:
        """Every submission ever stored, oldest first."""
        path = self.path / INDEX
        if not path.exists():
            return []
        with path.open(encoding="utf-8", newline="") as fh:
            return [_index_row(r) for r in csv.DictReader(fh)]

    def add(self, submissions: list[Submission], framework: Framework) -> list[IndexRow]:
        """Store checked submissions; an institution's earlier submission stays in history, no longer current."""
        self.check_framework(framework)
        self.path.mkdir(parents=True, exist_ok=True)
        if not self.exists():
            dump_framework(framework, self.framework_file)
        rows = self.index()
        now = datetime.now().isoformat(timespec="microseconds")
        added = []
        for sub in submissions:
            seq = sum(1 for r in rows if r.institution_id == sub.institution_id) + 1
            sid = f"{_SAFE.sub('_', sub.institution_id)}-{seq:03d}"
            rel = f"submissions/{_SAFE.sub('_', sub.institution_id)}/{sid}.json"
            target = self.path / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            _write_atomic(target, json.dumps({
                "submission_id": sid, "institution_id": sub.institution_id, "framework_id": sub.framework_id,
                "framework_version": sub.framework_version, "checksum": sub.checksum, "received_at": now,
                "source": sub.source, "source_sha256": sub.source_sha256, "format": sub.fmt, "meta": sub.meta,
                "answers": {q: {"value": a.value, "comment": a.comment, "evidence": a.evidence}
                            for q, a in sub.answers.items()},
            }, ensure_ascii=False, separators=(",", ":")))
            rows = [IndexRow(**{**asdict(r), "current": False}) if r.institution_id == sub.institution_id else r
                    for r in rows]
            row = IndexRow(sid, sub.institution_id, sub.framework_id, sub.framework_version, sub.checksum, now,
                           sub.source, sub.source_sha256, sub.fmt, rel, True)
            rows.append(row)
            added.append(row)
        self._write_index(rows)
        return added

    def _write_index(self, rows: list[IndexRow]) -> None:
        sio = io.StringIO()
        writer = csv.DictWriter(sio, fieldnames=INDEX_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({**asdict(r), "current": "true" if r.current else "false"} for r in rows)
        _write_atomic(self.path / INDEX, sio.getvalue())

    def current(self) -> dict[str, Submission]:
        """The current (latest) submission of every institution."""
        return {r.institution_id: self.load(r) for r in self.index() if r.current}

    def history(self, institution_id: str) -> list[IndexRow]:
        """Every submission of one institution, oldest first."""
        return [r for r in self.index() if r.institution_id == institution_id]

    def load(self, row: IndexRow) -> Submission:
        """Read one stored submission."""
        doc = json.loads((self.path / row.file).read_text(encoding="utf-8"))
        return Submission(doc["institution_id"], doc["framework_id"], doc["framework_version"], doc["checksum"],
                          {q: Answer(**a) for q, a in doc["answers"].items()}, doc["source"], doc["source_sha256"],
                          doc["format"], doc.get("meta") or {})


def _index_row(r: dict[str, str]) -> IndexRow:
    return IndexRow(r["submission_id"], r["institution_id"], r["framework_id"], r["framework_version"], r["checksum"],
                    r["received_at"], r["source"], r["source_sha256"], r["format"], r["file"], r["current"] == "true")


def _write_atomic(path: Path, text: str) -> None:
    """Write to a temporary file and rename: a crash never leaves half a file."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
