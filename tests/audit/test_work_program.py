"""The work-program library links only to rules and questions that exist; evidence is checked and hashed."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from kansa.audit import engagement as eng
from kansa.audit.errors import AuditConfigError, AuditUsageError
from kansa.audit.model import Book, Engagement, Entity


def test_every_library_link_exists_in_the_rule_catalogs_and_frameworks() -> None:
    eng.check_library(eng.library())
    linked = {r for s in eng.library() for r in s["rules"]}
    assert {"software_known_exploited", "suitability_mismatch"} <= linked


@pytest.mark.parametrize("kind, step", [("rule", {"id": "X", "rules": ["no_such_rule"]}),
                                        ("question", {"id": "X", "questions": ["ZZZ-99-9"]})])
def test_a_dangling_link_is_a_config_error_naming_it(kind: str, step: dict) -> None:
    with pytest.raises(AuditConfigError) as exc:
        eng.check_library([step])
    assert kind in exc.value.render("en") and (step.get("rules") or step.get("questions"))[0] in exc.value.render("ja")


def _book() -> Book:
    book = Book("t")
    book.entities["system:A1"] = Entity("system:A1", "system", "勘定系")
    eng.new_engagement(book, Engagement("E1", "x", "system_audit", ["system:A1"], 10), "a")
    return book


def test_a_new_engagement_starts_with_the_library_steps_of_its_type() -> None:
    steps = _book().engagements["E1"].steps
    assert [s.id for s in steps] == ["WP-SYS-01", "WP-SYS-02", "WP-SYS-03", "WP-SYS-04"]
    assert steps[0].question_ids == ["VUL-01-1"]


def test_evidence_is_stored_read_only_under_its_sha256(tmp_path: Path) -> None:
    book = _book()
    pdf = tmp_path / "承認記録.pdf"
    pdf.write_bytes(b"%PDF-1.4 evidence")
    event = eng.attach_evidence(book, "E1", pdf, tmp_path / "store", "a")
    digest = hashlib.sha256(b"%PDF-1.4 evidence").hexdigest()
    ev = book.engagements["E1"].evidence[0]
    assert ev.sha256 == digest and event.after["sha256"] == digest and ev.size == 17
    kept = tmp_path / "store" / ev.stored_as
    assert kept.read_bytes() == b"%PDF-1.4 evidence"
    assert not os.stat(kept).st_mode & (stat.S_IXUSR | stat.S_IWUSR)


@pytest.mark.parametrize("name, content, why", [("run.exe", b"MZ", ".exe"), ("macro.xlsm", b"PK\x03\x04", ".xlsm"),
                                                 ("fake.pdf", b"MZ\x90\x00", "not .pdf"), ("empty.csv", b"", "size 0")])
def test_evidence_of_the_wrong_type_or_size_is_rejected(tmp_path: Path, name: str, content: bytes, why: str) -> None:
    f = tmp_path / name
    f.write_bytes(content)
    with pytest.raises(AuditUsageError) as exc:
        eng.attach_evidence(_book(), "E1", f, tmp_path / "store", "a")
    assert exc.value.code == "audit_evidence_rejected" and why in exc.value.render("en")
    assert not (tmp_path / "store").exists()
