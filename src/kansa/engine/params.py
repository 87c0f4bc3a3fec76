"""Per-institution rule parameters: read from TOML or YAML, checked against the rules, resolved per rule."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from kansa.engine.loader import all_rules
from kansa.engine.spec import RuleSpec, SpecError, coerce_value

# rule id (or "global") -> parameter name -> typed value: the one shape parameters take everywhere
RuleParams = dict[str, dict[str, Any]]


def _read_mapping(path: Path) -> Mapping[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise SpecError(path, "(file)", "params_unreadable", error=str(exc)) from exc
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise SpecError(path, "(top)", "params_top")
    return data


def check_params(data: Mapping[str, Any], rules: Iterable[RuleSpec] | None = None,
                 where: Path | str = "params") -> RuleParams:
    """Overrides as `{rule_id: {name: value}, "global": {...}}` checked against `rules` (default: every
    catalog); unknown rules or parameters and bad values are SpecErrors naming `where`."""
    specs = list(rules) if rules is not None else all_rules()
    by_id = {s.id: s for s in specs}
    out: RuleParams = {}
    for section, values in data.items():
        if not isinstance(values, Mapping):
            raise SpecError(where, str(section), "params_section")
        if section == "global":
            targets = [p for s in specs for p in s.params]
            out["global"] = {}
            for name, value in values.items():
                matches = [p for p in targets if p.name == name]
                if not matches:
                    raise SpecError(where, f"global.{name}", "params_no_such_param")
                for p in matches:
                    out["global"][name] = coerce_value(p, value, where, f"global.{name}")
            continue
        spec = by_id.get(str(section))
        if spec is None:
            raise SpecError(where, str(section), "params_unknown_rule")
        out[spec.id] = {}
        for name, value in values.items():
            try:
                param = spec.param(str(name))
            except KeyError:
                known = ", ".join(p.name for p in spec.params) or "-"
                raise SpecError(where, f"{section}.{name}", "params_unknown_param", known=known) from None
            out[spec.id][param.name] = coerce_value(param, value, where, f"{section}.{name}")
    return out


def load_params(path: Path, rules: Iterable[RuleSpec] | None = None) -> RuleParams:
    """Read per-institution overrides (TOML or YAML: `[rule_id] name = value`, `[global]`), checked."""
    path = Path(path)
    return check_params(_read_mapping(path), rules, path)


def resolve_params(spec: RuleSpec, overrides: Mapping[str, Mapping[str, Any]] | None) -> dict[str, Any]:
    """A rule's parameter values: defaults, then `[global]`, then the rule's own section (checked)."""
    values = spec.defaults()
    if not overrides:
        return values
    where = "params"
    for p in spec.params:
        if p.name in overrides.get("global", {}):
            values[p.name] = coerce_value(p, overrides["global"][p.name], where, f"global.{p.name}")
    for name, value in overrides.get(spec.id, {}).items():
        try:
            param = spec.param(name)
        except KeyError:
            raise SpecError(where, f"{spec.id}.{name}", "params_unknown_param",
                            known=", ".join(p.name for p in spec.params) or "-") from None
        values[name] = coerce_value(param, value, where, f"{spec.id}.{name}")
    return values
