"""`kansa synth`: synthetic institutions with planted cases and their answer key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from kansa.cli.handler import new_app
from kansa.cli.options import parse_date
from kansa.cli.terminal import progress_bar
from kansa.synth.writer import EXCEL_MAX_ROWS

app = new_app(no_args_is_help=True, help="Write deterministic synthetic data with planted cases.")


def _as_of(value: str) -> dt.date:
    parsed = parse_date(value)   # ISO or era; a bad date is a usage error in the user's language
    assert parsed is not None
    return parsed


@app.command("conduct")
def conduct_command(
    out: Path = typer.Option(..., "--out", help="Folder to write the tables and answer_key.csv into."),
    customers: int = typer.Option(2_000, "--customers", min=200, help="Customers (about 10 trades each)."),
    seed: int = typer.Option(1, "--seed", help="Random seed: the same seed gives the same bytes."),
    fmt: str = typer.Option("csv", "--format", help="csv | parquet | xlsx (xlsx only for small institutions: "
                            "refused when trades would pass Excel's 1,048,575 rows, about 100,000 customers)."),
    encoding: str = typer.Option("utf-8", "--encoding", help="CSV encoding: utf-8 | cp932."),
    as_of: str = typer.Option("2026-03-31", "--as-of", help="Evaluation date: the latest positions date; "
                              "trades cover the four years before it."),
    background: str = typer.Option("realistic", "--background", help="realistic (default: untidy base rates, "
                                   "branch campaigns, nothing guarded; the answer key lists the planted cases) | "
                                   "guarded (a background no rule meets, so every flag is a planted case)."),
) -> None:
    """顧客本位の業務運営: a synthetic bank (customers, products, trades, positions, complaints, branches,
    staff) with planted red flags and near-misses for every conduct rule, and answer_key.csv."""
    from kansa.synth.conduct import estimate_trades, generate_conduct

    if fmt not in ("csv", "parquet", "xlsx"):
        raise typer.BadParameter(f"--format: csv | parquet | xlsx, not {fmt!r}")
    if encoding not in ("utf-8", "cp932"):
        raise typer.BadParameter(f"--encoding: utf-8 | cp932, not {encoding!r}")
    if background not in ("realistic", "guarded"):
        raise typer.BadParameter(f"--background: realistic | guarded, not {background!r}")
    if fmt == "xlsx" and estimate_trades(customers) > EXCEL_MAX_ROWS:
        raise typer.BadParameter(
            f"--format xlsx: {customers:,}人では取引が Excel の上限 {EXCEL_MAX_ROWS:,} 行を超えます / "
            f"{customers:,} customers give more trades than Excel's {EXCEL_MAX_ROWS:,} rows; use csv or parquet")
    with progress_bar() as bar:
        task = bar.add_task("synth conduct", total=None)
        summary = generate_conduct(out, customers=customers, seed=seed, fmt=fmt, encoding=encoding,  # type: ignore[arg-type]
                                   as_of=_as_of(as_of), background=background,  # type: ignore[arg-type]
                                   progress=lambda done, total: bar.update(task, completed=done, total=total))
    typer.echo(f"{out}: " + ", ".join(f"{k} {v:,}" for k, v in summary.rows.items()))
    typer.echo(f"answer key: {summary.answer_key}")


@app.command("cyber")
def cyber_command(
    out: Path = typer.Option(..., "--out", help="Folder for the tables, logs/ and answer_key.csv."),
    assets: int = typer.Option(120, "--assets", min=40, help="Assets in the register (before planted ones)."),
    seed: int = typer.Option(1, "--seed", help="Random seed: the same seed gives the same bytes."),
    fmt: str = typer.Option("csv", "--format", help="csv | parquet | xlsx."),
    encoding: str = typer.Option("utf-8", "--encoding", help="CSV encoding: utf-8 | cp932."),
    as_of: str = typer.Option("2026-03-31", "--as-of", help="Evaluation date."),
) -> None:
    """サイバーセキュリティ: an asset register, software, accounts, privileged-access requests, log
    reviews, backups, incidents, logs/auth.log and logs/security.jsonl, with planted cases and answer_key.csv."""
    from kansa.synth.cyber import generate_cyber

    if fmt not in ("csv", "parquet", "xlsx"):
        raise typer.BadParameter(f"--format: csv | parquet | xlsx, not {fmt!r}")
    if encoding not in ("utf-8", "cp932"):
        raise typer.BadParameter(f"--encoding: utf-8 | cp932, not {encoding!r}")
    summary = generate_cyber(out, assets=assets, seed=seed, fmt=fmt, encoding=encoding,  # type: ignore[arg-type, unused-ignore]
                             as_of=_as_of(as_of))
    typer.echo(f"{out}: " + ", ".join(f"{k} {v:,}" for k, v in summary.rows.items()))
    typer.echo(f"answer key: {summary.answer_key}")
