"""The `kansa` command: one entry point whose sub-commands live beside the code they drive."""

from __future__ import annotations

import typer

from kansa import __version__
from kansa.cli.assess import app as assess_app
from kansa.cli.assess import synth_assessments_command
from kansa.cli.audit import app as audit_app
from kansa.cli.conduct import app as conduct_app
from kansa.cli.cyber import app as cyber_app
from kansa.cli.demo import demo_command
from kansa.cli.fd import app as fd_app
from kansa.cli.handler import new_app
from kansa.cli.kev import app as kev_app
from kansa.cli.load import load_command
from kansa.cli.logs import parse_logs_command
from kansa.cli.rules import app as rules_app
from kansa.cli.synth import app as synth_app
from kansa.cli.tune import tune_command  # noqa: F401  (registers `kansa conduct tune`)
from kansa.cli.web import app as web_app
from kansa.cli.web import trail_app

app = new_app(
    name="kansa",
    help=(
        "kansa (監査): internal-audit analytics for Japanese financial institutions.\n\n"
        "Typical flow: `kansa synth conduct --out data/` (or your own exports) -> "
        "`kansa load data/ --workspace ws/` -> `kansa conduct scan --workspace ws/ --out out/`.\n"
        "`kansa demo` runs everything on a synthetic institution. Messages are Japanese by default; "
        "add --lang en where offered."
    ),
    no_args_is_help=True,
    rich_markup_mode="markdown",
    pretty_exceptions_show_locals=False,
)

# the commands' own docstrings are their --help: they say what is read, tolerated and written
app.command("load")(load_command)
app.command("demo")(demo_command)
synth_app.command("assessments")(synth_assessments_command)
cyber_app.command("parse-logs")(parse_logs_command)
app.add_typer(synth_app, name="synth", help="Write deterministic synthetic data with planted cases.")
app.add_typer(conduct_app, name="conduct", help="Customer-oriented conduct (顧客本位): red flags, KPIs, report.")
app.add_typer(cyber_app, name="cyber", help="Cybersecurity audit analytics: logs, assets, accounts, backups.")
app.add_typer(kev_app, name="kev", help="CISA KEV: the shipped snapshot (info, update FILE), matching a list.")
app.add_typer(assess_app, name="assess", help="Cybersecurity self-assessment: templates, answers, benchmark.")
app.add_typer(rules_app, name="rules", help="List, show and lint the rule catalog (working papers).")
app.add_typer(audit_app, name="audit", help="内部監査の運営: universe, explained risk, plan checks, board report.")
app.add_typer(web_app, name="web", help="The web application: init, serve (see docs/web.md).")
app.add_typer(trail_app, name="trail", help="The web application's tamper-evident trail.")
app.add_typer(fd_app, name="fd", help="顧客本位の見える化: policies against the principles, say-do gap, "
              "KPI comparison.")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kansa {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """kansa (監査)."""


def main() -> None:
    """Console-script entry point."""
    app()
