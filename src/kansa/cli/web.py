"""`kansa web ...` and `kansa trail verify`: set up, serve and check the web application."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import typer

from kansa.cli.handler import new_app
from kansa.cli.options import AS_OF, LANG, parse_date
from kansa.i18n import check_lang
from kansa.messages import InputError, render

app = new_app()
trail_app = new_app()


@app.command("init")
def init_command(
    admin: str = typer.Option("admin", help="First administrator's user name."),
    institution_code: str = typer.Option(..., "--institution-code", help="Code of the admin's institution."),
    institution_name: str = typer.Option(..., "--institution-name", help="Name of the admin's institution."),
    institution_type: str = typer.Option("other", "--institution-type",
                                         help="regional_bank|shinkin|shinkumi|securities|insurer|other"),
    lang: str = LANG,
) -> None:
    """Create or upgrade the database (DATABASE_URL) and the first admin; the password is prompted."""
    from kansa.web import bootstrap
    bootstrap.setup()
    bootstrap.migrate()
    password = typer.prompt("Password / パスワード", hide_input=True, confirmation_prompt=True)
    bootstrap.create_admin(bootstrap.NewAdmin(admin, password, institution_code, institution_name,
                                              institution_type))
    typer.echo(render("web_initialised", check_lang(lang), {"admin": admin, "institution": institution_code}))


@app.command("serve")
def serve_command(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port."),
    workers: int = typer.Option(2, help="gunicorn worker processes."),
    with_worker: bool = typer.Option(False, "--with-worker", help="Also run the background scan worker."),
) -> None:
    """Serve the web application with gunicorn (static files by whitenoise); migrations run first."""
    from kansa.web import bootstrap
    bootstrap.setup()   # fails early, in the user's language, when the secret key is missing
    bootstrap.migrate()
    typer.echo(f"kansa web: http://{host}:{port}/")
    cmd = [sys.executable, "-m", "gunicorn", "kansa.web.wsgi:application", "--bind", f"{host}:{port}",
           "--workers", str(workers), "--access-logfile", "-"]
    worker = (subprocess.Popen([sys.executable, "-m", "kansa", "web", "worker"], env=os.environ.copy())
              if with_worker else None)
    try:
        code = subprocess.call(cmd, env=os.environ.copy())
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
    raise typer.Exit(code)


@app.command("worker")
def worker_command(
    batch: bool = typer.Option(False, "--batch", help="Process the queued scans, then exit."),
) -> None:
    """Run queued scans (the database queue; several workers may run side by side)."""
    from kansa.web import bootstrap
    bootstrap.setup()
    bootstrap.run_worker(batch=batch)


@app.command("escalate")
def escalate_command(
    as_of: str | None = AS_OF,
    lang: str = LANG,
) -> None:
    """Escalate overdue audit findings to their owners and management (notice and e-mail, once per episode).

    Idempotent: run it daily from cron; a finding already escalated for the due date it missed is not sent again.
    """
    from kansa.web import bootstrap
    bootstrap.setup()
    from kansa.web.audit.escalation import escalate_all
    for done in escalate_all("kansa web escalate", parse_date(as_of) or date.today()):
        typer.echo(render("web_escalated", check_lang(lang), {"institution": done.institution, "created": done.created,
                                                              "already": done.already, "mails": done.mails}))


@trail_app.command("verify")
def verify_command(lang: str = LANG) -> None:
    """Recompute the trail's hash chain; name the first broken event (exit 1) or confirm it holds."""
    from kansa.web import bootstrap
    bootstrap.setup()
    checked, broken, reason = bootstrap.verify_trail()
    if broken is not None:
        raise InputError("web_trail_broken", event_id=broken, reason=reason, checked=checked)
    typer.echo(render("web_trail_intact", check_lang(lang), {"checked": checked}))
