"""`kansa cyber parse-logs`: real log files to access_events (CSV with BOM or Parquet)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from kansa.cli.options import LANG
from kansa.cli.terminal import shown
from kansa.i18n import Lang, pick
from kansa.messages import KansaError, PartialError

console = Console(stderr=True)

_LABELS = {
    "title": {"ja": "イベント種別ごとの件数", "en": "Events per type"},
    "type": {"ja": "種別", "en": "event_type"},
    "count": {"ja": "件数", "en": "count"},
    "errors": {"ja": "読めなかったレコード", "en": "corrupt records"},
    "wrote": {"ja": "出力しました", "en": "wrote"},
    "reading": {"ja": "ログを読み込み中", "en": "reading logs"},
    "bad_ext": {
        "ja": "--out の拡張子は .csv か .parquet にしてください",
        "en": "--out must end in .csv or .parquet",
    },
    "missing": {"ja": "ファイルがありません", "en": "no such file"},
}


def parse_logs_command(
    files: list[Path] = typer.Argument(
        ..., help="Log files: .evtx, Windows JSON lines / array, auth.log (syslog), zip, gz / ログファイル"
    ),
    out: Path = typer.Option(..., "--out", "-o", help="events.csv (UTF-8 with BOM) or events.parquet / 出力ファイル"),
    year: int | None = typer.Option(
        None, "--year", min=1970, max=2100, help="Year of the first syslog line (default: from file mtime) / 年"
    ),
    tz: str = typer.Option(
        "Asia/Tokyo", "--tz", help="Zone the syslog times are written in / syslogの時刻のタイムゾーン"
    ),
    workers: int | None = typer.Option(None, "--workers", min=1, help="Processes for .evtx files / EVTX並列数"),
    lang: str = LANG,
) -> None:
    """Turn Windows Security and Linux auth logs into the access_events table.

    Windows Security (.evtx, JSON lines, JSON arrays, zipped) と Linux の auth.log を access_events 表に変換します。

    Every event keeps `source` (file:line, or file:EventRecordID for .evtx, name.zip/member:line in zips)
    so the raw record can be found. Times are Asia/Tokyo wall time. A corrupt record is counted and listed
    in OUT.errors.csv; it never stops the rest. Example:
    `kansa cyber parse-logs /var/log/auth.log Security.evtx --out events.csv --year 2026`.
    """
    from kansa.cli.terminal import progress_bar
    from kansa.cyber.logs.api import parse_logs
    from kansa.i18n import check_lang
    from kansa.safepath import check_output

    language = check_lang(lang)  # checked by the option already: this only narrows the type
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        console.print(f"[red]{pick(_LABELS['bad_ext'], language)}: {out}[/red]")
        raise typer.Exit(2)
    missing = [f for f in files if not f.is_file()]
    if missing:
        console.print(f"[red]{pick(_LABELS['missing'], language)}: {', '.join(map(str, missing))}[/red]")
        raise typer.Exit(2)
    errors_path = out.with_name(out.stem + ".errors.csv")
    for target in (out, errors_path):
        check_output(target, files)  # never over an input: refused before anything is read
    total = sum(f.stat().st_size for f in files)
    try:
        with progress_bar() as bar:
            task = bar.add_task(pick(_LABELS["reading"], language), total=total)
            result = parse_logs(files, year=year, tz=tz, workers=workers, progress=lambda n: bar.advance(task, n))
    except ValueError as exc:  # an unknown --tz (a UsageError with its code), in the reader's language
        text = exc.render(language) if isinstance(exc, KansaError) else str(exc)
        console.print(f"[red]{shown(text)}[/red]")
        raise typer.Exit(2) from exc
    _write(result.events, out)
    _summary(result.counts, len(result.errors), language)
    if result.errors:
        _write(result.errors_table(), errors_path)
        for error in result.errors[:10]:
            console.print(f"  [yellow]{shown(error.source)}[/yellow] {shown(error.reason(language))} "
                          f"{shown(error.value[:80])}")
        console.print(f"{pick(_LABELS['errors'], language)}: {len(result.errors)} -> {shown(str(errors_path))}")
    for note in result.notes:
        console.print(f"  [cyan]{shown(note.source)}[/cyan] {shown(note.reason(language))}: {shown(note.detail)}")
    console.print(f"{pick(_LABELS['wrote'], language)}: {shown(str(out))} ({result.events.num_rows:,})")
    if result.unreadable:
        raise PartialError("logs_unreadable", files=", ".join(result.unreadable))


def _write(table: object, path: Path) -> None:
    """CSV in UTF-8 with BOM (Excel opens it right) or Parquet, by the extension."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from kansa.outputs import write_csv_table

    assert isinstance(table, pa.Table)
    if path.suffix.lower() == ".parquet":
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, path)
        return
    write_csv_table(path, table)  # usernames, hosts, commands from logs: made inert for spreadsheets


def _summary(counts: dict[str, int], errors: int, lang: Lang) -> None:
    """The counts per event type and the number of corrupt records, as a table on screen."""
    table = Table(title=pick(_LABELS["title"], lang))
    table.add_column(pick(_LABELS["type"], lang))
    table.add_column(pick(_LABELS["count"], lang), justify="right")
    for event_type, count in counts.items():
        table.add_row(shown(event_type), f"{count:,}")
    table.add_row(pick(_LABELS["errors"], lang), f"{errors:,}", style="yellow" if errors else None)
    console.print(table)
