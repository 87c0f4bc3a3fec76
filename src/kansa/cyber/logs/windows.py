"""Windows Security events (from .evtx or JSON) to access_events rows.

Mapping (Security channel only; any other channel or id is `other`, kept and counted):
| id | event_type | username | subject_user | target_user |
|---|---|---|---|---|
| 4624 / 4625 | logon / logon_failed | TargetUserName | SubjectUserName | TargetUserName |
| 4634 / 4647 | logoff | TargetUserName | | TargetUserName |
| 4648 | explicit_credentials | TargetUserName (whose credentials were used) | SubjectUserName (who used them) | |
| 4672 | privileged_logon | SubjectUserName (the account given special privileges) | SubjectUserName | |
| 4720 | account_created | TargetUserName (the new account) | SubjectUserName (who created it) | |
| 4728 / 4732 / 4756 | group_member_added | the member (CN of MemberName, else SID) | SubjectUserName | group |
logon_type is LogonType as written ("2", "3", "10"); source_ip is IpAddress ("-" becomes empty).
A member given only by SID is resolved from names seen for that SID in the same parse, then from
well-known SIDs (S-1-5-18 SYSTEM, ...-500 Administrator, ...-501 Guest); otherwise the SID stays.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from kansa.cyber.logs.columns import UNKNOWN_USER, Row
from kansa.cyber.logs.times import JST_OFFSET, aware_to_tokyo, parse_dotnet_date, parse_iso_utc, utc_to_tokyo

_TYPES = {
    4624: "logon",
    4625: "logon_failed",
    4634: "logoff",
    4647: "logoff",
    4648: "explicit_credentials",
    4672: "privileged_logon",
    4720: "account_created",
    4728: "group_member_added",
    4732: "group_member_added",
    4756: "group_member_added",
}
_GROUP_IDS = frozenset({4728, 4732, 4756})
_CN = re.compile(r"CN=((?:\\.|[^,\\])+)", re.IGNORECASE)
_WELL_KNOWN_SIDS = {
    "S-1-5-18": "SYSTEM",
    "S-1-5-19": "LOCAL SERVICE",
    "S-1-5-20": "NETWORK SERVICE",
}
_WELL_KNOWN_RIDS = {"500": "Administrator", "501": "Guest", "502": "krbtgt"}


_NONE = frozenset(("", "-"))


def _text(data: Mapping[str, Any], key: str) -> str | None:
    """A field as written; Windows' "-" and empty mean none."""
    value = data.get(key)
    if value is None:
        return None
    if value.__class__ is not str:
        value = str(value)
    return None if value in _NONE else value


def member_name(data: Mapping[str, Any]) -> str | None:
    """The member of a group-change event: the CN of MemberName, else its SID."""
    name = _text(data, "MemberName")
    if name:
        match = _CN.match(name)
        return match.group(1).replace("\\", "") if match else name
    return _text(data, "MemberSid")


def windows_row(
    event_id: int,
    channel: str | None,
    host: str,
    when: datetime,
    source: str,
    data: Mapping[str, Any],
    sids: dict[str, str] | None = None,
) -> Row:
    """One access_events row for one Windows event; `sids` learns SID -> name pairs for later resolution."""
    security = channel is None or channel == "Security"
    event_type = _TYPES.get(event_id, "other") if security else "other"
    target = _text(data, "TargetUserName")
    subject = _text(data, "SubjectUserName")
    sid = None
    logon_type = ip = auth = process = result = privileges = None
    if event_type in ("logon", "logon_failed", "logoff", "explicit_credentials"):
        user = target
        sid = _text(data, "TargetUserSid")
        logon_type = _text(data, "LogonType")
        ip = _text(data, "IpAddress")
        auth = _text(data, "AuthenticationPackageName")
        process = _text(data, "ProcessName")
        if event_type == "logon_failed":
            status, sub = _text(data, "Status"), _text(data, "SubStatus")
            result = "/".join(s for s in (status, sub) if s) or _text(data, "FailureReason")
        if event_type == "logoff":
            subject = None
    elif event_type == "privileged_logon":
        user = subject
        sid = _text(data, "SubjectUserSid")
        privileges = " ".join((_text(data, "PrivilegeList") or "").split()) or None
    elif event_type == "account_created":
        user = target or _text(data, "SamAccountName")
        sid = _text(data, "TargetSid")
    elif event_type == "group_member_added":
        user = member_name(data)
        sid = _text(data, "MemberSid")
    else:
        user = target or subject
        logon_type = _text(data, "LogonType")
        ip = _text(data, "IpAddress")
        process = _text(data, "ProcessName")
    if sids is not None and event_type != "other":
        _learn(sids, data, event_id)
    return (when, None, host, user or UNKNOWN_USER, event_type, ip, logon_type, source, str(event_id), channel,
            target, subject, sid, None, auth, process, result, privileges, 1)  # fmt: skip


def _learn(sids: dict[str, str], data: Mapping[str, Any], event_id: int) -> None:
    """Remember which name goes with which SID (to name group members given only by SID)."""
    for sid_key, name_key in (("TargetUserSid", "TargetUserName"), ("SubjectUserSid", "SubjectUserName")):
        sid, name = data.get(sid_key), data.get(name_key)
        if isinstance(sid, str) and isinstance(name, str) and name not in ("", "-") and sid.startswith("S-1-5-21-"):
            sids[sid] = name
    if event_id == 4720:
        sid, name = data.get("TargetSid"), data.get("TargetUserName")
        if isinstance(sid, str) and isinstance(name, str) and name not in ("", "-"):
            sids[sid] = name


def resolve_sid(sid: str, sids: Mapping[str, str]) -> str:
    """A name for `sid`: one seen in the logs, else a well-known name, else the SID itself."""
    if sid in sids:
        return sids[sid]
    if sid in _WELL_KNOWN_SIDS:
        return _WELL_KNOWN_SIDS[sid]
    if sid.startswith("S-1-5-21-"):
        rid = sid.rsplit("-", 1)[-1]
        if rid in _WELL_KNOWN_RIDS:
            return _WELL_KNOWN_RIDS[rid]
    return sid


# ---- JSON shapes ---------------------------------------------------------------------------------


class RecordProblem(Exception):
    """A JSON record that is not a readable Windows event; `code` names why (see messages.yaml: log_<code>)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(detail or code)
        self.code = code
        self.detail = detail


def flatten(record: Mapping[str, Any]) -> tuple[int, str | None, str, datetime, Any, Mapping[str, Any]]:
    """(event id, channel, host, Tokyo time, record number, event data) from any supported JSON shape.

    Shapes: evtx JSON (`{"Event": {"System": ..., "EventData": ...}}`), flat NXLog / OTRF Security-Datasets
    (EventID, Channel, Hostname, fields at the top) and Winlogbeat (`winlog.event_id`, `winlog.event_data`).
    """
    event = record.get("Event")
    if isinstance(event, Mapping) and isinstance(event.get("System"), Mapping):
        return flatten_evtx(event)
    event_id, channel, host, when, number, data = _flatten_other(record)
    return (event_id, channel if isinstance(channel, str) else None, str(host or ""), when, number,
            data if isinstance(data, Mapping) else {})  # fmt: skip


def _flatten_other(record: Mapping[str, Any]) -> tuple[int, Any, Any, datetime, Any, Any]:
    winlog = record.get("winlog")
    if isinstance(winlog, Mapping) and "event_id" in winlog:
        data = winlog.get("event_data")
        when = _time_or_fail(record.get("@timestamp"))
        host_field = record.get("host")
        host = winlog.get("computer_name") or (host_field.get("name") if isinstance(host_field, Mapping) else None)
        return _event_id(winlog["event_id"]), winlog.get("channel"), host, when, winlog.get("record_id"), data
    raw_id = record.get("EventID", record.get("EventId", record.get("Id")))
    if raw_id is None:
        raise RecordProblem("no_event_id")
    host = record.get("Hostname") or record.get("Computer") or record.get("MachineName") or record.get("host")
    channel = record.get("Channel") or record.get("LogName")
    number = record.get("RecordNumber", record.get("EventRecordID", record.get("RecordId")))
    return _event_id(raw_id), channel, host, flat_time(record), number, record


def flatten_evtx(event: Mapping[str, Any]) -> tuple[int, str | None, str, datetime, Any, Mapping[str, Any]]:
    """The same as `flatten` for the inside of evtx JSON's `Event` object (the .evtx fast path)."""
    system = event["System"]
    try:  # the usual shape, read without detours: {"#attributes": {"SystemTime": "...Z"}}
        stamp = system["TimeCreated"]["#attributes"]["SystemTime"]
        when = datetime.fromisoformat(stamp[:-1]) + JST_OFFSET if stamp[-1] == "Z" else _time_or_fail(stamp)
    except (KeyError, TypeError, IndexError, ValueError):
        when = _time_or_fail(_system_time(system.get("TimeCreated")))
    data = event.get("EventData")
    if data.__class__ is not dict and not isinstance(data, Mapping):  # dict first: isinstance on an ABC is slow
        user_data = event.get("UserData")
        data = next(iter(user_data.values()), {}) if isinstance(user_data, Mapping) and user_data else {}
        if not isinstance(data, Mapping):
            data = {}
    raw_id = system.get("EventID")
    if raw_id is None:
        raise RecordProblem("no_event_id")
    event_id = raw_id if raw_id.__class__ is int else _event_id(raw_id)
    channel = system.get("Channel")
    computer = system.get("Computer")
    return (event_id, channel if channel.__class__ is str else None,
            computer if computer.__class__ is str else str(computer or ""), when,
            system.get("EventRecordID"), data)  # fmt: skip


def _system_time(created: Any) -> Any:
    """SystemTime inside TimeCreated (`{"#attributes": {"SystemTime": ...}}`), or the value itself."""
    if isinstance(created, Mapping):
        inner = created.get("#attributes", created)
        return inner.get("SystemTime") if isinstance(inner, Mapping) else None
    return created


def _event_id(raw: Any) -> int:
    if isinstance(raw, Mapping):
        raw = raw.get("#text", raw.get("value"))
    try:
        return int(raw)
    except (TypeError, ValueError) as exc:
        raise RecordProblem("no_event_id", f"EventID={raw!r}") from exc


def _time_or_fail(value: Any) -> datetime:
    if not isinstance(value, str) or not value:
        raise RecordProblem("no_time")
    try:
        return parse_dotnet_date(value) if value.startswith("/Date(") else parse_iso_utc(value)
    except ValueError as exc:
        raise RecordProblem("no_time", f"{value!r}") from exc


def flat_time(record: Mapping[str, Any]) -> datetime:
    """Tokyo time of a flat JSON event.

    TimeCreated / SystemTime (UTC, or with an offset) wins. NXLog's EventTime is the collector's local
    time without a zone: the zone is recovered from EventReceivedTime (same clock) against @timestamp
    (UTC), rounded to 15 minutes; without both, EventTime counts as UTC. Last resort: @timestamp.
    """
    created = _system_time(record.get("TimeCreated") or record.get("SystemTime") or record.get("UtcTime"))
    if created:
        return _time_or_fail(created)
    local_text = record.get("EventTime")
    if isinstance(local_text, str) and local_text:
        try:
            local = datetime.fromisoformat(local_text)
            if local.tzinfo is not None:
                return aware_to_tokyo(local)
            return utc_to_tokyo(local - _collector_offset(record))
        except ValueError as exc:
            raise RecordProblem("no_time", f"EventTime={local_text!r}") from exc
    return _time_or_fail(record.get("@timestamp"))


def _collector_offset(record: Mapping[str, Any]) -> timedelta:
    """The collector's UTC offset: EventReceivedTime (local) minus @timestamp (UTC), to the quarter hour."""
    stamp, received = record.get("@timestamp"), record.get("EventReceivedTime")
    if not isinstance(stamp, str) or not isinstance(received, str):
        return timedelta(0)
    utc = datetime.fromisoformat(stamp)
    if utc.tzinfo is not None:
        utc = aware_to_tokyo(utc) - timedelta(hours=9)
    seconds = (datetime.fromisoformat(received) - utc).total_seconds()
    return timedelta(seconds=round(seconds / 900) * 900)
