"""Scoring one institution: weighted scores, cumulative maturity levels, coverage, target gaps."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kansa.assessment.errors import UnknownRiskError
from kansa.assessment.model import AnswerOption, Domain, Framework, QuestionRef


@dataclass(frozen=True)
class DomainScore:
    """One domain's result for one institution."""

    domain_id: str
    score: float | None          # 0..100, weighted; N/A left out, unanswered counts 0; None when all N/A
    level: str | None            # highest cumulative maturity level attained (None: none, or no levels)
    answered_share: float        # answered (N/A counts as answered) / questions
    basic_coverage: float | None  # basic questions met / basic questions not N/A; None without basic ones
    target: str | None = None    # target level from the inherent-risk profile
    level_gap: int | None = None  # levels still to climb to reach the target (0 when reached)


@dataclass(frozen=True)
class InstitutionScore:
    """Per domain and overall results for one institution."""

    institution_id: str
    domains: tuple[DomainScore, ...]
    score: float | None
    level: str | None             # the lowest level attained over the domains that have levels
    answered_share: float
    basic_coverage: float | None

    def domain(self, domain_id: str) -> DomainScore:
        """The result of one domain."""
        return next(d for d in self.domains if d.domain_id == domain_id)


def question_points(ref: QuestionRef, value: str | None) -> tuple[AnswerOption | None, float | None]:
    """The chosen option and its 0..1 score (None for unanswered or N/A)."""
    if value is None:
        return None, None
    opt = ref.question.answers.option(value)
    if opt is None:
        return None, None
    return opt, ref.question.answers.normalised(opt)


def score_institution(framework: Framework, answers: Mapping[str, str], institution_id: str = "",
                      targets: Mapping[str, str] | None = None) -> InstitutionScore:
    """Score answers (question id -> option value) against the framework; `targets`: domain id -> level id."""
    refs = framework.refs()
    by_domain: dict[str, list[QuestionRef]] = {}
    for ref in refs:
        by_domain.setdefault(ref.domain.id, []).append(ref)
    results = [_domain_score(framework, d, by_domain.get(d.id, []), answers, (targets or {}).get(d.id))
               for d in framework.domains]
    weighted = [(d.weight, r.score) for d, r in zip(framework.domains, results, strict=True) if r.score is not None]
    total_w = sum(w for w, _ in weighted)
    overall = sum(w * s for w, s in weighted) / total_w if total_w > 0 else None
    level = None
    if framework.levels:
        # domains with no applicable level statement (all N/A, or none in the framework) do not hold it back
        idx = [framework.level_index(r.level) for r in results
               if _has_level_statements(by_domain.get(r.domain_id, []), answers)]
        lowest = min(idx) if idx else -1
        level = framework.levels[lowest].id if lowest >= 0 else None
    answered = sum(1 for ref in refs if ref.question.id in answers) / len(refs) if refs else 0.0
    return InstitutionScore(institution_id, tuple(results), overall, level, answered, _basic_coverage(refs, answers))


def _domain_score(framework: Framework, domain: Domain, refs: list[QuestionRef], answers: Mapping[str, str],
                  target: str | None) -> DomainScore:
    num = den = 0.0
    for ref in refs:
        qid = ref.question.id
        if qid not in answers:          # not answered: not met, scores 0 (leaving it blank must not pay)
            den += ref.weight
            continue
        opt, pts = question_points(ref, answers[qid])
        if opt is None:
            raise ValueError(f"{qid}: {answers[qid]!r} is not an option")
        if pts is not None:
            num += ref.weight * pts
            den += ref.weight
    score = 100.0 * num / den if den > 0 else None
    level = attained_level(framework, refs, answers)
    answered = sum(1 for r in refs if r.question.id in answers) / len(refs) if refs else 0.0
    gap = None
    if target is not None:
        gap = max(0, framework.level_index(target) - framework.level_index(level))
    return DomainScore(domain.id, score, level, answered, _basic_coverage(refs, answers), target, gap)


def attained_level(framework: Framework, refs: list[QuestionRef], answers: Mapping[str, str]) -> str | None:
    """Highest level L such that every question of L and of each lower level is met (N/A left out)."""
    if not framework.levels:
        return None
    attained: str | None = None
    for level in framework.levels:
        assessed = 0      # a level with no statements (or only N/A ones) here is not climbed by default
        for ref in (r for r in refs if r.requirement.level == level.id):
            opt, _ = question_points(ref, answers.get(ref.question.id))
            if opt is not None and opt.is_na:
                continue
            if opt is None or not opt.meets:
                return attained
            assessed += 1
        if assessed:
            attained = level.id
    return attained


def _has_level_statements(refs: list[QuestionRef], answers: Mapping[str, str]) -> bool:
    """True when some level statement of these questions applies (answered other than N/A, or unanswered)."""
    for ref in refs:
        if ref.requirement.level is None:
            continue
        opt, _ = question_points(ref, answers.get(ref.question.id))
        if opt is None or not opt.is_na:
            return True
    return False


def _basic_coverage(refs: list[QuestionRef], answers: Mapping[str, str]) -> float | None:
    met = total = 0
    for ref in refs:
        if ref.requirement.tier != "basic":
            continue
        opt, _ = question_points(ref, answers.get(ref.question.id))
        if opt is not None and opt.is_na:
            continue
        total += 1
        met += bool(opt is not None and opt.meets)
    return met / total if total else None


def targets_for_risk(framework: Framework, inherent_risk: str | None) -> dict[str, str] | None:
    """Target level for every domain from an inherent-risk name via the framework's risk_targets (if it has any)."""
    if not inherent_risk or not framework.risk_targets:
        return None
    level = framework.risk_targets.get(inherent_risk)
    if level is None:
        known = ", ".join(framework.risk_targets) or "-"
        raise UnknownRiskError("assess_unknown_inherent_risk", risk=inherent_risk, framework=framework.id, known=known)
    return {d.id: level for d in framework.domains}
