"""Rule catalogs: each pillar ships `catalog.yaml` beside its `rules/` folder; the engine finds them as data.

The engine names no pillar. A catalog says what its rules may flag (entity types), the areas a report
files them under, and where its rule files are. Catalogs are found by walking the kansa package for
`catalog.yaml`, so a pillar registers by shipping the file, and a new rule is one YAML file in `rules/`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from kansa.messages import ConfigError
from kansa.yamlio import load_yaml

CATALOG_FILE = "catalog.yaml"


@dataclass(frozen=True)
class Area:
    """A heading of the report under which rules are filed (a control area, a conduct theme)."""

    id: str
    title: dict[str, str]


@dataclass(frozen=True)
class Catalog:
    """One pillar's rules: its domain name, title, entity types, areas and the folder of rule files."""

    domain: str
    title: dict[str, str]
    entity_types: tuple[str, ...]
    areas: tuple[Area, ...]
    folder: Path

    def area(self, area_id: str) -> Area:
        """The area called `area_id`; KeyError when the catalog has none."""
        for a in self.areas:
            if a.id == area_id:
                return a
        raise KeyError(area_id)

    def filed(self, rules: Iterable[Any]) -> list[tuple[Area, list[Any]]]:
        """The rules under each area, in the catalog's area order and by id within an area (reports use it)."""
        rules = list(rules)
        return [(a, sorted((r for r in rules if r.area == a.id), key=lambda r: r.id)) for a in self.areas]


def _bilingual(raw: Any) -> dict[str, str]:
    if not isinstance(raw, Mapping) or not all(isinstance(raw.get(k), str) and raw[k] for k in ("ja", "en")):
        raise ValueError("needs ja and en texts")
    return {"ja": raw["ja"], "en": raw["en"]}


def parse_catalog(raw: Any, path: Path) -> Catalog:
    """Validate one catalog.yaml; ConfigError names the file and what is wrong."""
    try:
        if not isinstance(raw, Mapping):
            raise ValueError("a mapping with domain, title, entity_types and areas")
        areas = tuple(Area(str(a["id"]), _bilingual(a["title"])) for a in raw["areas"])
        entity_types = tuple(str(e) for e in raw["entity_types"])
        if not areas or not entity_types:
            raise ValueError("areas and entity_types must not be empty")
        return Catalog(str(raw["domain"]), _bilingual(raw["title"]), entity_types, areas, path.parent / "rules")
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError("catalog_bad", path=str(path), detail=str(exc)) from exc


def _find(root: Traversable) -> list[Path]:
    """Every catalog.yaml one level below the kansa package (pillars are its direct sub-packages)."""
    found = []
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.is_dir() and (candidate := entry / CATALOG_FILE).is_file():
            found.append(Path(str(candidate)))
    return found


@functools.cache
def catalogs() -> dict[str, Catalog]:
    """Every rule catalog shipped with kansa, by domain name."""
    out: dict[str, Catalog] = {}
    for path in _find(resources.files("kansa")):
        catalog = parse_catalog(load_yaml(path.read_text(encoding="utf-8")), path)
        if catalog.domain in out:
            raise ConfigError("catalog_bad", path=str(path), detail=f"domain {catalog.domain} defined twice")
        out[catalog.domain] = catalog
    return out


def domains() -> tuple[str, ...]:
    """The domain names of every catalog, sorted."""
    return tuple(sorted(catalogs()))


def catalog(domain: str) -> Catalog:
    """The catalog of one domain; ConfigError when there is none."""
    found = catalogs().get(domain)
    if found is None:
        raise ConfigError("spec_unknown_domain", path="-", field="domain", value=domain, allowed=", ".join(domains()))
    return found
