"""Dates are not guessed silently: inferred syslog years are stated; an unsupported rollover is a warning with lines."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from kansa.cyber.logs import parse_logs

_LINE = "{stamp} db01 sshd[9]: Accepted password for alice from 10.0.0.5 port 22 ssh2\n"


def _log(tmp_path: Path, stamps: list[str], mtime: datetime) -> Path:
    path = tmp_path / "auth.log"
    path.write_text("".join(_LINE.format(stamp=s) for s in stamps), encoding="utf-8")
    os.utime(path, (mtime.timestamp(), mtime.timestamp()))
    return path


def test_without_year_the_inferred_years_are_stated_with_their_lines(tmp_path: Path) -> None:
    path = _log(tmp_path, ["Dec 30 10:00:00", "Dec 31 23:00:00", "Jan  2 08:00:00"], datetime(2026, 1, 3, 12))
    result = parse_logs([path])
    notes = [n for n in result.notes if n.code == "year_inferred"]
    assert len(notes) == 1
    assert "auth.log:1–auth.log:2: 2025" in notes[0].detail and "auth.log:3–auth.log:3: 2026" in notes[0].detail
    assert "2026-01-03" in notes[0].detail
    assert "--year" in notes[0].reason("en")
    assert not [n for n in result.notes if n.code == "year_rollover_unsupported"]


def test_rotated_logs_joined_out_of_order_warn_with_line_numbers(tmp_path: Path) -> None:
    path = _log(tmp_path, ["Apr 10 09:00:00", "Apr 11 09:00:00", "Mar  3 10:00:00"], datetime(2026, 4, 12))
    result = parse_logs([path])
    warnings = [n for n in result.notes if n.code == "year_rollover_unsupported"]
    assert len(warnings) == 1
    assert "auth.log:2" in warnings[0].detail and "auth.log:3" in warnings[0].detail
    assert warnings[0].value == "auth.log:3"


def test_with_year_given_no_inference_note(tmp_path: Path) -> None:
    path = _log(tmp_path, ["Mar  1 10:00:00", "Mar  2 10:00:00"], datetime(2026, 3, 3))
    result = parse_logs([path], year=2026)
    assert not [n for n in result.notes if n.code == "year_inferred"]
