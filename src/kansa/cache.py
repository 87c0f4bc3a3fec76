"""The per-machine cache of results that depend only on kansa's own code and libraries, never on user data.

Public holidays (jpholiday), rules already linted, rules already compiled to SQL: each costs tenths of a
second that every scan paid again. Entries are keyed by a fingerprint of the code that makes them, so a new
version of kansa or of a library starts afresh; a cache that cannot be read or written only costs the time.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

MAX_ENTRIES = 2000  # per file unless the writer says otherwise: the oldest go first


def cache_dir() -> Path:
    """$KANSA_CACHE_DIR, else $XDG_CACHE_HOME/kansa, else ~/.cache/kansa."""
    if os.environ.get("KANSA_CACHE_DIR"):
        return Path(os.environ["KANSA_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kansa"


def fingerprint(*parts: str | Path) -> str:
    """A short hash of texts and of files' contents (the code whose results are cached)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.read_bytes() if isinstance(part, Path) else part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:16]


# The parsed files of this process, with the (mtime, size) they were parsed at: a scan asks once per rule, and
# parsing a file of compiled rules each time would cost more than compiling.
_PARSED: dict[Path, tuple[tuple[int, int], dict[str, Any]]] = {}


def read(name: str) -> dict[str, Any]:
    """The cached entries of one file (empty when absent or unreadable); parsed again only when it changed."""
    path = cache_dir() / name
    try:
        st = path.stat()
        seen = _PARSED.get(path)
        if seen is not None and seen[0] == (st.st_mtime_ns, st.st_size):
            return seen[1]
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    entries = data if isinstance(data, dict) else {}
    _PARSED[path] = ((st.st_mtime_ns, st.st_size), entries)
    return entries


def write(name: str, entries: dict[str, Any], keep: int = MAX_ENTRIES) -> None:
    """Replace one file atomically (a concurrent reader sees the old or the new), keeping the newest `keep`.

    The whole file is written each time, so a file written often should be kept small. Errors are ignored.
    """
    if len(entries) > keep:
        entries = dict(list(entries.items())[-keep:])
    path = cache_dir() / name
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_suffix(f".{os.getpid()}.tmp")
        part.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
        part.replace(path)
        st = path.stat()
        _PARSED[path] = ((st.st_mtime_ns, st.st_size), entries)
    except OSError:
        pass
