"""Options every command shares, parsed one way: --lang, era-aware dates, a data folder or a workspace."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from kansa.cli.handler import CURRENT_LANG
from kansa.i18n import LANGS, Lang
from kansa.messages import UsageError, render


def set_lang(value: str) -> Lang:
    """Check --lang and make it the language of every later message (errors included)."""
    if value not in LANGS:
        raise typer.BadParameter("ja / en")
    CURRENT_LANG.set(value)
    return value


LANG = typer.Option(CURRENT_LANG.get(), "--lang", callback=set_lang, is_eager=True,
                    help="Language of messages and reports: ja or en (env KANSA_LANG) / 言語")


def parse_date(value: str | None) -> date | None:
    """A date as ISO (2026-03-31) or an era date (令和8年3月31日, R8.3.31); None stays None."""
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
        raise typer.BadParameter(render("cli_not_a_date", CURRENT_LANG.get(), {"value": value}))
    return parsed


AS_OF = typer.Option(None, "--as-of", help="Evaluation date, ISO or era (2026-03-31, 令和8年3月31日) / 評価基準日")
WORKSPACE = typer.Option(None, "--workspace", "-w", help="A workspace made by `kansa load` instead of DATA_DIR")
OUT = typer.Option(..., "--out", "-o", help="Output folder / 出力先フォルダ")
PARAMS = typer.Option(None, "--params", help="Per-institution rule parameters (TOML or YAML) / パラメータファイル")
FORMAT = typer.Option("csv,parquet,html,pdf,xlsx", "--format",
                      help="Outputs to write, comma-separated subset of csv,parquet,html,pdf,xlsx "
                           "(kpis.json and complaints_summary.csv are always written) / 出力形式")


def check_source(data_dir: Path | None, workspace: Path | None) -> None:
    """Exactly one of DATA_DIR and --workspace, and it exists."""
    if (data_dir is None) == (workspace is None):
        raise UsageError("source_one_of")
    if data_dir is not None and not data_dir.is_dir():
        raise UsageError("data_dir_missing", path=str(data_dir))
    if workspace is not None and not (workspace / "kansa.duckdb").is_file():
        raise UsageError("workspace_missing", path=str(workspace))


def check_file(path: Path | None) -> None:
    """A file option that must exist when given."""
    if path is not None and not path.is_file():
        raise UsageError("file_missing", path=str(path))


KEV = typer.Option("bundled", "--kev", help="CISA KEV catalog: 'bundled' (the snapshot shipped with kansa, "
                                            "default), a JSON/CSV file, or 'none' to skip the KEV rule.")


def kev_catalog(value: str) -> Path | None:
    """--kev as the scan takes it: None for 'none', the shipped snapshot for 'bundled', else a file that exists."""
    if value.lower() == "none":
        return None
    if value != "bundled":
        check_file(Path(value))
    return Path(value)


def formats(value: str) -> list[str]:
    """--format as a list (checked by the service that writes)."""
    return [f.strip() for f in value.split(",") if f.strip()]
