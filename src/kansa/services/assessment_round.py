"""A self-assessment round kept in an application (the web app): the same checks, benchmark and feedback as files.

The web face stores answers in its database; this module is its one door to the assessment library, so the
web layer never re-implements option checks, scoring, k-anonymity or secondary suppression.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kansa.assessment.answers import Answer, FileResult, Submission, check_records, read_answer_file
from kansa.assessment.benchmark import OVERALL, Benchmark, Round, run_benchmark
from kansa.assessment.cohorts import cohort_keys
from kansa.assessment.errors import Problem
from kansa.assessment.feedback import FeedbackRenderer
from kansa.assessment.institutions import TYPES, Institution
from kansa.assessment.model import Framework
from kansa.assessment.registry import builtin_frameworks, resolve_framework
from kansa.assessment.template import write_template
from kansa.i18n import Lang, pick
from kansa.reports.pdf import write_pdf

ASSESSED_TYPES = TYPES   # the institution types the frameworks' peer cohorts know
WEB_SOURCE = "web"


@dataclass(frozen=True)
class Participant:
    """One institution expected to answer: code, name, type and size band."""

    code: str
    name: str
    type: str
    size_band: str


def framework_choices() -> list[tuple[str, str]]:
    """Built-in frameworks as (spec `id@version`, title in Japanese), newest first."""
    fws = {k: fw for k, fw in builtin_frameworks().items() if "@" in k}
    return sorted(((k, f"{pick(fw.title, 'ja')} ({fw.version})") for k, fw in fws.items()), reverse=True)


def framework(spec: str) -> Framework:
    """The framework of a round, from its spec (`kansa-regional@2026.1`)."""
    return resolve_framework(spec)


def check_answers(fw: Framework, institution_id: str, answers: Mapping[str, Mapping[str, str]], *,
                  complete: bool, source: str = WEB_SOURCE) -> tuple[Submission | None, list[Problem]]:
    """Check answers typed in a form: options from the framework, known questions, every question when `complete`.

    `answers` maps question id -> {"value", "comment"}; a blank value is not answered. Returns the submission
    (None when any problem) and every problem, named by question.
    """
    body = repr(sorted((q, dict(a)) for q, a in answers.items())).encode("utf-8")
    # every question of the framework as a record (blank = not answered), then questions the framework lacks
    qids = [r.question.id for r in fw.refs()]
    qids += [q for q in answers if q not in set(qids)]
    blank: Mapping[str, str] = {}
    records = [(i + 1, {"institution_id": institution_id, "question_id": q, "answer": answers.get(q, blank).get(
        "value", ""), "comment": answers.get(q, blank).get("comment", "")}) for i, q in enumerate(qids)]
    subs, problems = check_records(records, fw, source, hashlib.sha256(body).hexdigest(), "web")
    if complete:
        given = {q for q, a in answers.items() if (a.get("value") or "").strip()}
        problems += [Problem(source, "assess_round_unanswered", question=r.question.id)
                     for r in fw.refs() if r.question.id not in given]
        problems += [Problem(source, "assess_round_na_needs_comment", question=q)
                     for q, a in answers.items()
                     if _is_na(fw, q, a.get("value", "")) and not a.get("comment", "").strip()]
    return (subs[0] if subs and not problems else None), problems


def _is_na(fw: Framework, qid: str, value: str) -> bool:
    ref = fw.question_index().get(qid)
    opt = ref.question.answers.option(value) if ref else None
    return opt is not None and opt.is_na


def read_workbook(path: Path, fw: Framework, institution_id: str, lang: Lang = "ja") -> FileResult:
    """Read an uploaded answer workbook with the importer's checks; a workbook for another institution is refused."""
    result = read_answer_file(path, fw, lang)
    if len(result.submissions) > 1:
        result.problems.append(Problem(path.name, "assess_round_one_institution"))
    for sub in result.submissions:
        if sub.institution_id != institution_id:
            result.problems.append(Problem(path.name, "assess_round_other_institution",
                                           {"other": sub.institution_id, "own": institution_id}))
    if result.problems:
        result.submissions = []
    return result


def blank_workbook(fw: Framework, institution_id: str, name: str, lang: Lang = "ja") -> bytes:
    """The answer workbook of one institution (drop-downs, protection, sealed metadata) as bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        out = write_template(fw, institution_id, Path(tmp) / "answers.xlsx", lang, name)
        return out.read_bytes()


def submission(fw: Framework, institution_id: str, answers: Mapping[str, Mapping[str, str]], source: str,
               sha256: str, fmt: str) -> Submission:
    """A stored submission (already checked when it was received) as the benchmark reads it."""
    return Submission(institution_id, fw.id, fw.version, "", {
        q: Answer(a.get("value", ""), a.get("comment", ""), a.get("evidence", "")) for q, a in answers.items()},
        source, sha256, fmt)


def benchmark(fw: Framework, participants: list[Participant], submissions: Mapping[str, Submission],
              k: int) -> Benchmark:
    """Score and benchmark the submitted answers within peer cohorts (k-anonymity, secondary suppression)."""
    population = [Institution(p.code, p.name, p.type, p.size_band) for p in participants if p.type in ASSESSED_TYPES]
    return run_benchmark(Round(fw, dict(submissions)), population, k)


def renderer(bench: Benchmark, lang: Lang, round_label: str) -> FeedbackRenderer:
    """The feedback renderer of one benchmark (one per request)."""
    return FeedbackRenderer(bench, lang, round_label)


def own_cohort_statistics(bench: Benchmark, institution_id: str, lang: Lang) -> list[dict[str, Any]]:
    """The published statistics of the cohorts one institution belongs to; suppressed cells stay blank.

    What an institution may see: its own cohorts only, and a figure only where the k rule and secondary
    suppression (already applied by the benchmark) publish it.
    """
    inst = bench.institutions[institution_id]
    titles = {d.id: pick(d.title, lang) for d in bench.framework.domains} | {OVERALL: "総合" if lang == "ja" else
                                                                            "Overall"}
    out = []
    for key in dict.fromkeys(cohort_keys(inst).values()):
        cohort = bench.cohorts[key]
        for d, title in titles.items():
            row = bench.domain_stat(key, d)
            if row is None:
                continue
            shown = not row["suppressed"]
            out.append({"cohort": pick(cohort.label, lang), "domain": title, "published": shown,
                        "n": row["n"] if shown else None, "median": row["median"] if shown else None,
                        "q1": row["q1"] if shown else None, "q3": row["q3"] if shown else None})
    return out


def feedback_pdf(bench: Benchmark, institution_id: str, lang: Lang, round_label: str) -> bytes:
    """One institution's feedback report as PDF bytes (the same report the CLI writes)."""
    html = renderer(bench, lang, round_label).feedback_html(institution_id)
    with tempfile.TemporaryDirectory() as tmp:
        return write_pdf(html, Path(tmp) / "feedback.pdf").read_bytes()


def suppressed_groups(bench: Benchmark) -> int:
    """Peer groups with respondents but fewer than k (or hidden to stop subtraction)."""
    return sum(1 for c in bench.cohorts.values() if not c.published and c.n)
