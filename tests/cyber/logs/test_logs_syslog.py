"""Linux auth log lines: each event kind, its near misses, years, zones and corrupt lines."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from kansa.cyber.logs import parse_logs


def _write(tmp_path: Path, text: str, name: str = "auth.log", mtime: datetime | None = None) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    if mtime is not None:
        stamp = mtime.timestamp()
        os.utime(path, (stamp, stamp))
    return path


def _rows(tmp_path: Path, text: str, **kwargs: object) -> list[dict]:
    return parse_logs([_write(tmp_path, text)], **kwargs).events.to_pylist()  # type: ignore[arg-type]


def test_it_reads_ssh_logons_and_failures_with_method_and_address(tmp_path: Path) -> None:
    rows = _rows(
        tmp_path,
        "Mar  3 10:15:01 web01 sshd[123]: Accepted publickey for alice from 10.0.0.5 port 50000 ssh2: RSA SHA256:x\n"
        "Mar  3 10:15:02 web01 sshd[124]: Failed password for invalid user oracle from 203.0.113.9 port 4242 ssh2\n"
        "Mar  3 10:15:03 web01 sshd[125]: Failed password for root from 203.0.113.9 port 4243 ssh2\n"
        "Mar  3 10:15:04 web01 sshd[126]: message repeated 5 times: [ Failed password for root from 203.0.113.9 "
        "port 4243 ssh2]\n",
        year=2026,
    )
    assert [(r["event_type"], r["username"], r["source_ip"], r["logon_type"], r["raw_result"]) for r in rows] == [
        ("logon", "alice", "10.0.0.5", "publickey", "accepted"),
        ("logon_failed", "oracle", "203.0.113.9", "password", "invalid_user"),
        ("logon_failed", "root", "203.0.113.9", "password", "failed"),
        ("logon_failed", "root", "203.0.113.9", "password", "failed"),
    ]
    assert [r["repeated"] for r in rows] == [1, 1, 1, 5]
    assert rows[0]["event_time"] == datetime(2026, 3, 3, 10, 15, 1)
    assert rows[0]["source"] == "auth.log:1" and rows[3]["source"] == "auth.log:4"
    assert rows[0]["host"] == "web01"


def test_near_misses_are_not_logons(tmp_path: Path) -> None:
    rows = _rows(
        tmp_path,
        # another program quoting an sshd message; the PAM twin of a Failed line; a disconnect
        "Mar  3 10:15:01 web01 CRON[1]: Accepted password for alice from 10.0.0.5 port 1 ssh2\n"
        "Mar  3 10:15:02 web01 sshd[124]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 "
        "tty=ssh ruser= rhost=203.0.113.9  user=root\n"
        "Mar  3 10:15:03 web01 sshd[124]: pam_unix(sshd:session): session opened for user alice by (uid=0)\n"
        "Mar  3 10:15:04 web01 sshd[124]: Invalid user bob from 203.0.113.9\n"
        "Mar  3 10:15:05 web01 sudo: pam_unix(sudo:session): session opened for user root by alice(uid=0)\n",
        year=2026,
    )
    assert [r["event_type"] for r in rows] == ["other"] * 5


def test_old_red_hat_pam_only_sshd_lines_count_once(tmp_path: Path) -> None:
    rows = _rows(
        tmp_path,
        "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh "
        "ruser= rhost=218.188.2.4  user=root\n"
        "Jun 14 15:16:02 combo sshd(pam_unix)[19937]: check pass; user unknown\n"
        "Jun 14 15:16:03 combo sshd(pam_unix)[19940]: session opened for user test by (uid=509)\n"
        "Jun 14 15:16:04 combo sshd(pam_unix)[19940]: session closed for user test\n",
        year=2005,
    )
    assert [(r["event_type"], r["username"], r["source_ip"]) for r in rows] == [
        ("logon_failed", "root", "218.188.2.4"),
        ("other", "-", None),
        ("logon", "test", None),
        ("logoff", "test", None),
    ]


def test_sudo_keeps_command_target_and_caller_and_refusals_are_not_privileged_use(tmp_path: Path) -> None:
    rows = _rows(
        tmp_path,
        "Mar  3 10:15:01 db01 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; "
        "COMMAND=/usr/bin/systemctl restart x ; echo done\n"
        "Mar  3 10:15:02 db01 sudo[77]:      bob : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/ ; USER=root ; "
        "COMMAND=/bin/cat /etc/shadow\n"
        "Mar  3 10:15:03 db01 sudo:      eve : user NOT in sudoers ; TTY=pts/2 ; PWD=/ ; USER=root ; COMMAND=/bin/sh\n",
        year=2026,
    )
    assert rows[0]["event_type"] == "sudo"
    assert (rows[0]["username"], rows[0]["target_user"], rows[0]["command"]) == (
        "alice",
        "root",
        "/usr/bin/systemctl restart x ; echo done",
    )
    assert [(r["event_type"], r["raw_result"]) for r in rows[1:]] == [
        ("other", "3 incorrect password attempts"),
        ("other", "user NOT in sudoers"),
    ]
    assert rows[1]["command"] == "/bin/cat /etc/shadow"


def test_su_counts_once_per_process_whatever_lines_it_writes(tmp_path: Path) -> None:
    rows = _rows(
        tmp_path,
        "Mar 27 16:16:42 h su[3537]: Successful su for root by root\n"
        "Mar 27 16:16:42 h su[3537]: + /dev/pts/0 root:root\n"
        "Mar 27 16:16:42 h su[3537]: pam_unix(su:session): session opened for user root by ubuntu(uid=0)\n"
        "Mar 27 16:17:24 h su[3537]: pam_unix(su:session): session closed for user root\n"
        "Mar 27 16:18:00 h su[4000]: (to root) alice on pts/0\n"
        "Mar 27 16:18:00 h su[4000]: pam_unix(su-l:session): session opened for user root(uid=0) by alice(uid=1000)\n"
        "Mar 27 16:19:00 h su[4100]: FAILED SU (to root) mallory on pts/3\n"
        "Mar 27 16:19:00 h su[4100]: pam_unix(su:auth): authentication failure; logname=mallory uid=1001 euid=0 "
        "tty=/dev/pts/3 ruser=mallory rhost=  user=root\n"
        "Jun 15 04:06:18 combo su(pam_unix)[21416]: session opened for user cyrus by (uid=0)\n",
        year=2026,
    )
    events = [
        (r["event_type"], r["username"], r["subject_user"], r["source"]) for r in rows if r["event_type"] != "other"
    ]
    assert events == [
        ("su", "root", "ubuntu", "auth.log:1"),  # the PAM login name names the person behind `sudo su`
        ("su", "root", "alice", "auth.log:5"),
        ("logon_failed", "root", "mallory", "auth.log:7"),
        ("su", "cyrus", None, "auth.log:9"),
    ]


def test_account_and_group_administration(tmp_path: Path) -> None:
    rows = _rows(
        tmp_path,
        "Mar 29 10:36:43 h useradd[750]: new group: name=svc, GID=1001\n"
        "Mar 29 10:36:43 h useradd[750]: new user: name=svc, UID=1001, GID=1001, home=/home/svc, shell=/bin/bash\n"
        "Mar 29 10:36:44 h useradd[750]: add 'svc' to group 'wheel'\n"
        "Mar 29 10:36:44 h useradd[750]: add 'svc' to shadow group 'wheel'\n"
        "Mar 29 10:36:45 h useradd[751]: failed adding user 'x', data deleted\n"
        "Mar 29 10:36:46 h usermod[752]: add 'bob' to group 'sudo'\n"
        "Mar 29 10:36:47 h gpasswd[753]: user carol added by root to group docker\n"
        "Mar 29 10:36:48 h groupadd[754]: new group: name=auditors, GID=1011\n",
        year=2026,
    )
    got = [(r["event_type"], r["username"], r["target_user"], r["raw_result"]) for r in rows]
    assert got == [
        ("other", "-", None, None),
        ("account_created", "svc", "svc", None),
        ("group_member_added", "svc", "wheel", None),
        ("other", "-", None, None),
        ("other", "-", None, None),
        ("group_member_added", "bob", "sudo", None),
        ("group_member_added", "carol", "docker", None),
        ("other", "-", "auditors", "group_created"),
    ]


def test_december_to_january_turns_the_year(tmp_path: Path) -> None:
    rows = _rows(
        tmp_path,
        "Dec 31 23:59:58 h sshd[1]: Accepted password for a from 10.0.0.1 port 1 ssh2\n"
        "Jan  1 00:00:01 h sshd[2]: Accepted password for b from 10.0.0.1 port 1 ssh2\n"
        "Dec 31 23:59:59 h sshd[3]: Accepted password for late from 10.0.0.1 port 1 ssh2\n"
        "Feb  1 08:00:00 h sshd[4]: Accepted password for c from 10.0.0.1 port 1 ssh2\n",
        year=2025,
    )
    assert [r["event_time"] for r in rows] == [
        datetime(2025, 12, 31, 23, 59, 58),
        datetime(2026, 1, 1, 0, 0, 1),
        datetime(2025, 12, 31, 23, 59, 59),  # a straggler written just after midnight belongs to the old year
        datetime(2026, 2, 1, 8, 0, 0),
    ]


def test_without_year_the_mtime_year_is_the_last_lines_year(tmp_path: Path) -> None:
    text = (
        "Dec 30 10:00:00 h sshd[1]: Accepted password for a from 10.0.0.1 port 1 ssh2\n"
        "Jan  2 10:00:00 h sshd[2]: Accepted password for b from 10.0.0.1 port 1 ssh2\n"
    )
    path = _write(tmp_path, text, mtime=datetime(2027, 1, 3, 12, 0))
    times = parse_logs([path]).events["event_time"].to_pylist()
    assert times == [datetime(2026, 12, 30, 10, 0), datetime(2027, 1, 2, 10, 0)]
    # a file copied in November keeps its December lines in the year before (never in the future)
    path = _write(tmp_path, text.split("\n")[0] + "\n", name="copy.log", mtime=datetime(2027, 11, 25, 9, 0))
    assert parse_logs([path]).events["event_time"].to_pylist() == [datetime(2026, 12, 30, 10, 0)]


def test_tz_converts_syslog_times_to_tokyo_and_rfc3339_offsets_win(tmp_path: Path) -> None:
    rows = _rows(
        tmp_path,
        "Mar  3 01:00:00 h sshd[1]: Accepted password for a from 10.0.0.1 port 1 ssh2\n"
        "2026-03-03T01:00:00.250000+00:00 h sshd[2]: Accepted password for b from 10.0.0.1 port 1 ssh2\n"
        "2026-03-03T01:00:00 h sshd[3]: Accepted password for c from 10.0.0.1 port 1 ssh2\n"
        "<38>1 2026-03-03T10:00:00+09:00 h sshd 4 - - Accepted password for d from 10.0.0.1 port 1 ssh2\n",
        year=2026,
        tz="UTC",
    )
    assert [r["event_time"] for r in rows] == [
        datetime(2026, 3, 3, 10, 0),
        datetime(2026, 3, 3, 10, 0, 0, 250000),
        datetime(2026, 3, 3, 10, 0),
        datetime(2026, 3, 3, 10, 0),
    ]
    assert [r["username"] for r in rows] == ["a", "b", "c", "d"]


def test_corrupt_lines_are_reported_with_line_numbers_and_the_rest_is_read(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "Mar  3 10:15:01 h sshd[1]: Accepted password for a from 10.0.0.1 port 1 ssh2\n"
        "\x00\x00garbage written by a crash\n"
        "\n"
        "Feb 30 10:15:02 h sshd[2]: Accepted password for b from 10.0.0.1 port 1 ssh2\n"
        "Mar  3 1x:15:03 h sshd[3]: Accepted password for c from 10.0.0.1 port 1 ssh2\n"
        "Mar  3 10:15:04 h sshd[4]: Accepted password for d from 10.0.0.1 port 1 ssh2",  # no final newline
    )
    result = parse_logs([path], year=2026)
    assert [r["username"] for r in result.events.to_pylist()] == ["a", "d"]
    assert [r["source"] for r in result.events.to_pylist()] == ["auth.log:1", "auth.log:6"]
    assert [(e.source, e.code) for e in result.errors] == [
        ("auth.log:2", "not_syslog"),
        ("auth.log:4", "bad_timestamp"),
        ("auth.log:5", "bad_timestamp"),
    ]
    assert "garbage" in result.errors[0].value
    assert "syslog" in result.errors[0].reason("en") and "syslog" in result.errors[0].reason("ja")


def test_crlf_bom_and_latin1_bytes_do_not_break_lines(tmp_path: Path) -> None:
    path = tmp_path / "win.log"
    path.write_bytes(
        b"\xef\xbb\xbfMar  3 10:15:01 h sshd[1]: Failed password for invalid user j\xf6rg from 10.0.0.1 port 1 ssh2\r\n"
        b"Mar  3 10:15:02 h sshd[2]: Accepted password for a from 10.0.0.1 port 1 ssh2\r\n"
    )
    rows = parse_logs([path], year=2026).events.to_pylist()
    assert [r["event_type"] for r in rows] == ["logon_failed", "logon"]
    assert rows[0]["username"] == "j\\xf6rg"
    assert rows[1]["source"] == "win.log:2"
