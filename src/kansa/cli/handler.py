"""How the command line fails: a KansaError is printed in the user's language with its exit status; a bug exits 70."""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from contextvars import ContextVar
from typing import Any

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from kansa.i18n import Lang
from kansa.messages import KansaError, render
from kansa.outputs import printable

# Set by every command's --lang option (eager), so a failure anywhere is told in the language asked for.
CURRENT_LANG: ContextVar[Lang] = ContextVar("kansa_lang", default="en" if os.environ.get("KANSA_LANG") == "en"
                                            else "ja")


def report_error(exc: KansaError, lang: Lang) -> None:
    """Print an error and its details (one per problem) on stderr."""
    typer.echo(printable(exc.render(lang)), err=True)
    for line in exc.details(lang):
        typer.echo(f"  {printable(line)}", err=True)


def _save_traceback() -> str:
    """Keep the traceback of a bug in a file the user can send, and say where it is."""
    fd, path = tempfile.mkstemp(prefix="kansa-crash-", suffix=".txt")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(traceback.format_exc())
    return path


class KansaGroup(TyperGroup):
    """A command group that turns kansa's errors into messages and exit statuses instead of tracebacks."""

    def invoke(self, ctx: Any) -> Any:
        """Run the command; map KansaError to its exit status, Ctrl-C to 130 and anything else to 70."""
        try:
            return super().invoke(ctx)
        except KansaError as exc:
            report_error(exc, CURRENT_LANG.get())
            raise typer.Exit(exc.exit_code) from exc
        except KeyboardInterrupt as exc:
            typer.echo(render("interrupted", CURRENT_LANG.get()), err=True)
            raise typer.Exit(130) from exc
        except (typer.Exit, typer.Abort, SystemExit, TyperException):
            raise  # Typer's own (usage errors exit 2, --help, explicit exits)
        except BrokenPipeError:
            # The reader went away (`kansa ... --help | head`): not a bug. Click's main exits 1 quietly, as Rich
            # does when its own write fails; a crash file here would send the user hunting for nothing.
            raise
        except Exception as exc:
            if os.environ.get("KANSA_DEBUG"):
                raise
            path = _save_traceback()
            typer.echo(render("internal_error", CURRENT_LANG.get(), {"error": repr(exc), "path": path}), err=True)
            print(traceback.format_exc(), file=sys.stderr) if os.environ.get("CI") else None
            raise typer.Exit(70) from exc


def new_app(**kwargs: Any) -> typer.Typer:
    """A Typer app whose commands fail the kansa way (see KansaGroup)."""
    kwargs.setdefault("no_args_is_help", True)
    return typer.Typer(cls=KansaGroup, **kwargs)
