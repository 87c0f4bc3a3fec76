"""The principles' item structure (data/principles.yaml) and the official text a user supplies (--principles)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from kansa.fd.messages import FdError
from kansa.fd.normalise import nfkc
from kansa.fd.readers import read_text


@dataclass(frozen=True)
class Item:
    """One item of the principles: a principle's body or one of its notes."""

    id: str
    principle: int
    part: str
    heading_ja: str
    heading_en: str
    report_required: bool
    summary_ja: str
    summary_en: str
    keywords: tuple[tuple[str, int], ...] = ()
    official: str = ""               # the official text when the user gave it

    @property
    def note(self) -> str:
        """'' for a principle's body, 'N' for its only note, 'N1'.. for numbered notes."""
        return self.id.partition("-")[2]

    def label(self, lang: str = "ja") -> str:
        """原則5（注1） / Principle 5 (note 1)."""
        n = self.note
        if lang == "ja":
            return f"原則{self.principle}" + ("" if not n else "（注）" if n == "N" else f"（注{n[1:]}）")
        return f"Principle {self.principle}" + ("" if not n else " (note)" if n == "N" else f" (note {n[1:]})")

    def reference_text(self) -> str:
        """What a restating sentence traces: kansa's heading and summary, and the official text when given."""
        own = f"{self.heading_ja}。{self.summary_ja}"
        return f"{self.official}。{own}" if self.official else own


@dataclass(frozen=True)
class Principles:
    """All 21 items, in order, with the official text where the user supplied it."""

    items: tuple[Item, ...]
    source: str = "kansa"
    by_id: dict[str, Item] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        self.by_id.update({i.id: i for i in self.items})

    def of_principle(self, n: int) -> list[Item]:
        """The body and notes of principle `n`."""
        return [i for i in self.items if i.principle == n]


@lru_cache(maxsize=1)
def load_items() -> tuple[Item, ...]:
    """The 21 items shipped with kansa (ids, headings, report_required, kansa's own summaries, keywords)."""
    text = resources.files("kansa.fd").joinpath("data/principles.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    out = []
    for raw in data["items"]:
        keywords = tuple((str(k[0]), int(k[1])) for k in raw.get("keywords", []))
        out.append(Item(id=raw["id"], principle=int(raw["principle"]), part=raw["part"], heading_ja=raw["heading_ja"],
                        heading_en=raw["heading_en"], report_required=bool(raw["report_required"]),
                        summary_ja=raw["summary_ja"].strip(), summary_en=raw["summary_en"].strip(), keywords=keywords))
    return tuple(out)


def default_principles() -> Principles:
    """The shipped structure without official text."""
    return Principles(load_items())


# 原則1． / 原則２ / 【原則5】 at the start of a line, and (注) / （注１） notes.
_PRINCIPLE = re.compile(r"^[【\[]?原則\s*([1-7])\s*[】\]]?\s*[.．:：、]?")
_NOTE = re.compile(r"^[（(]\s*注\s*([1-9]?)\s*[）)]")


def parse_principles_text(text: str) -> dict[str, str]:
    """Item id -> official text, from the principles' text (原則1．… （注）… （注1）…)."""
    out: dict[str, str] = {}
    current: str | None = None
    principle = 0
    for raw in text.splitlines():
        line = nfkc(raw)
        if not line:
            continue
        m = _PRINCIPLE.match(line)
        n = _NOTE.match(line)
        if m:
            principle = int(m.group(1))
            current = f"P{principle}"
            line = line[m.end():]
        elif n and principle:
            current = f"P{principle}-N{n.group(1)}"
            line = line[n.end():]
        if current is not None:
            out[current] = (out.get(current, "") + line.strip()).strip()
    return {k: v for k, v in out.items() if v}


def load_principles(path: Path | None) -> Principles:
    """The shipped structure, with the official text of `path` (text, PDF, DOCX or HTML) when given."""
    items = load_items()
    if path is None:
        return Principles(items)

    found = parse_principles_text(read_text(path))
    if not found:
        raise FdError("principles_empty", path=str(path))
    ids = {i.id for i in items}
    official = {k if k in ids else k.rstrip("0123456789") if k.rstrip("0123456789") in ids else k: v
                for k, v in found.items()}
    return Principles(tuple(replace(i, official=official.get(i.id, "")) for i in items), source=str(path))
