"""The machine-readable outputs of `kansa fd`: coverage.csv, sections.csv, years.csv, saydo.csv (UTF-8 with BOM,
formulas made inert)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from kansa.fd.analysis import FirmAnalysis
from kansa.fd.messages import render
from kansa.fd.principles import Principles
from kansa.i18n import Lang
from kansa.outputs import write_csv_rows


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """A CSV Excel opens in Japanese (UTF-8 BOM, CRLF), every text cell escaped."""
    return write_csv_rows(path, header, rows)


def write_outputs(firms: Sequence[FirmAnalysis], principles: Principles, out: Path, lang: Lang) -> dict[str, Path]:
    """coverage.csv, sections.csv, years.csv and (when checked) saydo.csv."""
    cov, secs, years, saydo = [], [], [], []
    for f in firms:
        for r in f.readings:
            if r.coverage is None:
                continue
            for item in principles.items:
                res = r.coverage.items[item.id]
                cov.append([f.firm, r.year, item.id, item.report_required, res.verdict, res.note, res.how,
                            " | ".join(res.evidence), " | ".join(res.sections)])
            for s in r.coverage.sections:
                secs.append([f.firm, r.year, s.heading, ";".join(s.items), s.restatement_score, s.concrete_sentences,
                             s.sentences, s.restatement])
        for c in f.changes:
            flags = " | ".join(render(code, fields, lang) for code, fields in c.flags)
            changed = sum(1 for s in c.sections if s.status != "unchanged")
            years.append([f.firm, c.previous, c.year, c.unchanged, changed, flags])
        for row in f.saydo:
            d = row.decision
            saydo.append([f.firm, row.promise.id, row.promise.kind, row.promise.year, ";".join(row.promise.items),
                          row.promise.sentence, ";".join(row.tests),
                          " | ".join(render(e.code, e.fields, lang) for e in row.evidence), row.proposed,
                          d.verdict if d else "", d.reason if d else "", d.reviewer if d else "", row.final])
    files = {
        "coverage.csv": write_csv(out / "coverage.csv", ["firm", "year", "item", "report_required", "verdict", "note",
                                                         "how", "evidence", "sections"], cov),
        "sections.csv": write_csv(out / "sections.csv", ["firm", "year", "heading", "items", "restatement_score",
                                                         "concrete_sentences", "sentences", "restatement"], secs),
        "years.csv": write_csv(out / "years.csv", ["firm", "previous", "year", "unchanged", "sections_changed",
                                                   "flags"], years),
    }
    if any(f.saydo for f in firms):
        files["saydo.csv"] = write_csv(out / "saydo.csv", ["firm", "promise_id", "kind", "year", "items", "sentence",
                                                           "tests", "evidence", "proposed", "decision", "reason",
                                                           "reviewer", "final"], saydo)
    return files
