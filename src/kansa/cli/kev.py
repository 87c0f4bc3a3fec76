"""`kansa kev`: the KEV snapshot shipped with kansa (show, refresh) and matching a software list to it."""

from __future__ import annotations

import csv
from pathlib import Path

import typer

from kansa.cli.handler import new_app
from kansa.cli.options import LANG, check_file
from kansa.cyber.kev import KevFileError, load_kev
from kansa.cyber.kev_aliases import load_aliases
from kansa.cyber.kev_match import match_inventory
from kansa.cyber.kev_review import write_kev_matches, write_kev_review
from kansa.cyber.kev_snapshot import BUNDLED_KEV, bundled_kev, write_snapshot
from kansa.messages import InputError

app = new_app()


@app.callback()
def _kev() -> None:
    """CISA Known Exploited Vulnerabilities: the shipped snapshot, refreshing it, matching a software list."""


@app.command("info")
def info_command() -> None:
    """Show the shipped KEV snapshot: catalogue version, release date, entries (scans use it by default)."""
    cat = bundled_kev()
    typer.echo(f"CISA KEV {cat.version} ({cat.released}): {len(cat.entries)} CVE  [{BUNDLED_KEV}]")


@app.command("update")
def update_command(
    file: Path = typer.Argument(..., help="CISA's known_exploited_vulnerabilities.json (downloaded by you)."),
    to: Path | None = typer.Option(None, "--to", help="Write the snapshot here instead of the shipped one."),
    lang: str = LANG,
) -> None:
    """Refresh the shipped KEV snapshot from CISA's JSON feed (keeps ids, names, dates, ransomware use).

    KEVスナップショットの更新: CISAのJSONから照合に必要な項目だけを保存する（版と公表日を表示）。
    """
    try:
        old = bundled_kev()
        old_text = f"{old.version} ({len(old.entries)} CVE)"
    except KevFileError:  # no snapshot yet: the first update
        old_text = "-"
    new = write_snapshot(file, to or BUNDLED_KEV)
    typer.echo(f"KEV {old_text} -> {new.version} ({new.released}): {len(new.entries)} CVE  [{to or BUNDLED_KEV}]")


@app.command("match")
def match_command(
    software: Path = typer.Argument(..., help="A software table (CSV: asset_id, vendor, product, version[, cpe])."),
    out: Path = typer.Option(..., "--out", help="Folder for kev_matches.csv and kev_review.csv."),
    kev: Path = typer.Option(Path("bundled"), "--kev", help="KEV JSON/CSV (default: the shipped snapshot)."),
    aliases: list[Path] = typer.Option([], "--aliases", help="The institution's alias file(s), same shape as "
                                                           "the files in kansa/cyber/kev_data/ (repeatable)."),
    lang: str = LANG,
) -> None:
    """Match a software list to KEV; every match says its path (alias/package/name/cpe) and confidence.

    Uncertain matches (a CPE the name contradicts, fuzzy names) go to kev_review.csv, not to the matches.
    """
    check_file(software)
    catalog = load_kev(kev)
    data = load_aliases(aliases)
    try:
        with software.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError("software_list_unreadable", path=str(software), error=str(exc)) from exc
    found = match_inventory(rows, catalog, data)
    write_kev_matches(found.matches, out)
    write_kev_review(found.review, out)
    typer.echo(f"KEV {catalog.version}: {found.matches.num_rows} matches, {found.review.num_rows} to review -> {out}")
