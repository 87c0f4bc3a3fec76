"""Matrix entries for 見える化 (fd_web): the supervisor's comparison and submissions, an institution's policies."""

from __future__ import annotations

from typing import Any

from tests.web.matrix import Entry

READERS = {"auditor", "risk_compliance", "management", "supervisor"}

MATRIX: dict[str, Entry] = {
    "fd_web:home": ("GET", False, READERS, set(), {302}, {302}),
    "fd_web:compare": ("GET", False, {"supervisor"}, set(), {200}, {302}),
    "fd_web:compare_download": ("GET", "fmt", {"supervisor"}, {"supervisor"}, {200}, {302}),
    "fd_web:submissions": ("POST", False, {"supervisor"}, set(), {400}, {302}),   # empty form: allowed -> 400
    "fd_web:policies": ("GET", "code", READERS, {"supervisor"}, {200}, {302}),
    "fd_web:upload": ("POST", "code", {"auditor", "risk_compliance", "management"}, set(), {400}, {302}),
    "fd_web:decide": ("POST", "code", {"auditor"}, set(), {400}, {302}),
}


def objects(inst: Any) -> dict[str, dict[str, object]]:
    """The institution's code (its policies) and a download format (the comparison is not an institution's)."""
    return {"code": {"code": inst.code}, "fmt": {"fmt": "xlsx"}}
