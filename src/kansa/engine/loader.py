"""Load rule specs from YAML (validated and linted) and per-institution parameter overrides."""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from kansa.engine.flags import CONDUCT_ENTITIES, CYBER_ENTITIES, SEVERITIES
from kansa.engine.spec import DOMAINS, PARAM_TYPES, RESERVED_PARAMS, ParamSpec, RuleSpec, SpecError, coerce_value

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_FOLD_JA = re.compile(r"(?<=[^\x00-\x7F])\s+(?=[^\x00-\x7F])")
_REQUIRED = ("id", "domain", "entity_type", "severity", "title", "rationale", "references", "tables", "sql", "reason")
_OPTIONAL = ("params",)
_PARAM_KEYS = ("type", "default", "min", "max", "description")
_ENTITIES = {"conduct": CONDUCT_ENTITIES, "cyber": CYBER_ENTITIES}


def _bilingual(raw: Mapping[str, Any], key: str, path: Path | None) -> dict[str, str]:
    value = raw.get(key)
    if not isinstance(value, Mapping) or not all(
        isinstance(value.get(k), str) and value[k].strip() for k in ("ja", "en")
    ):
        raise SpecError(path, key, "needs non-empty `ja` and `en` texts / ja と en の両方の文が必要です")
    extra = set(value) - {"ja", "en"}
    if extra:
        raise SpecError(path, key, f"unknown languages {sorted(extra)} / 不明な言語です")
    # YAML folding (>-) joins lines with a space; Japanese puts none between full-width characters.
    ja = _FOLD_JA.sub("", value["ja"].strip())
    return {"ja": ja, "en": value["en"].strip()}


def _param(name: str, raw: Any, path: Path | None) -> ParamSpec:
    where = f"params.{name}"
    if not _ID_RE.match(name):
        raise SpecError(path, where, "parameter names are lower_snake_case / パラメータ名は英小文字とアンダースコア")
    if name in RESERVED_PARAMS:
        raise SpecError(path, where, f"`{name}` is reserved: the engine always provides it / 予約済みの名前です")
    if not isinstance(raw, Mapping):
        raise SpecError(path, where, "must be a mapping with type and default / type と default を持つ対応表が必要です")
    unknown = set(raw) - set(_PARAM_KEYS)
    if unknown:
        raise SpecError(path, where, f"unknown keys {sorted(unknown)} / 不明なキーです")
    ptype = raw.get("type")
    if ptype not in PARAM_TYPES:
        raise SpecError(path, f"{where}.type", f"must be one of {list(PARAM_TYPES)}, not {ptype!r} / 型が不正です")
    if "default" not in raw:
        raise SpecError(path, f"{where}.default", "missing / 既定値がありません")
    desc = raw.get("description")
    if not isinstance(desc, Mapping) or not all(isinstance(desc.get(k), str) and desc[k] for k in ("ja", "en")):
        raise SpecError(path, f"{where}.description", "needs `ja` and `en` / ja と en の説明が必要です")
    bare = ParamSpec(name=name, type=ptype, default=None)
    lo = None if raw.get("min") is None else coerce_value(bare, raw["min"], path, f"{where}.min")
    hi = None if raw.get("max") is None else coerce_value(bare, raw["max"], path, f"{where}.max")
    if (lo is not None or hi is not None) and ptype in ("string", "list[string]"):
        raise SpecError(path, where, "min/max apply to int, float and date only / 範囲は数値と日付のみ")
    ranged = ParamSpec(name=name, type=ptype, default=None, min=lo, max=hi)
    default = coerce_value(ranged, raw["default"], path, f"{where}.default")
    return ParamSpec(name=name, type=ptype, default=default, description=dict(desc), min=lo, max=hi)


def parse_spec(raw: Any, path: Path | None = None) -> RuleSpec:
    """Validate one parsed YAML document and build its RuleSpec (not yet linted)."""
    if not isinstance(raw, Mapping):
        raise SpecError(path, "(top)", "a rule spec is a YAML mapping / ルール定義は YAML の対応表です")
    unknown = set(raw) - set(_REQUIRED) - set(_OPTIONAL)
    if unknown:
        raise SpecError(path, sorted(unknown)[0], f"unknown field(s) {sorted(unknown)} / 不明な項目です")
    for key in _REQUIRED:
        if key not in raw:
            raise SpecError(path, key, "missing / 必須項目がありません")
    rule_id = raw["id"]
    if not isinstance(rule_id, str) or not _ID_RE.match(rule_id):
        raise SpecError(path, "id", f"must be lower_snake_case, not {rule_id!r} / ID は英小文字とアンダースコア")
    if path is not None and path.stem != rule_id:
        raise SpecError(path, "id", f"{rule_id!r} differs from the file name {path.stem!r} / ファイル名と一致しません")
    domain = raw["domain"]
    if domain not in DOMAINS:
        raise SpecError(path, "domain", f"must be one of {list(DOMAINS)}, not {domain!r} / 領域が不正です")
    if raw["entity_type"] not in _ENTITIES[domain]:
        raise SpecError(path, "entity_type", f"must be one of {list(_ENTITIES[domain])}, not {raw['entity_type']!r}"
                        " / 対象種別が不正です")
    if raw["severity"] not in SEVERITIES:
        raise SpecError(path, "severity", f"must be one of {list(SEVERITIES)}, not {raw['severity']!r}"
                        " / 重要度が不正です")
    refs = raw["references"]
    if not isinstance(refs, list) or not refs or not all(isinstance(r, str) and r.strip() for r in refs):
        raise SpecError(path, "references", "a non-empty list of citations / 根拠となる文献の一覧が必要です")
    tables = raw["tables"]
    if not isinstance(tables, list) or not tables or not all(isinstance(t, str) and _ID_RE.match(t) for t in tables):
        raise SpecError(path, "tables", "a non-empty list of table names / 参照するテーブル名の一覧が必要です")
    if not isinstance(raw["sql"], str) or not raw["sql"].strip():
        raise SpecError(path, "sql", "one SELECT statement as text / SELECT 文が必要です")
    params_raw = raw.get("params") or {}
    if not isinstance(params_raw, Mapping):
        raise SpecError(path, "params", "a mapping of name -> {type, default, ...} / パラメータの対応表が必要です")
    return RuleSpec(
        id=rule_id,
        domain=domain,
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
    )


def load_spec(path: Path) -> RuleSpec:
    """Read, validate and lint one rule file; SpecError names the file and the field at fault."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SpecError(path, "(file)", f"cannot read YAML: {exc} / YAML を読めません") from exc
    spec = parse_spec(raw, path)
    from kansa.engine.lint import lint_spec  # lint imports the spec model; import here to keep modules acyclic

    problems = lint_spec(spec)
    if problems:
        raise SpecError(path, "sql", "; ".join(p.message for p in problems))
    return spec


def catalog_dir(domain: str) -> Path:
    """The folder holding the rule files of a domain (`src/kansa/<domain>/rules`)."""
    if domain not in DOMAINS:
        raise ValueError(f"unknown domain {domain!r}; choose one of {list(DOMAINS)}")
    return Path(str(resources.files(f"kansa.{domain}"))) / "rules"


def load_catalog(domain: str) -> list[RuleSpec]:
    """Every rule of a domain, sorted by id; the first bad file raises SpecError."""
    folder = catalog_dir(domain)
    if not folder.is_dir():
        return []
    files = tuple((p, p.stat().st_mtime_ns) for p in sorted(folder.glob("*.yaml")))
    return list(_load_files(domain, files))


@functools.lru_cache(maxsize=8)
def _load_files(domain: str, files: tuple[tuple[Path, int], ...]) -> tuple[RuleSpec, ...]:
    # keyed on modification times: an edited file is read again, an unchanged catalog is not re-linted
    specs = tuple(load_spec(p) for p, _mtime in files)
    for spec in specs:
        if spec.domain != domain:
            raise SpecError(spec.path, "domain", f"{spec.domain!r} in the {domain} catalog / 領域が置き場所と違います")
    return specs


def _read_mapping(path: Path) -> Mapping[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise SpecError(path, "(file)", f"cannot read parameters: {exc} / パラメータファイルを読めません") from exc
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise SpecError(path, "(top)", "expected sections `[rule_id]` or `[global]` / セクションの対応表が必要です")
    return data


def load_params(path: Path, rules: Iterable[RuleSpec] | None = None) -> dict[str, dict[str, Any]]:
    """Read per-institution overrides (TOML or YAML: `[rule_id] name = value`, `[global]`), checked
    against `rules` (default: every catalog); unknown rules or parameters and bad values are errors."""
    path = Path(path)
    data = _read_mapping(path)
    specs = list(rules) if rules is not None else [s for d in DOMAINS for s in load_catalog(d)]
    by_id = {s.id: s for s in specs}
    out: dict[str, dict[str, Any]] = {}
    for section, values in data.items():
        if not isinstance(values, Mapping):
            raise SpecError(path, str(section), "must be a table of name = value / name = value の表が必要です")
        if section == "global":
            targets = [p for s in specs for p in s.params]
            out["global"] = {}
            for name, value in values.items():
                matches = [p for p in targets if p.name == name]
                if not matches:
                    raise SpecError(path, f"global.{name}",
                                    "no rule has this parameter / この名前のパラメータはありません")
                for p in matches:
                    out["global"][name] = coerce_value(p, value, path, f"global.{name}")
            continue
        spec = by_id.get(str(section))
        if spec is None:
            raise SpecError(path, str(section), "unknown rule id / 不明なルールIDです")
        out[spec.id] = {}
        for name, value in values.items():
            try:
                param = spec.param(str(name))
            except KeyError:
                known = ", ".join(p.name for p in spec.params) or "-"
                raise SpecError(path, f"{section}.{name}",
                                f"unknown parameter (known: {known}) / 不明なパラメータです") from None
            out[spec.id][param.name] = coerce_value(param, value, path, f"{section}.{name}")
    return out


def resolve_params(spec: RuleSpec, overrides: Mapping[str, Mapping[str, Any]] | None) -> dict[str, Any]:
    """A rule's parameter values: defaults, then `[global]`, then the rule's own section (checked)."""
    values = spec.defaults()
    if not overrides:
        return values
    where = "params"
    for p in spec.params:
        if p.name in overrides.get("global", {}):
            values[p.name] = coerce_value(p, overrides["global"][p.name], where, f"global.{p.name}")
    own = overrides.get(spec.id, {})
    for name, value in own.items():
        try:
            param = spec.param(name)
        except KeyError:
            raise SpecError(where, f"{spec.id}.{name}", "unknown parameter / 不明なパラメータです") from None
        values[name] = coerce_value(param, value, where, f"{spec.id}.{name}")
    return values
