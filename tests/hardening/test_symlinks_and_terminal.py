"""Symlinks out of the data folder are refused unread; control characters never reach the terminal raw."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kansa.cli import app
from kansa.contract.load import load_directory
from kansa.outputs import printable


def test_a_symlink_out_of_the_data_folder_is_refused_and_never_echoed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("customer_id,name\nSECRET-42,極秘\n", encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    (data / "customers.csv").symlink_to(secret)
    result = load_directory(data)
    assert not result.ok
    text = " ".join(f"{i.file} {i.message} {i.value}" for i in result.issues)
    assert "customers.csv" in text and ("outside" in text.lower() or "外" in text)
    assert "SECRET-42" not in text and "secret.csv" not in text


def test_a_symlink_inside_the_data_folder_is_read(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "real").mkdir()
    target = data / "real" / "c.csv"
    target.write_text("x\n", encoding="utf-8")
    (data / "customers.csv").symlink_to(target)
    result = load_directory(data)
    assert not any("link" in i.message for i in result.issues)


def test_printable_escapes_terminal_controls_and_bidi() -> None:
    hostile = "alice\x1b]0;pwned\x07\x1b[2J\u202egnp.exe\x00"
    shown = printable(hostile)
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown and "\x00" not in shown
    assert shown.startswith("alice\\x1b]0;pwned\\x07")


def test_parse_logs_never_prints_an_escape_sequence_from_a_log(tmp_path: Path) -> None:
    log = tmp_path / "auth.log"
    log.write_bytes(b"Mar  3 10:15:01 db01 sshd[9]: Accepted password for alice from 10.0.0.5 port 22 ssh2\n"
                    b"\x1b[2J\x1b]0;owned\x07 [red]not markup[/red]\n")
    result = CliRunner().invoke(app, ["cyber", "parse-logs", str(log), "--out", str(tmp_path / "e.csv"),
                                      "--year", "2026", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "auth.log:2" in result.output
