"""Errors of the fd pillar: codes from fd/messages.yaml in the one catalogue (kansa.messages), rendered late."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kansa.i18n import Lang
from kansa.messages import InputError, has_code
from kansa.messages import render as render_code


class FdError(InputError):
    """A user-facing error of the fd pillar: a stable code and the fields its message names (exit status 1)."""

    def __init__(self, code: str, **fields: Any) -> None:
        if not has_code(code):
            raise KeyError(f"unknown message code {code!r}")
        super().__init__(code, **fields)

    @property
    def fields(self) -> Mapping[str, Any]:
        """The fields the message names (path, row, column, value...)."""
        return self.message.fields


class FdErrors(InputError):
    """Several problems found at once (a workbook with many bad cells); nothing was read into the result."""

    def __init__(self, errors: list[FdError]) -> None:
        self.errors = errors
        super().__init__("fd_many_errors", count=len(errors))

    def __str__(self) -> str:
        return "\n".join(e.message("en") for e in self.errors[:20])

    def messages(self, lang: Lang = "ja") -> list[str]:
        """Every message in one language."""
        return [e.message(lang) for e in self.errors]

    def details(self, lang: Lang = "ja") -> list[str]:
        """One line per problem found."""
        return self.messages(lang)


def render(code: str, fields: Mapping[str, Any], lang: Lang) -> str:
    """Render message `code` with its fields in `lang` (the fd pillar's argument order)."""
    if not has_code(code):
        raise KeyError(code)
    return render_code(code, lang, fields)
