"""`kansa cyber`: the cyber audit scan (parse-logs is registered from cyber.logs.cli)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from kansa.cli.handler import new_app
from kansa.cli.options import (
    AS_OF,
    FORMAT,
    KEV,
    LANG,
    OUT,
    PARAMS,
    WORKSPACE,
    check_file,
    check_source,
    formats,
    kev_catalog,
    parse_date,
)
from kansa.cli.terminal import RichReporter, progress_bar
from kansa.i18n import Lang
from kansa.messages import UsageError

app = new_app()
console = Console(stderr=True)

SCAN_HELP = """Run the 16 cyber rules on an institution's registers and real logs; write flags and reports.

サイバー監査分析: 情報資産台帳・ソフトウェア・特権ID・申請・ログレビュー・バックアップ・インシデントの
各表（DATA_DIR または --workspace）と実ログ（--logs）を突き合わせ、16の検証項目を実行する。

Writes to --out: flags.csv, flags.parquet, report.html, report.pdf, report.xlsx (one sheet per rule).
access_events come from --logs (Windows .evtx / JSON lines / zip, Linux auth.log; parsed here) and/or an
access_events table in the data. Software is matched to the CISA KEV snapshot shipped with kansa (`kansa kev
info` shows its date; --kev FILE for a newer known_exploited_vulnerabilities.json, --kev none to skip the KEV
rule, which the report then says); uncertain matches go to kev_review.csv for a person to decide.
Without --as-of the evaluation date is the latest date found in the registers (never today's date).

Example: kansa cyber scan data/cyber --out out/cyber --logs data/cyber/logs/auth.log
--logs data/cyber/logs/security.jsonl --kev known_exploited_vulnerabilities.json --lang ja
"""


@app.command("scan", help=SCAN_HELP)
def scan_command(
    data_dir: Path | None = typer.Argument(None, help="Folder of cyber contract tables (CSV/xlsx/Parquet)."),
    workspace: Path | None = WORKSPACE,
    out: Path = OUT,
    logs: list[Path] = typer.Option([], "--logs", help="Log file to parse into access_events (repeatable)."),
    kev: str = KEV,
    kev_aliases: list[Path] = typer.Option([], "--kev-aliases", help="The institution's KEV alias file(s) "
                                                                     "(see docs/kev.md; repeatable)."),
    params: Path | None = PARAMS,
    as_of: str | None = AS_OF,
    year: int | None = typer.Option(None, "--year", help="Year of the first syslog line (auth.log has none)."),
    tz: str = typer.Option("Asia/Tokyo", "--tz", help="Time zone the syslog times are written in."),
    no_pdf: bool = typer.Option(False, "--no-pdf", help="Skip report.pdf (same as leaving pdf out of --format)."),
    output_format: str = FORMAT,
    lang: str = LANG,
) -> None:
    """Run the cyber audit scan."""
    from kansa.services import run_cyber_scan

    language: Lang = lang  # type: ignore[assignment]
    check_source(data_dir, workspace)
    check_file(params)
    kev_file = kev_catalog(kev)
    for path in kev_aliases:
        check_file(path)
    for path in logs:
        if not path.exists():
            raise UsageError("file_missing", path=str(path))
    chosen = [f for f in formats(output_format) if not (no_pdf and f == "pdf")]
    with progress_bar() as bar:
        scan = run_cyber_scan(data_dir, workspace, out=out, logs=logs, kev=kev_file, params=params,
                              as_of=parse_date(as_of), lang=language, year=year, tz=tz,
                              reporter=RichReporter(bar, language), formats=chosen, kev_aliases=kev_aliases)
    _print_summary(scan, language == "en")


def _print_summary(scan: object, en: bool) -> None:
    from kansa.cyber.scan import CyberScan
    from kansa.engine.catalog import catalog

    assert isinstance(scan, CyberScan)
    rows = scan.flags.column("rule_id").to_pylist()
    table = Table(title=("cyber scan: findings as of " if en else "サイバー監査スキャン: 指摘件数 基準日 ")
                  + scan.as_of.isoformat())
    table.add_column("area" if en else "領域")
    table.add_column("rule")
    table.add_column("n", justify="right")
    home = catalog("cyber")
    for area in home.areas:
        for rule in sorted((r for r in scan.rules if r.area == area.id), key=lambda r: r.id):
            n = "skipped" if rule.id in scan.skipped else str(rows.count(rule.id))
            table.add_row(area.title["en" if en else "ja"], rule.id, n)
    console.print(table)
    if scan.logs.errors:
        console.print(f"{'corrupt log records' if en else '破損ログレコード'}: {len(scan.logs.errors)}")
    for name, path in scan.files.items():
        console.print(f"{name}: {path}")
