"""Fuzzing the auth.log line parser and the Windows mapping: any input gives a row or an error, never a crash."""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from kansa.cyber.logs.columns import ALL_COLUMNS, EVENT_TYPES, rows_to_table
from kansa.cyber.logs.syslog import _EPOCH, _MICROSECOND, AuthLogParser, _shift_micros, _shift_years
from kansa.cyber.logs.windows import RecordProblem, flatten, windows_row

_HEADERS = st.sampled_from(
    [
        "Mar  3 10:15:01 h ",
        "Dec 31 23:59:59 host ",
        "Feb 29 10:15:01 h ",
        "2026-03-03T10:15:01+09:00 h ",
        "<38>1 2026-03-03T10:15:01Z h ",
        "<13>Mar  3 10:15:01 h ",
        "Jan ",
        "",
    ]
)
_TAGS = st.sampled_from(
    [
        "sshd[1]: ",
        "sshd(pam_unix)[2]: ",
        "sudo: ",
        "sudo[3]: ",
        "su[4]: ",
        "su(pam_unix)[5]: ",
        "useradd[6]: ",
        "usermod[7]: ",
        "gpasswd[8]: ",
        "groupadd[9]: ",
        "CRON[1]: ",
        "",
        "[: ",
        "(: ",
    ]
)
_BODIES = st.sampled_from(
    [
        "Accepted ",
        "Failed password for ",
        "Failed password for invalid user ",
        "message repeated 3 times: [ Failed password for ",
        "authentication failure; rhost=",
        "session opened for user ",
        "session closed for user ",
        "pam_unix(su:session): session opened for user root by ",
        "pam_unix(su:auth): authentication failure;",
        "pam_unix(sshd:session): session closed for user ",
        "(to root) ",
        "FAILED SU (to ",
        "+ ",
        "- ",
        " alice : TTY=pts/0 ; USER=root ; COMMAND=",
        " bob : 3 incorrect password attempts ; COMMAND=",
        "new user: name=",
        "add '",
        "user x added by ",
        "new group: name=",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(_HEADERS, _TAGS, _BODIES, st.text(max_size=60))
        | st.text(max_size=120).map(lambda t: ("", "", "", t)),
        max_size=12,
    ),
    st.sampled_from([None, 1999, 2024]),
)
def test_any_auth_log_line_becomes_a_row_or_an_error(lines: list[tuple[str, str, str, str]], year: int | None) -> None:
    parser = AuthLogParser("fuzz.log", year=year, mtime=datetime(2026, 11, 25, 12, 0))
    texts = ["".join(parts).replace("\n", " ") for parts in lines]
    parser.feed_lines(texts)
    parser.finish()
    nonblank = sum(1 for t in texts if t.strip())
    assert len(parser.rows) + len(parser.errors) == nonblank
    for row in parser.rows:
        assert len(row) == len(ALL_COLUMNS)
        assert row[4] in EVENT_TYPES
        assert isinstance(row[0], datetime)
        assert row[3]  # username is never empty (the contract requires it)
    rows_to_table(parser.rows)  # every row fits the typed schema


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(_HEADERS, _TAGS, _BODIES, st.text(max_size=40)) | st.text(max_size=80).map(lambda t: ("", "", "", t)),
        max_size=15,
    )
)
def test_the_fast_block_path_gives_the_same_table_as_line_by_line(lines: list[tuple[str, str, str, str]]) -> None:
    text = "\n".join("".join(parts).replace("\n", " ").replace("\r", " ") for parts in lines)
    one = AuthLogParser("f.log", mtime=datetime(2026, 11, 25, 12, 0))
    one.feed_lines(text.split("\n"))
    one.finish()
    block = AuthLogParser("f.log", mtime=datetime(2026, 11, 25, 12, 0))
    block.feed_block(text, 1)
    block.finish()
    assert block.table().equals(rows_to_table(one.rows))
    assert block.errors == one.errors


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=10,
)


@settings(max_examples=150, deadline=None)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "EventID": st.sampled_from([4624, 4625, 4672, 4720, 4732, "4624", "x", None]) | _JSON,
            "Channel": st.sampled_from(["Security", "System"]) | _JSON,
            "TimeCreated": st.sampled_from(["2026-01-01T00:00:00Z", "/Date(1600000000000)/", "bad"]) | _JSON,
            "EventTime": st.sampled_from(["2020-09-14 08:05:43", ""]) | _JSON,
            "@timestamp": st.sampled_from(["2020-09-14T12:05:46.455Z"]) | _JSON,
            "EventReceivedTime": st.sampled_from(["2020-09-14 08:05:46"]) | _JSON,
            "TargetUserName": _JSON,
            "SubjectUserName": _JSON,
            "MemberName": _JSON,
            "MemberSid": _JSON,
            "LogonType": _JSON,
            "Event": _JSON
            | st.fixed_dictionaries(
                {"System": st.dictionaries(st.sampled_from(["EventID", "Channel", "Computer", "TimeCreated"]), _JSON)},
                optional={"EventData": _JSON, "UserData": _JSON},
            ),
            "winlog": _JSON,
        },
    )
)
def test_any_windows_json_record_becomes_a_row_or_a_record_problem(record: dict[str, object]) -> None:
    try:
        event_id, channel, host, when, _number, data = flatten(record)
    except RecordProblem:
        return
    except (AttributeError, TypeError) as exc:  # pragma: no cover - the failure message names the record
        raise AssertionError(f"{record!r} crashed the mapping: {exc!r}") from exc
    row = windows_row(event_id, channel, host, when, "f:1", data, {})
    assert row[4] in EVENT_TYPES
    rows_to_table([row])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 12, 31)), min_size=1, max_size=30),
    st.integers(min_value=-3, max_value=3),
)
def test_whole_year_shift_in_arrow_equals_the_python_one(values: list[datetime], delta: int) -> None:
    micros = [(v - _EPOCH) // _MICROSECOND for v in values]
    shifted = _shift_micros(pa.array(micros, pa.int64()), delta).to_pylist()
    assert shifted == [(_shift_years(v, delta) - _EPOCH) // _MICROSECOND for v in values]
