"""Reading one year of a firm: its policy's sections and coverage, and its progress report's coverage."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kansa.fd.correspondence import TableRow, read_table
from kansa.fd.coverage import Coverage, coverage
from kansa.fd.documents import YearDocs
from kansa.fd.principles import Principles
from kansa.fd.readers import read_document
from kansa.fd.sections import Section, sectionise


@dataclass
class ReadDocument:
    """A document read into sections."""

    path: Path
    title: str
    sections: list[Section]


@dataclass
class YearReading:
    """A firm's year: policy, progress report and correspondence table, read and analysed."""

    year: int
    policy: ReadDocument | None
    progress: ReadDocument | None
    table: list[TableRow] = field(default_factory=list)
    table_path: Path | None = None
    coverage: Coverage | None = None
    progress_coverage: Coverage | None = None


def read_sections(paths: list[Path]) -> ReadDocument | None:
    """The documents of one kind, read into one list of sections (several files are read in name order)."""
    if not paths:
        return None
    title, sections = "", list[Section]()
    for path in sorted(paths):
        t, secs = sectionise(read_document(path))
        title = title or t
        offset = len(sections)
        for s in secs:
            s.index += offset
            for sentence in s.sentences:
                sentence.section = s.index
        sections += secs
    return ReadDocument(sorted(paths)[0], title, sections)


def read_year(docs: YearDocs, principles: Principles) -> YearReading:
    """Read and analyse one year's documents."""
    policy = read_sections(docs.policy)
    progress = read_sections(docs.progress)
    rows: list[TableRow] = []
    for path in docs.table:
        rows += read_table(path)
    reading = YearReading(docs.year, policy, progress, rows, docs.table[0] if docs.table else None)
    if policy is not None:
        reading.coverage = coverage(policy.sections, principles, rows)
    if progress is not None:
        reading.progress_coverage = coverage(progress.sections, principles)
    return reading
