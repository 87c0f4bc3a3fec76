"""`kansa demo` as a library call: a synthetic institution through every analysis and its audit year, timed."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kansa.assessment.registry import resolve_framework
from kansa.assessment.synth import synth_assessments
from kansa.i18n import Lang
from kansa.progress import NULL_REPORTER, Reporter
from kansa.reports.pdf import write_pdf
from kansa.services.assessment import benchmark_round
from kansa.services.audit import audit_demo
from kansa.services.conduct import run_conduct_scan
from kansa.services.cyber import run_cyber_scan
from kansa.services.load import load_into_workspace
from kansa.synth.conduct import generate_conduct
from kansa.synth.cyber import generate_cyber


@dataclass(frozen=True)
class DemoSettings:
    """Sizes, seed and language of a demo run."""

    out: Path
    customers: int = 3000
    assets: int = 120
    institutions: int = 200
    seed: int = 2026
    lang: Lang = "ja"
    kev: Path | None = Path("bundled")  # the KEV snapshot shipped with kansa


@dataclass
class StepDone:
    """One finished step: its message code (the label), seconds taken and the outputs it made."""

    code: str
    seconds: float
    outputs: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class _Step:
    code: str
    run: Callable[[], object]
    outputs: list[Path]


def _steps(s: DemoSettings, reporter: Reporter) -> list[_Step]:

    data, ws, res = s.out / "data", s.out / "workspace", s.out / "results"
    conduct, cyber, assess = data / "conduct", data / "cyber", data / "assessments"
    logs = [cyber / "logs" / "auth.log", cyber / "logs" / "security.jsonl"]

    def pdfs() -> None:  # the overview and three feedback reports as PDF (about a second each)
        folder = res / "assessment"
        for html in [folder / "overview.html", *sorted((folder / "feedback").glob("*.html"))[:3]]:
            write_pdf(html.read_text(encoding="utf-8"), html.with_suffix(".pdf"), base_url=str(html.parent))

    reports = ("report.pdf", "report.html", "report.xlsx")
    return [
        _Step("demo_synth_conduct", lambda: generate_conduct(conduct, customers=s.customers, seed=s.seed), [conduct]),
        _Step("demo_load", lambda: load_into_workspace(conduct, ws, lang=s.lang, reporter=reporter), [ws]),
        _Step("demo_conduct_scan", lambda: run_conduct_scan(workspace=ws, out=res / "conduct", lang=s.lang,
                                                            reporter=reporter),
              [res / "conduct" / r for r in reports]),
        _Step("demo_synth_cyber", lambda: generate_cyber(cyber, assets=s.assets, seed=s.seed), [cyber]),
        _Step("demo_cyber_scan", lambda: run_cyber_scan(cyber, out=res / "cyber", logs=logs, kev=s.kev,
                                                        lang=s.lang, reporter=reporter),
              [res / "cyber" / r for r in reports]),
        _Step("demo_synth_assessments",
              lambda: synth_assessments(resolve_framework("kansa-regional"), assess, s.institutions, s.seed),
              [assess]),
        _Step("demo_benchmark", lambda: benchmark_round(assess / "answers", assess / "institutions.csv",
                                                        res / "assessment", previous=assess / "previous",
                                                        lang=s.lang, reporter=reporter),
              [res / "assessment"]),
        _Step("demo_feedback_pdf", pdfs, [res / "assessment" / "overview.pdf"]),
        _Step("demo_audit", lambda: audit_demo(res / "audit", workspace=ws, cyber_data=cyber,
                                               conduct_scan=res / "conduct", cyber_scan=res / "cyber", lang=s.lang),
              [res / "audit" / "demo.json",
               *(res / "audit" / f"board_report_FY2025Q3.{x}" for x in ("pdf", "html", "xlsx"))]),
    ]


def run_demo(settings: DemoSettings, reporter: Reporter = NULL_REPORTER) -> Iterator[StepDone]:
    """Run every step into a fresh `settings.out` (a demo folder is ours: old results never mix with new)."""
    if settings.out.exists():
        shutil.rmtree(settings.out)
    settings.out.mkdir(parents=True)
    for step in _steps(settings, reporter):
        started = time.perf_counter()
        step.run()
        yield StepDone(step.code, time.perf_counter() - started, [p for p in step.outputs if p.exists()])
