"""Which principle item each sentence of a policy speaks to: by the firm's correspondence table, by the
principle references in its headings, else by the words of the sentence and of its headings."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from kansa.fd.normalise import compact, fold
from kansa.fd.principles import Item, Principles
from kansa.fd.restate import overlap
from kansa.fd.sections import Section, item_refs

HEADING_WEIGHT = 1.0     # a heading's words point every sentence under it to the heading's items


@dataclass(frozen=True)
class Assignment:
    """A sentence's items and how they were found: table, reference, keywords, heading or section."""

    items: tuple[str, ...]
    how: str
    scores: tuple[tuple[str, float], ...] = ()


@lru_cache(maxsize=64)
def _patterns(item: Item) -> tuple[tuple[re.Pattern[str], int], ...]:
    return tuple((re.compile(p), w) for p, w in item.keywords)


def keyword_scores(text: str, items: Sequence[Item]) -> dict[str, float]:
    """Sum of the weights of each item's keywords found in the (folded) text."""
    folded = fold(text)
    out: dict[str, float] = {}
    for item in items:
        score = sum(w for p, w in _patterns(item) if p.search(folded))
        if score:
            out[item.id] = float(score)
    return out


def heading_scores(section: Section, principles: Principles) -> dict[str, float]:
    """Items the section's headings point to. A heading that names a principle (its keywords or its heading
    written out) points to the whole principle; a sub-heading's own keywords point to its item too."""
    families: set[int] = set()
    for heading in (*section.path, section.heading):
        for item_id in keyword_scores(heading, principles.items):
            families.add(principles.by_id[item_id].principle)
        h = compact(heading)
        for item in principles.items:
            if not item.note and len(h) >= 4 and (h in compact(item.heading_ja) or compact(item.heading_ja) in h):
                families.add(item.principle)
    out = {i.id: 1.0 for i in principles.items if i.principle in families}
    if section.path:   # a sub-section: its own heading may name one note
        for item_id, score in keyword_scores(section.heading, principles.items).items():
            out[item_id] = out.get(item_id, 0.0) + min(score, 2.0)
    return out


def expand_refs(refs: Sequence[str], principles: Principles) -> list[str]:
    """P5* (a whole principle) -> its body and notes; other ids as they are."""
    out: list[str] = []
    for r in refs:
        if r.endswith("*"):
            out += [i.id for i in principles.of_principle(int(r[1]))]
        elif r in principles.by_id:
            out.append(r)
    return list(dict.fromkeys(out))


def candidates(section: Section, principles: Principles, table: Mapping[str, Sequence[int]] | None) -> list[str]:
    """The items a section may speak to: named in the table or its headings, else all of them."""
    claimed = [item for item, where in (table or {}).items() if section.index in where]
    named = expand_refs(section.refs, principles)
    found = list(dict.fromkeys(claimed + named))
    return found or [i.id for i in principles.items]


def assign(section: Section, principles: Principles,
           table: Mapping[str, Sequence[int]] | None = None) -> list[Assignment]:
    """The items of every sentence of a section."""
    allowed = candidates(section, principles, table)
    restricted = len(allowed) < len(principles.items)
    pool = [principles.by_id[i] for i in allowed]
    context = heading_scores(section, principles)
    out = []
    for sentence in section.sentences:
        own = expand_refs(item_refs(sentence.text), principles)
        if own:
            out.append(Assignment(tuple(own), "reference"))
            continue
        words = keyword_scores(sentence.text, pool)
        scores = {i: words.get(i, 0.0) + HEADING_WEIGHT * context.get(i, 0.0) for i in allowed}
        scores = {i: s for i, s in scores.items() if s > 0}
        if words:
            best = max(scores[i] for i in words)
            chosen = _closest(sentence.text, _prefer_notes(tuple(i for i in words if scores[i] == best),
                                                           principles), principles)
            out.append(Assignment(chosen, "keywords", tuple(sorted(scores.items()))))
        elif len(allowed) == 1:
            out.append(Assignment(tuple(allowed), "table" if table else "heading"))
        elif scores:
            best = max(scores.values())
            chosen = tuple(i for i, s in scores.items() if s == best)
            bodies = tuple(i for i in chosen if not principles.by_id[i].note)
            out.append(Assignment(bodies or chosen, "heading", tuple(sorted(scores.items()))))
        elif restricted:
            bodies = tuple(i for i in allowed if not principles.by_id[i].note)
            out.append(Assignment(bodies[:1] or tuple(allowed[:1]), "section"))
        else:
            out.append(Assignment((), "none"))
    return out


def _prefer_notes(tied: tuple[str, ...], principles: Principles) -> tuple[str, ...]:
    """Of a principle's body and a note tied on the words, the note: its words are the more specific."""
    noted = {principles.by_id[i].principle for i in tied if principles.by_id[i].note}
    return tuple(i for i in tied if principles.by_id[i].note or principles.by_id[i].principle not in noted)


def _closest(text: str, tied: tuple[str, ...], principles: Principles) -> tuple[str, ...]:
    """Of items tied on keywords, the one whose text shares most words with the sentence (all if still tied)."""
    if len(tied) < 2:
        return tied

    shares = {i: overlap(text, (i,), principles) for i in tied}
    best = max(shares.values())
    return tuple(i for i in tied if shares[i] == best)
