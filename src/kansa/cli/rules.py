"""`kansa rules`: list, show and lint the rule catalog."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.syntax import Syntax
from rich.table import Table

from kansa.cli.handler import new_app
from kansa.cli.options import LANG
from kansa.engine.catalog import domains
from kansa.engine.loader import catalog_dir, lint_file, load_catalog
from kansa.engine.spec import RuleSpec
from kansa.i18n import Lang, check_lang, pick
from kansa.messages import UsageError, render

app = new_app(
    no_args_is_help=True,
    help=("ルールカタログの一覧・内容（調書形式）・検査。List the rules, show one as a working paper "
          "(title, rationale, references, parameters, SQL), and lint rule files."),
)

_SEVERITY = {
    "high": {"ja": "高", "en": "high"}, "medium": {"ja": "中", "en": "medium"}, "low": {"ja": "低", "en": "low"},
}


def _domains(domain: str | None) -> tuple[str, ...]:
    if domain is None:
        return domains()
    if domain not in domains():
        raise typer.BadParameter(f"--domain must be one of {', '.join(domains())}, not {domain!r}")
    return (domain,)


def _catalog(domains: tuple[str, ...]) -> list[RuleSpec]:
    """Every rule of these domains; a wrong spec is a SpecError (ConfigError, exit 3) the handler prints."""
    return [s for d in domains for s in load_catalog(d)]


@app.command("list")
def list_command(
    domain: str | None = typer.Option(None, "--domain", help="conduct または cyber / only this domain"),
    lang: str = LANG,
) -> None:
    """ルールの一覧（ID・領域・対象・重要度・名称）。List every rule: id, domain, entity, severity, title."""
    lg: Lang = lang  # type: ignore[assignment]  # options.LANG validated it
    table = Table(title="ルール一覧" if lg == "ja" else "Rules")
    for head in (("ID", "ID"), ("領域", "domain"), ("対象", "entity"), ("重要度", "severity"), ("名称", "title")):
        table.add_column(head[0] if lg == "ja" else head[1])
    for spec in _catalog(_domains(domain)):
        table.add_row(spec.id, spec.domain, spec.entity_type, pick(_SEVERITY[spec.severity], lg), pick(spec.title, lg))
    Console().print(table)


@app.command("show")
def show_command(rule_id: str = typer.Argument(..., help="ルールID / rule id"), lang: str = LANG) -> None:
    """ルールを調書形式で表示（趣旨・根拠・パラメータ・SQL）。Show one rule as a working paper."""
    lg: Lang = lang  # type: ignore[assignment]  # options.LANG validated it
    spec = next((s for s in _catalog(domains()) if s.id == rule_id), None)
    if spec is None:
        raise UsageError("rule_unknown", rule_id=rule_id)
    ja = lg == "ja"
    console = Console()
    console.rule(f"[bold]{escape(pick(spec.title, lg))}[/bold]")
    console.print(f"ID: {spec.id}    {'領域' if ja else 'Domain'}: {spec.domain}    "
                  f"{'対象' if ja else 'Entity'}: {spec.entity_type}    "
                  f"{'重要度' if ja else 'Severity'}: {pick(_SEVERITY[spec.severity], lg)}")
    if spec.path is not None:
        console.print(f"{'定義ファイル' if ja else 'Spec file'}: {spec.path}")
    console.print(f"\n[bold]{'趣旨' if ja else 'Rationale'}[/bold]\n{escape(pick(spec.rationale, lg))}")
    console.print(f"\n[bold]{'根拠' if ja else 'References'}[/bold]")
    for ref in spec.references:
        console.print(f"  - {escape(ref)}")
    params = Table(title="パラメータ" if ja else "Parameters")
    for head in (("名前", "name"), ("型", "type"), ("既定値", "default"), ("範囲", "range"), ("説明", "description")):
        params.add_column(head[0] if ja else head[1])
    params.add_row("as_of", "date", "positions の最新基準日" if ja else "latest positions as_of_date", "",
                   "評価基準日（常に与えられる）" if ja else "evaluation date (always given)")
    for p in spec.params:
        default = ", ".join(p.default) if isinstance(p.default, tuple) else str(p.default)
        params.add_row(p.name, p.type, default, p.range_text(), pick(p.description, lg))
    console.print()
    console.print(params)
    console.print(f"[bold]{'参照テーブル' if ja else 'Tables'}[/bold]: {', '.join(spec.tables)}")
    console.print(f"[bold]{'指摘文' if ja else 'Reason'}[/bold]: {escape(pick(spec.reason, lg))}")
    console.print("\n[bold]SQL[/bold]")
    console.print(Syntax(spec.sql, "sql", word_wrap=True))


@app.command("lint")
def lint_command(
    files: list[Path] = typer.Argument(
        None, help="検査するルールファイル（省略時は全カタログ） / rule files; default: all"
    ),
    lang: str = LANG,
) -> None:
    """ルール定義とSQLを検査（終了コード1で誤りあり）。Lint rule files: spec fields and the portable-SQL rules."""
    paths = list(files or []) or [p for d in domains() for p in sorted(catalog_dir(d).glob("*.yaml"))]
    bad = 0
    for path in paths:
        issues = lint_file(path)
        if issues:
            bad += 1
            for issue in issues:
                typer.echo(f"{path}: [{issue.code}] {issue.message}")
    typer.echo(render("rules_lint_done", check_lang(lang), {"files": len(paths), "bad": bad}))
    if bad:
        raise typer.Exit(1)
