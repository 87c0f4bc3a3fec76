"""The block path (year logic on distinct stamps, times by lookup) equals line by line across year turns."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kansa.cyber.logs.columns import rows_to_table
from kansa.cyber.logs.syslog import AuthLogParser

_MESSAGES = [
    "CRON[11]: pam_unix(cron:session): session opened for user root by (uid=0)",
    "sshd[12]: Accepted password for alice from 10.0.0.5 port 5000 ssh2",
    "sshd[13]: Received disconnect from 10.0.0.5 port 5000:11: bye",
    "sudo:    alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/ls",
    "systemd-logind[14]: New session 3 of user alice.",
]


def _stamp(when: datetime) -> str:
    return f"{when:%b} {when.day:2d} {when:%H:%M:%S}"


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=-12 * 24, max_value=30 * 24),  # hours to move (sometimes back: jitter, turns)
            st.integers(min_value=0, max_value=len(_MESSAGES) - 1),
            st.integers(min_value=1, max_value=3),  # lines at the same second
        ),
        min_size=1,
        max_size=60,
    ),
    st.integers(min_value=1, max_value=7),
    st.sampled_from([None, 2019]),
)
def test_block_path_equals_line_by_line_over_months_and_year_turns(
    steps: list[tuple[int, int, int]], block_lines: int, year: int | None
) -> None:
    when = datetime(2019, 11, 20, 8, 0, 0)
    lines: list[str] = []
    for hours, message, repeat in steps:
        when += timedelta(hours=hours)
        lines += [f"{_stamp(when)} core01 {_MESSAGES[message]}"] * repeat
    mtime = datetime(2026, 11, 25, 12, 0)
    one = AuthLogParser("f.log", year=year, mtime=mtime)
    one.feed_lines(lines)
    one.finish()
    block = AuthLogParser("f.log", year=year, mtime=mtime)
    lineno = 1
    for i in range(0, len(lines), block_lines):  # small blocks: turns fall inside and between them
        lineno = block.feed_block("\n".join(lines[i : i + block_lines]), lineno)
    block.finish()
    assert block.table().equals(rows_to_table(one.rows))
    assert block.errors == one.errors


def test_repeated_real_logs_give_the_same_table_both_ways(shared_data: Path) -> None:
    folder = shared_data / "linux_auth"
    text = "".join(p.read_text(encoding="utf-8").rstrip("\n") + "\n" for p in sorted(folder.glob("*.log"))) * 2
    lines = text.rstrip("\n").split("\n")
    one = AuthLogParser("big.log", mtime=datetime(2026, 11, 25))
    one.feed_lines(lines)
    one.finish()
    block = AuthLogParser("big.log", mtime=datetime(2026, 11, 25))
    lineno = 1
    for i in range(0, len(lines), 5000):
        lineno = block.feed_block("\n".join(lines[i : i + 5000]), lineno)
    block.finish()
    assert block.table().equals(rows_to_table(one.rows))
    assert block.table().num_rows == len(lines)
