"""The synthetic firm and its sentences: the shapes every part of the fd synthesiser shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from kansa.fd.synth_style import Writer


@dataclass
class Sentence:
    """One sentence of a policy with what it is: restate, concrete, na, na_bare (no reason), kpi."""

    item: str
    kind: str
    text: str
    promise: str | None = None
    kpi: str | None = None
    bank: str = ""   # which bank entry it came from (item:kind:index), to carry it across years


@dataclass
class Firm:
    """One synthetic firm: who writes, how, and which years."""

    firm_id: str
    name: str
    firm_type: str
    profile: str
    writer: Writer
    layout: str
    years: list[int]
    formats: list[str]
    has_table: bool
    tags: bool
    split: str
    fill: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=1)
def bank() -> dict[str, Any]:
    """The sentence bank (data/synth_bank.yaml)."""
    text = resources.files("kansa.fd").joinpath("data/synth_bank.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data
