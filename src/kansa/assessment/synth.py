"""A synthetic population answering a framework in two rounds, realistic by type and size."""

from __future__ import annotations

import csv
import math
import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from kansa.assessment.answers import Answer, Submission
from kansa.assessment.errors import AssessmentError, Problem
from kansa.assessment.institutions import Institution, size_band_for, write_institutions
from kansa.assessment.loader import dump_framework, question_set_checksum
from kansa.assessment.model import AnswerOption, Domain, Framework, QuestionRef, Requirement
from kansa.assessment.registry import builtin_frameworks
from kansa.assessment.store import AnswerStore

# The real population of the FSA/BoJ self-assessment (DOMAIN.md): 99 regional banks, 254 shinkin, 145 shinkumi.
REAL_COUNTS = {"regional_bank": 99, "shinkin": 254, "shinkumi": 145}
# Total assets: log-normal per type (median JPY, sigma of the log), shaped after published balance sheets.
ASSETS = {"regional_bank": (3.0e12, 0.7), "shinkin": (0.45e12, 0.8), "shinkumi": (0.09e12, 0.8)}
# Latent maturity: a type offset plus a size effect (larger institutions have more staff and budget).
TYPE_OFFSET = {"regional_bank": 0.8, "shinkin": 0.25, "shinkumi": 0.0}
SIZE_EFFECT = 0.55
NAME_SUFFIX = {"regional_bank": "銀行", "shinkin": "信用金庫", "shinkumi": "信用組合"}
_PLACES = ("北", "東", "西", "南", "中央", "山", "海", "川", "野", "森", "浜", "岡", "島", "原", "沢", "田")
NON_RESPONSE = 0.015        # share not answering the current round (shown in the benchmark's list)
PREVIOUS_GAIN = 0.3         # maturity gained in a year: the previous round was a little weaker


@dataclass(frozen=True)
class PublishedShare:
    """One published item of the FSA/BoJ results: the share (percent) of institutions giving that answer."""

    round: str
    category: str
    item: str
    share_pct: float
    approximate: bool = False     # read from wording such as 「約8割」「3割強」 where no exact figure was published


_APPROX = ((re.compile(r"(\d+)割から(\d+)割"), lambda m: (int(m[1]) + int(m[2])) * 5.0),
           (re.compile(r"(\d+)割弱"), lambda m: int(m[1]) * 10.0 - 2.0),
           (re.compile(r"(\d+)割強"), lambda m: int(m[1]) * 10.0 + 2.0),
           (re.compile(r"(\d+)割"), lambda m: int(m[1]) * 10.0))


def approximate_share(item: str) -> float | None:
    """The share in percent from Japanese wording in the item (約8割 -> 80, 3割強 -> 32, 6割から7割 -> 65)."""
    found = [(m.start(), i, fn(m)) for i, (rx, fn) in enumerate(_APPROX) if (m := rx.search(item))]
    return min(found)[2] if found else None     # the first figure in the text, the most specific pattern


def read_published_shares(path: Path) -> dict[str, PublishedShare]:
    """Published items by their text; a row without a figure uses the wording's approximate share, if any."""
    out: dict[str, PublishedShare] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in ("round", "category", "item", "share_pct") if c not in (reader.fieldnames or [])]
        if missing:
            raise AssessmentError([Problem(str(path), "assess_missing_columns", {"missing": missing})])
        for r in reader:
            item = r["item"].strip()
            if (r.get("share_pct") or "").strip():
                out[item] = PublishedShare(r["round"], r["category"], item, float(r["share_pct"]))
            elif (approx := approximate_share(item)) is not None:
                out[item] = PublishedShare(r["round"], r["category"], item, approx, approximate=True)
    return out


def allocate(n: int, weights: Mapping[str, int]) -> dict[str, int]:
    """Split n in proportion to the weights by largest remainder (99:254:145 for the real population)."""
    total = sum(weights.values())
    exact = {k: n * w / total for k, w in weights.items()}
    out = {k: int(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: exact[k] - out[k], reverse=True)[: n - sum(out.values())]:
        out[k] += 1
    return out


def make_population(n: int, rng: random.Random) -> tuple[list[Institution], dict[str, float]]:
    """Institutions in the real proportions with sizes; and each one's latent maturity."""
    people: list[Institution] = []
    theta: dict[str, float] = {}
    prefix = {"regional_bank": "RB", "shinkin": "SK", "shinkumi": "SU"}
    for type_, count in allocate(n, REAL_COUNTS).items():
        median, sigma = ASSETS[type_]
        for i in range(1, count + 1):
            z = rng.gauss(0.0, 1.0)
            assets = median * math.exp(sigma * z)
            iid = f"{prefix[type_]}{i:03d}"
            name = f"{rng.choice(_PLACES)}{rng.choice(_PLACES)}{NAME_SUFFIX[type_]}"
            risk = "significant" if z > 1.0 else "moderate" if z > -0.5 else "minimal"
            people.append(Institution(iid, name, type_, size_band_for(type_, assets), assets, risk))
            theta[iid] = TYPE_OFFSET[type_] + SIZE_EFFECT * sigma * z + rng.gauss(0.0, 0.6)
    return people, theta


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _score_groups(ref: QuestionRef) -> list[list[AnswerOption]]:
    """Scored options grouped by score, best first (equal scores, e.g. Yes and Yes(C), share a group)."""
    groups: dict[float, list[AnswerOption]] = {}
    for opt in ref.question.answers.options:
        if opt.score is not None:
            groups.setdefault(opt.score, []).append(opt)
    return [groups[s] for s in sorted(groups, reverse=True)]


def _calibrate(thetas: Sequence[float], share: float) -> float:
    """The threshold d with mean(sigmoid(theta - d)) == share (bisection)."""
    target = min(max(share, 0.005), 0.995)
    lo, hi = -12.0, 12.0
    for _ in range(50):
        mid = (lo + hi) / 2
        if sum(_sigmoid(t - mid) for t in thetas) / len(thetas) > target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


@dataclass(frozen=True)
class QuestionModel:
    """Thresholds of an ordinal answer model: answer group j when the latent y exceeds thresholds[j]."""

    groups: list[list[AnswerOption]]
    thresholds: list[float]       # one per boundary between groups, decreasing
    na: AnswerOption | None
    na_rate: float


def question_models(fw: Framework, thetas: Sequence[float], rng: random.Random,
                    published: Mapping[str, PublishedShare] | None = None) -> dict[str, QuestionModel]:
    """A model per question: difficulty from tier and level, or calibrated to published shares."""
    out: dict[str, QuestionModel] = {}
    for ref in fw.refs():
        groups = _score_groups(ref)
        meets_boundary = sum(1 for g in groups if any(o.meets for o in g)) - 1   # last group that meets
        difficulty = (-1.3 if ref.requirement.tier == "basic" else 0.4) + rng.gauss(0.0, 0.5)
        if ref.requirement.level and fw.levels:
            difficulty += 0.6 * fw.level_index(ref.requirement.level)
        anchor = max(meets_boundary, 0)
        thresholds = [difficulty + 1.1 * (anchor - j) for j in range(len(groups) - 1)]
        cumulative = published_cumulative(ref, groups, thresholds, thetas, published or {})
        fixed = {j: _calibrate(thetas, share) for j, share in cumulative.items()}
        if fixed:   # keep the spacing around the calibrated boundaries, and the order (hardest first)
            for j in range(len(thresholds)):
                j0 = min(fixed, key=lambda c: abs(c - j))
                thresholds[j] = fixed.get(j, fixed[j0] + 1.1 * (j0 - j))
            for j in range(1, len(thresholds)):
                thresholds[j] = min(thresholds[j], thresholds[j - 1] - 0.01)
        na = next((o for o in ref.question.answers.options if o.is_na), None)
        na_rate = 0.0 if na is None or ref.requirement.tier == "basic" or fixed else 0.02
        out[ref.question.id] = QuestionModel(groups, thresholds, na, na_rate)
    return out


def _group_shares(thresholds: Sequence[float], thetas: Sequence[float]) -> list[float]:
    """Expected share of each answer group over the population under the given thresholds."""
    above = [sum(_sigmoid(t - d) for t in thetas) / len(thetas) for d in thresholds]
    bounds = [0.0, *above, 1.0]
    return [bounds[j + 1] - bounds[j] for j in range(len(thresholds) + 1)]


def published_cumulative(ref: QuestionRef, groups: list[list[AnswerOption]], thresholds: Sequence[float],
                         thetas: Sequence[float], published: Mapping[str, PublishedShare]) -> dict[int, float]:
    """Boundary index -> share answering at or above it, from the question's cssa_item(s).

    A text item gives the share that meets the question. A mapping {option value: item} gives each named
    option its published share; the options not named share the remainder in the proportions the
    uncalibrated model would give them (a named option may be a low one, e.g. "no").
    """
    item = ref.question.cssa_item
    if item is None or not published or len(groups) < 2:
        return {}
    if isinstance(item, str):
        if item.strip() not in published:
            return {}
        meets = sum(1 for g in groups if any(o.meets for o in g))
        return {max(meets, 1) - 1: published[item.strip()].share_pct / 100.0}
    shares = {v: published[t.strip()].share_pct / 100.0 for v, t in item.items() if t.strip() in published}
    if not shares:
        return {}
    mapped = [sum(shares[o.value] for o in g if o.value in shares) if any(o.value in shares for o in g) else None
              for g in groups]
    named = sum(m for m in mapped if m is not None)
    if named > 1.0:
        mapped = [None if m is None else m / named for m in mapped]
        named = 1.0
    default = _group_shares(thresholds, thetas)
    free = sum(default[j] for j, m in enumerate(mapped) if m is None)
    n_free = sum(1 for m in mapped if m is None)
    target = [m if m is not None else (1.0 - named) * (default[j] / free if free > 0 else 1.0 / n_free)
              for j, m in enumerate(mapped)]
    out: dict[int, float] = {}
    running = 0.0
    for j in range(len(groups) - 1):
        running += target[j]
        out[j] = running
    return out


def answer(model: QuestionModel, theta: float, rng: random.Random) -> str:
    """Draw one answer: a logistic latent against the question's thresholds."""
    if model.na is not None and rng.random() < model.na_rate:
        return model.na.value
    u = min(max(rng.random(), 1e-9), 1 - 1e-9)
    y = theta + math.log(u / (1 - u))
    j = next((i for i, t in enumerate(model.thresholds) if y > t), len(model.groups) - 1)
    group = model.groups[j]
    if len(group) > 1 and rng.random() < 0.12:     # e.g. "Yes with compensating controls"
        return rng.choice(group[1:]).value
    return group[0].value


def _previous_version(fw: Framework) -> Framework:
    """The built-in previous version when there is one (e.g. kansa-regional@2025.1), else one derived."""
    if fw.previous_version:
        known = builtin_frameworks().get(f"{fw.id}@{fw.previous_version}")
        if known is not None:
            return known
    return previous_framework(fw)


def previous_framework(fw: Framework) -> Framework:
    """The previous version implied by `replaces`: questions that replace one, under their old id."""
    def req(r: Requirement) -> Requirement | None:
        qs = tuple(replace(q, id=q.replaces, replaces=None) for q in r.questions if q.replaces)
        return replace(r, questions=qs) if qs else None

    domains: list[Domain] = []
    for d in fw.domains:
        reqs = tuple(x for r in d.requirements if (x := req(r)) is not None)
        if reqs:
            domains.append(replace(d, requirements=reqs))
    version = fw.previous_version or f"{fw.version}-prev"
    return replace(fw, version=version, domains=tuple(domains), previous_version=None)


@dataclass
class SynthResult:
    """What `kansa synth assessments` wrote."""

    institutions: list[Institution]
    current: AnswerStore
    previous: AnswerStore | None
    respondents: int
    calibrated: list[str]


def synth_assessments(fw: Framework, out: Path, n: int = 500, seed: int = 1,
                      published: Mapping[str, PublishedShare] | None = None,
                      progress: Callable[[int], None] | None = None) -> SynthResult:
    """Write institutions.csv, answers/ (current round), previous/ (last round) and answers_current.csv."""
    rng = random.Random(seed)
    people, theta = make_population(n, rng)
    models = question_models(fw, list(theta.values()), rng, published)
    calibrated = [r.question.id for r in fw.refs() if r.question.cssa_item and published and
                  published_cumulative(r, models[r.question.id].groups, models[r.question.id].thresholds,
                                       [0.0], published)]
    write_institutions(people, out / "institutions.csv")
    current = AnswerStore(out / "answers")
    respondents = [p for p in people if rng.random() >= NON_RESPONSE]
    checksum = question_set_checksum(fw)
    subs = [_submission(fw, checksum, p.institution_id, models, theta[p.institution_id], rng) for p in respondents]
    if progress:
        progress(len(subs))
    current.add(subs, fw)
    _write_flat(subs, out / "answers_current.csv")
    prev_fw = _previous_version(fw)
    previous = None
    if prev_fw.domains:
        previous = AnswerStore(out / "previous")
        prev_models = question_models(prev_fw, list(theta.values()), rng)
        prev_index = prev_fw.question_index()
        for ref in fw.refs():        # a comparable question keeps its difficulty: the trend shows maturity
            old = prev_index.get(ref.question.replaces or "")
            if old is not None and [o.value for o in old.question.answers.options] == \
                    [o.value for o in ref.question.answers.options]:
                prev_models[old.question.id] = models[ref.question.id]
        prev_checksum = question_set_checksum(prev_fw)
        prev_subs = [_submission(prev_fw, prev_checksum, p.institution_id, prev_models,
                                 theta[p.institution_id] - PREVIOUS_GAIN + rng.gauss(0.0, 0.3), rng)
                     for p in people if rng.random() >= 2 * NON_RESPONSE]
        previous.add(prev_subs, prev_fw)
        dump_framework(prev_fw, out / f"{prev_fw.id}-{prev_fw.version}.yaml")
        if progress:
            progress(len(prev_subs))
    return SynthResult(people, current, previous, len(subs), calibrated)


def _submission(fw: Framework, checksum: str, iid: str, models: Mapping[str, QuestionModel], theta: float,
                rng: random.Random) -> Submission:
    answers = {ref.question.id: Answer(answer(models[ref.question.id], theta, rng)) for ref in fw.refs()}
    return Submission(iid, fw.id, fw.version, checksum, answers, "synthetic", "", "synth")


def _write_flat(subs: Sequence[Submission], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["institution_id", "question_id", "answer", "comment"])
        for s in subs:
            for qid, a in s.answers.items():
                w.writerow([s.institution_id, qid, a.value, a.comment])

