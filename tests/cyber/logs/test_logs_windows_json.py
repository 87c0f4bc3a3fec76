"""Windows events as JSON (lines, array, nested evtx JSON, Winlogbeat, zipped) and corrupt records."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import struct
import zipfile
import zlib
from datetime import datetime
from pathlib import Path

import pytest

from kansa.cyber.logs import detect_format, parse_logs


def _flat(event_id: int, **fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "EventID": event_id,
        "Channel": "Security",
        "Hostname": "WS01.corp.local",
        "TimeCreated": "2026-03-03T01:00:00.1234567Z",
    }
    base.update(fields)
    return base


def _jsonl(tmp_path: Path, records: list[object], name: str = "security.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def test_it_maps_each_security_event_id(tmp_path: Path) -> None:
    records = [
        _flat(4624, TargetUserName="alice", SubjectUserName="-", LogonType=10, IpAddress="10.1.2.3"),
        _flat(4625, TargetUserName="alice", LogonType=3, IpAddress="203.0.113.9", Status="0xc000006d"),
        _flat(4634, TargetUserName="alice", LogonType=10),
        _flat(4647, TargetUserName="alice"),
        _flat(4648, SubjectUserName="alice", TargetUserName="adm_alice", IpAddress="-"),
        _flat(4672, SubjectUserName="adm_alice", PrivilegeList="SeDebugPrivilege\r\n\t\t\tSeBackupPrivilege"),
        _flat(4720, SubjectUserName="adm_alice", TargetUserName="svc_new", TargetSid="S-1-5-21-1-2-3-1200"),
        _flat(4728, SubjectUserName="adm_alice", TargetUserName="Domain Admins", MemberName="CN=Smith\\, Bob,OU=x"),
        _flat(4732, SubjectUserName="adm_alice", TargetUserName="Administrators", MemberSid="S-1-5-21-1-2-3-1200"),
        _flat(4756, SubjectUserName="adm_alice", TargetUserName="Universal", MemberName="-", MemberSid="S-1-5-99"),
        _flat(4688, SubjectUserName="alice"),
    ]
    result = parse_logs([_jsonl(tmp_path, records)])
    rows = result.events.to_pylist()
    got = [(r["event_id"], r["event_type"], r["username"], r["subject_user"], r["target_user"]) for r in rows]
    assert got == [
        ("4624", "logon", "alice", None, "alice"),
        ("4625", "logon_failed", "alice", None, "alice"),
        ("4634", "logoff", "alice", None, "alice"),
        ("4647", "logoff", "alice", None, "alice"),
        ("4648", "explicit_credentials", "adm_alice", "alice", "adm_alice"),
        ("4672", "privileged_logon", "adm_alice", "adm_alice", None),
        ("4720", "account_created", "svc_new", "adm_alice", "svc_new"),
        ("4728", "group_member_added", "Smith, Bob", "adm_alice", "Domain Admins"),
        ("4732", "group_member_added", "svc_new", "adm_alice", "Administrators"),  # SID named by the 4720
        ("4756", "group_member_added", "S-1-5-99", "adm_alice", "Universal"),  # unknown SID stays
        ("4688", "other", "alice", "alice", None),
    ]
    assert (rows[0]["logon_type"], rows[0]["source_ip"]) == ("10", "10.1.2.3")
    assert rows[1]["raw_result"] == "0xc000006d"
    assert rows[4]["source_ip"] is None
    assert rows[5]["privileges"] == "SeDebugPrivilege SeBackupPrivilege"
    assert rows[0]["event_time"] == datetime(2026, 3, 3, 10, 0, 0, 123456)
    assert [r["source"] for r in rows] == [f"security.jsonl:{i}" for i in range(1, 12)]
    assert result.counts["group_member_added"] == 3


def test_a_4624_outside_the_security_channel_is_not_a_logon(tmp_path: Path) -> None:
    records = [_flat(4624, Channel="Microsoft-Windows-Sysmon/Operational", TargetUserName="alice")]
    rows = parse_logs([_jsonl(tmp_path, records)]).events.to_pylist()
    assert [(r["event_type"], r["channel"]) for r in rows] == [("other", "Microsoft-Windows-Sysmon/Operational")]


def test_json_array_nested_evtx_json_and_winlogbeat_shapes(tmp_path: Path) -> None:
    nested = {
        "Event": {
            "System": {
                "EventID": {"#attributes": {"Qualifiers": 0}, "#text": 4672},
                "Channel": "Security",
                "Computer": "DC01",
                "EventRecordID": 991,
                "TimeCreated": {"#attributes": {"SystemTime": "2026-01-01T00:00:00Z"}},
            },
            "EventData": {"SubjectUserName": "Administrator", "PrivilegeList": "SeTcbPrivilege"},
        }
    }
    beat = {
        "@timestamp": "2026-01-01T00:00:01.000Z",
        "winlog": {
            "event_id": "4625",
            "channel": "Security",
            "computer_name": "WS02",
            "event_data": {"TargetUserName": "bob", "LogonType": "3", "IpAddress": "10.0.0.9"},
        },
    }
    path = tmp_path / "export.json"
    path.write_text(json.dumps([nested, beat], indent=2), encoding="utf-8")
    assert detect_format(path) == "windows_json"
    rows = parse_logs([path]).events.to_pylist()
    assert [(r["event_type"], r["host"], r["username"], r["source"]) for r in rows] == [
        ("privileged_logon", "DC01", "Administrator", "export.json:1"),
        ("logon_failed", "WS02", "bob", "export.json:2"),
    ]
    assert rows[0]["event_time"] == datetime(2026, 1, 1, 9, 0)


def test_nxlog_event_time_uses_the_collectors_zone(tmp_path: Path) -> None:
    record = {
        "EventID": 4624,
        "Channel": "Security",
        "Hostname": "WS01",
        "TargetUserName": "alice",
        "EventTime": "2020-09-14 08:05:43",
        "EventReceivedTime": "2020-09-14 08:05:46",
        "@timestamp": "2020-09-14T12:05:46.455Z",
    }
    rows = parse_logs([_jsonl(tmp_path, [record])]).events.to_pylist()
    assert rows[0]["event_time"] == datetime(2020, 9, 14, 21, 5, 43)


def test_corrupt_json_lines_are_reported_and_the_rest_is_read(tmp_path: Path) -> None:
    records: list[object] = [
        _flat(4624, TargetUserName="a"),
        '{"EventID": 4624, "Channel": "Secu',
        "[1, 2]",
        {"Channel": "Security", "TimeCreated": "2026-03-03T01:00:00Z"},
        _flat(4624, TargetUserName="b", TimeCreated="yesterday"),
        _flat(4624, TargetUserName="c"),
    ]
    result = parse_logs([_jsonl(tmp_path, records)])
    assert [r["username"] for r in result.events.to_pylist()] == ["a", "c"]
    assert [(e.source, e.code) for e in result.errors] == [
        ("security.jsonl:2", "bad_json"),
        ("security.jsonl:3", "not_an_object"),
        ("security.jsonl:4", "no_event_id"),
        ("security.jsonl:5", "no_time"),
    ]


def test_zipped_json_lines_point_into_the_member(tmp_path: Path) -> None:
    inner = _jsonl(tmp_path, [_flat(4720, TargetUserName="x"), _flat(4624, TargetUserName="y")], name="day1.json")
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.write(inner, "logs/day1.json")
    rows = parse_logs([archive]).events.to_pylist()
    assert [r["source"] for r in rows] == ["export.zip/logs/day1.json:1", "export.zip/logs/day1.json:2"]


def test_a_corrupt_evtx_record_is_reported_and_the_others_are_kept(shared_data: Path, tmp_path: Path) -> None:
    original = shared_data / "windows_security" / "evtx" / "DE_RDP_Tunnel_5156.evtx"
    broken = tmp_path / "broken.evtx"
    shutil.copyfile(original, broken)
    data = bytearray(broken.read_bytes())
    records = [m.start() for m in re.finditer(re.escape(b"\x2a\x2a\x00\x00"), bytes(data))]
    data[records[5] + 30 : records[5] + 200] = b"\xff" * 170  # garble the body of the 6th record
    broken.write_bytes(bytes(data))
    good = parse_logs([original]).events
    result = parse_logs([broken])
    assert result.events.num_rows == good.num_rows - 1
    assert [e.code for e in result.errors] == ["bad_record"]
    assert result.errors[0].source == "broken.evtx:record#6"


def test_a_broken_chunk_reports_the_records_it_hides(shared_data: Path, tmp_path: Path) -> None:
    original = shared_data / "windows_security" / "evtx" / "DE_RDP_Tunnel_5156.evtx"
    broken = tmp_path / "chunk.evtx"
    data = bytearray(original.read_bytes())
    records = [m.start() for m in re.finditer(re.escape(b"\x2a\x2a\x00\x00"), bytes(data))]
    data[records[10] : records[10] + 4] = b"XXXX"  # a record header the library cannot step over
    broken.write_bytes(bytes(data))
    result = parse_logs([broken])
    lost = [e for e in result.errors if e.code == "records_lost"]
    assert result.events.num_rows == 10
    assert len(lost) == 1 and int(lost[0].detail) == 101 - 10 - 1
    assert "読めなかった" in lost[0].reason("ja")


def test_files_that_are_not_logs_are_reported_not_fatal(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello\nworld\n", encoding="utf-8")
    good = _jsonl(tmp_path, [_flat(4624, TargetUserName="a")])
    result = parse_logs([text, good, tmp_path / "missing.log"])
    assert result.events.num_rows == 1
    assert [(e.source, e.code) for e in result.errors] == [
        ("notes.txt", "unknown_format"),
        ("missing.log", "unreadable_file"),
    ]


def test_a_big_evtx_cut_into_chunk_ranges_gives_the_same_table(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kansa.cyber.logs import api

    folder = shared_data / "windows_security" / "evtx"
    chunks = [p.read_bytes()[4096 : 4096 + 65536] for p in sorted(folder.glob("*.evtx"))]
    header = bytearray((folder / "DE_RDP_Tunnel_5156.evtx").read_bytes()[:4096])
    struct.pack_into("<Q", header, 16, len(chunks) * 2 - 1)
    struct.pack_into("<H", header, 42, len(chunks) * 2)
    struct.pack_into("<I", header, 124, zlib.crc32(bytes(header[:120])))
    big = tmp_path / "big.evtx"
    big.write_bytes(bytes(header) + b"".join(chunks * 2))
    one = parse_logs([big], workers=1)
    monkeypatch.setattr(api, "SPLIT_MIN_BYTES", 0)
    two = parse_logs([big], workers=2)
    assert one.events.num_rows == 2 * 193
    assert two.events.equals(one.events)
    assert two.errors == one.errors == []


def test_gzipped_auth_log_and_evtx_inside_a_zip(shared_data: Path, tmp_path: Path) -> None:
    auth = tmp_path / "auth.log.1.gz"
    with gzip.open(auth, "wb") as handle:
        handle.write(b"Mar  3 10:15:02 h sshd[2]: Accepted password for a from 10.0.0.1 port 1 ssh2\n")
    archive = tmp_path / "evtx.zip"
    source = shared_data / "windows_security" / "evtx" / "Network_Service_Guest_added_to_admins_4732.evtx"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(source, "Security.evtx")
    assert detect_format(auth) == "gzip" and detect_format(archive) == "zip"
    rows = parse_logs([auth, archive], year=2026).events.to_pylist()
    assert [(r["event_type"], r["source"]) for r in rows] == [
        ("logon", "auth.log.1.gz:1"),
        ("group_member_added", "evtx.zip/Security.evtx:191029"),
        ("group_member_added", "evtx.zip/Security.evtx:191030"),
    ]
