"""`kansa kev`: the KEV snapshot shipped with kansa (show, refresh) and matching a software list to it."""

from __future__ import annotations

import csv
from pathlib import Path

import typer
from rich.console import Console

app = typer.Typer(no_args_is_help=True)
console = Console(stderr=True)


@app.command("info")
def info_command() -> None:
    """Show the shipped KEV snapshot: catalogue version, release date, entries (scan with `--kev bundled`)."""
    from kansa.cyber.kev_snapshot import BUNDLED_KEV, bundled_kev

    cat = bundled_kev()
    typer.echo(f"CISA KEV {cat.version} ({cat.released}): {len(cat.entries)} CVE  [{BUNDLED_KEV}]")


@app.command("update")
def update_command(
    file: Path = typer.Argument(..., help="CISA's known_exploited_vulnerabilities.json (downloaded by you)."),
    to: Path | None = typer.Option(None, "--to", help="Write the snapshot here instead of the shipped one."),
) -> None:
    """Refresh the shipped KEV snapshot from CISA's JSON feed (keeps ids, names, dates, ransomware use).

    KEVスナップショットの更新: CISAのJSONから照合に必要な項目だけを保存する（版と公表日を表示）。
    """
    from kansa.cyber.kev import KevFileError
    from kansa.cyber.kev_snapshot import BUNDLED_KEV, bundled_kev, write_snapshot

    try:
        old = bundled_kev()
        old_text = f"{old.version} ({len(old.entries)} CVE)"
    except KevFileError:
        old_text = "-"
    try:
        new = write_snapshot(file, to or BUNDLED_KEV)
    except KevFileError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    typer.echo(f"KEV {old_text} -> {new.version} ({new.released}): {len(new.entries)} CVE  [{to or BUNDLED_KEV}]")


@app.command("match")
def match_command(
    software: Path = typer.Argument(..., help="A software table (CSV: asset_id, vendor, product, version[, cpe])."),
    out: Path = typer.Option(..., "--out", help="Folder for kev_matches.csv and kev_review.csv."),
    kev: Path = typer.Option(Path("bundled"), "--kev", help="KEV JSON/CSV (default: the shipped snapshot)."),
    aliases: list[Path] = typer.Option([], "--aliases", help="The institution's alias file(s), same shape as "
                                                           "kansa/cyber/kev_data/aliases.yaml (repeatable)."),
) -> None:
    """Match a software list to KEV; every match says its path (alias/package/name/cpe) and confidence.

    Uncertain matches (a CPE the name contradicts, fuzzy names) go to kev_review.csv, not to the matches.
    """
    from kansa.cyber.kev import KevFileError, load_kev, match_inventory
    from kansa.cyber.kev_aliases import AliasFileError, load_aliases
    from kansa.cyber.scan import write_kev_review
    from kansa.spreadsheet import escape_formula

    try:
        catalog = load_kev(kev)
        data = load_aliases(aliases)
        with software.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except (KevFileError, AliasFileError, OSError, UnicodeDecodeError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    found = match_inventory(rows, catalog, data)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "kev_matches.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(found.matches.column_names)
        for row in found.matches.to_pylist():
            writer.writerow([escape_formula("" if v is None else str(v)) for v in row.values()])
    write_kev_review(found.review, out)
    typer.echo(f"KEV {catalog.version}: {found.matches.num_rows} matches, {found.review.num_rows} to review -> {out}")
