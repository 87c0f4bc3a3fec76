"""Rule specs as small immutable values: a rule, its typed parameters, and the errors about them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from kansa.messages import ConfigError

ParamType = Literal["int", "float", "date", "string", "list[string]"]
PARAM_TYPES: tuple[ParamType, ...] = ("int", "float", "date", "string", "list[string]")
RESERVED_PARAMS = ("as_of",)


class SpecError(ConfigError):
    """A rule spec or parameter file that is wrong; the message names the file and the field."""

    def __init__(self, path: Path | str | None, field_name: str, code: str, **fields: Any) -> None:
        self.path = str(path) if path is not None else "<spec>"
        self.field_name = field_name
        super().__init__(code, path=self.path, field=field_name, **fields)


@dataclass(frozen=True)
class ParamSpec:
    """One typed rule parameter with its default and optional range."""

    name: str
    type: ParamType
    default: Any
    description: dict[str, str] = field(default_factory=dict)
    min: Any = None
    max: Any = None

    def range_text(self) -> str:
        """The allowed range as text, e.g. `0..120`, or empty when unbounded."""
        if self.min is None and self.max is None:
            return ""
        lo = "" if self.min is None else str(self.min)
        hi = "" if self.max is None else str(self.max)
        return f"{lo}..{hi}"


@dataclass(frozen=True)
class RuleSpec:
    """One rule: what it flags, why (with its citation), its parameters, its SELECT and how reports show it."""

    id: str
    domain: str
    entity_type: str
    severity: str
    title: dict[str, str]
    rationale: dict[str, str]
    references: tuple[str, ...]
    tables: tuple[str, ...]
    params: tuple[ParamSpec, ...]
    sql: str
    reason: dict[str, str]
    path: Path | None = None
    area: str = ""                                           # the catalog area the report files it under
    summary: dict[str, str] = field(default_factory=dict)   # what a flag means, in a board member's words
    # optional "table.column" the rule cannot evaluate without: all empty -> coverage says column_empty
    requires_columns: tuple[str, ...] = ()
    lookback_param: str = ""   # the parameter holding the days the rule looks back (coverage's period)

    def param(self, name: str) -> ParamSpec:
        """The parameter called `name`; KeyError when the rule has none."""
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def defaults(self) -> dict[str, Any]:
        """Every parameter's default value."""
        return {p.name: p.default for p in self.params}


def _typed(param: ParamSpec, value: Any) -> Any:
    """The value in the parameter's type, or None when it is not of that type."""
    t = param.type
    if t == "int":
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if t == "float":
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
    if t == "date":
        if isinstance(value, date):
            return value if type(value) is date else date(value.year, value.month, value.day)
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                return None
        return None
    if t == "string":
        return value if isinstance(value, str) else None
    if isinstance(value, list | tuple) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def coerce_value(param: ParamSpec, value: Any, where: Path | str | None, field_name: str) -> Any:
    """Check `value` against the parameter's type and range and return it typed (dates parsed)."""
    typed = _typed(param, value)
    if typed is None:
        if param.type == "list[string]":
            raise SpecError(where, field_name, "spec_param_list", value=repr(value))
        raise SpecError(where, field_name, "spec_param_value", type=param.type, value=repr(value))
    if param.min is not None and typed < param.min:
        raise SpecError(where, field_name, "spec_param_below", value=repr(typed), limit=repr(param.min))
    if param.max is not None and typed > param.max:
        raise SpecError(where, field_name, "spec_param_above", value=repr(typed), limit=repr(param.max))
    return typed
