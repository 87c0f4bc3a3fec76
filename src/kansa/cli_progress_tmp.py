"""Temporary Rich bar for CLI modules not yet moved into kansa.cli."""

from __future__ import annotations

import sys

from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn


def progress_bar(transient: bool = False) -> Progress:
    """A Rich progress bar; disabled when stderr is not a terminal."""
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), transient=transient, disable=not sys.stderr.isatty())
