"""`kansa load`: validate a folder of contract tables and load it into a workspace."""

from __future__ import annotations

import typer


def load_command() -> None:
    """Placeholder until the contract loader lands."""
    raise typer.Exit(2)
