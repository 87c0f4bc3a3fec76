"""Permission-matrix entries, one module per web app: each has MATRIX and objects(inst).

A new web app adds tests/web/matrix/<app>.py with
  MATRIX: {url name: (method, object kind or False, roles allowed on own institution,
                      roles allowed on another's, statuses when allowed, statuses for anonymous)}
  objects(inst) -> {object kind: URL kwargs}, creating that app's objects for one institution.
The matrix test merges every module here; a URL without an entry fails it.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

Entry = tuple[str, Any, set[str], set[str], set[int], set[int]]
ROLES = ["auditor", "business_line", "risk_compliance", "management", "admin", "supervisor"]
ALL = set(ROLES)


def modules() -> list[Any]:
    """Every matrix module in this package, sorted by name."""
    return [importlib.import_module(f"{__name__}.{m.name}") for m in sorted(pkgutil.iter_modules(__path__),
                                                                           key=lambda m: m.name)]


def merged() -> dict[str, Entry]:
    """All entries; a URL name claimed by two modules is an error."""
    out: dict[str, Entry] = {}
    for mod in modules():
        for name, entry in mod.MATRIX.items():
            assert name not in out, f"{name} has two matrix entries"
            out[name] = entry
    return out


def builders() -> list[Callable[[Any], dict[str, dict[str, object]]]]:
    """Each module's objects(inst) builder."""
    return [mod.objects for mod in modules()]
