"""Errors that name where the problem is (file, sheet, row, question), in Japanese and English."""

from __future__ import annotations

from dataclasses import dataclass

from kansa.i18n import Lang


@dataclass(frozen=True)
class Problem:
    """One problem found in a framework or an answer file."""

    file: str
    ja: str
    en: str
    sheet: str | None = None
    row: int | None = None
    question: str | None = None
    path: str | None = None     # position inside a YAML/JSON document, e.g. domains[2].requirements[0]

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
        return f"{self.where()}: {self.ja if lang == 'ja' else self.en}"


class AssessmentError(Exception):
    """Raised with every problem found; nothing was stored or written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.message("ja") + " / " + p.en for p in problems[:20]))

    def messages(self, lang: Lang = "ja") -> list[str]:
        """All messages in one language."""
        return [p.message(lang) for p in self.problems]


class FrameworkError(AssessmentError):
    """A framework file that does not follow the format of docs/interfaces.md."""
