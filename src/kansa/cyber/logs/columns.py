"""The access_events columns the parsers fill: the contract's, in order, then the extra ones."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pyarrow as pa

from kansa.contract.schema import TABLES, arrow_schema

CONTRACT_COLUMNS: tuple[str, ...] = TABLES["access_events"].names
EVENT_TYPES: tuple[str, ...] = TABLES["access_events"].column("event_type").enum

# Extra columns after the contract's (the scan and the auditor use them; see docs in README.md here).
EXTRA_FIELDS: tuple[pa.Field, ...] = (
    pa.field("event_id", pa.string()),  # Windows event id ("4624") or the syslog program ("sshd", "sudo")
    pa.field("channel", pa.string()),  # Windows channel ("Security"); null for syslog
    pa.field("target_user", pa.string()),  # TargetUserName as written; sudo USER=; su "to"; the group for 4728/4732
    pa.field("subject_user", pa.string()),  # who acted: SubjectUserName; the sudo/su caller; useradd's caller
    pa.field("user_sid", pa.string()),  # SID of the account in `username` when the log gives one
    pa.field("command", pa.string()),  # sudo COMMAND=
    pa.field("auth_method", pa.string()),  # ssh method (password, publickey), Windows authentication package
    pa.field("process", pa.string()),  # syslog tag ("sshd[1234]") or Windows ProcessName
    pa.field("raw_result", pa.string()),  # outcome detail: NTSTATUS of 4625, sudo refusal, "invalid_user"
    pa.field("privileges", pa.string()),  # PrivilegeList of 4672
    pa.field("repeated", pa.int64()),  # 1, or N for rsyslog's "message repeated N times: [...]"
)
EXTRA_COLUMNS: tuple[str, ...] = tuple(f.name for f in EXTRA_FIELDS)
ALL_COLUMNS: tuple[str, ...] = CONTRACT_COLUMNS + EXTRA_COLUMNS
EVENTS_SCHEMA: pa.Schema = pa.schema(list(arrow_schema("access_events")) + list(EXTRA_FIELDS))

_ROW_STRUCT = pa.struct(list(EVENTS_SCHEMA))

# Position of each column inside a row tuple (rows are plain tuples in ALL_COLUMNS order: cheap to build).
(
    I_TIME,
    I_ASSET,
    I_HOST,
    I_USER,
    I_TYPE,
    I_IP,
    I_LOGON_TYPE,
    I_SOURCE,
    I_EVENT_ID,
    I_CHANNEL,
    I_TARGET,
    I_SUBJECT,
    I_SID,
    I_COMMAND,
    I_AUTH,
    I_PROCESS,
    I_RESULT,
    I_PRIVILEGES,
    I_REPEATED,
) = range(len(ALL_COLUMNS))

UNKNOWN_USER = "-"  # username is required by the contract; Windows itself writes "-" for "none"

Row = tuple[Any, ...]


def rows_to_table(rows: list[Row]) -> pa.Table:
    """Turn row tuples (ALL_COLUMNS order) into a typed table (one pass in C through a struct array)."""
    if not rows:
        return EVENTS_SCHEMA.empty_table()
    return pa.Table.from_struct_array(pa.array(rows, type=_ROW_STRUCT))


def event_row(
    event_time: datetime,
    host: str,
    username: str | None,
    event_type: str,
    source: str,
    *,
    source_ip: str | None = None,
    logon_type: str | None = None,
    event_id: str | None = None,
    channel: str | None = None,
    target_user: str | None = None,
    subject_user: str | None = None,
    user_sid: str | None = None,
    command: str | None = None,
    auth_method: str | None = None,
    process: str | None = None,
    raw_result: str | None = None,
    privileges: str | None = None,
    repeated: int = 1,
) -> Row:
    """Build one row by name (the slower, readable way; hot loops build the tuple directly)."""
    return (
        event_time,
        None,
        host,
        username or UNKNOWN_USER,
        event_type,
        source_ip,
        logon_type,
        source,
        event_id,
        channel,
        target_user,
        subject_user,
        user_sid,
        command,
        auth_method,
        process,
        raw_result,
        privileges,
        repeated,
    )
