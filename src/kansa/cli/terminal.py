"""The terminal: Rich console, progress bars that implement `kansa.progress.Reporter`, rendered messages."""

from __future__ import annotations

import sys
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from kansa.i18n import Lang
from kansa.messages import render


def progress_bar(transient: bool = False) -> Progress:
    """A Rich progress bar; disabled when stderr is not a terminal (CI logs, pipes)."""
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), transient=transient, disable=not sys.stderr.isatty())


class RichTask:
    """One bar of a Rich progress display."""

    def __init__(self, progress: Progress, label: str, total: float | None) -> None:
        self._progress = progress
        self._label = label
        self._id = progress.add_task(label, total=total)

    def advance(self, n: float = 1, item: str | None = None) -> None:
        """Move the bar; show the item being worked on beside the label."""
        description = f"{self._label} {item}" if item else self._label
        self._progress.update(self._id, advance=n, description=description)

    def done(self) -> None:
        """Fill the bar (a task may finish before its estimate)."""
        total = self._progress.tasks[self._id].total if self._id < len(self._progress.tasks) else None
        self._progress.update(self._id, completed=total, description=self._label)


class RichReporter:
    """`kansa.progress.Reporter` drawn as Rich bars, labels rendered in the user's language."""

    def __init__(self, progress: Progress, lang: Lang = "ja") -> None:
        self._progress = progress
        self._lang = lang

    def task(self, code: str, total: float | None = None, **fields: Any) -> RichTask:
        """A new bar labelled by the message `code`."""
        return RichTask(self._progress, render(code, self._lang, fields), total)


def shown(text: object) -> str:
    """Text from the data, safe to print with Rich: control characters escaped, no markup interpreted."""
    from rich.markup import escape

    from kansa.outputs import printable

    return escape(printable(str(text)).replace("\n", "\\n"))
