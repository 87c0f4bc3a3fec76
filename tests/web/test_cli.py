"""`kansa web init` and `kansa trail verify` as an operator runs them (child processes, a real SQLite file)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


def _kansa(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kansa", *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=120)


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KANSA_", "DJANGO_", "DATABASE_URL"))}
    return {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'web.sqlite3'}", **extra}


def test_it_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    r = _kansa(["trail", "verify"], _env(tmp_path))
    assert r.returncode == 3 and "KANSA_SECRET_KEY" in r.stderr and "Traceback" not in r.stderr


def test_init_rejects_a_weak_password_then_creates_the_admin_and_verify_names_a_tampered_event(
        tmp_path: Path) -> None:
    env = _env(tmp_path, KANSA_SECRET_KEY="k" * 50)
    args = ["web", "init", "--institution-code", "0001", "--institution-name", "みなと銀行"]
    r = _kansa(args, env, "password\npassword\n")
    assert r.returncode == 1 and "パスワード" in r.stderr
    r = _kansa(args, env, "Corr3ct-Horse-Battery\nCorr3ct-Horse-Battery\n")
    assert r.returncode == 0, r.stderr
    r = _kansa(["trail", "verify"], env)
    assert r.returncode == 0 and "改ざんされていません: 1 件" in r.stdout
    r = _kansa(["trail", "verify", "--lang", "en"], env)
    assert r.returncode == 0 and "trail intact: 1 events" in r.stdout
    db = sqlite3.connect(tmp_path / "web.sqlite3")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):  # the database's own guard first
        db.execute("UPDATE kansa_trail_event SET actor = 'mallory' WHERE id = 1")
    db.execute("DROP TRIGGER kansa_trail_no_update")  # someone with the database file can lift it
    db.execute("UPDATE kansa_trail_event SET actor = 'mallory' WHERE id = 1")
    db.commit()
    r = _kansa(["trail", "verify"], env)
    assert r.returncode == 1 and "#1" in r.stderr and "changed" in r.stderr
