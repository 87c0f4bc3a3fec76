"""`kansa assess import`: check a batch of answer files, store the good ones, report the rest."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kansa.assessment.answers import FileResult, check_batch, read_answer_file
from kansa.assessment.model import Framework
from kansa.assessment.store import AnswerStore, IndexRow
from kansa.i18n import Lang


@dataclass
class ImportReport:
    """Per file: stored submissions or the problems that rejected it."""

    results: list[FileResult]
    stored: list[IndexRow]

    @property
    def ok(self) -> bool:
        """True when no file was rejected."""
        return all(not r.problems for r in self.results)


def import_answers(paths: Sequence[Path], store: AnswerStore, framework: Framework, lang: Lang = "ja") -> ImportReport:
    """Check every file against the framework and the batch; store only files without a problem."""
    store.check_framework(framework)
    results = [read_answer_file(p, framework, lang) for p in paths]
    check_batch(results)
    good = [s for r in results if not r.problems for s in r.submissions]
    stored = store.add(good, framework) if good else []
    return ImportReport(results, stored)
