"""Year on year: unchanged and changed sections with a readable diff, KPIs carried between years, and a flag
when a policy was not revised although its own KPIs or the supervisor's expectations changed."""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kansa.fd.kpi_text import KpiValue, extract
from kansa.fd.normalise import compact
from kansa.fd.policy import ReadDocument, YearReading

# What the supervisor changed (facts; DOMAIN.md): a policy not revised across one of these is flagged.
EXPECTATIONS: tuple[tuple[date, dict[str, str]], ...] = (
    (date(2021, 1, 15), {"ja": "顧客本位の業務運営に関する原則の改訂（重要情報シート、想定顧客属性等）",
                         "en": "revision of the Principles (key information sheet, target customers)"}),
    (date(2022, 9, 9), {"ja": "金融事業者リストの掲載に取組方針に基づく実践結果の報告が必要に",
                        "en": "the FSA's list requires reporting results against the policy"}),
    (date(2024, 11, 1), {"ja": "金融サービス提供法第2条の最善利益義務の施行",
                         "en": "statutory best-interest duty in force "
                               "(Act on the Provision of Financial Services, art. 2)"}),
)
_LABEL = re.compile(r"^((?:基本|取組)?方針\s*\d+|第\s*[\d一二三四五六七八九十]+|\(?\d{1,2}[.)]|[(（]\d{1,2}[)）]|[①-⑳]|"
                    r"[一二三四五六七八九十]+[、.]|[■□◆◇▶▼◎●○・<＜〈]\s*)")


@dataclass
class SectionChange:
    """One section between two years: unchanged, changed (with a diff), added or removed."""

    heading: str
    status: str
    diff: list[str] = field(default_factory=list)


@dataclass
class KpiCarry:
    """One metric across two years: the targets and results each year gave."""

    metric: str
    previous_target: float | None
    target: float | None
    previous_result: float | None
    result: float | None
    unit: str


@dataclass
class YearChange:
    """A year compared with the previous one."""

    year: int
    previous: int
    unchanged: bool
    sections: list[SectionChange]
    kpis: list[KpiCarry]
    flags: list[tuple[str, dict[str, Any]]] = field(default_factory=list)   # (code, fields)


def fingerprint(doc: ReadDocument) -> str:
    """The policy's words in order, headings included, numbering and punctuation left out."""
    parts: list[str] = []
    seen: set[str] = set()
    for s in doc.sections:
        for i, h in enumerate((*s.path, s.heading)):
            key = f"{i}:{'>'.join((*s.path, s.heading)[: i + 1])}"
            if key not in seen:
                seen.add(key)
                parts.append(_LABEL.sub("", h))
        # a short line without a full stop (the firm's name under the title) is no part of what the policy says
        parts += [_LABEL.sub("", x.text) for x in s.sentences if x.text.endswith("。") or len(x.text) > 20]
    return compact("".join(parts))


def _section_texts(doc: ReadDocument) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for s in doc.sections:
        out.setdefault(s.full_heading() or "（前文）", []).extend(x.text for x in s.sentences)
    return out


def section_changes(before: ReadDocument, after: ReadDocument) -> list[SectionChange]:
    """Sections matched by heading; a changed one gets a sentence diff (- removed, + added)."""
    old, new = _section_texts(before), _section_texts(after)
    old_keys = {compact(k): k for k in old}
    out = []
    for heading, sentences in new.items():
        prev_heading = old_keys.pop(compact(heading), None)
        if prev_heading is None:
            out.append(SectionChange(heading, "added", [f"+ {s}" for s in sentences]))
            continue
        before_s = old[prev_heading]
        if [compact(s) for s in before_s] == [compact(s) for s in sentences]:
            out.append(SectionChange(heading, "unchanged"))
        else:
            diff = [line for line in difflib.ndiff(before_s, sentences) if line[:1] in "+-"]
            out.append(SectionChange(heading, "changed", diff))
    out += [SectionChange(k, "removed", [f"- {s}" for s in old[k]]) for k in old_keys.values()]
    return out


def _figures(reading: YearReading) -> list[KpiValue]:
    out: list[KpiValue] = []
    for doc in (reading.policy, reading.progress):
        if doc is not None:
            out += extract(x.text for s in doc.sections for x in s.sentences)
    return out


def kpi_carry(before: YearReading, after: YearReading) -> list[KpiCarry]:
    """Each metric of either year with its targets and results in both."""
    def table(values: list[KpiValue]) -> dict[str, dict[str, KpiValue]]:
        out: dict[str, dict[str, KpiValue]] = {}
        for v in values:
            out.setdefault(v.key, {}).setdefault(v.kind, v)
        return out

    old, new = table(_figures(before)), table(_figures(after))
    keys = list(dict.fromkeys([*old, *new]))
    rows = []
    for key in keys:
        o, n = old.get(key, {}), new.get(key, {})
        any_value = next(iter((n or o).values()))
        rows.append(KpiCarry(any_value.metric, _v(o, "target"), _v(n, "target"), _v(o, "result"), _v(n, "result"),
                             any_value.unit))
    return rows


def _v(values: dict[str, KpiValue], kind: str) -> float | None:
    return values[kind].value if kind in values else None


def compare_years(readings: Sequence[YearReading]) -> list[YearChange]:
    """Every year after a firm's first, compared with the year before that has a policy."""
    out = []
    policies = [r for r in sorted(readings, key=lambda r: r.year) if r.policy is not None]
    for before, after in itertools.pairwise(policies):
        assert before.policy is not None and after.policy is not None
        unchanged = fingerprint(before.policy) == fingerprint(after.policy)
        change = YearChange(after.year, before.year, unchanged, section_changes(before.policy, after.policy),
                            kpi_carry(before, after))
        if unchanged:
            change.flags = _not_revised_flags(change)
        out.append(change)
    return out


def _not_revised_flags(change: YearChange) -> list[tuple[str, dict[str, Any]]]:
    """Why an unchanged policy should have been revised: its KPIs moved, or the supervisor's expectations did."""
    flags: list[tuple[str, dict[str, Any]]] = []
    moved = [k for k in change.kpis if k.result is not None and k.previous_result is not None
             and k.result != k.previous_result]
    met = [k for k in change.kpis if k.result is not None and k.target is not None and _met(k)]
    if moved or met:
        names = "、".join(dict.fromkeys(k.metric for k in (moved + met)))[:120]
        flags.append(("not_revised_kpi", {"metrics": names}))
    start, end = date(change.previous, 7, 1), date(change.year, 6, 30)
    for when, what in EXPECTATIONS:
        if start <= when <= end:
            flags.append(("not_revised_expectation", {"date": when.isoformat(), "what": what}))
    if not flags:
        flags.append(("not_revised", {}))
    return flags


def _met(k: KpiCarry) -> bool:
    """Whether the year's result reached its target (a cost or complaint target is met from below)."""
    assert k.result is not None and k.target is not None
    lower_is_better = "コスト" in k.metric or "苦情" in k.metric
    return k.result <= k.target if lower_is_better else k.result >= k.target
