"""The block path (year logic on distinct stamps, times by lookup) equals line by line across year turns."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import example, given, settings
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
# found by CI: the year turns on a 29 February the turned year lacks (a given year and a week's jitter back)
@example(steps=[(425, 0, 1), (720, 0, 1), (720, 0, 1), (720, 0, 1), (-169, 0, 1)], block_lines=1, year=2019)
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


def test_plain_lines_with_pam_style_tags_and_sudo_session_lines_match_line_by_line() -> None:
    lines = [
        "Jun 14 15:16:01 combo CRON(pam_unix)[2]: session opened for user root by (uid=0)",
        "Jun 14 15:16:02 combo (odd)[3]: tag that starts with a bracket",
        "Jun 14 15:16:03 combo ftpd[4](x): connection from 10.0.0.1",
        "Jun 14 15:16:04 combo sudo: pam_unix(sudo:session): session opened for user root by alice(uid=0)",
        "Jun 14 15:16:05 combo sudo:   alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/ls",
        "Jun 14 15:16:06 combo sudo(pam_unix)[5]:   bob : TTY=pts/1 ; PWD=/ ; USER=root ; COMMAND=/bin/id",
        "Jun 14 15:16:07 combo sshd(pam_unix)[6]: check pass; user unknown",
        "Jun 14 15:16:08 combo useradd(x)[7]: new user: name=eve, UID=1001, GID=1001, home=/home/eve",
    ]
    one = AuthLogParser("t.log", year=2026)
    one.feed_lines(lines)
    block = AuthLogParser("t.log", year=2026)
    block.feed_block("\n".join(lines), 1)
    table = block.table()
    assert table.equals(rows_to_table(one.rows))
    assert table.column("event_id").to_pylist() == ["CRON", "(odd)", "ftpd", "sudo", "sudo", "sudo", "sshd", "useradd"]
    assert table.column("event_type").to_pylist() == [
        "other",
        "other",
        "other",
        "other",
        "sudo",
        "sudo",
        "other",
        "account_created",
    ]


def test_sshd_lines_built_as_columns_equal_the_python_handler() -> None:
    lines = [
        "Jun 14 15:16:01 h sshd[1]: Accepted publickey for alice from 10.0.0.5 port 50000 ssh2: RSA SHA256:x",
        "Jun 14 15:16:02 h sshd[2]: Failed password for invalid user oracle from 203.0.113.9 port 4242 ssh2",
        "Jun 14 15:16:03 h sshd[3]: Failed password for root from 2001:db8::1 port 22 ssh2",
        "Jun 14 15:16:04 h sshd[4]: Accepted password for invalid user x from 10.0.0.6 port 1 ssh2",
        "Jun 14 15:16:05 h sshd[5]: Failed password for  from 10.0.0.7 port 2 ssh2",
        "Jun 14 15:16:06 h sshd[6]: Failed password for tanaka\u3000taro from 10.0.0.8 port 3 ssh2",
        "Jun 14 15:16:07 h sshd[7]: Failed password for a\tb from 10.0.0.9 port 4 ssh2",
        "Jun 14 15:16:08 h sshd-session[8]: Accepted keyboard-interactive/pam for bob from 10.0.0.10 port 5 ssh2",
        "Jun 14 15:16:09 h sshd[9]: Failed password for carol from 10.0.0.11 port x ssh2",
        "Jun 14 15:16:10 h sshd: Failed none for dave from 10.0.0.12 port 6 ssh2",
        "Jun 14 15:16:11 h sshd[10]: Failed password for user from from 10.0.0.13 port 7 ssh2",
    ]
    one = AuthLogParser("s.log", year=2026)
    one.feed_lines(lines)
    block = AuthLogParser("s.log", year=2026)
    block.feed_block("\n".join(lines), 1)
    table = block.table()
    assert block._ssh_parts  # the column path was taken
    assert table.equals(rows_to_table(one.rows))
    assert table.column("event_type").to_pylist()[:5] == [
        "logon",
        "logon_failed",
        "logon_failed",
        "logon",
        "logon_failed",
    ]
    assert table.column("raw_result").to_pylist()[1] == "invalid_user"
    assert table.column("username").to_pylist()[4] == "-" and table.column("username").to_pylist()[10] == "user from"
