"""`kansa demo`: a synthetic institution through every analysis, its reports, and where to find them."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

console = Console(stderr=True)


@dataclass(frozen=True)
class Step:
    """One demo step: a label for people and the `kansa` command line that does it (or a function)."""

    label_ja: str
    label_en: str
    argv: list[str]
    outputs: list[Path]
    call: Callable[[], object] | None = None   # when set, runs instead of argv (argv is then shown only)


def _steps(out: Path, customers: int, assets: int, institutions: int, lang: str, seed: int,
           kev: Path | None = None) -> list[Step]:
    data, ws, res = out / "data", out / "workspace", out / "results"
    conduct, cyber, assess = data / "conduct", data / "cyber", data / "assessments"
    return [
        Step("合成データ（顧客本位）", "synthetic conduct data",
             ["synth", "conduct", "--out", str(conduct), "--customers", str(customers), "--seed", str(seed)],
             [conduct]),
        Step("検証・取込", "validate and load",
             ["load", str(conduct), "--workspace", str(ws), "--errors-out", str(out / "load_errors.csv"),
              "--lang", lang],
             [ws]),
        Step("顧客本位スキャン", "conduct scan",
             ["conduct", "scan", "--workspace", str(ws), "--out", str(res / "conduct"), "--lang", lang],
             [res / "conduct" / "report.pdf", res / "conduct" / "report.html", res / "conduct" / "report.xlsx"]),
        Step("合成データ（サイバー）", "synthetic cyber data",
             ["synth", "cyber", "--out", str(cyber), "--assets", str(assets), "--seed", str(seed)],
             [cyber]),
        Step("サイバー監査スキャン", "cyber scan",
             ["cyber", "scan", str(cyber), "--out", str(res / "cyber"), "--lang", lang,
              "--logs", str(cyber / "logs" / "auth.log"), "--logs", str(cyber / "logs" / "security.jsonl"),
              *(["--kev", str(kev)] if kev else [])],
             [res / "cyber" / "report.pdf", res / "cyber" / "report.html", res / "cyber" / "report.xlsx"]),
        Step("合成データ（自己評価）", "synthetic self-assessments",
             ["synth", "assessments", "--institutions", str(institutions), "--out", str(assess),
              "--seed", str(seed)],
             [assess]),
        Step("ピア・ベンチマークとフィードバック", "peer benchmark and feedback reports",
             ["assess", "benchmark", "--answers", str(assess / "answers"),
              "--institutions", str(assess / "institutions.csv"), "--previous", str(assess / "previous"),
              "--out", str(res / "assessment")],
             [res / "assessment"]),
        Step("結果還元レポート（PDF）", "feedback reports as PDF",
             ["assess", "benchmark", "...", "--pdf", "(overview and the first 3 institutions)"],
             [res / "assessment" / "overview.pdf"],
             call=lambda: _assessment_pdfs(res / "assessment", lang, 3)),
    ]


def _assessment_pdfs(result: Path, lang: str, count: int) -> None:
    """PDFs of the overview and of the first `count` feedback reports (about a second each; the rest stay HTML)."""
    from kansa.reports.pdf import write_pdf

    for html in [result / "overview.html", *sorted((result / "feedback").glob("*.html"))[:count]]:
        write_pdf(html.read_text(encoding="utf-8"), html.with_suffix(".pdf"), base_url=str(html.parent))


def demo_command(
    out: Path = typer.Option(Path("kansa-demo"), "--out", help="Folder for the data, workspace and results."),
    customers: int = typer.Option(3000, help="Customers of the synthetic institution (about 10 trades each)."),
    assets: int = typer.Option(120, help="Information assets of the synthetic institution."),
    institutions: int = typer.Option(200, help="Institutions in the synthetic self-assessment population."),
    seed: int = typer.Option(2026, help="Seed: the same seed gives the same data."),
    lang: str = typer.Option("ja", "--lang", help="Language of messages and reports: ja or en."),
    kev: Path | None = typer.Option(None, "--kev", exists=True, dir_okay=False,
                                    help="CISA KEV catalog (JSON) for the known-exploited check; skipped without it."),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="End by serving the web app on 127.0.0.1."),
) -> None:
    """Run synth -> load -> conduct scan -> cyber scan -> self-assessment benchmark, and list the results."""
    from kansa.cli import app  # imported here: the CLI imports this module

    if out.exists():
        shutil.rmtree(out)  # a demo folder is ours: start clean so old results never mix with new
    out.mkdir(parents=True)
    en = lang == "en"
    timings: list[tuple[str, float, list[Path]]] = []
    for step in _steps(out, customers, assets, institutions, lang, seed, kev):
        label = step.label_en if en else step.label_ja
        console.rule(f"[bold]{label}[/bold]")
        console.print("kansa " + " ".join(step.argv), style="dim")
        started = time.perf_counter()
        try:
            if step.call is not None:
                step.call()
            else:
                app(step.argv, standalone_mode=False)
        except SystemExit as exc:  # a sub-command may exit explicitly; only failures stop the demo
            if exc.code not in (0, None):
                console.print(f"[red]{'failed' if en else '失敗'}: {label} (exit {exc.code})[/red]")
                raise typer.Exit(1) from exc
        timings.append((label, time.perf_counter() - started, step.outputs))
    _summary(timings, out, en)
    from kansa.web.demo import run as web_demo  # Django itself starts only in child processes

    if web_demo(out, serve=serve) != 0:
        raise typer.Exit(1)


def _summary(timings: list[tuple[str, float, list[Path]]], out: Path, en: bool) -> None:
    table = Table(title="kansa demo: " + ("results" if en else "結果"))
    table.add_column("step" if en else "手順")
    table.add_column("s", justify="right")
    table.add_column("where (under " + str(out) + ")" if en else "出力先（" + str(out) + " 配下）", overflow="fold")
    for label, seconds, outputs in timings:
        table.add_row(label, f"{seconds:.1f}", "\n".join(str(p.relative_to(out)) for p in outputs if p.exists()))
    console.print(table)
    console.print(("Open the reports: " if en else "レポート: ") + str((out / "results").resolve()))
