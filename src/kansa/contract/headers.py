"""Header recognition: canonical names, common Japanese headers per table, and a user's mapping file."""

from __future__ import annotations

import csv
import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from kansa.contract.schema import TABLES
from kansa.messages import render
from kansa.yamlio import load_yaml


def _aliases() -> dict[str, Any]:
    """headers.yaml beside this module: the recognised Japanese headers and table names."""
    text = resources.files("kansa.contract").joinpath("headers.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = load_yaml(text)
    return data


_ALIASES = _aliases()
# Headers that mean the same column in any table that has it.
_COMMON: dict[str, str] = _ALIASES["common"]
# Headers whose meaning depends on the table (名称 is a product's name in products, a branch's in branches).
_BY_TABLE: dict[str, dict[str, str]] = _ALIASES["by_table"]
# Sheet or file names in Japanese that name a contract table.
TABLE_ALIASES: dict[str, str] = _ALIASES["tables"]

_BRACKETS = re.compile(r"[\(（\[【［].*?[\)）\]】］]")


def normalize_header(text: str) -> str:
    """Fold a header for matching: NFKC, lower case, units in brackets and spaces removed."""
    s = unicodedata.normalize("NFKC", text).strip().lower()
    s = _BRACKETS.sub("", s)
    s = re.sub(r"[\s\-・]+", "_", s).strip("_")
    return s


def table_for_name(stem: str) -> str | None:
    """The contract table a file stem or sheet name stands for, or None."""
    s = normalize_header(stem)
    if s in TABLES:
        return s
    return TABLE_ALIASES.get(s) or TABLE_ALIASES.get(s.replace("_", ""))


Mapping = dict[str, dict[str, str]]  # table ("*" = any) -> normalised source header -> column


@dataclass(frozen=True)
class MappingProblem:
    """One unusable line of a mapping file: where it is, the offending value, and why (a message code)."""

    row: int | None  # the mapping file's row (header row 1); None for YAML
    table: str
    field: str  # table | source_header | column | file
    value: str
    code: str  # a message code of contract/messages.yaml, rendered late
    fields: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def ja(self) -> str:
        """Why, in Japanese."""
        return render(self.code, "ja", self.fields)

    @property
    def en(self) -> str:
        """Why, in English."""
        return render(self.code, "en", self.fields)


class MappingError(ValueError):
    """A mapping file that cannot be used; `.problems` lists every bad line, `.path` the file."""

    def __init__(self, path: Path, problems: list[MappingProblem]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("; ".join(f"{path}" + (f": row {p.row}" if p.row else "") + f": {p.en}" for p in problems))


def _mapping_text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp932"):  # a mapping made in Excel on Windows is CP932
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise MappingError(
        path,
        [
            MappingProblem(
                None, "-", "file", path.name, "mapping_encoding", {}
            )
        ],
    )


def read_mapping(path: Path) -> Mapping:
    """Read a user's mapping file: CSV `table,source_header,column` or YAML `{table: {header: column}}`.

    Every bad line is collected before MappingError is raised, so one run shows them all.
    """
    text = _mapping_text(path)
    mapping: Mapping = {}
    problems: list[MappingProblem] = []
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            data = load_yaml(text) or {}
        except yaml.YAMLError as exc:
            raise MappingError(
                path,
                [MappingProblem(None, "-", "file", path.name, "mapping_yaml", {"exc": str(exc)})],
            ) from exc
        if not isinstance(data, dict):
            raise MappingError(
                path,
                [
                    MappingProblem(
                        None,
                        "-",
                        "file",
                        path.name,
                        "mapping_not_mapping", {},
                    )
                ],
            )
        for table, pairs in data.items():
            if not isinstance(pairs, dict):
                problems.append(
                    MappingProblem(
                        None,
                        str(table),
                        "table",
                        str(table),
                        "mapping_table_not_mapping", {"table": table},
                    )
                )
                continue
            for source, column in pairs.items():
                _add(mapping, problems, str(table or "*"), str(source), str(column), None)
    else:
        rows = list(csv.reader(text.splitlines()))
        if rows and [c.strip().lower() for c in rows[0][:3]] == ["table", "source_header", "column"]:
            rows = rows[1:]
        for n, row in enumerate(rows, start=2):
            if not any(c.strip() for c in row):
                continue
            if len(row) != 3:
                problems.append(
                    MappingProblem(
                        n,
                        "-",
                        "row",
                        ",".join(row),
                        "mapping_row_fields", {"count": len(row)},
                    )
                )
                continue
            _add(mapping, problems, row[0].strip() or "*", row[1], row[2].strip(), n)
    if problems:
        raise MappingError(path, problems)
    return mapping


def _add(
    mapping: Mapping, problems: list[MappingProblem], table: str, source: str, column: str, row: int | None
) -> None:
    if table != "*" and table not in TABLES:
        problems.append(
            MappingProblem(row, table, "table", table, "mapping_unknown_table", {"table": table})
        )
        return
    targets = [TABLES[table]] if table != "*" else list(TABLES.values())
    if not any(column in t.names for t in targets):
        problems.append(
            MappingProblem(
                row,
                table,
                "column",
                column,
                "mapping_contract_column", {"table": table, "column": column},
            )
        )
        return
    mapping.setdefault(table, {})[normalize_header(source)] = column


def resolve_header(table: str, header: str, mapping: Mapping | None = None) -> str | None:
    """The contract column a file's header stands for in `table`, or None when it is not one."""
    key = normalize_header(header)
    names = TABLES[table].names
    for scope in (table, "*"):
        column = (mapping or {}).get(scope, {}).get(key)
        if column in names:
            return column
    if key in names:
        return key
    column = _BY_TABLE.get(table, {}).get(key) or _COMMON.get(key)
    return column if column in names else None
