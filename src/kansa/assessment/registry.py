"""Built-in frameworks (package data, by id) and frameworks given as a file."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from kansa.assessment.errors import FrameworkError, Problem
from kansa.assessment.loader import load_framework
from kansa.assessment.model import Framework

DEFAULT_FRAMEWORK = "kansa-regional"


def _framework_files() -> list[Path]:
    folder = resources.files("kansa.assessment") / "frameworks"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith((".yaml", ".yml")))


@lru_cache(maxsize=8)
def builtin_frameworks() -> dict[str, Framework]:
    """Every built-in framework by id; the newest version when several files share an id."""
    out: dict[str, Framework] = {}
    for path in _framework_files():
        fw = load_framework(path)
        if fw.id not in out or _version_key(fw.version) > _version_key(out[fw.id].version):
            out[fw.id] = fw
        out[f"{fw.id}@{fw.version}"] = fw
    return out


def _version_key(version: str) -> tuple[int | str, ...]:
    return tuple(int(p) if p.isdigit() else p for p in version.replace("-", ".").split("."))


def resolve_framework(spec: str | Path) -> Framework:
    """A framework from a YAML path, or a built-in id (`kansa-regional`, `kansa-regional@2026.1`)."""
    path = Path(spec)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return load_framework(path)
    known = builtin_frameworks()
    if str(spec) in known:
        return known[str(spec)]
    names = ", ".join(sorted(k for k in known if "@" not in k)) or "-"
    raise FrameworkError([Problem(str(spec), "assess_no_such_framework_file", {"names": names})])
