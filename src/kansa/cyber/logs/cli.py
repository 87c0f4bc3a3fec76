"""`kansa cyber parse-logs`: real log files to access_events."""

from __future__ import annotations

import typer


def parse_logs_command() -> None:
    """Placeholder until the log parsers land."""
    raise typer.Exit(2)
