"""The audit book on disk: one JSON file per institution, written atomically, read with coded errors.

Format (docs/audit.md): a JSON object whose keys are the fields of `kansa.audit.model.Book`; dates are ISO
strings (YYYY-MM-DD), times ISO 8601 with offset. Any field that is missing, of the wrong type or not one of its
allowed values is a BookError naming the file and the field path (e.g. `findings.F-001.due`).
The web app implements `BookRepository` with its own models; the CLI uses `JsonBookStore`.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
import types
import typing
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from kansa.audit import model
from kansa.audit.errors import BookError, BookWriteError
from kansa.audit.events import snapshot
from kansa.audit.model import Book

FORMAT = "kansa-audit-book/1"

# fields whose values must be one of a fixed set
_CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("Entity", "kind"): model.ENTITY_KINDS, ("Engagement", "type"): model.ENGAGEMENT_TYPES,
    ("Engagement", "phase"): model.PHASES, ("TeamMember", "role"): model.TEAM_ROLES,
    ("Finding", "severity"): model.SEVERITIES, ("Finding", "root_cause"): model.ROOT_CAUSES,
    ("Finding", "status"): model.FINDING_STATUSES, ("Plan", "status"): model.PLAN_STATUSES,
    ("SampleItem", "result"): model.TEST_RESULTS,
}


class BookRepository(Protocol):
    """Where audit books live: the CLI's JSON files, or the web app's database."""

    def load(self, institution: str) -> Book:
        """The book of one institution (an empty book when it has none yet)."""
        ...

    def save(self, book: Book) -> None:
        """Store the whole book (all or nothing)."""
        ...


class JsonBookStore:
    """One `<institution>.json` per institution in a folder."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)

    def path(self, institution: str) -> Path:
        """The file of one institution's book."""
        return self.folder / f"{institution}.json"

    def load(self, institution: str) -> Book:
        """The book of one institution (an empty book when the file does not exist)."""
        path = self.path(institution)
        return read_book(path) if path.exists() else Book(institution=institution)

    def save(self, book: Book) -> None:
        """Write the book atomically."""
        write_book(book, self.path(book.institution))


def book_to_dict(book: Book) -> dict[str, Any]:
    """The book as JSON-ready data, with the format marker."""
    return {"format": FORMAT, **snapshot(book)}


def write_book(book: Book, path: Path) -> Path:
    """Write a book to `path` atomically (temporary file in the same folder, then rename)."""
    text = json.dumps(book_to_dict(book), ensure_ascii=False, indent=1, sort_keys=False)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise BookWriteError("audit_book_write", path=str(path), detail=exc.strerror or str(exc)) from exc
    return path


def read_book(path: Path) -> Book:
    """Read and check a book file; any problem is a BookError naming the file and the field."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BookError("audit_book_unreadable", path=str(path), detail=str(exc)) from exc
    if not isinstance(data, dict):
        raise BookError("audit_book_field", path=str(path), field="(root)", detail="expected a JSON object")
    data = dict(data)
    if data.pop("format", FORMAT) != FORMAT:
        raise BookError("audit_book_field", path=str(path), field="format", detail=f"expected {FORMAT}")
    return typing.cast(Book, _decode(Book, data, str(path), ""))


def _fail(path: str, where: str, detail: str) -> BookError:
    return BookError("audit_book_field", path=path, field=where or "(root)", detail=detail)


def _decode(tp: Any, value: Any, path: str, where: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return None if value is None else _decode(args[0], value, path, where)
    if origin is list:
        if not isinstance(value, list):
            raise _fail(path, where, "expected a list")
        return [_decode(typing.get_args(tp)[0], v, path, f"{where}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise _fail(path, where, "expected an object")
        return {k: _decode(typing.get_args(tp)[1], v, path, f"{where}.{k}".lstrip(".")) for k, v in value.items()}
    if tp is Any:
        return value
    if dataclasses.is_dataclass(tp):
        return _decode_record(tp, value, path, where)
    if tp is datetime or tp is date:
        if not isinstance(value, str):
            raise _fail(path, where, "expected an ISO date")
        try:
            return datetime.fromisoformat(value) if tp is datetime else date.fromisoformat(value)
        except ValueError:
            raise _fail(path, where, f"not an ISO date: {value!r}") from None
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            raise _fail(path, where, f"expected a number, not {value!r}")
        return float(value)
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _fail(path, where, f"expected a whole number, not {value!r}")
        return value
    if tp is bool or tp is str:
        if not isinstance(value, tp):
            raise _fail(path, where, f"expected {'true/false' if tp is bool else 'text'}, not {value!r}")
        return value
    raise _fail(path, where, f"unsupported type {tp}")  # pragma: no cover - a bug in the model


def _decode_record(tp: Any, value: Any, path: str, where: str) -> Any:
    if not isinstance(value, dict):
        raise _fail(path, where, "expected an object")
    hints = typing.get_type_hints(tp, vars(model))
    fields = {f.name: f for f in dataclasses.fields(tp)}
    unknown = sorted(set(value) - set(fields))
    if unknown:
        raise _fail(path, f"{where}.{unknown[0]}".lstrip("."), "unknown field")
    kwargs: dict[str, Any] = {}
    for name, f in fields.items():
        here = f"{where}.{name}".lstrip(".")
        if name not in value:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise _fail(path, here, "missing")
            continue
        kwargs[name] = _decode(hints[name], value[name], path, here)
        allowed = _CHOICES.get((tp.__name__, name))
        if allowed and kwargs[name] not in allowed:
            raise _fail(path, here, f"{kwargs[name]!r} is not one of {', '.join(allowed)}")
    return tp(**kwargs)


def book_from_dict(data: dict[str, Any], where: str = "database") -> Book:
    """A book from JSON-plain data (as the web app keeps its records), checked like a book file."""
    data = dict(data)
    data.pop("format", None)
    return typing.cast(Book, _decode(Book, data, where, ""))
