"""KPI targets and results written in policies and progress reports: metric, value, unit, target or result."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from kansa.fd.normalise import compact, fold

_NUM = r"([\d,]+(?:\.\d+)?)\s*(%|件|名|回|億円|万円|円|店|口座|人|ポイント)"
_TARGET = (re.compile(r"目標(値)?\s*[:：]?\s*(?:前年度比\s*)?" + _NUM + r"\s*(以上|以下|未満|削減|増加)?"),
           re.compile(_NUM + r"\s*(以上|以下|未満)?\s*(とする|を目指|へ|に)[^。]*目標"),
           re.compile(_NUM + r"\s*(以上|以下)?\s*を目指"))
_RESULT = (re.compile(r"実績\s*[:：]?\s*(?:前年度比\s*)?" + _NUM),
           re.compile(_NUM + r"\s*(?:（[^）]*）)?\s*(となりました|となった|でした|であった|に(達|増加|減少|到達))"),
           re.compile(r"(?:は|が)\s*" + _NUM + r"\s*(?:（[^）]*）)?\s*(?:で|と)"))
_LEAD = re.compile(r"^((19|20)\d\d|令和\d+)年度?(末|中|上期|下期)?(の|に|は|,|、)?|"
                   r"^【KPI】|^KPI\s*\d*\s*[:：]?|^当社は、?")


@dataclass(frozen=True)
class KpiValue:
    """One figure: the metric as written, its key for matching across years, value, unit, target or result."""

    metric: str
    key: str
    value: float
    unit: str
    kind: str            # target | result
    bound: str = ""      # 以上 / 以下 / 削減 ...
    sentence: str = ""


def _metric(text: str, start: int) -> str:
    """The metric named before a figure: before a colon, else the phrase before を/は."""
    head = text[:start]
    if "：" in head or ":" in head:
        name = re.split(r"[:：]", head)[0]
    else:
        m = re.search(r"([^、。]*?)(を|は|が)[^をは]*$", head)
        name = m.group(1) if m else head
    name = _LEAD.sub("", name.strip())
    name = _LEAD.sub("", name.strip())
    return name.strip(" 、,:：")


def metric_key(metric: str) -> str:
    """A metric's key: folded, compacted, years and 'target/result' words dropped."""
    key = compact(re.sub(r"((19|20)\d\d|令和\d+)年度?(末)?|目標|実績|の割合", "", fold(metric)))
    return key[:40]


def extract(sentences: Iterable[str]) -> list[KpiValue]:
    """Targets and results found in sentences (a sentence may give both)."""
    out: list[KpiValue] = []
    for raw in sentences:
        text = fold(raw)
        found: list[tuple[str, re.Match[str]]] = []
        for p in _TARGET:
            found += [("target", m) for m in p.finditer(text)]
        for p in _RESULT:
            found += [("result", m) for m in p.finditer(text)]
        seen: set[tuple[str, int]] = set()
        first = min((m.start() for _k, m in found), default=0)
        metric = _metric(text, first)
        if not metric or len(metric) < 3:
            continue
        for kind, m in sorted(found, key=lambda f: f[1].start()):
            num_group = next(i for i, g in enumerate(m.groups(), start=1) if g and re.fullmatch(r"[\d,]+(\.\d+)?", g))
            value, unit = float(m.group(num_group).replace(",", "")), m.group(num_group + 1) or ""
            if (kind, m.start(num_group)) in seen or any(m.start(num_group) == s for _k, s in seen):
                continue
            seen.add((kind, m.start(num_group)))
            bound = next((g for g in m.groups() if g in ("以上", "以下", "未満", "削減", "増加")), "")
            out.append(KpiValue(metric, metric_key(metric), value, unit, kind, bound, raw))
    return out
