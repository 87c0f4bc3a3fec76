"""The data contract as Markdown, generated from kansa.contract.schema and headers.yaml so it cannot drift.

`python -m kansa.contract.reference > docs/contract-reference.md` writes it; a test compares the two.
"""

from __future__ import annotations

from kansa.contract.headers import _BY_TABLE, _COMMON, TABLE_ALIASES
from kansa.contract.schema import TABLES, Column, TableSchema

_DOMAINS = (("conduct", "顧客本位の業務運営 / customer-oriented business conduct"),
            ("cyber", "サイバーセキュリティ / cybersecurity"))

INTRO = """# Data contract reference

Generated from `src/kansa/contract/schema.py` and `src/kansa/contract/headers.yaml` by
`python -m kansa.contract.reference > docs/contract-reference.md`; do not edit by hand (a test compares).
How to hand the tables over, and what is checked, is in [contract.md](contract.md).

Columns marked **required** must be present and filled; **key** columns form the primary key (no
duplicates); **refers to** must match a row of the other table. Optional columns may be left out
entirely. Japanese headers listed are recognised without a mapping file (after folding: full-width to
half-width, lower case, units in brackets and spaces removed).
"""


def _checks(column: Column) -> str:
    parts = []
    if column.enum:
        parts.append("one of " + ", ".join(f"`{v}`" for v in column.enum))
    if column.min is not None or column.max is not None:
        low, high = ("" if v is None else v for v in (column.min, column.max))
        parts.append(f"range {low}..{high}")
    if column.nonnegative:
        parts.append("not negative")
    if column.pattern:
        parts.append(f"pattern `{column.pattern}`")
    if column.default_sql:
        parts.append(f"empty: `{column.default_sql}`")
    return "; ".join(parts)


def _headers(table: TableSchema, column: str) -> str:
    found = [h for h, c in _BY_TABLE.get(table.name, {}).items() if c == column]
    found += [h for h, c in _COMMON.items() if c == column and h not in found]
    return ", ".join(found)


def table_markdown(table: TableSchema) -> str:
    """One table: its names, then one row per column in contract order."""
    names = [a for a, t in TABLE_ALIASES.items() if t == table.name]
    lines = [f"### `{table.name}` ({table.label.get('ja', '')} / {table.label.get('en', table.name)})", ""]
    if names:
        lines += ["File or sheet names also recognised: " + ", ".join(names), ""]
    lines += ["| column | type | required | key | refers to | checks | Japanese headers |",
              "|---|---|---|---|---|---|---|"]
    for c in table.columns:
        lines.append(f"| `{c.name}` | {c.type} | {'yes' if c.required or c.pk else ''} | {'yes' if c.pk else ''} "
                     f"| {c.fk or ''} | {_checks(c)} | {_headers(table, c.name)} |")
    return "\n".join(lines) + "\n"


def markdown() -> str:
    """The whole reference: every table of every domain."""
    parts = [INTRO]
    for domain, title in _DOMAINS:
        parts.append(f"## {title}\n")
        parts += [table_markdown(t) for t in TABLES.values() if t.domain == domain]
    return "\n".join(parts)


if __name__ == "__main__":
    print(markdown(), end="")
