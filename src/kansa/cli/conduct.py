"""`kansa conduct`: the conduct scan."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from kansa.cli.handler import new_app
from kansa.cli.options import AS_OF, FORMAT, LANG, OUT, PARAMS, WORKSPACE, check_file, check_source, formats, parse_date
from kansa.cli.terminal import RichReporter, progress_bar
from kansa.i18n import Lang
from kansa.messages import render

app = new_app()
console = Console(stderr=True)


@app.callback()
def _conduct() -> None:
    """Customer-oriented business conduct (顧客本位の業務運営): red flags, FSA common KPIs, complaints, report."""


@app.command("scan")
def scan_command(
    data_dir: Path | None = typer.Argument(None, help="Folder of contract tables (CSV/xlsx/Parquet) / データフォルダ"),
    workspace: Path | None = WORKSPACE,
    out: Path = OUT,
    as_of: str | None = AS_OF,
    params: Path | None = PARAMS,
    engine: str = typer.Option("duckdb", "--engine", help="duckdb (default) or spark / 実行エンジン"),
    lang: str = LANG,
    output_format: str = FORMAT,
    top: int = typer.Option(20, "--top", min=1, help="Flags shown per rule in the report / レポートの各ルール表示件数"),
    memory_limit: str | None = typer.Option(
        None, "--memory-limit",
        help="DuckDB memory limit, e.g. 2GB, for the validated load of a folder and the scan; beyond it DuckDB "
             "spills to --temp-dir (a temporary folder by default) / メモリ上限"),
    temp_dir: Path | None = typer.Option(None, "--temp-dir", help="Where DuckDB spills / 一時ファイルの置き場所"),
    spark_master: str | None = typer.Option(
        None, "--spark-master", envvar="KANSA_SPARK_MASTER",
        help="With --engine spark: master URL, e.g. spark://host:7077 (default local, or spark-submit's)"),
    spark_stage: Path | None = typer.Option(
        None, "--spark-stage", envvar="KANSA_SPARK_STAGE",
        help="With --engine spark: folder for the Parquet handed to Spark; shared storage on a cluster"),
) -> None:
    """Run the conduct red-flag rules, FSA common KPIs and complaints analysis; write the report.

    顧客本位の業務運営の検出ルール・共通KPI・苦情分析を実行し、レポートを出力します。

    Writes into OUT: flags.csv, flags.parquet, kpis.json, complaints_summary.csv, report.html, report.pdf,
    report.xlsx (choose with --format). Without --as-of the evaluation date is the latest positions date.
    Example: `kansa conduct scan --workspace ws/ --out out/` or `kansa conduct scan data/ --out out/`.
    """
    from kansa.services import run_conduct_scan
    from kansa.services.conduct import SparkOptions

    language: Lang = lang  # type: ignore[assignment]
    check_source(data_dir, workspace)
    check_file(params)
    with progress_bar() as bar:
        result = run_conduct_scan(data_dir, workspace, out=out, as_of=parse_date(as_of), params_file=params,
                                  engine=engine, lang=language, reporter=RichReporter(bar, language),  # type: ignore[arg-type]
                                  formats=formats(output_format), top_n=top, memory_limit=memory_limit,
                                  temp_directory=temp_dir, spark=SparkOptions(spark_master, spark_stage))
    console.print(render("scan_done_conduct", language, {"as_of": result.as_of.isoformat(),
                                                        "flags": result.flags.num_rows}))
    for name, path in result.files.items():
        console.print(f"  {name}: {path}")
