"""29 February in syslog lines that carry no year: a leap year is chosen (and said), or --year is checked."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from kansa.cyber.logs import parse_logs
from kansa.cyber.logs.syslog import AuthLogParser

_LEAP_WEEK = (
    "Feb 28 23:59:00 core01 sshd[1]: Accepted password for alice from 10.0.0.5 port 1 ssh2\n"
    "Feb 29 00:00:01 core01 sudo:    alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/ls\n"
    "Feb 29 00:00:02 core01 cron[9]: (root) CMD (true)\n"
    "Mar  1 00:00:02 core01 sshd[3]: Accepted password for bob from 10.0.0.6 port 1 ssh2\n"
)


def _write(tmp_path: Path, text: str, mtime: datetime) -> Path:
    path = tmp_path / "auth.log"
    path.write_text(text, encoding="utf-8")
    os.utime(path, (mtime.timestamp(), mtime.timestamp()))
    return path


def test_a_leap_day_with_a_common_mtime_year_takes_the_nearest_earlier_leap_year(tmp_path: Path) -> None:
    result = parse_logs([_write(tmp_path, _LEAP_WEEK, datetime(2026, 3, 2, 9, 0))])
    times = result.events.column("event_time").to_pylist()
    assert times == [
        datetime(2024, 2, 28, 23, 59),
        datetime(2024, 2, 29, 0, 0, 1),
        datetime(2024, 2, 29, 0, 0, 2),
        datetime(2024, 3, 1, 0, 0, 2),
    ]
    assert result.errors == []  # nothing dropped
    assert [n.code for n in result.notes] == ["leap_day_year", "year_inferred"]  # the inference is always stated
    assert "2024" in result.notes[0].detail and "2026" in result.notes[0].detail
    assert "閏年" in result.notes[0].reason("ja")


def test_a_leap_day_in_the_mtime_year_changes_nothing_and_says_nothing(tmp_path: Path) -> None:
    result = parse_logs([_write(tmp_path, _LEAP_WEEK, datetime(2028, 3, 2, 9, 0))])
    assert result.events.column("event_time").to_pylist()[1] == datetime(2028, 2, 29, 0, 0, 1)
    assert [n.code for n in result.notes] == ["year_inferred"] and result.errors == []  # no leap-day note


def test_a_leap_day_after_a_december_turn_keeps_the_file_order(tmp_path: Path) -> None:
    text = (
        "Dec 30 10:00:00 core01 sshd[1]: Accepted password for alice from 10.0.0.5 port 1 ssh2\n"
        "Feb 29 10:00:00 core01 sshd[2]: Accepted password for bob from 10.0.0.5 port 1 ssh2\n"
        "Mar  3 10:00:00 core01 cron[1]: (root) CMD (true)\n"
    )
    result = parse_logs([_write(tmp_path, text, datetime(2026, 3, 5, 9, 0))])
    assert result.events.column("event_time").to_pylist() == [
        datetime(2023, 12, 30, 10, 0),
        datetime(2024, 2, 29, 10, 0),
        datetime(2024, 3, 3, 10, 0),
    ]


def test_line_by_line_and_block_paths_agree_on_a_leap_day() -> None:
    mtime = datetime(2027, 1, 10)
    text = (
        "Nov 30 08:00:00 h cron[1]: x\n" + _LEAP_WEEK + "Dec 31 23:00:00 h cron[1]: y\nJan  2 01:00:00 h cron[1]: z\n"
    )
    one = AuthLogParser("a", mtime=mtime)
    for n, line in enumerate(text.splitlines(), start=1):
        one.feed(line, n)
    one.finish()
    block = AuthLogParser("a", mtime=mtime)
    block.feed_block(text, 1)
    block.finish()
    assert one.table().column("event_time").to_pylist() == block.table().column("event_time").to_pylist()
    times = block.table().column("event_time").to_pylist()
    # Nov 2023 -> Feb 29 2024 -> ... -> Jan 2025: the only frame where 29 Feb exists and the end is before the mtime
    assert times[0] == datetime(2023, 11, 30, 8, 0) and times[2] == datetime(2024, 2, 29, 0, 0, 1)
    assert times[-1] == datetime(2025, 1, 2, 1, 0)


def test_a_given_common_year_reports_the_leap_day_line_clearly(tmp_path: Path) -> None:
    result = parse_logs([_write(tmp_path, _LEAP_WEEK, datetime(2026, 3, 2))], year=2026)
    assert [(e.source, e.code) for e in result.errors] == [
        ("auth.log:2", "bad_timestamp"),
        ("auth.log:3", "bad_timestamp"),
    ]
    assert "2026" in result.errors[0].reason("en") and "--year" in result.errors[0].reason("en")
    assert result.events.num_rows == 2  # the other lines are still read
