"""`kansa cyber`: the cyber audit scan (parse-logs is registered from cyber.logs.cli)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from kansa.i18n import check_lang

app = typer.Typer(no_args_is_help=True)
console = Console(stderr=True)

SCAN_HELP = """Run the 16 cyber rules on an institution's registers and real logs; write flags and reports.

サイバー監査分析: 情報資産台帳・ソフトウェア・特権ID・申請・ログレビュー・バックアップ・インシデントの
各表（DATA_DIR または --workspace）と実ログ（--logs）を突き合わせ、16の検証項目を実行する。

Writes to --out: flags.csv, flags.parquet, report.html, report.pdf, report.xlsx (one sheet per rule).
access_events come from --logs (Windows .evtx / JSON lines / zip, Linux auth.log; parsed here) and/or an
access_events table in the data. Without --kev (CISA's known_exploited_vulnerabilities.json) the KEV rule is
skipped and the report says so. Without --as-of the evaluation date is the latest date found in the data.

Example: kansa cyber scan data/cyber --out out/cyber --logs data/cyber/logs/auth.log
--logs data/cyber/logs/security.jsonl --kev known_exploited_vulnerabilities.json --lang ja
"""


def _as_of(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"--as-of は YYYY-MM-DD / must be YYYY-MM-DD, not {value!r}") from exc


@app.command("scan", help=SCAN_HELP)
def scan_command(
    data_dir: Path | None = typer.Argument(None, help="Folder of cyber contract tables (CSV/xlsx/Parquet)."),
    workspace: Path | None = typer.Option(None, "--workspace", help="A loaded workspace instead of DATA_DIR."),
    out: Path = typer.Option(..., "--out", help="Output folder for flags and reports."),
    logs: list[Path] = typer.Option([], "--logs", help="Log file to parse into access_events (repeatable)."),
    kev: Path | None = typer.Option(None, "--kev", help="CISA KEV catalog (JSON or CSV); without it the KEV rule "
                                                        "is skipped."),
    params: Path | None = typer.Option(None, "--params", help="Rule parameters per institution (TOML or YAML)."),
    as_of: str | None = typer.Option(None, "--as-of", help="Evaluation date YYYY-MM-DD (default: latest date in "
                                                           "the data)."),
    year: int | None = typer.Option(None, "--year", help="Year of the first syslog line (auth.log has none)."),
    tz: str = typer.Option("Asia/Tokyo", "--tz", help="Time zone the syslog times are written in."),
    no_pdf: bool = typer.Option(False, "--no-pdf", help="Skip report.pdf (faster)."),
    lang: str = typer.Option("ja", "--lang", help="Language of reasons and reports: ja or en."),
) -> None:
    """Run the cyber audit scan."""
    from kansa.cli.terminal import progress_bar
    from kansa.contract.load import LoadFailed
    from kansa.cyber.kev import KevFileError
    from kansa.cyber.scan import run_cyber_scan
    from kansa.engine import SpecError

    try:
        language = check_lang(lang)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    when = _as_of(as_of)
    en = language == "en"
    if (data_dir is None) == (workspace is None):
        raise typer.BadParameter("DATA_DIR か --workspace の一方を指定 / give DATA_DIR or --workspace, not both")
    for path in logs:
        if not path.exists():
            raise typer.BadParameter(f"ログファイルがありません / log file not found: {path}")
    try:
        with progress_bar() as progress:
            scan = run_cyber_scan(data_dir, workspace, out=out, logs=logs, kev=kev, params=params,
                                  as_of=when, lang=language, year=year, tz=tz, progress=progress,
                                  pdf=not no_pdf)
    except LoadFailed as exc:
        issues = [i for i in getattr(exc, "issues", []) if getattr(i, "level", "error") == "error"]
        for issue in issues[:50]:
            where = " / ".join(str(getattr(issue, k)) for k in ("table", "row", "column", "value")
                               if getattr(issue, k, None) not in (None, ""))
            console.print(f"[red]  {where}: {getattr(issue, 'message', issue)}[/red]")
        console.print(f"[red]{'load failed' if en else '取込に失敗しました'} ({len(issues)}): "
                      f"{'fix the input and run again' if en else '入力を修正して再実行してください'}[/red]")
        raise typer.Exit(1) from exc
    except (KevFileError, SpecError, ValueError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    _print_summary(scan, en)


def _print_summary(scan: object, en: bool) -> None:
    from kansa.cyber.report import AREAS
    from kansa.cyber.scan import CyberScan

    assert isinstance(scan, CyberScan)
    rows = scan.flags.column("rule_id").to_pylist()
    table = Table(title=("cyber scan: findings as of " if en else "サイバー監査スキャン: 指摘件数 基準日 ")
                  + scan.as_of.isoformat())
    table.add_column("area" if en else "領域")
    table.add_column("rule")
    table.add_column("n", justify="right")
    for _area, title, rule_ids in AREAS:
        for rid in rule_ids:
            n = "skipped" if rid in scan.skipped else str(rows.count(rid))
            table.add_row(title["en" if en else "ja"], rid, n)
    console.print(table)
    if scan.logs.errors:
        console.print(f"{'corrupt log records' if en else '破損ログレコード'}: {len(scan.logs.errors)}")
    for name, path in scan.files.items():
        console.print(f"{name}: {path}")
