"""`kansa conduct`: the conduct scan."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

app = typer.Typer(no_args_is_help=True)
console = Console(stderr=True)


@app.callback()
def _conduct() -> None:
    """Customer-oriented business conduct (顧客本位の業務運営): red flags, FSA common KPIs, complaints, report."""


def _parse_date(value: str | None) -> date | None:
    """--as-of as ISO (2026-03-31) or an era date (令和8年3月31日, R8.3.31)."""
    if value is None:
        return None
    from kansa.jpdate import parse_era_date

    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    try:
        parsed = parse_era_date(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{exc}") from exc
    if parsed is None:
        raise typer.BadParameter(f"日付として読めません / not a date: {value!r} (2026-03-31, 令和8年3月31日)")
    return parsed


def _fail(message: str) -> typer.Exit:
    """Print a bilingual error and return the exit to raise."""
    console.print(f"[red]{message}[/red]")
    return typer.Exit(2)


def _print_issues(issues: Any, lang: str) -> None:
    """The first load problems: file, row, column, value and message."""
    for issue in list(issues)[:20]:
        fields = [str(getattr(issue, k, "")) for k in ("table", "row", "column", "value")]
        message = getattr(issue, "message", issue)
        console.print(f"  {' / '.join(f for f in fields if f)}: {message}")


@app.command("scan")
def scan_command(
    data_dir: Path | None = typer.Argument(None, help="Folder of contract tables (CSV/xlsx/Parquet) / データフォルダ"),
    workspace: Path | None = typer.Option(None, "--workspace", "-w",
                                          help="A workspace made by `kansa load` instead of DATA_DIR / ワークスペース"),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder / 出力先フォルダ"),
    as_of: str | None = typer.Option(None, "--as-of",
                                     help="Evaluation date (default: latest positions date); ISO or 令和 / 基準日"),
    params: Path | None = typer.Option(None, "--params",
                                       help="Per-institution rule parameters (TOML or YAML) / パラメータファイル"),
    engine: str = typer.Option("duckdb", "--engine", help="duckdb (default) or spark / 実行エンジン"),
    lang: str = typer.Option("ja", "--lang", help="Report and message language: ja or en / 言語"),
    top: int = typer.Option(20, "--top", min=1, help="Flags shown per rule in the report / レポートの各ルール表示件数"),
    memory_limit: str | None = typer.Option(None, "--memory-limit",
                                            help="DuckDB memory limit, e.g. 2GB; beyond it DuckDB spills to disk"),
    temp_dir: Path | None = typer.Option(None, "--temp-dir", help="Where DuckDB spills / 一時ファイルの置き場所"),
) -> None:
    """Run the conduct red-flag rules, FSA common KPIs and complaints analysis; write the report.

    顧客本位の業務運営の検出ルール・共通KPI・苦情分析を実行し、レポートを出力します。

    Writes into OUT: flags.csv, flags.parquet, kpis.json, complaints_summary.csv, report.html, report.pdf,
    report.xlsx. Example: `kansa conduct scan --workspace ws/ --out out/` or `kansa conduct scan data/ --out out/`.
    """
    from kansa.cli.terminal import progress_bar
    from kansa.conduct.scan import ScanError, run_conduct_scan
    from kansa.contract.load import LoadFailed
    from kansa.engine import RuleError, SpecError
    from kansa.i18n import check_lang

    try:
        language = check_lang(lang)
    except ValueError as exc:
        raise _fail(str(exc)) from exc
    if engine not in ("duckdb", "spark"):
        raise _fail(f"--engine は duckdb か spark です / --engine must be duckdb or spark, not {engine!r}")
    if data_dir is not None and not data_dir.is_dir():
        raise _fail(f"データフォルダがありません / no such data folder: {data_dir}")
    if workspace is not None and not (workspace / "kansa.duckdb").is_file():
        raise _fail(f"ワークスペースではありません / not a workspace (no kansa.duckdb): {workspace}")
    if params is not None and not params.is_file():
        raise _fail(f"パラメータファイルがありません / no such parameter file: {params}")
    try:
        with progress_bar() as progress:
            result = run_conduct_scan(data_dir, workspace, out=out, as_of=_parse_date(as_of), params_file=params,
                                      engine=engine, lang=language, progress=progress, top_n=top,  # type: ignore[arg-type]
                                      memory_limit=memory_limit, temp_directory=temp_dir)
    except LoadFailed as exc:
        console.print("[red]データの検証に失敗しました / validation failed[/red]")
        _print_issues(getattr(exc, "issues", []), lang)
        raise typer.Exit(2) from exc
    except (ScanError, SpecError, RuleError) as exc:
        raise _fail(str(exc)) from exc
    n = result.flags.num_rows
    ja = language == "ja"
    console.print(("評価基準日 " if ja else "evaluation date ") + result.as_of.isoformat()
                  + (f"：指摘候補 {n:,} 件" if ja else f": {n:,} flags"))
    for name, path in result.files.items():
        console.print(f"  {name}: {path}")
