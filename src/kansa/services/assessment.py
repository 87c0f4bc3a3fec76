"""A self-assessment round through the one door: score, benchmark within peer groups (k-anonymous), feed back."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kansa.assessment.benchmark import Benchmark, Round, run_benchmark
from kansa.assessment.feedback import FeedbackRenderer, write_reports
from kansa.assessment.institutions import read_institutions
from kansa.assessment.outputs import write_outputs
from kansa.assessment.store import AnswerStore
from kansa.i18n import Lang
from kansa.progress import NULL_REPORTER, Reporter


@dataclass
class BenchmarkRun:
    """The benchmark of a round and the files written for it."""

    benchmark: Benchmark
    files: dict[str, Path]

    @property
    def suppressed_groups(self) -> int:
        """Peer groups with respondents but fewer than k: no statistic of theirs appears anywhere."""
        return sum(1 for c in self.benchmark.cohorts.values() if not c.published and c.n)


def benchmark_round(
    answers: Path,
    institutions: Path,
    out: Path,
    *,
    k: int = 5,
    previous: Path | None = None,
    pdf: bool = False,
    feedback: bool = True,
    lang: Lang = "ja",
    reporter: Reporter = NULL_REPORTER,
) -> BenchmarkRun:
    """Benchmark this round's answers (and the change from `previous`), write tables, overview and feedback."""
    store = AnswerStore(answers)
    current = Round(store.framework(), store.current())
    prev = None
    if previous is not None:
        pstore = AnswerStore(previous)
        prev = Round(pstore.framework(), pstore.current())
    bench = run_benchmark(current, read_institutions(institutions), k, prev)
    written = write_outputs(bench, out)
    task = reporter.task("progress_feedback", total=len(bench.scores) if feedback else 0)
    written.update(write_reports(FeedbackRenderer(bench, lang), out, pdf=pdf, feedback=feedback,
                                 advance=lambda: task.advance()))
    task.done()
    return BenchmarkRun(bench, written)
