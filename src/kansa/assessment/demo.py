"""The self-assessment part of `kansa demo`: a synthetic population through benchmark and reports."""

from __future__ import annotations

from pathlib import Path

from kansa.assessment.benchmark import Round, run_benchmark
from kansa.assessment.feedback import FeedbackRenderer, write_reports
from kansa.assessment.institutions import read_institutions
from kansa.assessment.outputs import write_outputs
from kansa.assessment.registry import DEFAULT_FRAMEWORK, resolve_framework
from kansa.assessment.store import AnswerStore
from kansa.assessment.synth import synth_assessments
from kansa.i18n import Lang
from kansa.reports.pdf import write_pdf
from kansa.safepath import safe_name


def run_assessment_demo(out: Path, institutions: int = 500, seed: int = 1, lang: Lang = "ja",
                        pdfs: int = 1) -> dict[str, Path]:
    """Synthesise answers (built-in priors), benchmark them, write tables, the overview and feedback reports.

    `pdfs` feedback reports (and the overview) are also written as PDF; the rest stay HTML (about a second
    per PDF). Returns the main files: overview, one feedback report, the Excel tables.
    """
    fw = resolve_framework(DEFAULT_FRAMEWORK)
    synth_assessments(fw, out / "synth", institutions, seed)
    current, previous = AnswerStore(out / "synth" / "answers"), AnswerStore(out / "synth" / "previous")
    bench = run_benchmark(Round(current.framework(), current.current()),
                          read_institutions(out / "synth" / "institutions.csv"), k=5,
                          previous=Round(previous.framework(), previous.current()) if previous.exists() else None)
    result = out / "benchmark"
    written = write_outputs(bench, result)
    renderer = FeedbackRenderer(bench, lang)
    written.update(write_reports(renderer, result))
    main = {"overview.html": result / "overview.html", "benchmark.xlsx": written["benchmark.xlsx"]}
    if pdfs:
        main["overview.pdf"] = write_pdf(renderer.overview_html(), result / "overview.pdf")
        for iid in list(bench.scores)[:pdfs]:
            name = safe_name(iid)
            main[f"feedback/{name}.pdf"] = write_pdf(renderer.feedback_html(iid), result / "feedback" / f"{name}.pdf")
    first = safe_name(next(iter(bench.scores)))
    main[f"feedback/{first}.html"] = result / "feedback" / f"{first}.html"
    return main
