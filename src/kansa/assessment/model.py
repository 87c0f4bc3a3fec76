"""The framework model: small immutable nodes for domains, requirements, questions and answer scales."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

Text = Mapping[str, str]
Tier = Literal["basic", "recommended"]
TIERS: tuple[str, ...] = ("basic", "recommended")


@dataclass(frozen=True)
class AnswerOption:
    """One answer a person may choose; `score` None means not applicable (left out of the denominator)."""

    value: str
    label: Text
    score: float | None
    meets: bool | None

    @property
    def is_na(self) -> bool:
        """True for a not-applicable answer (no score)."""
        return self.score is None


@dataclass(frozen=True)
class AnswerSet:
    """A reusable answer scale, options in the order a person sees them."""

    id: str
    options: tuple[AnswerOption, ...]

    def option(self, value: str) -> AnswerOption | None:
        """The option with this value, or None."""
        for opt in self.options:
            if opt.value == value:
                return opt
        return None

    def normalised(self, opt: AnswerOption) -> float | None:
        """The option's score on 0..1 (min..max of the scale's scored options); None for N/A."""
        if opt.score is None:
            return None
        scores = [o.score for o in self.options if o.score is not None]
        lo, hi = min(scores), max(scores)
        return 1.0 if hi == lo else (opt.score - lo) / (hi - lo)


@dataclass(frozen=True)
class Level:
    """A cumulative maturity level (lowest first in the framework)."""

    id: str
    label: Text


@dataclass(frozen=True)
class Question:
    """One question; `replaces` names the same question in the previous version (year-on-year)."""

    id: str
    text: Text
    answers: AnswerSet
    guidance: Text = field(default_factory=dict)
    replaces: str | None = None
    cssa_item: str | Mapping[str, str] | None = None   # published FSA/BoJ item(s) this question matches


@dataclass(frozen=True)
class Requirement:
    """A requirement: tier (basic/recommended), optional maturity level, weight, CSF 2.0 mapping."""

    id: str
    title: Text
    questions: tuple[Question, ...]
    tier: Tier | None = None
    level: str | None = None
    weight: float = 1.0
    csf: tuple[str, ...] = ()


@dataclass(frozen=True)
class Domain:
    """A top-level area of the framework (e.g. governance), with its weight."""

    id: str
    title: Text
    requirements: tuple[Requirement, ...]
    weight: float = 1.0

    def questions(self) -> Iterator[tuple[Requirement, Question]]:
        """Every (requirement, question) of the domain in order."""
        for req in self.requirements:
            for q in req.questions:
                yield req, q


@dataclass(frozen=True)
class QuestionRef:
    """A question with where it sits: its domain and requirement, and its position (0-based)."""

    domain: Domain
    requirement: Requirement
    question: Question
    position: int

    @property
    def weight(self) -> float:
        """The question's share of its requirement's weight."""
        return self.requirement.weight / len(self.requirement.questions)


@dataclass(frozen=True)
class Framework:
    """A whole assessment framework, as loaded from one YAML file."""

    id: str
    version: str
    title: Text
    domains: tuple[Domain, ...]
    answer_sets: Mapping[str, AnswerSet]
    levels: tuple[Level, ...] = ()
    source: Text = field(default_factory=dict)
    previous_version: str | None = None
    risk_targets: Mapping[str, str] = field(default_factory=dict)   # inherent risk -> target level id

    def refs(self) -> list[QuestionRef]:
        """Every question with its domain and requirement, in framework order."""
        out: list[QuestionRef] = []
        for d in self.domains:
            for req, q in d.questions():
                out.append(QuestionRef(d, req, q, len(out)))
        return out

    def question_index(self) -> dict[str, QuestionRef]:
        """Questions by id."""
        return {r.question.id: r for r in self.refs()}

    def level_index(self, level_id: str | None) -> int:
        """Position of a level (0 = lowest); -1 for None."""
        if level_id is None:
            return -1
        return [lv.id for lv in self.levels].index(level_id)

    def domain(self, domain_id: str) -> Domain:
        """The domain with this id."""
        for d in self.domains:
            if d.id == domain_id:
                return d
        raise KeyError(domain_id)
