"""Peer groups (cohorts) by type and size band, and which of them are too small to publish (k-anonymity)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kansa.cyber.assessment.institutions import SIZE_BANDS, SIZE_LABEL, TYPE_LABEL, TYPES, Institution

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
_PARENT = {child: parent for parent, children in FAMILIES.items() for child in children}
_MAX_ROUNDS = 100


def protect(counts: Mapping[str, int], k: int, hidden: Mapping[str, str] | None = None) -> dict[str, str | None]:
    """Why each cohort's figure must be hidden (None: publish it), so that no group under k can be derived.

    `counts`: how many institutions (or values) each cohort's figure is over; `hidden`: cohorts already
    hidden for another reason. Totals add up (parent = sum of children), so a hidden figure can be recovered
    as parent minus the published siblings, or a hidden parent as the sum of its children. Secondary
    suppression hides further cohorts until no group of 1..k-1 can be recovered that way, including the
    union of several hidden siblings.
    """
    reason: dict[str, str | None] = {c: ("n<k" if counts.get(c, 0) < k else None) for c in counts}
    for c, why in (hidden or {}).items():
        if c in reason and reason[c] is None:
            reason[c] = why
    for _ in range(_MAX_ROUNDS):
        known = _recoverable(counts, reason)
        bad = _violation(counts, reason, known, k)
        if bad is None:
            return reason
        _hide_one_more(bad, counts, reason, known)
    return {c: reason[c] or "secondary" for c in reason}   # cannot happen with 3 levels; fail closed


def _recoverable(counts: Mapping[str, int], reason: Mapping[str, str | None]) -> set[str]:
    """Cohorts whose figure is published or can be computed from published ones by adding or subtracting."""
    known = {c for c in counts if reason[c] is None or counts[c] == 0}
    changed = True
    while changed:
        changed = False
        for parent, children in FAMILIES.items():
            kids = [c for c in children if counts.get(c, 0)]
            if parent not in known and all(c in known for c in kids):
                known.add(parent)
                changed = True
            missing = [c for c in kids if c not in known]
            if parent in known and len(missing) == 1:
                known.add(missing[0])
                changed = True
    return known


def _violation(counts: Mapping[str, int], reason: Mapping[str, str | None], known: set[str], k: int) -> str | None:
    """A family (its parent) where a group of 1..k-1 institutions can be recovered, or None."""
    for parent, children in FAMILIES.items():
        if parent not in known:
            continue
        kids = [c for c in children if counts.get(c, 0)]
        if any(c in known and reason[c] is not None and counts[c] < k for c in kids):
            return parent
        unknown = sum(counts[c] for c in kids if c not in known)
        if 0 < unknown < k:
            return parent
    return None


def _hide_one_more(family: str, counts: Mapping[str, int], reason: dict[str, str | None], known: set[str]) -> None:
    """Make the smallest recoverable sibling unrecoverable (hiding a child of it if need be); else the parent."""
    kids = [c for c in FAMILIES[family] if counts.get(c, 0) and c in known and reason[c] != "n<k"]
    if kids:
        target = min(kids, key=lambda c: (counts[c], c))
        if reason[target] is None:
            reason[target] = "secondary"
        grandkids = [c for c in FAMILIES.get(target, ()) if counts.get(c, 0)]
        shown = [c for c in grandkids if reason[c] is None]
        if grandkids and all(c in known for c in grandkids) and shown:
            # its children would add up to it again: hide the smallest of them too
            reason[min(shown, key=lambda c: (counts[c], c))] = "secondary"
        return
    if reason[family] is None:
        reason[family] = "secondary"
    elif family in _PARENT:
        _hide_one_more(_PARENT[family], counts, reason, known)


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
