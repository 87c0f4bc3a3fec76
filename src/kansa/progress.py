"""The progress protocol: long work reports what it does through a `Reporter`, whatever face shows it.

The library never draws a bar: it asks its reporter for a task (a message code, e.g. `progress_rules`, and a
total), advances it, and says when it is done. The command line adapts this to Rich bars, the web worker
to a row in its database, tests to a list. `NULL_REPORTER` does nothing and is every function's default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


class Task(Protocol):
    """One piece of long work with an optional total."""

    def advance(self, n: float = 1, item: str | None = None) -> None:
        """`n` more units done; `item` names what is being worked on now (a rule id, a file name)."""

    def done(self) -> None:
        """The work is finished (a bar may disappear)."""


class Reporter(Protocol):
    """Hands out tasks; what it draws is the face's business."""

    def task(self, code: str, total: float | None = None, **fields: Any) -> Task:
        """A new task labelled by message `code` (rendered by the face in its language)."""
        ...


class _NullTask:
    def advance(self, n: float = 1, item: str | None = None) -> None:
        del n, item

    def done(self) -> None:
        return None


class _NullReporter:
    def task(self, code: str, total: float | None = None, **fields: Any) -> Task:
        del code, total, fields
        return _NullTask()


NULL_REPORTER: Reporter = _NullReporter()


@dataclass
class RecordedTask:
    """A task kept in memory: label, total, units done, items seen and whether it finished."""

    code: str
    total: float | None
    fields: dict[str, Any]
    completed: float = 0.0
    items: list[str] = field(default_factory=list)
    finished: bool = False

    def advance(self, n: float = 1, item: str | None = None) -> None:
        """Count `n` units and remember the item."""
        self.completed += n
        if item is not None:
            self.items.append(item)

    def done(self) -> None:
        """Mark the task finished."""
        self.finished = True


@dataclass
class RecordingReporter:
    """A reporter that keeps every task (for tests, and for callers that show progress afterwards)."""

    tasks: list[RecordedTask] = field(default_factory=list)

    def task(self, code: str, total: float | None = None, **fields: Any) -> RecordedTask:
        """Start and keep a task."""
        t = RecordedTask(code, total, dict(fields))
        self.tasks.append(t)
        return t
