"""Errors that name where the problem is (file, sheet, row, question): message codes rendered late in ja or en."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kansa.i18n import Lang
from kansa.messages import InputError
from kansa.messages import render as render_code


@dataclass(frozen=True)
class Problem:
    """One problem found in a framework or an answer file: a code of assessment/messages.yaml and its fields."""

    file: str
    code: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    sheet: str | None = None
    row: int | None = None
    question: str | None = None
    path: str | None = None     # position inside a YAML/JSON document, e.g. domains[2].requirements[0]

    @property
    def ja(self) -> str:
        """The problem's text in Japanese (without where it is)."""
        return render_code(self.code, "ja", self.fields)

    @property
    def en(self) -> str:
        """The problem's text in English (without where it is)."""
        return render_code(self.code, "en", self.fields)

    def where(self) -> str:
        """`file, sheet S, row R, question Q` as far as known."""
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.question:
            parts.append(f"question {self.question}")
        if self.path:
            parts.append(self.path)
        return ", ".join(parts)

    def message(self, lang: Lang = "ja") -> str:
        """The full message in one language, with where it is."""
        return f"{self.where()}: {render_code(self.code, lang, self.fields)}"


class _ProblemsMixin:
    """Shared by the assessment errors: every problem found, one message line each."""

    problems: list[Problem]

    def messages(self, lang: Lang = "ja") -> list[str]:
        """All messages in one language."""
        return [p.message(lang) for p in self.problems]

    def details(self, lang: Lang = "ja") -> list[str]:
        """One line per problem found (the first 20 and a count of the rest)."""
        lines = self.messages(lang)
        return lines[:20] + ([f"... +{len(lines) - 20}"] if len(lines) > 20 else [])

    def __str__(self) -> str:
        return "\n".join(p.message("ja") + " / " + p.en for p in self.problems[:20])


class AssessmentError(_ProblemsMixin, InputError):
    """Raised with every problem found in answers or institutions; nothing was stored or written (exit 1)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("assess_problems", count=len(problems))


class FrameworkError(AssessmentError):
    """A framework file that does not follow the format of docs/interfaces.md."""


class AnswerFileError(InputError, ValueError):
    """An answer CSV/JSON file that cannot be read as records (kept a ValueError for older callers)."""


class UnknownRiskError(InputError, ValueError):
    """An inherent-risk name the framework has no targets for (kept a ValueError for older callers)."""
