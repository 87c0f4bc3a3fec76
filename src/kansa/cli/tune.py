"""`kansa conduct tune`: flags and cases of each rule at threshold values around the current one."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from kansa.cli.conduct import app as conduct_app
from kansa.cli.options import AS_OF, LANG, OUT, PARAMS, WORKSPACE, check_file, check_source, parse_date
from kansa.cli.terminal import RichReporter, progress_bar
from kansa.i18n import Lang
from kansa.messages import render

console = Console(stderr=True)


@conduct_app.command("tune")
def tune_command(
    data_dir: Path | None = typer.Argument(None, help="Folder of contract tables (CSV/xlsx/Parquet) / データフォルダ"),
    workspace: Path | None = WORKSPACE,
    out: Path = OUT,
    as_of: str | None = AS_OF,
    params: Path | None = PARAMS,
    rule: list[str] = typer.Option([], "--rule", help="Only these rules (repeatable) / 対象ルール"),
    lang: str = LANG,
) -> None:
    """Run each rule at values around its current parameters; write tuning.csv (flags and cases per value).

    各ルールの数値パラメータを現在値の前後で変えて実行し、値ごとの指摘件数と案件数を tuning.csv に出力します。
    Example: `kansa conduct tune data/ --out tune/ --rule branch_sales_spike`.
    """
    from kansa.conduct.tuning import tune, write_tuning
    from kansa.engine import load_catalog, load_params
    from kansa.services import open_source
    from kansa.services.dates import conduct_as_of

    language: Lang = lang  # type: ignore[assignment]
    check_source(data_dir, workspace)
    check_file(params)
    source = open_source(data_dir, workspace, domain="conduct", lang=language)
    try:
        rules = load_catalog("conduct")
        when = conduct_as_of(source.con, parse_date(as_of))
        with progress_bar() as bar:
            table = tune(source.con, rules, as_of=when, params=load_params(params, rules) if params else None,
                         only=rule, reporter=RichReporter(bar, language))
    finally:
        source.close()
    path = write_tuning(table, out / "tuning.csv")
    view = Table("rule_id", "param", "value", "flags", "cases")
    for r in table.to_pylist():
        mark = " *" if r["current"] else ""
        view.add_row(r["rule_id"], r["param"], r["value"] + mark, f"{r['flags']:,}", f"{r['cases']:,}")
    console.print(view)
    console.print(render("tune_done", language, {"as_of": when.isoformat(), "path": str(path)}))
