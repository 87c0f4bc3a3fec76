"""`kansa demo`: a synthetic institution through every analysis, its reports, and where to find them."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from kansa.cli.options import KEV, LANG, kev_catalog
from kansa.cli.terminal import RichReporter, progress_bar
from kansa.i18n import Lang
from kansa.messages import render
from kansa.web.demo import run as web_demo

console = Console(stderr=True)


def demo_command(
    out: Path = typer.Option(Path("kansa-demo"), "--out", help="Folder for the data, workspace and results."),
    customers: int = typer.Option(3000, help="Customers of the synthetic institution (about 10 trades each)."),
    assets: int = typer.Option(120, help="Information assets of the synthetic institution."),
    institutions: int = typer.Option(200, help="Institutions in the synthetic self-assessment population."),
    seed: int = typer.Option(2026, help="Seed: the same seed gives the same data."),
    lang: str = LANG,
    kev: str = KEV,
    serve: bool = typer.Option(True, "--serve/--no-serve", help="End by serving the web app on 127.0.0.1 "
                                                                "(only from a terminal)."),
) -> None:
    """Run synth -> load -> conduct scan -> cyber scan -> self-assessment benchmark, and list the results.

    合成データで全工程（取込・顧客本位スキャン・サイバー監査スキャン・自己評価ベンチマーク）を実行します。
    The same calls as the commands (`kansa.services`); OUT is emptied first.
    """
    from kansa.services.demo import DemoSettings, run_demo

    language: Lang = lang  # type: ignore[assignment]
    kev_file = kev_catalog(kev)
    settings = DemoSettings(out, customers, assets, institutions, seed, language, kev_file)
    rows: list[tuple[str, float, list[Path]]] = []
    with progress_bar(transient=True) as bar:
        for step in run_demo(settings, RichReporter(bar, language)):
            label = render(step.code, language)
            bar.console.print(f"[bold]{label}[/bold]  {step.seconds:.1f} s")
            rows.append((label, step.seconds, step.outputs))
    _summary(rows, out, language == "en")
    if web_demo(out, serve=serve) != 0:  # the web database from the same results (Django in child processes)
        raise typer.Exit(1)


def _summary(rows: list[tuple[str, float, list[Path]]], out: Path, en: bool) -> None:
    table = Table(title="kansa demo: " + ("results" if en else "結果"))
    table.add_column("step" if en else "手順")
    table.add_column("s", justify="right")
    table.add_column("where (under " + str(out) + ")" if en else "出力先（" + str(out) + " 配下）", overflow="fold")
    for label, seconds, outputs in rows:
        table.add_row(label, f"{seconds:.1f}", "\n".join(str(p.relative_to(out)) for p in outputs))
    console.print(table)
    console.print(("Open the reports: " if en else "レポート: ") + str((out / "results").resolve()))
