"""`kansa rules`: list, show and lint the rule catalog."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True)
