"""`kansa demo`'s last step: a web database with synthetic institutions, one user per role, the demo's scan.

Django runs in child processes (`python -m kansa.web.demo prepare`, gunicorn), so the CLI process never
configures it. Everything printed here is DEMO-ONLY: throw-away passwords and TOTP secrets on loopback.
"""

from __future__ import annotations

import base64
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

INSTITUTIONS = [  # synthetic names, no real institution
    ("D001", "デモ第一銀行", "regional_bank", "large"), ("D002", "さくら信用金庫（デモ）", "shinkin", "medium"),
    ("D003", "みどり信用組合（デモ）", "shinkumi", "small"), ("D004", "あおば証券（デモ）", "securities", "medium"),
    ("D005", "ひかり生命（デモ）", "insurer", "large"),
]
ROLES = ("auditor", "business_line", "risk_compliance", "management", "admin", "supervisor")


def environment(out: Path) -> dict[str, str]:
    """Settings for the demo: its own SQLite file, a random secret key, plain http on loopback only."""
    web = out / "web"
    web.mkdir(parents=True, exist_ok=True)
    key = web / "secret_key"
    if not key.exists():
        key.write_text(secrets.token_urlsafe(50), encoding="utf-8")
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "kansa.web.settings",
            "KANSA_SECRET_KEY": key.read_text(encoding="utf-8"), "KANSA_DEBUG": "0",
            "KANSA_INSECURE_HTTP": "1",  # loopback without TLS: cookies cannot be marked Secure
            "KANSA_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"sqlite:///{(web / 'kansa-web.sqlite3').resolve()}",
            "KANSA_UPLOAD_DIR": str((web / "uploads").resolve())}


def run(out: Path, serve: bool, port: int = 8000) -> int:
    """Prepare the demo web database; then serve it on 127.0.0.1 until interrupted (unless `serve` is False)."""
    env = environment(out)
    code = subprocess.call([sys.executable, "-m", "kansa.web.demo", "prepare", str(out)], env=env)
    if code != 0 or not serve:
        return code
    if not sys.stdin.isatty():   # run from a script or a test runner: serving would block forever
        print("端末ではないため Web は起動しません / not a terminal: not serving (`kansa web serve` with the "
              f"environment in {out / 'web'})", flush=True)
        return 0
    print(f"kansa web (demo): http://127.0.0.1:{port}/  (Ctrl-C で終了 / to stop)", flush=True)
    worker = subprocess.Popen([sys.executable, "-m", "kansa", "web", "worker"], env=env)
    try:
        return subprocess.call([sys.executable, "-m", "gunicorn", "kansa.web.wsgi:application", "--bind",
                                f"127.0.0.1:{port}", "--workers", "2"], env=env)
    except KeyboardInterrupt:
        return 0
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def prepare(out: Path) -> None:
    """(child process) Migrate, create institutions and users, import the demo's conduct and cyber data as scans."""
    import django
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kansa.web.org.models import Institution, Membership
    from kansa.web.scans.models import Scan
    from kansa.web.scans.tasks import run_scan, upload_dir

    call_command("migrate", interactive=False, verbosity=0)
    insts = [Institution.objects.update_or_create(code=c, defaults={"name": n, "type": t, "size_band": s})[0]
             for c, n, t, s in INSTITUTIONS]
    print("\n=== DEMO ONLY / デモ専用の認証情報（本番では使わないこと） ===")
    User = get_user_model()
    for role in ROLES:
        name = f"demo_{role}"
        password = "demo-" + secrets.token_urlsafe(9)
        user, _ = User.objects.get_or_create(username=name)
        user.set_password(password)
        user.save()
        Membership.objects.update_or_create(user=user, defaults={
            "role": role, "institution": None if role == "supervisor" else insts[0]})
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
        secret = base64.b32encode(device.bin_key).decode().rstrip("=")
        print(f"{role:16s} user={name:22s} password={password}  TOTP secret={secret}")
    print("(TOTP: 認証アプリに secret を登録 / add the secret to an authenticator app, or "
          "`python -c \"import pyotp; print(pyotp.TOTP('SECRET').now())\"`)\n")
    conduct = out / "data" / "conduct"
    if conduct.is_dir() and not Scan.objects.filter(institution=insts[0]).exists():
        scan = Scan.objects.create(institution=insts[0], source_name="demo: data/conduct")
        folder = upload_dir(scan.pk)
        shutil.copytree(conduct, folder, ignore=shutil.ignore_patterns("answer_key.csv"))
        n = run_scan.call(scan.pk)
        print(f"デモのスキャン / demo scan #{scan.pk}: {n} flags")
    cyber = out / "data" / "cyber"
    if cyber.is_dir() and not Scan.objects.filter(institution=insts[0], kind=Scan.CYBER).exists():
        scan = Scan.objects.create(institution=insts[0], source_name="demo: data/cyber", kind=Scan.CYBER)
        shutil.copytree(cyber, upload_dir(scan.pk), ignore=shutil.ignore_patterns("answer_key.csv"))
        n = run_scan.call(scan.pk)
        print(f"デモのサイバースキャン / demo cyber scan #{scan.pk}: {n} flags")
    _import_audit_year(out, insts[0])


def _import_audit_year(out: Path, institution: object) -> None:
    """(child process) The demo's audit year (results/audit/demo.json) into the first institution's audit book."""
    from kansa.audit.store import read_book
    from kansa.web.audit.book import import_book

    book_file = out / "results" / "audit" / "demo.json"
    if book_file.exists():
        n = import_book(institution, read_book(book_file), "demo")  # type: ignore[arg-type]
        print(f"デモの監査台帳 / demo audit book: {n} records")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "prepare":
        prepare(Path(sys.argv[2]))
    else:
        sys.exit("usage: python -m kansa.web.demo prepare OUT")
