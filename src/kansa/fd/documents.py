"""A folder of firms' documents: which file is a policy, a progress report or a correspondence table, of
which firm and which year (from documents.csv when present, else from file names and the documents' dates)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from kansa.fd.messages import FdError
from kansa.fd.normalise import nfkc
from kansa.fd.readers import SUFFIXES, decode, read_document

MANIFEST = "documents.csv"
KINDS = ("policy", "progress", "table")
_POLICY = re.compile(r"方針|policy|ポリシー", re.IGNORECASE)
_PROGRESS = re.compile(r"状況|progress|実績|KPI|成果", re.IGNORECASE)
_TABLE = re.compile(r"対応|correspondence|table|mapping", re.IGNORECASE)


@dataclass
class YearDocs:
    """One firm's documents of one year."""

    year: int
    policy: list[Path] = field(default_factory=list)
    progress: list[Path] = field(default_factory=list)
    table: list[Path] = field(default_factory=list)


@dataclass
class FirmDocs:
    """One firm's documents, by year."""

    firm: str
    folder: Path
    years: dict[int, YearDocs] = field(default_factory=dict)

    def year(self, y: int) -> YearDocs:
        """The year's documents (created when absent)."""
        return self.years.setdefault(y, YearDocs(y))


def year_in(text: str) -> int | None:
    """The first year written in text: 2024, 令和6年, R6, 令和元年 (NFKC first)."""
    text = nfkc(text)
    m = re.search(r"令和\s*(\d{1,2}|元)\s*年|(?<![A-Za-z])R\s*(\d{1,2})(?!\d)", text)
    if m:
        n = m.group(1) or m.group(2)
        return 2018 + (1 if n == "元" else int(n))
    m = re.search(r"(?<!\d)(20[0-4]\d)(?!\d)", text)
    return int(m.group(1)) if m else None


def kind_of(path: Path) -> str | None:
    """policy, progress or table from the file name; None when it names none."""
    name = nfkc(path.stem)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return "table"
    if _TABLE.search(name) and not _POLICY.search(name.replace("対応関係", "")):
        return "table"
    if _PROGRESS.search(name):
        return "progress"
    if _POLICY.search(name):
        return "policy"
    return None


def _document_year(path: Path) -> int | None:
    """The year from the document's first lines (a revision date, 2024年度)."""
    for block in read_document(path)[:8]:
        y = year_in(block.text)
        if y is not None:
            return y
    return None


def _document_kind(path: Path) -> str:
    head = " ".join(b.text for b in read_document(path)[:3])
    return "progress" if re.search(r"取組(み)?状況|取り組み状況|実績", head) else "policy"


def collect(folder: Path) -> list[FirmDocs]:
    """The firms in `folder`: one per subfolder holding documents, or the folder itself as one firm."""
    if not folder.is_dir():
        raise FdError("docs_not_dir", path=str(folder))
    subfolders = sorted(p for p in folder.iterdir() if p.is_dir() and _documents(p))
    firms = [_firm(p) for p in subfolders] if subfolders else ([_firm(folder)] if _documents(folder) else [])
    if not firms:
        raise FdError("docs_empty", path=str(folder))
    return firms


def _documents(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and (p.suffix.lower() in SUFFIXES or
                                                                  p.suffix.lower() in (".xlsx", ".xlsm")))


def _firm(folder: Path) -> FirmDocs:
    firm = FirmDocs(re.sub(r"^F\d{3}_", "", folder.name), folder)
    manifest = _manifest(folder)
    for path in _documents(folder):
        if path.name == MANIFEST:
            continue
        if path.name in manifest:
            year, kind = manifest[path.name]
        else:
            kind = kind_of(path) or _document_kind(path)
            year_found = year_in(path.stem) or (_document_year(path) if kind != "table" else None)
            if year_found is None:
                raise FdError("doc_no_year", path=str(path))
            year = year_found
        getattr(firm.year(year), kind).append(path)
    return firm


def _manifest(folder: Path) -> dict[str, tuple[int, str]]:
    """documents.csv: file, year, kind (policy/progress/table); every row checked."""
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    out = {}
    rows = list(csv.DictReader(decode(path.read_bytes(), path).splitlines()))
    for n, row in enumerate(rows, start=2):
        name = (row.get("file") or "").strip()
        if not (folder / name).is_file():
            raise FdError("manifest_bad", path=str(path), row=n, column="file", value=name, detail="no such file")
        year = year_in(row.get("year") or "")
        if year is None:
            raise FdError("manifest_bad", path=str(path), row=n, column="year", value=row.get("year"), detail="year")
        kind = (row.get("kind") or "").strip()
        if kind not in KINDS:
            raise FdError("manifest_bad", path=str(path), row=n, column="kind", value=kind, detail="/".join(KINDS))
        out[name] = (year, kind)
    return out
