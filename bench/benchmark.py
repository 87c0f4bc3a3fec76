"""Benchmark of the supervisor's peer benchmark: 500 institutions, cohort statistics, 500 HTML feedback reports.

    .venv/bin/python bench/benchmark.py                     # 500 institutions, kansa-regional, 3 PDFs timed
    .venv/bin/python bench/benchmark.py --institutions 1000 --pdfs 5
    .venv/bin/python bench/benchmark.py --framework fw.yaml  # e.g. the FFIEC CAT (494 statements) once imported

Steps timed separately: synthetic population (not part of the target), load of the answer store, scoring and
cohort statistics with the trend, CSV/JSON/Excel tables, the overview, 500 feedback reports in HTML (one Jinja2
environment, hand-built SVG radar), then the time per PDF report (WeasyPrint) on a few institutions.
Target (DESIGN.md): statistics and 500 HTML feedback reports within 60 s on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from kansa.assessment.benchmark import Round, run_benchmark
from kansa.assessment.feedback import FeedbackRenderer
from kansa.assessment.institutions import read_institutions
from kansa.assessment.outputs import write_outputs
from kansa.assessment.registry import resolve_framework
from kansa.assessment.store import AnswerStore
from kansa.assessment.synth import read_published_shares, synth_assessments
from kansa.reports.pdf import write_pdf

ROOT = Path(__file__).resolve().parents[1]
CSSA = ROOT.parent / "shared" / "data" / "cssa" / "cssa_published_shares.csv"
TARGET_S = 60.0


def main() -> int:
    """Run the steps, print a table and one JSON line of figures; exit 1 when the target is missed."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--institutions", type=int, default=500)
    ap.add_argument("--framework", default="kansa-regional")
    ap.add_argument("--pdfs", type=int, default=3, help="PDF reports to time (0: none)")
    ap.add_argument("--keep", type=Path, default=None, help="write into this folder and keep it")
    args = ap.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="kansa-bench-assess-"))
    fw = resolve_framework(args.framework)
    figures: dict[str, float | int | str] = {"framework": f"{fw.id} {fw.version}", "questions": len(fw.refs()),
                                             "institutions": args.institutions}
    t = time.perf_counter()
    published = read_published_shares(CSSA) if CSSA.exists() else None
    synth_assessments(fw, work / "synth", args.institutions, seed=1, published=published)
    figures["synth_s"] = time.perf_counter() - t

    started = time.perf_counter()
    t = started
    current, previous = AnswerStore(work / "synth" / "answers"), AnswerStore(work / "synth" / "previous")
    cur = Round(current.framework(), current.current())
    prev = Round(previous.framework(), previous.current()) if previous.exists() else None
    people = read_institutions(work / "synth" / "institutions.csv")
    figures["load_s"] = time.perf_counter() - t

    t = time.perf_counter()
    bench = run_benchmark(cur, people, k=5, previous=prev)
    figures["statistics_s"] = time.perf_counter() - t

    t = time.perf_counter()
    out = work / "out"
    write_outputs(bench, out)
    figures["tables_s"] = time.perf_counter() - t

    t = time.perf_counter()
    renderer = FeedbackRenderer(bench)
    (out / "overview.html").write_text(renderer.overview_html(), encoding="utf-8")
    figures["overview_s"] = time.perf_counter() - t

    t = time.perf_counter()
    folder = out / "feedback"
    folder.mkdir(exist_ok=True)
    for iid in bench.scores:
        (folder / f"{iid}.html").write_text(renderer.feedback_html(iid), encoding="utf-8")
    figures["feedback_html_s"] = time.perf_counter() - t
    figures["feedback_reports"] = len(bench.scores)
    figures["total_s"] = time.perf_counter() - started

    if args.pdfs:
        ids = list(bench.scores)[: args.pdfs]
        write_pdf(renderer.feedback_html(ids[0]), folder / "warmup.pdf")     # fonts and Pango load once
        t = time.perf_counter()
        for iid in ids:
            write_pdf(renderer.feedback_html(iid), folder / f"{iid}.pdf")
        figures["pdf_per_report_s"] = (time.perf_counter() - t) / len(ids)
        t = time.perf_counter()
        write_pdf(renderer.overview_html(), out / "overview.pdf")
        figures["overview_pdf_s"] = time.perf_counter() - t

    for key, value in figures.items():
        print(f"{key:>20}: {value:.2f}" if isinstance(value, float) else f"{key:>20}: {value}")
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}))
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"kept in {work}")
    return 0 if float(figures["total_s"]) <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
