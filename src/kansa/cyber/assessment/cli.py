"""`kansa assess`: self-assessment templates, imports, scoring, benchmark and feedback reports."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True)


def synth_assessments_command() -> None:
    """Placeholder until the assessment module lands."""
    raise typer.Exit(2)
