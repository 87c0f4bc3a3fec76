"""Bounded cost: the size limits every reader checks, each a documented setting (environment variable).

A hostile or broken file must fail fast with a message naming it, never make kansa inflate gigabytes or read
an endless line. Defaults fit the largest real inputs seen (docs/hardening.md); raise them per run with the
environment variables below, or in code with `limit(...)`.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from kansa.messages import InputError

_ENV = "KANSA_"


@dataclass(frozen=True)
class Limits:
    """The limits in force: sizes in MB/KB, ratios and counts."""

    max_inflated_mb: int = 1024      # all members of one xlsx or zip together, once inflated
    max_ratio: int = 200             # inflated / compressed size of one member (real sheets and logs: 5-30)
    max_line_kb: int = 1024          # one line of a log (a syslog line is < 1 KB; JSON events a few KB)
    max_cells: int = 100_000_000     # cells of one workbook sheet, from its declared dimension
    max_amount_jpy: int = 10**12     # one money cell (1 trillion yen): above it is a warning (a shifted column?)

    @classmethod
    def settings(cls) -> list[str]:
        """The environment variable of every limit (KANSA_MAX_INFLATED_MB ...)."""
        return [_ENV + f.name.upper() for f in fields(cls)]

    @classmethod
    def from_env(cls) -> Limits:
        """The defaults, overridden by positive integers in KANSA_MAX_* environment variables."""
        changes: dict[str, Any] = {}
        for f in fields(cls):
            raw = os.environ.get(_ENV + f.name.upper(), "").strip()
            if raw.isdigit() and int(raw) > 0:
                changes[f.name] = int(raw)
        return replace(cls(), **changes)


_OVERRIDE: ContextVar[Limits | None] = ContextVar("kansa_limits", default=None)


class _Current:
    """`LIMITS.get()`: the limits set with `limit(...)`, else those of the environment."""

    def get(self) -> Limits:
        """The limits in force now."""
        return _OVERRIDE.get() or Limits.from_env()


LIMITS = _Current()


@contextmanager
def limit(**changes: int) -> Iterator[Limits]:
    """Run a block with some limits changed (tests, the web app's smaller bounds)."""
    token = _OVERRIDE.set(replace(LIMITS.get(), **changes))
    try:
        yield LIMITS.get()
    finally:
        _OVERRIDE.reset(token)


def setting(name: str) -> str:
    """The environment variable of one limit field."""
    return _ENV + name.upper()


def check_archive(path: Path, name: str | None = None) -> None:
    """Refuse a zip package (xlsx, zipped logs) that would inflate beyond the limits, from its directory alone."""
    bounds = LIMITS.get()
    label = name or path.name
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a readable zip: the reader says so in its own words
    total = sum(m.file_size for m in members)
    if total > bounds.max_inflated_mb << 20:
        raise InputError("limit_inflated", file=label, size=total >> 20, limit=bounds.max_inflated_mb,
                         setting=setting("max_inflated_mb"))
    for m in members:
        if m.file_size > 1 << 20 and m.file_size > bounds.max_ratio * max(m.compress_size, 1):
            raise InputError("limit_ratio", file=label, member=m.filename, ratio=m.file_size // max(m.compress_size, 1),
                             limit=bounds.max_ratio, setting=setting("max_ratio"))


class BoundedReader(io.RawIOBase):
    """A binary stream that stops with InputError once more than the inflated limit came out of it.

    Raw: wrap it in io.BufferedReader for readline and line iteration (bounded_stream does).
    """

    def __init__(self, stream: Any, name: str) -> None:
        super().__init__()
        self._stream = stream
        self._name = name
        self._left = LIMITS.get().max_inflated_mb << 20

    def readable(self) -> bool:
        """Always: this is a reader."""
        return True

    def readinto(self, buffer: Any) -> int:
        """Fill `buffer` from the stream; InputError past the limit."""
        data = self._stream.read(len(buffer))
        self._left -= len(data)
        if self._left < 0:
            bounds = LIMITS.get()
            raise InputError("limit_inflated", file=self._name, size=bounds.max_inflated_mb,
                             limit=bounds.max_inflated_mb, setting=setting("max_inflated_mb"))
        buffer[: len(data)] = data
        return len(data)


def bounded_stream(stream: Any, name: str) -> io.BufferedReader:
    """`stream` (a decompressor) read through BoundedReader, buffered: read, readline and iteration all work."""
    return io.BufferedReader(BoundedReader(stream, name), buffer_size=1 << 20)
