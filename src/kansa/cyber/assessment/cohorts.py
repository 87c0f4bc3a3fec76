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
    reason: dict[str, str | None] = {key: ("n<k" if len(m) < k else None) for key, m in members.items()}
    # Secondary suppression: if one child of a published parent is hidden, its figures could be recovered
    # as parent total minus the published siblings; hide the smallest non-empty published sibling as well.
    families = {"all": list(TYPES), **{t: [f"{t}/{s}" for s in SIZE_BANDS] for t in TYPES}}
    for family, children in families.items():
        hidden = [c for c in children if reason[c] and members[c]]
        shown = [c for c in children if not reason[c]]
        if reason[family] is None and len(hidden) == 1 and shown:
            smallest = min(shown, key=lambda c: (len(members[c]), c))
            reason[smallest] = "secondary"
    out: dict[str, Cohort] = {}
    for key, m in members.items():
        level = "all" if key == "all" else "type_size" if "/" in key else "type"
        up = None if key == "all" else "all" if level == "type" else key.split("/")[0]
        out[key] = Cohort(key, level, _label(key), tuple(m), up, reason[key] is None, reason[key])
    return out


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
