"""`kansa cyber`: the cyber audit scan (parse-logs is registered from cyber.logs.cli)."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True)
