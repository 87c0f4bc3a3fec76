"""Log lines for the synthetic cyber institution: Linux auth.log (syslog) and Windows Security JSON lines."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass
class Event:
    """One log record before numbering; `keys` are answer-key rows (rule_id, expected) for it."""

    time: dt.datetime
    kind: str  # "auth" or "win"
    host: str
    payload: dict[str, object]
    keys: list[tuple[str, bool]] = field(default_factory=list)


def syslog_line(e: Event) -> str:
    """A syslog line: `Mar  3 10:15:01 host prog[pid]: message` (day padded to two characters)."""
    t = e.time
    p = e.payload
    stamp = f"{_MONTHS[t.month - 1]} {t.day:>2} {t:%H:%M:%S}"
    kind = p["type"]
    pid = p.get("pid", 1000)
    user = p.get("user")
    if kind == "accepted":
        msg = (f"sshd[{pid}]: Accepted {p['method']} for {user} from {p['ip']} port {p['port']} ssh2"
               + (": RSA SHA256:Xb3f9kQ2lq0sYzJ8mNw4VtR7cP1aE6uH5dG2oI9nLkM" if p["method"] == "publickey" else ""))
    elif kind == "failed_invalid":
        msg = f"sshd[{pid}]: Failed password for invalid user {user} from {p['ip']} port {p['port']} ssh2"
    elif kind == "failed":
        msg = f"sshd[{pid}]: Failed password for {user} from {p['ip']} port {p['port']} ssh2"
    elif kind == "sudo":
        msg = f"sudo:    {user} : TTY=pts/0 ; PWD=/home/{user} ; USER=root ; COMMAND={p['command']}"
    elif kind == "su":
        msg = f"su[{pid}]: (to root) {user} on pts/0"
    elif kind == "useradd":
        msg = (f"useradd[{pid}]: new user: name={user}, UID={p['uid']}, GID={p['uid']}, home=/home/{user}, "
               f"shell=/bin/bash, from=/dev/pts/0")
    elif kind == "closed":
        msg = f"sshd[{pid}]: pam_unix(sshd:session): session closed for user {user}"
    else:
        raise ValueError(kind)
    return f"{stamp} {e.host} {msg}"


def security_record(e: Event, record_number: int) -> str:
    """A Windows Security event as one JSON line, in the OTRF/Security-Datasets (nxlog) shape."""
    p = e.payload
    eid = int(p["EventID"])  # type: ignore[call-overload]
    utc = e.time - dt.timedelta(hours=9)  # logs carry Asia/Tokyo wall time; @timestamp is UTC
    rec: dict[str, object] = {
        "EventID": eid, "RecordNumber": record_number, "SourceName": "Microsoft-Windows-Security-Auditing",
        "Channel": "Security", "Hostname": e.host, "host": "wec.himawari.local",
        # NXLog writes EventTime and EventReceivedTime in the collector's local time and @timestamp in UTC;
        # a parser recovers the collector's zone from the last two
        "EventTime": e.time.strftime("%Y-%m-%d %H:%M:%S"),
        "EventReceivedTime": (e.time + dt.timedelta(seconds=1)).strftime("%Y-%m-%d %H:%M:%S"),
        "@timestamp": (utc + dt.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "EventType": "AUDIT_FAILURE" if eid == 4625 else "AUDIT_SUCCESS", "Severity": "INFO",
        "Category": {4624: "Logon", 4625: "Logon", 4634: "Logoff", 4672: "Special Logon",
                     4720: "User Account Management", 4732: "Security Group Management"}.get(eid, "Other"),
        "tags": ["kansaSynthetic"],
    }
    for k in ("TargetUserName", "SubjectUserName", "LogonType", "IpAddress", "IpPort", "TargetDomainName",
              "SubjectDomainName", "PrivilegeList", "MemberName", "SamAccountName", "LogonProcessName"):
        if k in p:
            rec[k] = p[k]
    rec["Message"] = {4624: "An account was successfully logged on.", 4625: "An account failed to log on.",
                      4634: "An account was logged off.", 4672: "Special privileges assigned to new logon.",
                      4720: "A user account was created.",
                      4732: "A member was added to a security-enabled local group."}.get(eid, "")
    return json.dumps(rec, ensure_ascii=False, sort_keys=True)
