"""Promises a policy makes that the conduct data can test (data/promises.yaml), found sentence by sentence."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from kansa.fd.coverage import SentenceResult
from kansa.fd.normalise import compact, fold


@dataclass(frozen=True)
class PromiseKind:
    """One kind of promise: its label, patterns, and how the data tests it."""

    id: str
    label: dict[str, str]
    all: tuple[re.Pattern[str], ...]
    not_: tuple[re.Pattern[str], ...]
    test: str
    rules: tuple[str, ...]
    why: dict[str, str]


@dataclass(frozen=True)
class Promise:
    """A promise found in a policy: stable id (kind and sentence), year, items, the sentence, a target if any."""

    id: str
    kind: str
    year: int
    items: tuple[str, ...]
    sentence: str
    target: float | None = None
    since: str | None = None     # 2022-07: the month a stop or change took effect, when the sentence says


@lru_cache(maxsize=1)
def kinds() -> dict[str, PromiseKind]:
    """The promise catalogue."""
    text = resources.files("kansa.fd").joinpath("data/promises.yaml").read_text(encoding="utf-8")
    raw: dict[str, Any] = yaml.safe_load(text)
    return {k: PromiseKind(k, v["label"], tuple(re.compile(p) for p in v["all"]),
                           tuple(re.compile(p) for p in v.get("not", [])), v["test"], tuple(v.get("rules", [])),
                           v.get("why", {})) for k, v in raw.items()}


def kind_of(sentence: str) -> str | None:
    """The promise kind of a sentence (the first in catalogue order), None when it promises nothing testable."""
    text = fold(sentence)
    for kind in kinds().values():
        if all(p.search(text) for p in kind.all) and not any(p.search(text) for p in kind.not_):
            return kind.id
    return None


def _target(text: str) -> float | None:
    m = re.search(r"([\d.]+)\s*%\s*(以上|以下|削減|未満)", text)
    return float(m.group(1)) if m else None


def _since(text: str) -> str | None:
    m = re.search(r"((?:19|20)\d\d)年\s*(\d{1,2})月", text)
    if m:
        return f"{m.group(1)}-{int(m.group(2)):02d}"
    m = re.search(r"((?:19|20)\d\d)年度", text)
    return f"{m.group(1)}-04" if m else None


def find_promises(sentences: Iterable[SentenceResult], year: int) -> list[Promise]:
    """Promises among a policy's sentences; a restating sentence can promise too ('not swayed by fees')."""
    out = []
    for s in sentences:
        if s.na:
            continue
        kind = kind_of(s.text)
        if kind is None:
            continue
        text = _western(fold(s.text))
        digest = hashlib.sha1(compact(s.text).encode("utf-8")).hexdigest()[:8]
        out.append(Promise(f"{kind}:{digest}", kind, year, s.items, s.text, _target(text), _since(text)))
    return out


def _western(text: str) -> str:
    """令和6年 -> 2024年 so that dates read the same whatever the writer used."""
    return re.sub(r"令和\s*(\d+|元)\s*年", lambda m: f"{2018 + (1 if m.group(1) == '元' else int(m.group(1)))}年", text)
