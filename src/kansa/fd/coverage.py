"""Coverage of the principle items by one policy: per sentence, section and item, with the evidence."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from kansa.fd.concrete import signals
from kansa.fd.correspondence import TableRow, reasons, table_map
from kansa.fd.mapping import assign
from kansa.fd.principles import Principles
from kansa.fd.restate import RESTATE_THRESHOLD, follows_declaration, not_applicable, overlap
from kansa.fd.sections import Section

VERDICTS = ("concrete", "restated", "not_applicable", "not_addressed")
VERDICT_LABELS = {
    "concrete": {"ja": "具体的な取組みあり", "en": "Addressed with concrete content"},
    "restated": {"ja": "原則の言い換えのみ", "en": "Only restates the principle"},
    "not_applicable": {"ja": "実施しない（理由あり）", "en": "Not applicable, with a reason"},
    "not_addressed": {"ja": "記載なし", "en": "Not addressed"},
}
MOSTLY = 0.5   # a policy whose sentences restate at least this share is 'mostly restatement'


@dataclass
class SentenceResult:
    """One sentence: its items, concreteness, restatement share and not-applicable declaration."""

    text: str
    section: int
    items: tuple[str, ...]
    how: str
    concrete: bool
    signal_words: list[str]
    overlap: float
    na: bool = False
    na_reason: bool = False
    na_alternative: bool = False

    @property
    def restating(self) -> bool:
        """Not concrete, not a declaration, and mostly the principle's words."""
        return not self.concrete and not self.na and self.overlap >= RESTATE_THRESHOLD


@dataclass
class SectionResult:
    """One section: its items, restatement score and verdict."""

    index: int
    heading: str
    items: list[str]
    restatement_score: float
    concrete_sentences: int
    sentences: int
    restatement: bool


@dataclass
class ItemResult:
    """One item's verdict and the sentences it rests on."""

    item: str
    verdict: str
    evidence: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    how: str = ""
    note: str = ""


@dataclass
class Coverage:
    """The coverage of one policy."""

    sentences: list[SentenceResult]
    sections: list[SectionResult]
    items: dict[str, ItemResult]
    restating_share: float

    @property
    def mostly_restatement(self) -> bool:
        """Whether most of what the policy says only restates the principles."""
        return self.restating_share >= MOSTLY


def analyse_sentences(sections: Sequence[Section], principles: Principles,
                      table: Mapping[str, Sequence[int]] | None = None) -> list[SentenceResult]:
    """Every sentence with its items, signals, restatement share and declaration."""
    out: list[SentenceResult] = []
    for section in sections:
        assignments = assign(section, principles, table)
        previous: SentenceResult | None = None
        for k, (sentence, a) in enumerate(zip(section.sentences, assignments, strict=True)):
            sig = signals(sentence.text)
            na, reason, alternative = not_applicable(sentence.text)
            if na and not alternative and k + 1 < len(section.sentences):
                alternative = not_applicable("該当しない" + section.sentences[k + 1].text)[2]
            items, how = a.items, a.how
            if previous is not None and previous.na and not na and follows_declaration(sentence.text):
                # 'なお、取り扱う場合は…' completes the declaration before it: same items, part of it
                items, how, na, reason, alternative = previous.items, previous.how, True, previous.na_reason, True
            result = SentenceResult(sentence.text, section.index, items, how, sig.concrete and not na, sig.words(),
                                    overlap(sentence.text, items, principles), na, reason, alternative)
            out.append(result)
            previous = result
    return out


def section_results(sections: Sequence[Section], sentences: Sequence[SentenceResult]) -> list[SectionResult]:
    """Per section: the mean restatement share of its sentences and whether it only restates."""
    out = []
    for section in sections:
        own = [s for s in sentences if s.section == section.index and s.items]
        if not own:
            continue
        score = sum(s.overlap for s in own) / len(own)
        concrete = sum(1 for s in own if s.concrete)
        restating = [s for s in own if not s.na]
        out.append(SectionResult(section.index, section.full_heading(), sorted({i for s in own for i in s.items}),
                                 round(score, 3), concrete, len(own),
                                 bool(restating) and all(s.restating for s in restating)))
    return out


def item_verdicts(principles: Principles, sections: Sequence[Section], sentences: Sequence[SentenceResult],
                  rows: Sequence[TableRow] = ()) -> dict[str, ItemResult]:
    """Per item: not applicable (declared with a reason), concrete, restated or not addressed."""
    headings = {s.index: s.full_heading() for s in sections}
    table_reasons = reasons(rows)
    out: dict[str, ItemResult] = {}
    for item in principles.items:
        own = [s for s in sentences if item.id in s.items]
        declared = [s for s in own if s.na and s.na_reason]
        bare = [s for s in own if s.na and not s.na_reason]
        concrete = [s for s in own if s.concrete and not s.na]
        said = [s for s in own if not s.na]
        where = list(dict.fromkeys(headings.get(s.section, "") for s in own))
        hows = ",".join(sorted({s.how for s in own}))
        if declared:
            note = "" if any(s.na_alternative for s in declared) else "no_alternative"
            out[item.id] = ItemResult(item.id, "not_applicable", [s.text for s in declared], where, hows, note)
        elif concrete:
            out[item.id] = ItemResult(item.id, "concrete", [s.text for s in concrete], where, hows)
        elif said:
            out[item.id] = ItemResult(item.id, "restated", [s.text for s in said], where, hows)
        else:
            note = "declared_without_reason" if bare else ("table_reason_only" if item.id in table_reasons else "")
            out[item.id] = ItemResult(item.id, "not_addressed", [s.text for s in bare], where, hows, note)
    return out


def coverage(sections: Sequence[Section], principles: Principles, rows: Sequence[TableRow] = ()) -> Coverage:
    """The coverage of one policy (its correspondence table rows when the firm has one)."""
    table = table_map(rows, sections) if rows else None
    sentences = analyse_sentences(sections, principles, table)
    mapped = [s for s in sentences if s.items and not s.na]
    share = sum(1 for s in mapped if s.restating) / len(mapped) if mapped else 0.0
    return Coverage(sentences, section_results(sections, sentences),
                    item_verdicts(principles, sections, sentences, rows), round(share, 3))
