"""Turn a rule's raw rows into flags: reason text and evidence JSON built inside DuckDB, vectorised."""

from __future__ import annotations

import string

from kansa.contract.labels import CODE_LABELS
from kansa.engine.lint import REQUIRED_COLUMNS, reason_fields
from kansa.engine.spec import RuleSpec
from kansa.i18n import Lang, pick

_NOT_EVIDENCE = (*REQUIRED_COLUMNS, "severity")


def quote_ident(name: str) -> str:
    """A DuckDB identifier in double quotes."""
    return '"' + name.replace('"', '""') + '"'


def _quote_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _label_sql(column: str, lang: Lang) -> str:
    """A code column in people's words (`{product_type!l}`): investment_trust -> 投資信託."""
    whens = " ".join(f"WHEN {_quote_text(code)} THEN {_quote_text(words[lang])}"
                     for code, words in CODE_LABELS.items())
    col = quote_ident(column)
    return f"COALESCE(CASE CAST({col} AS VARCHAR) {whens} ELSE CAST({col} AS VARCHAR) END, '-')"


def _field_sql(column: str, spec: str) -> str:
    col = quote_ident(column)
    if not spec:
        return f"COALESCE(CAST({col} AS VARCHAR), '-')"
    # DuckDB's format() follows the same {:,.1f} mini-language as Python for these specs.
    cast = "DOUBLE" if spec.endswith("f") else "BIGINT" if spec.endswith("d") else "DOUBLE"
    return f"COALESCE(format({_quote_text('{:' + spec + '}')}, CAST({col} AS {cast})), '-')"


def reason_sql(template: str, lang: Lang = "ja") -> str:
    """A DuckDB expression rendering a Python str.format template from the row's columns.

    `{column!l}` prints a contract code in people's words (kansa.contract.labels) in `lang`.
    """
    parts: list[str] = []
    fields = iter(reason_fields(template))
    for literal, name, _spec, conv in string.Formatter().parse(template):
        if literal:
            parts.append(_quote_text(literal))
        if name is not None:
            field, spec = next(fields)
            parts.append(_label_sql(field, lang) if conv == "l" else _field_sql(field, spec))
    return " || ".join(parts) if parts else "''"


def evidence_columns(columns: list[str]) -> list[str]:
    """The columns that go into the evidence JSON: all but the flag's own and `_`-prefixed helpers."""
    return [c for c in columns if c not in _NOT_EVIDENCE and not c.startswith("_")]


def finish_sql(spec: RuleSpec, source: str, columns: list[str], lang: Lang) -> str:
    """A DuckDB SELECT over `source` (a table, view or parenthesised query) returning FLAGS_SCHEMA rows."""
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ValueError(f"{spec.path or spec.id}: the SELECT returned no {', '.join(missing)}")
    template = pick(spec.reason, lang)
    unknown = [f for f, _ in reason_fields(template) if f not in columns]
    if unknown:
        raise ValueError(f"{spec.path or spec.id}: reason.{lang} uses {unknown}, which the SELECT does not return")
    ev = evidence_columns(columns)
    evidence = (
        "CAST(to_json(struct_pack(" + ", ".join(f"{quote_ident(c)} := {quote_ident(c)}" for c in ev) + ")) AS VARCHAR)"
        if ev else "'{}'"
    )
    severity = (f"COALESCE(CAST(severity AS VARCHAR), {_quote_text(spec.severity)})" if "severity" in columns
                else _quote_text(spec.severity))
    return (
        f"SELECT {_quote_text(spec.id)} AS rule_id, {_quote_text(spec.entity_type)} AS entity_type, "
        f"CAST(entity_id AS VARCHAR) AS entity_id, {severity} AS severity, CAST(score AS DOUBLE) AS score, "
        f"CAST(event_date AS DATE) AS event_date, {reason_sql(template, lang)} AS reason, {evidence} AS evidence "
        f"FROM {source}"
    )
