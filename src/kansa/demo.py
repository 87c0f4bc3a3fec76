"""`kansa demo`: a synthetic institution through every analysis, a report, and where to find it."""

from __future__ import annotations

import typer


def demo_command() -> None:
    """Placeholder: assembled once the analyses land."""
    raise typer.Exit(2)
