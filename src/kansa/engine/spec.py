"""Rule specs as small immutable values: a rule, its typed parameters, and the errors about them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

ParamType = Literal["int", "float", "date", "string", "list[string]"]
PARAM_TYPES: tuple[ParamType, ...] = ("int", "float", "date", "string", "list[string]")
DOMAINS = ("conduct", "cyber")
RESERVED_PARAMS = ("as_of",)


class SpecError(ValueError):
    """A rule spec or parameter file that is wrong; the message names the file and the field."""

    def __init__(self, path: Path | str | None, field_name: str, message: str) -> None:
        self.path = str(path) if path is not None else "<spec>"
        self.field_name = field_name
        self.detail = message
        super().__init__(f"{self.path}: {field_name}: {message}")


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
    """One rule: what it flags, why (with its citation), its parameters and its SELECT."""

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

    def param(self, name: str) -> ParamSpec:
        """The parameter called `name`; KeyError when the rule has none."""
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def defaults(self) -> dict[str, Any]:
        """Every parameter's default value."""
        return {p.name: p.default for p in self.params}


def coerce_value(param: ParamSpec, value: Any, where: Path | str | None, field_name: str) -> Any:
    """Check `value` against the parameter's type and range and return it typed (dates parsed)."""
    t = param.type
    bad = SpecError(where, field_name, f"expected {t}, got {value!r} / {t} 型の値が必要です: {value!r}")
    if t == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad
        typed: Any = value
    elif t == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise bad
        typed = float(value)
    elif t == "date":
        if isinstance(value, date):
            typed = value if type(value) is date else date(value.year, value.month, value.day)
        elif isinstance(value, str):
            try:
                typed = date.fromisoformat(value)
            except ValueError as exc:
                raise bad from exc
        else:
            raise bad
    elif t == "string":
        if not isinstance(value, str):
            raise bad
        typed = value
    else:
        if not isinstance(value, list | tuple) or not value or not all(isinstance(v, str) for v in value):
            raise SpecError(where, field_name, f"expected a non-empty list of strings, got {value!r}"
                            f" / 文字列の空でないリストが必要です")
        typed = tuple(value)
    if param.min is not None and typed < param.min:
        raise SpecError(where, field_name,
                        f"{typed!r} is below the minimum {param.min!r} / 最小値 {param.min!r} 未満です")
    if param.max is not None and typed > param.max:
        raise SpecError(where, field_name,
                        f"{typed!r} is above the maximum {param.max!r} / 最大値 {param.max!r} を超えています")
    return typed
