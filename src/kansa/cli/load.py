"""`kansa load`: validate a folder of contract tables and load it into a workspace, all or nothing."""

from __future__ import annotations

from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import duckdb
import typer
from rich.console import Console
from rich.table import Table

from kansa.cli.options import LANG, check_file, check_source
from kansa.cli.terminal import RichReporter, progress_bar
from kansa.contract.issues import Issue
from kansa.contract.load import LoadResult
from kansa.i18n import Lang, check_lang
from kansa.outputs import write_csv_rows
from kansa.workspace import Workspace, load_staged

_FIRST_SHOWN = 20


def write_issues_csv(issues: list[Issue], path: Path) -> None:
    """Write issues as CSV `table,row,column,value,code,message,file` (UTF-8 with BOM, so Excel reads Japanese).

    `file` (the file, or workbook[sheet], to open) comes last so readers of the six agreed columns still work.
    """
    write_csv_rows(path, ["table", "row", "column", "value", "code", "message", "file"],
                   ([i.table, "" if i.row is None else str(i.row), i.column or "", i.value or "", i.code, i.message,
                     i.file or ""] for i in issues))


def _examples(issues: list[Issue]) -> tuple[str, str]:
    """The commonest values (with counts) and the first rows of a group of issues, for one table line."""
    values = Counter(i.value for i in issues if i.value)
    shown = ", ".join(f"{v[:20]} ×{n:,}" for v, n in values.most_common(3))
    if len(values) > 3:
        shown += " …"
    rows = sorted({i.row for i in issues if i.row is not None})
    first = ", ".join(str(r) for r in rows[:3]) + (" …" if len(rows) > 3 else "")
    return shown, first


def _summary(result: LoadResult, console: Console, lang: Lang) -> None:
    """Counts per table, column and code with example values, then one example of each kind of error.

    100,000 errors of one kind are one line here, not a screenful; --errors-out has every one.
    """
    ja = lang == "ja"
    groups: dict[tuple[str, str, str, str], list[Issue]] = {}
    for i in result.issues:
        groups.setdefault((i.table, i.column or "", i.code, i.level), []).append(i)
    if groups:
        t = Table(title="検出件数（表・列・コード別）" if ja else "Issues by table, column and code")
        heads = (
            ("表", "列", "コード", "区分", "件数", "主な値", "最初の行")
            if ja
            else ("table", "column", "code", "level", "n", "commonest values", "first rows")
        )
        for head in heads:
            t.add_column(head, overflow="fold")
        for (table, column, code, level), found in sorted(groups.items(), key=lambda kv: (kv[0][3], kv[0][:3])):
            shown, first = _examples(found)
            kind = ("エラー" if level == "error" else "警告") if ja else level
            t.add_row(table, column, code, kind, f"{len(found):,}", shown, first)
        console.print(t)
    errors = result.errors
    if errors:
        firsts: dict[tuple[str, str, str], Issue] = {}
        for i in errors:
            firsts.setdefault((i.table, i.column or "", i.code), i)
        examples = list(firsts.values())[:_FIRST_SHOWN]
        t = Table(
            title=("エラーの例（種類ごとに最初の1件）" if ja else "One example of each kind of error")
            + f" ({len(examples)}/{len(firsts)})"
        )
        heads_ja = ("ファイル", "行", "列", "値", "コード", "内容")
        for head in heads_ja if ja else ("file", "row", "column", "value", "code", "message"):
            t.add_column(head, overflow="fold")
        for i in examples:
            t.add_row(i.file or i.table, str(i.row or ""), i.column or "", i.value or "", i.code, i.message)
        console.print(t)
    if not result.files:
        return
    t = Table(title="入力ファイル" if ja else "Input files")
    for head in (
        ("表", "ファイル", "行数", "文字コード", "SHA-256") if ja else ("table", "file", "rows", "encoding", "SHA-256")
    ):
        t.add_column(head)
    for f in result.files:
        name = f.path.name + (f"[{f.sheet}]" if f.sheet else "")
        t.add_row(f.table, name, f"{f.rows:,}", f.encoding or "", f.sha256[:16] + "…")
    console.print(t)


def load_command(
    data_dir: Path = typer.Argument(
        ...,
        help="Folder of contract tables (trades.csv, customers.xlsx, ...): CSV in UTF-8 or CP932, .xlsx, Parquet. "
        "契約の表のフォルダ。",
    ),
    workspace: Path = typer.Option(..., "--workspace", "-w", help="Workspace folder to write (kansa.duckdb)."),
    mapping: Path | None = typer.Option(
        None,
        "--mapping",
        help="Column mapping for your headers: CSV `table,source_header,column` or YAML {table: {header: column}}.",
    ),
    errors_out: Path | None = typer.Option(
        None,
        "--errors-out",
        help="Write every error and warning here as CSV table,row,column,value,code,message,file. Rows are as a "
        "spreadsheet shows them: header = row 1, a quoted line break stays in its row. 全件のエラー一覧（CSV）。",
    ),
    lang: str = LANG,
) -> None:
    """Validate every table in DATA_DIR and load it into the workspace, all or nothing.

    CSV (UTF-8, UTF-8 with BOM or CP932, detected; LF, CRLF or CR line ends; title lines above the
    header skipped), .xlsx (one sheet per table, Japanese sheet names, title rows, Excel serial dates)
    and Parquet are read; Japanese headers such as 顧客ID or 約定日 are recognised. Every error is
    reported with file, table, row, column and value; rows are as a spreadsheet shows them (header =
    row 1; a line break inside a quoted value does not start a row). Tolerated without a word:
    full-width letters and digits, upper case and surrounding spaces in codes (ＢＵＹ, " buy "), and
    amounts written ¥1,000 / 1,000円 / (1,000) / ▲1,000. On any error the exit status is 1 and the
    workspace is left exactly as it was (absent if it did not exist). Warnings do not block.
    """
    language = check_lang(lang)  # checked by the option already: this only narrows the type
    check_source(data_dir, None)  # the same message and exit status as every command that reads a folder
    check_file(mapping)
    console = Console(stderr=False)
    # Checked into a temporary DuckDB file first (memory stays bounded), then copied in one transaction.
    with ExitStack() as stack:
        try:
            bar = stack.enter_context(progress_bar(transient=True))   # a 10M-row load takes half a minute
            result, staged = stack.enter_context(
                load_staged(data_dir, mapping=mapping, lang=language, near=workspace.parent,
                            reporter=RichReporter(bar, language)))
        except (ValueError, OSError) as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(2) from exc
        load_id = _write_or_explain(result, staged, workspace, errors_out, console, language)
    rows = sum(f.rows for f in result.files)
    ja = language == "ja"
    console.print(
        f"[green]{len(result.files)} ファイル・{rows:,} 行を {workspace} に読み込みました（load_id {load_id}、"
        f"警告 {len(result.warnings):,} 件）[/green]"
        if ja
        else f"[green]Loaded {len(result.files)} file(s), {rows:,} rows into {workspace} (load_id {load_id}, "
        f"{len(result.warnings):,} warning(s))[/green]"
    )


def _write_or_explain(result: LoadResult, staged: Path, workspace: Path, errors_out: Path | None, console: Console,
                      language: Lang) -> str:
    """Show the issues (and save them); write the workspace when nothing blocks, else exit 1 untouched."""
    ja = language == "ja"
    if errors_out is not None:
        try:
            write_issues_csv(result.issues, errors_out)
        except OSError as exc:  # the list is the deliverable of a failed load: say so rather than crash
            console.print(
                f"[red]エラー一覧を書けません: {exc}[/red]" if ja else f"[red]Cannot write the error list: {exc}[/red]"
            )
            raise typer.Exit(1) from exc
    _summary(result, console, language)
    if not result.ok:
        console.print(
            f"[red]{len(result.errors):,} 件のエラー。ワークスペースは変更していません。[/red]"
            if ja
            else f"[red]{len(result.errors):,} error(s). The workspace was not changed.[/red]"
        )
        if errors_out is not None:
            console.print(("エラー一覧（全件）: " if ja else "Full list: ") + str(errors_out))
        else:
            console.print(
                "全件の一覧は --errors-out FILE で CSV に保存できます。"
                if ja
                else "Add --errors-out FILE to save the full list as CSV."
            )
        raise typer.Exit(1)
    try:
        load_id = Workspace(workspace).replace(result, staged=staged)
    except (duckdb.Error, OSError) as exc:  # e.g. the database is open in another process: nothing was written
        console.print(
            f"[red]ワークスペースに書き込めません（変更なし）: {exc}[/red]"
            if ja
            else f"[red]Cannot write the workspace (left unchanged): {exc}[/red]"
        )
        raise typer.Exit(1) from exc
    return load_id
