"""Load rule specs from YAML, validated against their catalog and linted."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import sqlglot
import yaml

from kansa import cache as machine_cache
from kansa.engine import lint, macros
from kansa.engine import spec as spec_mod
from kansa.engine.catalog import Catalog, catalog, domains
from kansa.engine.flags import SEVERITIES
from kansa.engine.lint import LintIssue, lint_spec
from kansa.engine.spec import PARAM_TYPES, RESERVED_PARAMS, ParamSpec, RuleSpec, SpecError, coerce_value
from kansa.yamlio import load_yaml

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_FOLD_JA = re.compile(r"(?<=[^\x00-\x7F])\s+(?=[^\x00-\x7F])")
_REQUIRED = ("id", "domain", "entity_type", "severity", "area", "summary", "title", "rationale", "references",
             "tables", "sql", "reason")
_OPTIONAL = ("params", "requires_columns", "lookback_param")
_PARAM_KEYS = ("type", "default", "min", "max", "description")


def _bilingual(raw: Mapping[str, Any], key: str, path: Path | None) -> dict[str, str]:
    value = raw.get(key)
    if not isinstance(value, Mapping) or not all(
        isinstance(value.get(k), str) and value[k].strip() for k in ("ja", "en")
    ):
        raise SpecError(path, key, "spec_needs_ja_en")
    extra = set(value) - {"ja", "en"}
    if extra:
        raise SpecError(path, key, "spec_unknown_languages", languages=sorted(extra))
    # YAML folding (>-) joins lines with a space; Japanese puts none between full-width characters.
    ja = _FOLD_JA.sub("", value["ja"].strip())
    return {"ja": ja, "en": value["en"].strip()}


def _param(name: str, raw: Any, path: Path | None) -> ParamSpec:
    where = f"params.{name}"
    if not _ID_RE.match(name):
        raise SpecError(path, where, "spec_param_name")
    if name in RESERVED_PARAMS:
        raise SpecError(path, where, "spec_param_reserved", name=name)
    if not isinstance(raw, Mapping):
        raise SpecError(path, where, "spec_param_not_mapping")
    unknown = set(raw) - set(_PARAM_KEYS)
    if unknown:
        raise SpecError(path, where, "spec_unknown_keys", keys=sorted(unknown))
    ptype = raw.get("type")
    if ptype not in PARAM_TYPES:
        raise SpecError(path, f"{where}.type", "spec_param_type", allowed=list(PARAM_TYPES), value=repr(ptype))
    if "default" not in raw:
        raise SpecError(path, f"{where}.default", "spec_missing")
    desc = raw.get("description")
    if not isinstance(desc, Mapping) or not all(isinstance(desc.get(k), str) and desc[k] for k in ("ja", "en")):
        raise SpecError(path, f"{where}.description", "spec_needs_ja_en")
    bare = ParamSpec(name=name, type=ptype, default=None)
    lo = None if raw.get("min") is None else coerce_value(bare, raw["min"], path, f"{where}.min")
    hi = None if raw.get("max") is None else coerce_value(bare, raw["max"], path, f"{where}.max")
    if (lo is not None or hi is not None) and ptype in ("string", "list[string]"):
        raise SpecError(path, where, "spec_range_types")
    ranged = ParamSpec(name=name, type=ptype, default=None, min=lo, max=hi)
    default = coerce_value(ranged, raw["default"], path, f"{where}.default")
    return ParamSpec(name=name, type=ptype, default=default, description=dict(desc), min=lo, max=hi)


def _one_of(path: Path | None, key: str, value: Any, allowed: tuple[str, ...] | list[str]) -> str:
    if value not in allowed:
        raise SpecError(path, key, "spec_not_one_of", allowed=list(allowed), value=repr(value))
    return str(value)


def _check_top(raw: Any, path: Path | None) -> Catalog:
    """The fields every spec has, and the catalog its domain names (which says what else is allowed)."""
    if not isinstance(raw, Mapping):
        raise SpecError(path, "(top)", "spec_not_mapping")
    unknown = set(raw) - set(_REQUIRED) - set(_OPTIONAL)
    if unknown:
        raise SpecError(path, sorted(unknown)[0], "spec_unknown_keys", keys=sorted(unknown))
    for key in _REQUIRED:
        if key not in raw:
            raise SpecError(path, key, "spec_missing")
    rule_id = raw["id"]
    if not isinstance(rule_id, str) or not _ID_RE.match(rule_id):
        raise SpecError(path, "id", "spec_bad_id", value=repr(rule_id))
    if path is not None and path.stem != rule_id:
        raise SpecError(path, "id", "spec_id_file", value=repr(rule_id), stem=repr(path.stem))
    home = catalog(_one_of(path, "domain", raw["domain"], domains()))
    _one_of(path, "entity_type", raw["entity_type"], home.entity_types)
    _one_of(path, "severity", raw["severity"], SEVERITIES)
    _one_of(path, "area", raw["area"], [a.id for a in home.areas])
    return home


def parse_spec(raw: Any, path: Path | None = None) -> RuleSpec:
    """Validate one parsed YAML document against its catalog and build its RuleSpec (not yet linted)."""
    _check_top(raw, path)
    refs = raw["references"]
    if not isinstance(refs, list) or not refs or not all(isinstance(r, str) and r.strip() for r in refs):
        raise SpecError(path, "references", "spec_references")
    tables = raw["tables"]
    if not isinstance(tables, list) or not tables or not all(isinstance(t, str) and _ID_RE.match(t) for t in tables):
        raise SpecError(path, "tables", "spec_tables")
    if not isinstance(raw["sql"], str) or not raw["sql"].strip():
        raise SpecError(path, "sql", "spec_sql_text")
    requires = raw.get("requires_columns") or []
    if not isinstance(requires, list) or not all(
        isinstance(c, str) and c.count(".") == 1 and c.split(".")[0] in tables for c in requires
    ):
        raise SpecError(path, "requires_columns", "spec_requires_columns")
    params_raw = raw.get("params") or {}
    if not isinstance(params_raw, Mapping):
        raise SpecError(path, "params", "spec_params_mapping")
    return RuleSpec(
        id=raw["id"],
        domain=raw["domain"],
        entity_type=raw["entity_type"],
        severity=raw["severity"],
        title=_bilingual(raw, "title", path),
        rationale=_bilingual(raw, "rationale", path),
        references=tuple(r.strip() for r in refs),
        tables=tuple(tables),
        params=tuple(_param(str(k), v, path) for k, v in params_raw.items()),
        sql=raw["sql"].strip(),
        reason=_bilingual(raw, "reason", path),
        path=path,
        area=raw["area"],
        summary=_bilingual(raw, "summary", path),
        requires_columns=tuple(requires),
        lookback_param=_lookback(raw, path),
    )


def _lookback(raw: Mapping[str, Any], path: Path | None) -> str:
    """The optional name of the look-back parameter; it must be one of the rule's int parameters."""
    name = raw.get("lookback_param") or ""
    params = raw.get("params") or {}
    if name and (not isinstance(name, str) or not isinstance(params.get(name), Mapping)
                 or params[name].get("type") != "int"):
        raise SpecError(path, "lookback_param", "spec_lookback_param", value=repr(name))
    return str(name)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(path, "(file)", "spec_unreadable", error=str(exc)) from exc


def _read_yaml(path: Path, text: str | None = None) -> Any:
    try:
        return load_yaml(_read_text(path) if text is None else text)
    except yaml.YAMLError as exc:
        raise SpecError(path, "(file)", "spec_unreadable", error=str(exc)) from exc


def load_spec(path: Path) -> RuleSpec:
    """Read, validate and lint one rule file; SpecError names the file and the field at fault.

    A file already linted clean by this version of the linter (same bytes) is not linted again: the
    machine's cache (kansa.cache) remembers it, which saves SQLGlot's parse (~20 ms a rule) on every scan.
    """
    path = Path(path)
    text = _read_text(path)
    spec = parse_spec(_read_yaml(path, text), path)
    name = f"rule-lint-{_lint_fingerprint()}.json"
    key = hashlib.sha256(text.encode("utf-8")).hexdigest()
    known = machine_cache.read(name)
    if known.get(key) is True:
        return spec
    problems = lint_spec(spec)
    if problems:
        raise SpecError(path, "sql", "spec_lint", problems="; ".join(p.message for p in problems))
    known[key] = True
    machine_cache.write(name, known)
    return spec


@functools.cache
def _lint_fingerprint() -> str:
    """What a lint verdict depends on besides the file: the linter, the macros, the spec parser, SQLGlot."""
    return machine_cache.fingerprint(sqlglot.__version__, *(Path(m.__file__ or "") for m in (lint, macros, spec_mod)),
                                     Path(__file__))


def lint_file(path: Path) -> list[LintIssue]:
    """Every problem of one rule file: spec errors first, else the linter's findings."""
    try:
        spec = parse_spec(_read_yaml(Path(path)), Path(path))
    except SpecError as exc:
        return [LintIssue("spec", exc.render("en"))]
    return lint_spec(spec)


def catalog_dir(domain: str) -> Path:
    """The folder holding the rule files of a domain."""
    return catalog(domain).folder


def load_catalog(domain: str | Catalog) -> list[RuleSpec]:
    """Every rule of a catalog (by domain name or Catalog), sorted by id; the first bad file raises SpecError."""
    home = catalog(domain) if isinstance(domain, str) else domain
    if not home.folder.is_dir():
        return []
    files = tuple((p, p.stat().st_mtime_ns) for p in sorted(home.folder.glob("*.yaml")))
    return list(_load_files(home.domain, files))


def all_rules() -> list[RuleSpec]:
    """Every rule of every catalog."""
    return [s for d in domains() for s in load_catalog(d)]


@functools.lru_cache(maxsize=8)
def _load_files(domain: str, files: tuple[tuple[Path, int], ...]) -> tuple[RuleSpec, ...]:
    # keyed on modification times: an edited file is read again, an unchanged catalog is not re-linted
    specs = tuple(load_spec(p) for p, _mtime in files)
    for spec in specs:
        if spec.domain != domain:
            raise SpecError(spec.path, "domain", "spec_wrong_catalog", value=spec.domain, domain=domain)
    return specs
