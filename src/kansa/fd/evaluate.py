"""Precision and recall of the policy reader against a synthetic corpus's truth (per verdict, per split)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kansa.fd.coverage import VERDICTS
from kansa.fd.documents import collect
from kansa.fd.normalise import compact
from kansa.fd.policy import YearReading, read_year
from kansa.fd.principles import Principles, default_principles
from kansa.fd.promises import find_promises, kinds
from kansa.fd.years import compare_years


@dataclass
class Tally:
    """True positives, false positives and false negatives per class."""

    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, truth: str, found: str, where: dict[str, Any]) -> None:
        """Count one decision."""
        if truth == found:
            self.tp[truth] += 1
        else:
            self.fp[found] += 1
            self.fn[truth] += 1
            self.errors.append({**where, "truth": truth, "found": found})

    def precision(self, label: str) -> float:
        """tp / (tp + fp); 1.0 when nothing was predicted."""
        d = self.tp[label] + self.fp[label]
        return self.tp[label] / d if d else 1.0

    def recall(self, label: str) -> float:
        """tp / (tp + fn); 1.0 when nothing was there."""
        d = self.tp[label] + self.fn[label]
        return self.tp[label] / d if d else 1.0

    def support(self, label: str) -> int:
        """How many truths of the label."""
        return self.tp[label] + self.fn[label]

    def table(self, labels: Iterable[str]) -> list[dict[str, Any]]:
        """Rows: label, support, precision, recall."""
        return [{"label": lb, "support": self.support(lb), "precision": round(self.precision(lb), 3),
                 "recall": round(self.recall(lb), 3)} for lb in labels]


@dataclass
class Evaluation:
    """Tallies for item verdicts, section restatement and unchanged years."""

    items: Tally = field(default_factory=Tally)
    sections: Tally = field(default_factory=Tally)
    unchanged: Tally = field(default_factory=Tally)
    promises: Tally = field(default_factory=Tally)
    firms: int = 0

    def summary(self) -> dict[str, Any]:
        """The figures as a dict (for printing and tests)."""
        return {"firms": self.firms, "items": self.items.table(VERDICTS),
                "sections": self.sections.table(("restatement", "not_restatement")),
                "unchanged": self.unchanged.table(("unchanged", "revised")),
                "promises": self.promises.table(sorted(kinds()))}


def evaluate(corpus: Path, split: str | None = None, principles: Principles | None = None) -> Evaluation:
    """Read every firm of a corpus (of one split: dev or heldout) and compare with its truth.json."""
    principles = principles or default_principles()
    result = Evaluation()
    for firm in collect(corpus):
        truth = json.loads((firm.folder / "truth.json").read_text(encoding="utf-8"))
        if split is not None and truth["split"] != split:
            continue
        result.firms += 1
        readings: list[YearReading] = []
        for year, docs in sorted(firm.years.items()):
            reading = read_year(docs, principles)
            readings.append(reading)
            t = truth["years"][str(year)]
            where = {"firm": truth["firm_id"], "year": year}
            assert reading.coverage is not None
            for item, verdict in t["items"].items():
                result.items.add(verdict, reading.coverage.items[item].verdict, {**where, "item": item})
            found = {compact(s.heading.split(" > ")[-1]): s for s in reading.coverage.sections}
            for sec in t["sections"]:
                got = found.get(compact(sec["heading"]))
                label = "restatement" if sec["restatement"] else "not_restatement"
                got_label = "missing" if got is None else "restatement" if got.restatement else "not_restatement"
                result.sections.add(label, got_label, {**where, "section": sec["heading"]})
            _count_promises(result.promises, [p["kind"] for p in t["promises"]],
                            [p.kind for p in find_promises(reading.coverage.sentences, year)], where)
        changes = compare_years(readings)
        for change in changes:
            t = truth["years"][str(change.year)]
            result.unchanged.add("unchanged" if t["unchanged"] else "revised",
                                 "unchanged" if change.unchanged else "revised",
                                 {"firm": truth["firm_id"], "year": change.year})
    return result


def _count_promises(tally: Tally, truth: list[str], found: list[str], where: dict[str, Any]) -> None:
    """Promise kinds of one policy compared as multisets (a sentence split in two still counts once)."""
    want, got = Counter(truth), Counter(found)
    for kind in set(want) | set(got):
        hit = min(want[kind], got[kind])
        tally.tp[kind] += hit
        if want[kind] > hit:
            tally.fn[kind] += want[kind] - hit
            tally.errors.append({**where, "kind": kind, "truth": want[kind], "found": got[kind]})
        if got[kind] > hit:
            tally.fp[kind] += got[kind] - hit
            tally.errors.append({**where, "kind": kind, "truth": want[kind], "found": got[kind]})
