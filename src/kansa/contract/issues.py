"""Validation issues (errors and warnings) with stable codes and messages in Japanese or English."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from kansa.i18n import Lang
from kansa.messages import render

Level = Literal["error", "warning"]

# The texts of the codes live in messages.yaml beside this file (the message catalogue).
WARNING_CODES = frozenset(
    {
        "unknown_column",
        "unnamed_column",
        "title_rows_skipped",
        "no_rows",
        "absent_table",
        "old_birth_date",
        "future_date",
        "trade_on_holiday",
        "inverted_period",
        "fee_exceeds_amount",
        "ids_normalised",
        "absurd_amount",
    }
)

_MAX_VALUE = 200  # keep error files readable when a cell holds a whole paragraph


@dataclass(frozen=True)
class Issue:
    """One finding about the input: where (table, row, column), what (value, code) and why (message)."""

    table: str
    row: int | None
    column: str | None
    value: str | None
    code: str
    message: str
    level: Level = "error"
    file: str | None = None  # the file (or workbook[sheet]) the table came from, for people to find it
    fields: tuple[tuple[str, object], ...] = ()  # what the message was rendered from, to render it again

    def text(self, lang: Lang) -> str:
        """The message in another language than the load's (the code's template with the same fields)."""
        return render(self.code, lang, dict(self.fields)) if self.fields else self.message

    @property
    def is_error(self) -> bool:
        """True when the issue blocks the load."""
        return self.level == "error"


def make_issue(
    code: str,
    lang: Lang,
    table: str,
    row: int | None = None,
    column: str | None = None,
    value: object = None,
    **detail: object,
) -> Issue:
    """Build an issue, its message rendered in `lang` from the code's template."""
    text = None if value is None else str(value)
    if text is not None and len(text) > _MAX_VALUE:
        text = text[:_MAX_VALUE] + "…"
    fields = {"table": table, "row": row, "column": column or "", "value": text or "", "detail": "", **detail}
    message = render(code, lang, fields)
    level: Level = "warning" if code in WARNING_CODES else "error"
    return Issue(table, row, column, text, code, message, level, None, tuple(fields.items()))


def row_issues(
    code: str, lang: Lang, table: str, column: str | None, found: Iterable[tuple[int, object]], **detail: object
) -> list[Issue]:
    """One issue per (row, value) found; each message is rendered once per distinct value.

    A million rows with the same wrong code must not cost a million message renderings.
    """
    protos: dict[object, Issue] = {}
    out: list[Issue] = []
    for row, value in found:
        p = protos.get(value)
        if p is None:
            p = protos[value] = make_issue(code, lang, table, None, column, value, **detail)
        out.append(Issue(p.table, row, p.column, p.value, p.code, p.message, p.level, None, p.fields))
    return out


def with_file(issue: Issue, file: str | None) -> Issue:
    """The issue naming `file`, unless it already names one (built directly: replace() is slow)."""
    if issue.file is not None or file is None:
        return issue
    i = issue
    return Issue(i.table, i.row, i.column, i.value, i.code, i.message, i.level, file, i.fields)


def sort_key(issue: Issue) -> tuple[str, int, str]:
    """Order issues by table, row, column, as a person reads a file."""
    return (issue.table, issue.row or 0, issue.column or "")
