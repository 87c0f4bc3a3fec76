"""Peer groups (cohorts) by type and size band, and which of them are too small to publish (k-anonymity)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from kansa.assessment.disclosure import disclosed_small_groups, in_span, membership, subsets
from kansa.assessment.institutions import SIZE_BANDS, SIZE_LABEL, TYPE_LABEL, TYPES, Institution

LEVELS = ("all", "type", "type_size")


@dataclass(frozen=True)
class Cohort:
    """One peer group; `members` are the institutions that answered. Statistics only when `published`."""

    key: str
    level: str
    label: Mapping[str, str]
    members: tuple[str, ...]
    parent: str | None
    published: bool
    reason: str | None          # why suppressed: "n<k" or "secondary" (to stop recovery by subtraction)

    @property
    def n(self) -> int:
        """Number of responding members."""
        return len(self.members)


def cohort_keys(inst: Institution) -> dict[str, str]:
    """The cohort key of an institution at each level."""
    return {"all": "all", "type": inst.type, "type_size": f"{inst.type}/{inst.size_band}"}


def build_cohorts(institutions: Iterable[Institution], responded: set[str], k: int) -> dict[str, Cohort]:
    """Every cohort with its responding members, suppressing those under k and, where needed, a sibling."""
    members: dict[str, list[str]] = {"all": []}
    for t in TYPES:
        members[t] = []
        for s in SIZE_BANDS:
            members[f"{t}/{s}"] = []
    for inst in institutions:
        if inst.institution_id in responded:
            for key in cohort_keys(inst).values():
                members[key].append(inst.institution_id)
    reason = protect({key: len(m) for key, m in members.items()}, k)
    out: dict[str, Cohort] = {}
    for key, m in members.items():
        level = "all" if key == "all" else "type_size" if "/" in key else "type"
        up = None if key == "all" else "all" if level == "type" else key.split("/")[0]
        out[key] = Cohort(key, level, _label(key), tuple(m), up, reason[key] is None, reason[key])
    return out


FAMILIES: dict[str, tuple[str, ...]] = {
    "all": TYPES, **{t: tuple(f"{t}/{s}" for s in SIZE_BANDS) for t in TYPES}}
LEAVES = tuple(c for t in TYPES for c in FAMILIES[t])
LEAVES_OF: dict[str, tuple[str, ...]] = {"all": LEAVES, **{t: FAMILIES[t] for t in TYPES}, **{c: (c,) for c in LEAVES}}


def protect(counts: Mapping[str, int], k: int, hidden: Mapping[str, str] | None = None,
            sizes: Mapping[str, int] | None = None, primary: str = "n<k") -> dict[str, str | None]:
    """Why each cohort's figure must be hidden (None: publish it), so that no group under k can be derived.

    `counts`: how many institutions (or values) each cohort's figure is over; `hidden`: cohorts already
    hidden for another reason. Totals add up (parent = sum of children), so any sum or difference of
    published figures is known too: type minus the other bands, all minus the other types, a hidden type
    rebuilt from its bands, all minus some bands minus a type. Secondary suppression hides the smallest
    published cohorts, one at a time, until no set of finest cohorts with 1..k-1 members has its total
    in the span of the published ones (`disclosure.in_span`).
    `sizes` (additive over bands, default `counts`): what a recovered group is measured by, e.g. how many
    newcomers and leavers a trend would single out; a cohort of size 1..k-1 is hidden as `primary`.
    """
    key = (tuple(sorted(counts.items())), k, tuple(sorted((hidden or {}).items())),
           None if sizes is None else tuple(sorted(sizes.items())), primary)
    return dict(_protect(key))


_Key = tuple[tuple[tuple[str, int], ...], int, tuple[tuple[str, str], ...], tuple[tuple[str, int], ...] | None, str]


@lru_cache(maxsize=4096)
def _protect(key: _Key) -> tuple[tuple[str, str | None], ...]:
    items, k, hidden, size_items, primary = key
    counts = dict(items)
    if size_items is None:
        size = counts
        reason: dict[str, str | None] = {c: (primary if n < k else None) for c, n in counts.items()}
    else:
        size = dict(size_items)
        reason = {c: (primary if 0 < size.get(c, 0) < k else None) for c in counts}
    for c, why in hidden:
        if c in reason and reason[c] is None:
            reason[c] = why
    leaves = [c for c in LEAVES if counts.get(c, 0) > 0]
    cohorts = [c for c in counts if counts[c] > 0]
    matrix = dict(zip(cohorts, membership(cohorts, leaves, LEAVES_OF), strict=True))
    leaf_sizes = np.array([size.get(c, 0) for c in leaves], dtype=float)
    every = subsets(len(leaves))

    def shown() -> np.ndarray:
        rows = [matrix[c] for c in cohorts if reason[c] is None]
        return np.array(rows) if rows else np.zeros((0, len(leaves)))

    for _ in range(len(cohorts) + 1):
        leaks = disclosed_small_groups(shown(), leaf_sizes, k, every)
        if not len(leaks):
            break
        target = leaks[np.argmin(leaks @ leaf_sizes)][None, :]
        choice = _next_to_hide(target, [c for c in cohorts if reason[c] is None], counts, matrix)
        if choice is None:
            break
        reason[choice] = "secondary"
    return tuple(reason.items())


def _next_to_hide(target: np.ndarray, published: list[str], counts: Mapping[str, int],
                  matrix: Mapping[str, np.ndarray]) -> str | None:
    """The smallest published cohort whose absence stops the leak; else the smallest one taking part in it.

    `all` (the figure supervisors value most) goes only when nothing else can stop the leak.
    """
    if not published:
        return None
    order = sorted(published, key=lambda c: (c == "all", counts[c], -c.count("/"), c))

    def without(c: str) -> np.ndarray:
        return np.array([matrix[o] for o in published if o != c]).reshape(-1, target.shape[1])

    for c in order:
        if c != "all" and not in_span(without(c), target)[0]:
            return c
    a = np.array([matrix[c] for c in published])
    coef = np.linalg.lstsq(a.T, target[0], rcond=None)[0]
    involved = [c for c, x in zip(published, coef, strict=True) if abs(x) > 1e-9 and c != "all"]
    if involved:
        return min(involved, key=order.index)
    return "all" if "all" in published else order[0]


def _label(key: str) -> dict[str, str]:
    if key == "all":
        return {"ja": "全体", "en": "All institutions"}
    if "/" not in key:
        return dict(TYPE_LABEL[key])
    t, s = key.split("/")
    return {"ja": f"{TYPE_LABEL[t]['ja']}・{SIZE_LABEL[s]['ja']}",
            "en": f"{TYPE_LABEL[t]['en']}, {SIZE_LABEL[s]['en']}"}


def benchmark_cohort(inst: Institution, cohorts: Mapping[str, Cohort]) -> Cohort | None:
    """The finest published cohort of an institution (type and size, else type, else all)."""
    keys = cohort_keys(inst)
    for level in ("type_size", "type", "all"):
        c = cohorts[keys[level]]
        if c.published:
            return c
    return None
