"""Peer benchmark of a round: cohort statistics per domain and question, percentile ranks, trend, k-suppression."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kansa.assessment.answers import Submission
from kansa.assessment.cohorts import Cohort, benchmark_cohort, build_cohorts, cohort_keys, protect
from kansa.assessment.institutions import Institution
from kansa.assessment.model import Framework, QuestionRef
from kansa.assessment.scoring import InstitutionScore, question_points, score_institution, targets_for_risk
from kansa.assessment.stats import describe, percentile_rank

OVERALL = "_overall"
STAT_FIELDS = ("n", "mean", "median", "q1", "q3")


@dataclass
class Round:
    """One round's answers and the framework they answer."""

    framework: Framework
    submissions: Mapping[str, Submission]


@dataclass
class Benchmark:
    """Everything a benchmark run computes; every table is a list of plain rows (dicts)."""

    framework: Framework
    k: int
    institutions: dict[str, Institution]
    cohorts: dict[str, Cohort]
    scores: dict[str, InstitutionScore]
    domain_stats: list[dict[str, Any]]
    question_stats: list[dict[str, Any]]
    option_shares: list[dict[str, Any]]
    institution_rows: list[dict[str, Any]]
    trend_domain: list[dict[str, Any]] = field(default_factory=list)
    trend_institution: list[dict[str, Any]] = field(default_factory=list)
    non_respondents: list[Institution] = field(default_factory=list)
    unknown_respondents: list[str] = field(default_factory=list)
    previous_version: str | None = None
    answers: dict[str, dict[str, str]] = field(default_factory=dict)   # respondent -> question -> option value

    def domain_stat(self, cohort: str, domain: str) -> dict[str, Any] | None:
        """The statistics row of one cohort and domain (None if absent)."""
        return self._domain_lookup().get((cohort, domain))

    def _domain_lookup(self) -> dict[tuple[str, str], dict[str, Any]]:
        if not hasattr(self, "_dl"):
            self._dl = {(r["cohort"], r["domain_id"]): r for r in self.domain_stats}
        return self._dl


def run_benchmark(current: Round, institutions: list[Institution], k: int = 5,
                  previous: Round | None = None) -> Benchmark:
    """Score every respondent, build cohorts, compute suppressed statistics, ranks and the trend."""
    if k < 1:
        raise ValueError("k must be at least 1")
    fw = current.framework
    known = {i.institution_id: i for i in institutions}
    responded = {i for i in current.submissions if i in known}
    cohorts = build_cohorts(institutions, responded, k)
    scores = {iid: score_institution(fw, current.submissions[iid].values(), iid,
                                     targets_for_risk(fw, known[iid].inherent_risk))
              for iid in sorted(responded)}
    domain_ids = [d.id for d in fw.domains] + [OVERALL]
    domain_stats = []
    for d in domain_ids:
        domain_stats += _statistic_rows(cohorts, {c: _values(scores, cohorts[c], d) for c in cohorts},
                                        {"domain_id": d}, k)
    domain_stats.sort(key=lambda r: list(cohorts).index(r["cohort"]))
    question_stats, option_shares = _question_tables(fw, cohorts, current.submissions, k)
    bench = Benchmark(fw, k, known, cohorts, scores, domain_stats, question_stats, option_shares, [],
                      non_respondents=[i for i in institutions if i.institution_id not in responded],
                      unknown_respondents=sorted(set(current.submissions) - set(known)))
    bench.answers = {iid: current.submissions[iid].values() for iid in scores}
    bench.institution_rows = _institution_rows(bench, domain_ids)
    if previous is not None:
        bench.previous_version = previous.framework.version
        bench.trend_institution, bench.trend_domain = _trend(bench, current, previous)
    return bench


def _score_of(s: InstitutionScore, domain: str) -> float | None:
    return s.score if domain == OVERALL else s.domain(domain).score


def _values(scores: Mapping[str, InstitutionScore], cohort: Cohort, domain: str) -> list[float]:
    return [v for iid in cohort.members if (v := _score_of(scores[iid], domain)) is not None]


def _hidden_cohorts(cohorts: Mapping[str, Cohort]) -> dict[str, str]:
    return {key: c.reason for key, c in cohorts.items() if c.reason}


def _statistic_rows(cohorts: Mapping[str, Cohort], values: Mapping[str, list[float]], keys: dict[str, Any],
                    k: int, hidden: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """One statistic (a domain, a question, a trend) for every cohort, each row published or suppressed.

    A cohort's figure is hidden when the cohort is, when it rests on fewer than k values (N/A, absent from the
    last round), or when it would give such a figure away by subtraction (`protect` on the value counts).
    """
    reasons = protect({c: len(v) for c, v in values.items()}, k, {**(hidden or {}), **_hidden_cohorts(cohorts)})
    return [_row(cohorts[c], keys, values[c], reasons[c]) for c in cohorts]


def _row(cohort: Cohort, keys: dict[str, Any], values: list[float], reason: str | None) -> dict[str, Any]:
    """A statistics row: figures only when the cohort's figure may be published, else blanks and why."""
    row: dict[str, Any] = {"cohort": cohort.key, "cohort_level": cohort.level, **keys}
    if reason is None:
        row.update(describe(values))
        row["suppressed"] = False
        row["suppression"] = None
    else:
        row.update(dict.fromkeys(STAT_FIELDS))
        row["suppressed"] = True
        row["suppression"] = reason
    return row


def _question_tables(fw: Framework, cohorts: Mapping[str, Cohort],
                     subs: Mapping[str, Submission], k: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    stats: list[dict[str, Any]] = []
    shares: list[dict[str, Any]] = []
    refs = fw.refs()
    chosen = {key: [subs[iid].answers for iid in c.members] for key, c in cohorts.items()}
    hidden = _hidden_cohorts(cohorts)
    for ref in refs:
        qid = ref.question.id
        picks = {key: [a[qid].value for a in rows if qid in a] for key, rows in chosen.items()}
        points = {key: [100.0 * p for v in vs if (p := question_points(ref, v)[1]) is not None]
                  for key, vs in picks.items()}
        stats += _statistic_rows(cohorts, points, {"domain_id": ref.domain.id, "question_id": qid}, k)
        # option counts add up over cohorts too: protect them on the number of answers
        share_reasons = protect({key: len(vs) for key, vs in picks.items()}, k, hidden)
        for key, cohort in cohorts.items():
            for opt in ref.question.answers.options:
                row: dict[str, Any] = {"cohort": key, "cohort_level": cohort.level, "domain_id": ref.domain.id,
                                       "question_id": qid, "option": opt.value, "label_ja": opt.label.get("ja", ""),
                                       "label_en": opt.label.get("en", "")}
                if share_reasons[key] is None:
                    count = sum(1 for v in picks[key] if v == opt.value)
                    row.update(count=count, share=100.0 * count / len(picks[key]), suppressed=False,
                               suppression=None)
                else:
                    row.update(count=None, share=None, suppressed=True, suppression=share_reasons[key])
                shares.append(row)
    order = list(cohorts)
    stats.sort(key=lambda r: order.index(r["cohort"]))
    shares.sort(key=lambda r: order.index(r["cohort"]))
    return stats, shares


def _institution_rows(bench: Benchmark, domain_ids: list[str]) -> list[dict[str, Any]]:
    rows = []
    for iid, s in bench.scores.items():
        inst = bench.institutions[iid]
        own = bench.cohorts[cohort_keys(inst)["type_size"]]
        bc = benchmark_cohort(inst, bench.cohorts)
        for d in domain_ids:
            value = _score_of(s, d)
            ds = None if d == OVERALL else s.domain(d)
            row: dict[str, Any] = {
                "institution_id": iid, "name": inst.name, "type": inst.type, "size_band": inst.size_band,
                "domain_id": d, "score": value,
                "level": s.level if ds is None else ds.level,
                "answered_share": s.answered_share if ds is None else ds.answered_share,
                "basic_coverage": s.basic_coverage if ds is None else ds.basic_coverage,
                "target_level": None if ds is None else ds.target, "level_gap": None if ds is None else ds.level_gap,
                "peer_cohort": own.key,
                "percentile_in_peer_cohort": _rank(value, own, bench, d),
                "benchmark_cohort": None if bc is None else bc.key,
                "percentile_in_benchmark_cohort": None if bc is None else _rank(value, bc, bench, d),
            }
            rows.append(row)
    return rows


def _rank(value: float | None, cohort: Cohort, bench: Benchmark, domain: str) -> float | None:
    """Percentile rank in a cohort, only where the cohort's statistic of that domain is published."""
    stat = bench.domain_stat(cohort.key, domain)
    if value is None or stat is None or stat["suppressed"]:
        return None
    return percentile_rank(value, _values(bench.scores, cohort, domain))


def _movers(bench: Benchmark, previous: Round, domain: str, in_both: Mapping[str, int]) -> dict[str, int]:
    """Per cohort, newcomers plus leavers behind its trend: this round's values and last round's respondents
    that are not among the `in_both` institutions, counted per band and summed up the tree."""
    answered_before = {key: 0 for key in bench.cohorts}
    for iid, inst in bench.institutions.items():
        if iid in previous.submissions:
            answered_before[cohort_keys(inst)["type_size"]] += 1
    out: dict[str, int] = {key: 0 for key in bench.cohorts}
    for key, cohort in bench.cohorts.items():
        if cohort.level != "type_size":
            continue
        now = len(_values(bench.scores, cohort, domain))
        band = max(now - in_both[key], 0) + max(answered_before[key] - in_both[key], 0)
        for parent in (key, key.split("/")[0], "all"):
            out[parent] += band
    return out


def comparable_pairs(current: Framework, previous: Framework) -> list[tuple[QuestionRef, QuestionRef]]:
    """(current, previous) question pairs linked by `replaces`: the only ones a trend may use."""
    prev = previous.question_index()
    return [(ref, prev[ref.question.replaces]) for ref in current.refs()
            if ref.question.replaces and ref.question.replaces in prev]


def _comparable_score(pairs: list[tuple[QuestionRef, QuestionRef]], cur: Mapping[str, str],
                      prev: Mapping[str, str]) -> tuple[float | None, float | None]:
    """Weighted scores of both rounds over the same comparable questions (N/A in either round left out)."""
    num_c = num_p = den = 0.0
    for rc, rp in pairs:
        _, pc = question_points(rc, cur.get(rc.question.id))
        _, pp = question_points(rp, prev.get(rp.question.id))
        if pc is None or pp is None:
            continue
        num_c += rc.weight * pc
        num_p += rc.weight * pp
        den += rc.weight
    return (100.0 * num_c / den, 100.0 * num_p / den) if den else (None, None)


def _trend(bench: Benchmark, current: Round, previous: Round) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    pairs = comparable_pairs(current.framework, previous.framework)
    by_domain: dict[str, list[tuple[QuestionRef, QuestionRef]]] = {}
    for pair in pairs:
        by_domain.setdefault(pair[0].domain.id, []).append(pair)
    by_domain[OVERALL] = pairs
    inst_rows: list[dict[str, Any]] = []
    changes: dict[tuple[str, str], float] = {}
    for iid in bench.scores:
        if iid not in previous.submissions:
            continue
        cur, prev = current.submissions[iid].values(), previous.submissions[iid].values()
        for d, dp in by_domain.items():
            c, p = _comparable_score(dp, cur, prev)
            inst_rows.append({"institution_id": iid, "domain_id": d, "comparable_questions": len(dp),
                              "current": c, "previous": p, "change": None if c is None or p is None else c - p})
            if c is not None and p is not None:
                changes[(iid, d)] = c - p
    cohort_rows: list[dict[str, Any]] = []
    for d in by_domain:
        values = {key: [changes[(iid, d)] for iid in c.members if (iid, d) in changes]
                  for key, c in bench.cohorts.items()}
        keys = {"domain_id": d, "comparable_questions": len(by_domain[d])}
        reasons = protect({key: len(v) for key, v in values.items()}, bench.k, _hidden_cohorts(bench.cohorts))
        # The change over the institutions in both rounds, set beside this round's figure and last round's
        # (published then), gives the newcomers' total now minus the leavers' total then: no group that
        # stands on 1..k-1 newcomers plus leavers may be derivable (counted per band, so it adds up).
        movers = _movers(bench, previous, d, {key: len(v) for key, v in values.items()})
        reasons = protect({key: len(v) for key, v in values.items()}, bench.k,
                          {key: r for key, r in reasons.items() if r}, sizes=movers, primary="difference<k")
        cohort_rows += [_row(bench.cohorts[key], keys, values[key], reasons[key]) for key in bench.cohorts]
    order = list(bench.cohorts)
    cohort_rows.sort(key=lambda r: order.index(r["cohort"]))
    return inst_rows, cohort_rows
