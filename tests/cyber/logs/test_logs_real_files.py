"""Counts on the real public logs equal counts obtained independently (regex over raw text, raw JSON, XML)."""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow.compute as pc
import pytest
from evtx import PyEvtxParser

from kansa.cyber.logs import EVENT_TYPES, detect_format, parse_logs
from kansa.cyber.logs.columns import rows_to_table
from kansa.cyber.logs.syslog import AuthLogParser

WINDOWS_TYPES = {
    "4624": "logon",
    "4625": "logon_failed",
    "4634": "logoff",
    "4647": "logoff",
    "4648": "explicit_credentials",
    "4672": "privileged_logon",
    "4720": "account_created",
    "4728": "group_member_added",
    "4732": "group_member_added",
    "4756": "group_member_added",
}


def _only(result, event_type: str):
    return result.events.filter(pc.equal(result.events["event_type"], event_type))


def _auth_counts(text: str) -> Counter[str]:
    """Expected event counts of an auth log by plain regexes over the raw lines (a different method)."""
    counts: Counter[str] = Counter()
    su_processes: set[tuple[str, str]] = set()
    lines = [line for line in text.split("\n") if line.strip()]
    for line in lines:
        if re.search(r" sshd\[\d+\]: Accepted \S+ for ", line) or re.search(
            r" sshd\(pam_unix\)\[\d+\]: session opened for user ", line
        ):
            counts["logon"] += 1
        elif re.search(r" sshd\[\d+\]: (message repeated \d+ times: \[ )?Failed \S+ for ", line) or re.search(
            r" sshd\(pam_unix\)\[\d+\]: authentication failure", line
        ):
            counts["logon_failed"] += 1
        elif re.search(r" sshd(\(pam_unix\))?\[\d+\]: (pam_unix\(sshd:session\): )?session closed for user ", line):
            counts["logoff"] += 1
        elif re.search(r" sudo(\[\d+\])?: +\S+ : TTY=[^;]*;.*COMMAND=", line):
            counts["sudo"] += 1
        elif m := re.search(
            r" (\S+) su(?:\(pam_unix\))?\[(\d+)\]: (?:Successful su for|\+ |\(to |(?:pam_unix\(su(?:-l)?:session\): )?"
            r"session opened for)",
            line,
        ):
            su_processes.add((m.group(1), m.group(2)))
        elif re.search(r" useradd\[\d+\]: new user: name=", line):
            counts["account_created"] += 1
    counts["su"] = len(su_processes)
    counts["other"] = len(lines) - sum(counts.values())
    return counts


@pytest.mark.parametrize("name", ["Linux_2k.log", "OpenSSH_2k.log", "elastic_examples_auth.log"])
def test_auth_log_counts_match_raw_regex_counts(shared_data: Path, name: str) -> None:
    path = shared_data / "linux_auth" / name
    assert detect_format(path) == "syslog"
    result = parse_logs([path])
    expected = _auth_counts(path.read_text(encoding="utf-8", errors="replace"))
    assert result.errors == []
    assert {t: n for t, n in result.counts.items() if n} == {t: n for t, n in expected.items() if n}


@pytest.mark.parametrize("name", ["Linux_2k.log", "OpenSSH_2k.log", "elastic_examples_auth.log"])
def test_fast_block_path_equals_the_line_by_line_path(shared_data: Path, name: str) -> None:
    text = (shared_data / "linux_auth" / name).read_text(encoding="utf-8")
    one = AuthLogParser(name, year=2020)
    one.feed_lines(text.split("\n"))
    one.finish()
    block = AuthLogParser(name, year=2020)
    block.feed_block(text, 1)
    block.finish()
    assert block.table().equals(rows_to_table(one.rows))


def test_auth_log_has_the_event_kinds_the_issue_names(shared_data: Path) -> None:
    result = parse_logs([shared_data / "linux_auth" / "elastic_examples_auth.log"])
    counts = result.counts
    # figures read off the file with grep: 190 `Accepted password` + 36 `Accepted publickey`
    assert counts["logon"] == 190 + 36
    assert counts["account_created"] == 10
    assert counts["su"] == 9  # 9 `sudo su` processes, each logged by 4 lines
    failed = _only(result, "logon_failed")
    assert "invalid_user" in failed["raw_result"].to_pylist()
    assert set(_only(result, "logon")["logon_type"].to_pylist()) == {"password", "publickey"}
    su = _only(result, "su").to_pylist()
    assert {(r["username"], r["subject_user"]) for r in su} == {("root", "ubuntu")}


def test_sudo_commands_and_targets_come_through_intact(shared_data: Path) -> None:
    path = shared_data / "linux_auth" / "elastic_examples_auth.log"
    raw = path.read_text(encoding="utf-8").split("\n")
    expected = [
        (i, line.split("COMMAND=", 1)[1], re.search(r"USER=(\S+)", line).group(1))  # type: ignore[union-attr]
        for i, line in enumerate(raw, start=1)
        if re.search(r" sudo: +\S+ : TTY=", line)
    ]
    sudo = _only(parse_logs([path]), "sudo").to_pylist()
    got = [(int(r["source"].rsplit(":", 1)[1]), r["command"], r["target_user"]) for r in sudo]
    assert got == expected
    assert len(got) == 186


def test_every_source_points_at_its_raw_line(shared_data: Path) -> None:
    path = shared_data / "linux_auth" / "OpenSSH_2k.log"
    raw = path.read_text(encoding="utf-8").split("\n")
    result = parse_logs([path])
    assert result.events.num_rows == 2000
    for row in result.events.to_pylist():
        name, line_no = row["source"].rsplit(":", 1)
        assert name == path.name
        line = raw[int(line_no) - 1]
        if row["event_type"] in ("logon", "logon_failed"):
            assert f"for {'invalid user ' if row['raw_result'] == 'invalid_user' else ''}{row['username']} from" in line
            assert row["source_ip"] in line


def test_syslog_year_comes_from_the_file_mtime_and_never_lands_in_the_future(shared_data: Path) -> None:
    path = shared_data / "linux_auth" / "OpenSSH_2k.log"  # lines of 10 December, no year
    mtime = datetime.fromtimestamp(path.stat().st_mtime)
    times = parse_logs([path]).events["event_time"].to_pylist()
    assert max(times) <= mtime + timedelta(days=1)
    last = max(times)
    assert last.year == (mtime.year if last.replace(year=mtime.year) <= mtime + timedelta(days=1) else mtime.year - 1)


def _evtx_expected(path: Path) -> tuple[Counter[str], list[str]]:
    """Counts by event type and 4624 logon types, from the library's XML output and regexes."""
    counts: Counter[str] = Counter()
    logon_types: list[str] = []
    for record in PyEvtxParser(str(path)).records():
        xml = record["data"]
        event_id = re.search(r"<EventID[^>]*>(\d+)</EventID>", xml).group(1)  # type: ignore[union-attr]
        security = "<Channel>Security</Channel>" in xml
        counts[WINDOWS_TYPES.get(event_id, "other") if security else "other"] += 1
        if event_id == "4624":
            logon_types.append(re.search(r'<Data Name="LogonType">(\d+)</Data>', xml).group(1))  # type: ignore[union-attr]
    return counts, logon_types


def test_evtx_counts_and_logon_types_match_the_xml_output(shared_data: Path) -> None:
    files = sorted((shared_data / "windows_security" / "evtx").glob("*.evtx"))
    assert len(files) == 9
    expected: Counter[str] = Counter()
    logon_types: list[str] = []
    for path in files:
        assert detect_format(path) == "evtx"
        counts, types = _evtx_expected(path)
        expected += counts
        logon_types += types
    result = parse_logs(files, workers=1)
    assert result.errors == []
    assert {t: n for t, n in result.counts.items() if n} == dict(expected)
    assert _only(result, "logon")["logon_type"].to_pylist() == logon_types
    assert set(logon_types) >= {"2", "3", "10"}


def test_evtx_parsed_in_two_processes_gives_the_same_table(shared_data: Path) -> None:
    files = sorted((shared_data / "windows_security" / "evtx").glob("*.evtx"))
    one = parse_logs(files, workers=1).events
    two = parse_logs(files, workers=2).events
    assert one.equals(two)


def test_evtx_times_are_tokyo_wall_time_and_sources_are_record_ids(shared_data: Path) -> None:
    path = shared_data / "windows_security" / "evtx" / "CA_4624_4625_LogonType2_LogonProc_chrome.evtx"
    failed = _only(parse_logs([path]), "logon_failed").to_pylist()
    assert len(failed) == 1
    # SystemTime 2020-09-09T13:18:23.627952Z (UTC) is 22:18:23 in Tokyo
    assert failed[0]["event_time"] == datetime(2020, 9, 9, 22, 18, 23, 627952)
    assert failed[0]["source"] == f"{path.name}:137222"
    assert failed[0]["username"] == "IEUser"
    assert failed[0]["logon_type"] == "2"
    assert failed[0]["raw_result"] == "0xc000006d/0xc000006a"


def test_evtx_group_members_given_by_sid_get_names(shared_data: Path) -> None:
    path = shared_data / "windows_security" / "evtx" / "Network_Service_Guest_added_to_admins_4732.evtx"
    added = _only(parse_logs([path]), "group_member_added").to_pylist()
    assert [(r["username"], r["target_user"], r["subject_user"]) for r in added] == [
        ("Guest", "Administrators", "IEUser"),
        ("NETWORK SERVICE", "Administrators", "IEUser"),
    ]


def _otrf_expected(path: Path) -> Counter[str]:
    counts: Counter[str] = Counter()
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            for line in archive.read(member).decode("utf-8").split("\n"):
                if not line.strip():
                    continue
                event_id = re.search(r'"EventID":(\d+)', line).group(1)  # type: ignore[union-attr]
                security = '"Channel":"Security"' in line
                counts[WINDOWS_TYPES.get(event_id, "other") if security else "other"] += 1
    return counts


@pytest.mark.parametrize(
    "name", ["covenant_psremoting_command.zip", "empire_wmic_add_user_backdoor.zip", "purplesharp_ad_playbook_I.zip"]
)
def test_otrf_zipped_json_lines_counts_match_raw_json_regex(shared_data: Path, name: str) -> None:
    path = shared_data / "windows_security" / "otrf" / name
    assert detect_format(path) == "zip"
    result = parse_logs([path])
    assert result.errors == []
    assert {t: n for t, n in result.counts.items() if n} == dict(_otrf_expected(path))
    assert set(result.counts) == set(EVENT_TYPES)


def test_otrf_account_created_and_added_to_group_with_actor(shared_data: Path) -> None:
    path = shared_data / "windows_security" / "otrf" / "empire_wmic_add_user_backdoor.zip"
    result = parse_logs([path])
    created = _only(result, "account_created").to_pylist()
    added = _only(result, "group_member_added").to_pylist()
    assert [(r["username"], r["subject_user"], r["host"]) for r in created] == [
        ("backdoor", "pgustavo", "WORKSTATION6.theshire.local")
    ]
    # 4728 names the member only by SID; the 4720 of the same SID gives its name
    assert [(r["username"], r["subject_user"]) for r in added] == [("backdoor", "pgustavo")]
    # NXLog EventTime 08:06:02 is the collector's local time (UTC-4 by @timestamp): 21:06:02 in Tokyo
    assert created[0]["event_time"] == datetime(2020, 9, 14, 21, 6, 2)
    member = created[0]["source"].split("/", 1)[1]
    assert created[0]["source"].startswith(f"{path.name}/") and member.startswith("empire_wmic_add_user_backdoor_")


def test_4672_names_the_subject(shared_data: Path) -> None:
    path = shared_data / "windows_security" / "otrf" / "covenant_psremoting_command.zip"
    privileged = _only(parse_logs([path]), "privileged_logon").to_pylist()
    assert privileged and all(r["username"] == r["subject_user"] for r in privileged)
    assert all(r["privileges"] and r["privileges"].startswith("Se") for r in privileged)
