"""One firm's documents read end to end: every year's coverage, the year-on-year changes, the promises,
and (with a conduct scan) the say-do table. Library code: progress through an optional reporter."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kansa.fd.documents import FirmDocs, collect
from kansa.fd.policy import YearReading, read_year
from kansa.fd.principles import Principles
from kansa.fd.promises import Promise, find_promises
from kansa.fd.saydo import Decision, SayDoRow, apply_decisions, propose
from kansa.fd.scan_evidence import ScanEvidence
from kansa.fd.years import YearChange, compare_years


@dataclass
class FirmAnalysis:
    """Everything read about one firm."""

    firm: str
    folder: Path
    readings: list[YearReading]
    changes: list[YearChange]
    promises: list[Promise]
    saydo: list[SayDoRow] = field(default_factory=list)

    @property
    def latest(self) -> YearReading | None:
        """The latest year that has a policy."""
        with_policy = [r for r in self.readings if r.coverage is not None]
        return with_policy[-1] if with_policy else None


def analyse_firm(docs: FirmDocs, principles: Principles) -> FirmAnalysis:
    """Read every year of one firm and compare the years."""
    readings = [read_year(d, principles) for _y, d in sorted(docs.years.items())]
    changes = compare_years(readings)
    latest = [r for r in readings if r.coverage is not None]
    promises = find_promises(latest[-1].coverage.sentences, latest[-1].year) if latest and latest[-1].coverage else []
    # the firm in the id: two firms may write the same sentence, and each gets its own decision
    promises = [replace(p, id=f"{docs.firm}/{p.id}") for p in promises]
    return FirmAnalysis(docs.firm, docs.folder, readings, changes, promises)


def analyse_folder(folder: Path, principles: Principles, reporter: Any = None) -> list[FirmAnalysis]:
    """Every firm of a documents folder (one firm, or one subfolder per firm)."""
    firms = collect(folder)
    task = reporter.task("文書の読み取り / reading documents", len(firms)) if reporter is not None else None
    out = []
    for docs in firms:
        out.append(analyse_firm(docs, principles))
        if task is not None:
            task.advance(1)
    return out


def with_saydo(analysis: FirmAnalysis, scan: ScanEvidence, decisions: dict[str, Decision] | None = None) -> None:
    """Attach the say-do table of the firm's latest promises (and the auditor's decisions)."""
    rows = propose(analysis.promises, scan)
    analysis.saydo = apply_decisions(rows, decisions or {})
