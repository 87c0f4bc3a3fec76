"""`kansa audit`: the third line's own work — universe, explained risk, plan checks, board report.

The only audit module that imports Typer or Rich; the work is done in kansa.audit.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from kansa.cli.handler import new_app
from kansa.cli.options import LANG, check_file, parse_date
from kansa.i18n import Lang

app = new_app(
    rich_markup_mode="markdown",
    help=(
        "内部監査の運営: 監査対象（ユニバース）、データに基づくリスク評価、年度計画のチェック、監査委員会報告。\n\n"
        "Internal audit management. Flow: `kansa audit universe --workspace ws/ --book book.json` -> "
        "`kansa audit risk --book book.json --workspace ws/ --conduct-scan out/conduct --cyber-scan out/cyber` -> "
        "`kansa audit plan-check --book book.json --fiscal-year 2025` -> "
        "`kansa audit board-report --fiscal-year 2025 --quarter 3 --book book.json --out report/`. "
        "`kansa audit demo --book book.json` writes a synthetic year of audit activity. "
        "The book is one JSON file per institution (docs/audit.md)."
    ),
)
err = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)

BOOK_OPT = typer.Option(..., "--book", help="監査ブック（JSON、機関ごとに1ファイル） / the audit book file.")
WS_OPT = typer.Option(None, "--workspace", help="kansa load のワークスペース / a workspace from kansa load.")
CONDUCT_OPT = typer.Option(None, "--conduct-scan", help="kansa conduct scan の出力フォルダ / conduct scan output.")
CYBER_OPT = typer.Option(None, "--cyber-scan", help="kansa cyber scan の出力フォルダ / cyber scan output.")
ASSESS_OPT = typer.Option(None, "--assessment", help="kansa assess benchmark の出力フォルダ / benchmark output.")
INST_OPT = typer.Option(None, "--institution-id", help="自己評価での自機関のID / own id in the self-assessment.")
WEIGHTS_OPT = typer.Option(None, "--weights", help="リスク重みのYAML（既定値に上書き） / YAML overriding weights.")
ASOF_OPT = typer.Option(None, "--as-of", help="基準日 2026-01-15 または 令和8年1月15日（既定: 今日） / "
                                             "evaluation date, ISO or era (default today).")


def _store(book: Path) -> Any:
    from kansa.audit.store import JsonBookStore

    return JsonBookStore(book.parent)


def _load(book: Path) -> Any:
    return _store(book).load(book.stem)


def _as_of(value: str | None) -> date:
    return parse_date(value) or date.today()  # a plan or follow-up is judged as of today unless told


@app.command("universe")
def universe_command(
    workspace: Path = typer.Option(..., "--workspace", help="kansa load のワークスペース / a workspace."),
    book: Path = BOOK_OPT,
    cyber_data: Path = typer.Option(None, "--cyber-data", help="資産台帳（assets.csv, software.csv）のフォルダ / "
                                    "folder with the asset register."),
    who: str = typer.Option("cli", "--who", help="操作者（証跡に記録） / who (kept in the trail)."),
    lang: str = LANG,
) -> None:
    """監査ユニバースを作成・追加（編集済みの対象は保持） / Build the audit universe from a workspace.

    Branches and business lines (branches, staff), product types and complex/caution products (products),
    systems and third parties (asset register), the fixed processes and themes. Entities already in the book
    keep their edits; new ones are added. The book is created when missing.
    """
    from kansa.audit.universe import build_universe

    b = _load(book)
    events = build_universe(workspace, b, who=who, cyber_data=cyber_data)
    _store(book).save(b)
    kinds: dict[str, int] = {}
    for e in b.entities.values():
        kinds[e.kind] = kinds.get(e.kind, 0) + 1
    out.print(f"{book}: +{len(events)} → {len(b.entities)} " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))


@app.command("risk")
def risk_command(
    book: Path = BOOK_OPT, workspace: Path = WS_OPT, conduct_scan: Path = CONDUCT_OPT, cyber_scan: Path = CYBER_OPT,
    assessment: Path = ASSESS_OPT, institution_id: str = INST_OPT, weights: Path = WEIGHTS_OPT,
    as_of: str = ASOF_OPT,
    top: int = typer.Option(20, "--top", help="表示する件数 / how many entities to show."),
    lang: str = LANG,
) -> None:
    """リスク評価（判断＋データのシグナル、根拠つき） / Score every entity's risk and say why.

    Score per side = judgement (1-5) + sum of min(cap, weight x signal), clamped to 1..5; overall =
    inherent x control; rating high/medium/low by the thresholds in the weights file. Each line lists the
    signals with their values, their part of the score and the scan file they came from.
    """
    from kansa.audit.risk import assess, collect_signals, load_weights

    b = _load(book)
    signals = collect_signals(workspace, conduct_scan, cyber_scan, assessment, institution_id)
    scores = assess(b, signals, (load_weights(weights)), _as_of(as_of))
    table = Table("entity", "inh.", "ctl.", "score", "rating", "signals (value → part, source)")
    for s in sorted(scores.values(), key=lambda s: (-s.overall, s.entity_id))[:top]:
        why = "\n".join(f"{x.name}={x.value:g} → +{x.contribution:g} ({x.detail}; {x.source})"
                        for x in s.signals if x.contribution or x.value)
        if s.overridden:
            why += f"\noverride: {s.overridden.reason} ({s.overridden.by})"
        table.add_row(s.entity_id, f"{s.inherent:g}", f"{s.control:g}", f"{s.overall:g}", s.rating, why)
    out.print(table)


@app.command("plan-check")
def plan_check_command(
    book: Path = BOOK_OPT,
    fiscal_year: int = typer.Option(..., "--fiscal-year", help="年度（4月始まり） / fiscal year (April-March)."),
    workspace: Path = WS_OPT, conduct_scan: Path = CONDUCT_OPT, cyber_scan: Path = CYBER_OPT,
    assessment: Path = ASSESS_OPT, institution_id: str = INST_OPT, weights: Path = WEIGHTS_OPT,
    as_of: str = ASOF_OPT, lang: str = LANG,
) -> None:
    """年度計画のチェック / Check the annual plan and say what is wrong, in words.

    Checks: cybersecurity not covered; a high-risk entity past its audit cycle and not in the plan; no theme,
    culture or business-model audit; more auditor days than capacity; a system audit with neither a system
    auditor nor a co-source partner. Exit status 0 when the plan passes, 1 when any check fires.
    """
    from kansa.audit.plan import check_plan, get_plan
    from kansa.audit.risk import assess, collect_signals, load_weights

    lg: Lang = lang  # type: ignore[assignment]
    check_file(book)  # a plan is checked in a book that exists (universe and demo may start a new one)
    b = _load(book)
    plan = get_plan(b, fiscal_year)
    signals = collect_signals(workspace, conduct_scan, cyber_scan, assessment, institution_id)
    scores = assess(b, signals, (load_weights(weights)), _as_of(as_of))
    checks = check_plan(b, plan, scores)
    for c in checks:
        out.print(f"[yellow]![/yellow] {c.render(lg)}", highlight=False)
    if not checks:
        passed = "計画チェックはすべて満たしています" if lg == "ja" else "the plan passes every check"
        out.print(f"[green]✓[/green] {passed}")
    raise typer.Exit(1 if checks else 0)


@app.command("board-report")
def board_report_command(
    fiscal_year: int = typer.Option(..., "--fiscal-year", help="年度（4月始まり） / fiscal year (April-March)."),
    quarter: int = typer.Option(None, "--quarter", min=1, max=4, help="四半期 1-4（省略で通期） / quarter, or "
                                "the full year when left out."),
    book: Path = BOOK_OPT,
    out_dir: Path = typer.Option(..., "--out", help="出力フォルダ / output folder."),
    conduct_scan: Path = CONDUCT_OPT, cyber_scan: Path = CYBER_OPT,
    assessment: Path = ASSESS_OPT, institution_id: str = INST_OPT,
    lang: str = LANG,
) -> None:
    """監査委員会報告（PDF・Excel） / Write the quarterly or annual audit-committee report.

    Plan progress, findings by severity and age, overdue findings with their true cause, recurring root
    causes, and the conduct and cyber posture from the latest scans and the self-assessment.
    """
    from kansa.audit.report import posture, write_board_report
    from kansa.audit.risk import assessment_gaps

    lg: Lang = lang  # type: ignore[assignment]
    check_file(book)
    b = _load(book)
    gaps = assessment_gaps(assessment, institution_id) if assessment is not None and institution_id else {}
    files = write_board_report(b, out_dir, fiscal_year, quarter, lg, posture(conduct_scan, cyber_scan, gaps))
    for path in files.values():
        out.print(f"[green]✓[/green] {path}")


@app.command("demo")
def demo_command(book: Path = BOOK_OPT, lang: str = LANG) -> None:
    """合成の1年分の監査活動を書き出す / Write a synthetic year of audit activity to a book.

    Fiscal year 2025: an approved plan, six engagements, findings in every status, some overdue and one
    recurring root cause (culture and incentives at one branch, across two engagements).
    """
    from kansa.audit.demo import demo_book

    b = demo_book(institution=book.stem)
    _store(book).save(b)
    out.print(f"[green]✓[/green] {book}: {len(b.engagements)} engagements, {len(b.findings)} findings")
