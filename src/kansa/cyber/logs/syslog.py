"""Linux auth logs (syslog: BSD `Mar  3 10:15:01 host prog[pid]: msg` or RFC 3339) to access_events rows.

Choices an auditor should know (also in README.md of this package):
- Which lines are events and what each says (sshd, sudo, su, useradd, usermod, gpasswd, groupadd):
  auth_events.py. This module reads the line grammar, the times and the years.
- rsyslog's `message repeated N times: [ msg ]` is parsed as msg with `repeated` = N (one row).
- Year: BSD lines carry none. It is `year` (the year of the FIRST line) when given, else taken from
  the file's modification time as the year of the LAST line (a last line later than the mtime by more
  than a day belongs to the year before). A line more than 7 days earlier than the previous line starts
  the next year (December to January); a line about a year later than the previous one is a straggler
  from the year before. RFC 3339 lines carry their own year and zone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta, tzinfo

import pyarrow as pa
import pyarrow.compute as pc

from kansa.cyber.logs.auth_events import AuthEvents, Handler
from kansa.cyber.logs.columns import EVENTS_SCHEMA, I_TIME, UNKNOWN_USER, Row, rows_to_table
from kansa.cyber.logs.result import ParseError
from kansa.cyber.logs.times import aware_to_tokyo, local_to_tokyo

_MONTHS = {
    m: i
    for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], start=1)
}
_ROLLOVER = timedelta(days=7)
_EPOCH = datetime(1970, 1, 1)
_MICROSECOND = timedelta(microseconds=1)
_STRAGGLER = timedelta(days=300)

# The fast path's header: the same split as `feed` (stamp, host, tag up to the first ": "); a tag holding
# a ":" does not match and goes the slow way. Captures are costly in RE2, so the message is not captured.
# The month is checked apart (an alternation of twelve names makes RE2's captures 3-4x slower).
_HEADER_RE = (
    r"^(?P<stamp>[A-Z][a-z][a-z] [ 0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]) (?P<host>[^ ]+) (?P<tag>[^:]*): "
)
_MONTH_NAMES = pa.array(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])
# Lines that may hold an event (or need `feed`'s care): a handled program (sshd only with an event
# message), a `message repeated`, an old PAM-style tag with "(". Match-only, so RE2 runs it as a DFA.
# sudo only with " : ... COMMAND=" (its session lines are plain); old PAM-style tags ("sshd(pam_unix)[1]")
# of handled programs; other programs' "(" tags stay plain (table() strips the "(...)" as `feed` does).
_MAY_HOLD_EVENT_RE = (
    r"^.{15} [^ ]+ (?:(?:sshd|sshd-session)(?:\[[^:]*)?: "
    r"(?:Accepted |Failed |message repeated |pam_unix\(sshd:session\): session closed for user )"
    r"|(?:sshd|sshd-session)\(|sudo(?:[\[(][^:]*)?: .* : .*COMMAND="
    r"|(?:su|useradd|usermod|gpasswd|groupadd)(?:[\[(][^:]*)?: |[^:]*: message repeated )"
)
# sshd's logons and failed logons, exactly as _RE_ACCEPTED / _RE_FAILED read them (on ASCII lines).
_SSH_RE = (
    r"^.{15} [^ ]+ (?P<tag>(?:sshd|sshd-session)(?:\[[^\]:(]*\])?): (?P<kind>Accepted|Failed) "
    r"(?P<method>[^ \t\n\r\f\v]+) for (?P<invalid>invalid user )?(?P<user>.*?) from (?P<ip>[^ \t\n\r\f\v]+) port [0-9]+"
)
# What `feed` reads as a BSD syslog line (after a <PRI>): a month name first.
_BSD_LIKE_RE = r"^(?:<[0-9]*>)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_RE_REPEAT = re.compile(r"message repeated (\d+) times: \[ ?(.*?) ?\]?$")


class AuthLogParser:
    """Stateful parser of one auth log: feed lines in order, then `finish()`; rows and errors accumulate."""

    def __init__(
        self,
        name: str,
        *,
        year: int | None = None,
        mtime: datetime | None = None,
        source_zone: tzinfo | None = None,
    ) -> None:
        """`name` prefixes sources; `year` of the first line, else `mtime` (local) gives the last line's year."""
        self.name = name
        self.rows: list[Row] = []
        self.errors: list[ParseError] = []
        self.notes: list[ParseError] = []  # not corrupt records: choices the reader should know (leap years)
        self._leap_days: list[int] = []  # provisional years of the 29 February lines
        self._zone = source_zone
        self._year_given = year is not None
        self._mtime = mtime
        self._year = year if year is not None else (mtime.year if mtime else datetime.now().year)
        self._last_local: datetime | None = None
        self._cache: dict[str, datetime] = {}
        self._micros: dict[str, int] = {}  # the same times as microseconds since 1970 (cheap for Arrow)
        self._bsd_rows: list[int] = []  # rows whose year was inferred (shifted by finish() if needed)
        self._events = AuthEvents(self.rows)  # which lines are events, and what they say
        # block path: line numbers of `rows`, and the plain lines (no event) kept as Arrow columns
        self._row_lines: list[int] = []
        self._plain_line_chunks: list[pa.Array] = []
        self._plain_time_chunks: list[pa.Array] = []  # microseconds since 1970, Tokyo wall time
        self._ssh_parts: list[tuple[pa.Array, pa.Array, pa.Array, dict[str, pa.Array]]] = []  # times, lines, hosts
        self._pending_times: list[int] = []  # the line-by-line path's times before they become a chunk
        self._plain_shift = 0  # years to add to _plain_times (set by finish)
        self._plain_hosts: list[pa.Array] = []
        self._plain_tags: list[pa.Array] = []
        self._handlers: dict[str, Handler] = self._events.handlers()

    # ---- driving -------------------------------------------------------------------------------

    def feed_lines(self, lines: Iterable[str], first_lineno: int = 1) -> int:
        """Parse lines numbered from `first_lineno`; returns the next line number."""
        feed = self.feed
        n = first_lineno
        for n, line in enumerate(lines, start=first_lineno):
            feed(line, n)
        return n + 1

    def feed_block(self, text: str, first_lineno: int) -> int:
        """Parse many lines at once (the fast path); returns the next line number.

        RE2 (Arrow) splits every header in C. Lines that can hold an event (the programs handled above,
        `message repeated`, anything unusual) go through `feed` one by one; the rest, most of a real
        auth log, stay Arrow columns. `table()` merges both back in line order. Same result as `feed`
        line by line: the year logic only acts when a stamp is seen for the first time, so it runs on
        the block's distinct stamps in order of first appearance (a few thousand for a million lines),
        and each plain line takes its stamp's time by lookup. A turn of the year splits the block there;
        anything unusual (a 29 February, an unreadable stamp, a straggler from the year before, a
        syslog line whose header the regex did not split) sends the rest of the block line by line.
        """
        array = pc.split_pattern(pa.array([text], pa.string()), "\n").flatten()
        header = pc.extract_regex(array, _HEADER_RE)
        month_ok = pc.is_in(pc.utf8_slice_codeunits(header.field("stamp"), 0, 3), value_set=_MONTH_NAMES)
        valid = pc.fill_null(pc.and_(header.is_valid(), month_ok), False)
        if not pc.all(valid).as_py():  # a line that only looks like a header has no stamp for the year logic
            stamp = pc.if_else(valid, header.field("stamp"), pa.scalar(None, pa.string()))
            header = pa.StructArray.from_arrays(
                [stamp, header.field("host"), header.field("tag")], names=["stamp", "host", "tag"]
            )
        may_hold_event = pc.match_substring_regex(array, _MAY_HOLD_EVENT_RE)
        slow = pc.or_(pc.invert(valid), may_hold_event)
        n = len(array)
        # A line `feed` reads as BSD syslog though the header regex did not split it would call the year
        # logic out of the order seen here: such a block goes line by line.
        odd = pc.and_(pc.invert(valid), pc.match_substring_regex(array, _BSD_LIKE_RE))
        start = 0 if not pc.any(odd).as_py() else self._lines_one_by_one(array, header, slow, 0, n, first_lineno)
        while start < n:
            start = self._lines_by_stamp(array, header, slow, start, n, first_lineno)
        return first_lineno + n

    def _lines_by_stamp(
        self, array: pa.Array, header: pa.StructArray, slow: pa.Array, start: int, end: int, first_lineno: int
    ) -> int:
        """Lines start..end through the distinct stamps; returns where it stopped (a turn of the year) or end."""
        codes = pc.dictionary_encode(header.field("stamp").slice(start, end - start))
        distinct = codes.dictionary.to_pylist()
        cache = self._cache
        last = self._last_local.replace(year=2000) if self._last_local is not None else None
        stop = len(distinct)
        turn = False
        for k, stamp in enumerate(distinct):
            if stamp in cache:
                continue
            try:
                month, day = _MONTHS[stamp[:3]], int(stamp[4:6])
                probe = datetime(2000, month, day, int(stamp[7:9]), int(stamp[10:12]), int(stamp[13:15]))
                datetime(self._year, month, day)  # 29 February in a common year: the slow path moves the frame
            except ValueError:
                stop = k
                break
            if last is not None and (probe < last - _ROLLOVER or probe > last + _STRAGGLER):
                stop, turn = k, probe < last - _ROLLOVER
                break
            last = probe
        cut = end if stop == len(distinct) else start + pc.index(codes.indices, stop).as_py()
        if cut > start:
            self._plain_by_stamp(array, header, slow, codes, distinct[:stop], start, cut, first_lineno)
        if cut == end:
            return end
        if turn and cut == start:  # the first line of the new year: turn it (caches cleared), then go on
            stamp = distinct[stop]
            try:
                self._bsd_time(stamp, _MONTHS[stamp[:3]])
            except ValueError as exc:  # the turned year has no such day (29 February): the line is an error,
                # recorded here as line by line records it (the turn itself has happened, as it does there)
                self._bad_timestamp(f"{self.name}:{first_lineno + cut}", exc, str(array[cut].as_py()))
                return cut + 1
            return start
        if turn:
            return cut
        return self._lines_one_by_one(array, header, slow, cut, end, first_lineno)

    def _plain_by_stamp(
        self,
        array: pa.Array,
        header: pa.StructArray,
        slow: pa.Array,
        codes: pa.DictionaryArray,
        distinct: list[str],
        start: int,
        end: int,
        first_lineno: int,
    ) -> None:
        """Lines start..end whose new stamps are known not to turn the year: times by lookup, events by `feed`."""
        cache, micros = self._cache, self._micros
        for stamp in distinct:  # first appearances in order: the year logic sees what `feed` would
            when = cache.get(stamp) or self._bsd_time(stamp, _MONTHS[stamp[:3]])
            if stamp not in micros:
                micros[stamp] = (when - _EPOCH) // _MICROSECOND
        width = end - start
        slow_here = slow.slice(start, width)
        events = pc.indices_nonzero(slow_here)
        feed, emit, bsd_rows, rows, name = self.feed, self._emit, self._bsd_rows, self.rows, self.name
        base = first_lineno + start
        by_code = pa.array([micros[s] for s in distinct] + [0] * (len(codes.dictionary) - len(distinct)), pa.int64())
        local_codes = codes.indices.slice(0, width)
        event_lines = pc.take(array.slice(start, width), events)
        ssh = self._ssh_in_arrow(event_lines)
        if ssh is not None:  # sshd Accepted/Failed lines, most events of a real auth.log, built as columns
            ok, picked, columns = ssh
            at = pc.take(events, picked)
            self._ssh_parts.append((pc.take(by_code, pc.take(local_codes, at)), pc.add(at.cast(pa.int64()), base),
                                    pc.take(header.field("host").slice(start, width), at), columns))  # fmt: skip
            events = pc.filter(events, pc.invert(ok))
            event_lines = pc.take(array.slice(start, width), events)
        stamps, hosts, tags = (pc.take(header.field(f).slice(start, width), events).to_pylist()
                               for f in ("stamp", "host", "tag"))  # fmt: skip
        lines = event_lines.to_pylist()
        for i, line, stamp, host, tag in zip(events.to_pylist(), lines, stamps, hosts, tags, strict=True):
            if stamp is None or line[-1] == "\r":
                feed(line, base + i)
                continue
            # `feed`'s own split of a header the regex accepted
            bsd_rows.append(len(rows))
            emit(cache[stamp], host, tag, line[19 + len(host) + len(tag) :], f"{name}:{base + i}", base + i)
        plain = pc.indices_nonzero(pc.invert(slow_here))
        if len(plain) == 0:
            return
        self._plain_time_chunks.append(pc.take(by_code, pc.take(local_codes, plain)))
        self._plain_line_chunks.append(pc.add(plain.cast(pa.int64()), base))
        self._plain_hosts.append(pc.take(header.field("host").slice(start, width), plain))
        self._plain_tags.append(pc.take(header.field("tag").slice(start, width), plain))

    @staticmethod
    def _ssh_in_arrow(lines: pa.Array) -> tuple[pa.Array, pa.Array, dict[str, pa.Array]] | None:
        """sshd `Accepted`/`Failed` lines as the columns `_sshd` would give them; None when there are none.

        Only plain-ASCII lines without control characters, where RE2's classes and Python's `\\S`, `\\d`
        agree; an `Accepted ... for invalid user` (which `_sshd` reads differently) stays with `_sshd`.
        """
        if len(lines) == 0:
            return None
        m = pc.extract_regex(lines, _SSH_RE)
        clean = pc.and_(pc.string_is_ascii(lines), pc.invert(pc.match_substring_regex(lines, r"[\x00-\x1f\x7f]")))
        accepted = pc.equal(m.field("kind"), "Accepted")
        plain_accept = pc.or_(pc.invert(accepted), pc.equal(m.field("invalid"), ""))
        ok = pc.fill_null(pc.and_(pc.and_(m.is_valid(), clean), plain_accept), False)
        picked = pc.indices_nonzero(ok)
        if len(picked) == 0:
            return None
        m = pc.take(m, picked)
        accepted = pc.take(accepted, picked)
        user, method = m.field("user"), m.field("method")
        columns = {
            "username": pc.if_else(pc.equal(user, ""), UNKNOWN_USER, user),
            "event_type": pc.if_else(accepted, "logon", "logon_failed"),
            "source_ip": m.field("ip"),
            "logon_type": method,
            "event_id": pa.repeat(pa.scalar("sshd", pa.string()), len(picked)),
            "target_user": user,
            "auth_method": method,
            "process": m.field("tag"),
            "raw_result": pc.if_else(
                accepted, "accepted", pc.if_else(pc.equal(m.field("invalid"), ""), "failed", "invalid_user")
            ),
        }
        return ok, picked, columns

    def _lines_one_by_one(
        self, array: pa.Array, header: pa.StructArray, slow: pa.Array, start: int, end: int, first_lineno: int
    ) -> int:
        """Lines start..end in order, each plain line's time through the year logic (the general path)."""
        width = end - start
        lines = array.slice(start, width).to_pylist()
        stamps = header.field("stamp").slice(start, width).to_pylist()
        slow_flags = slow.slice(start, width).to_pylist()
        micros_get = self._micros.get
        micros = self._micros
        cache = self._cache
        bsd_time = self._bsd_time
        feed = self.feed
        plain_times = self._pending_times  # _move_to_leap_year shifts these too
        plain_index: list[int] = []
        base = first_lineno + start
        for i, (stamp, is_slow) in enumerate(zip(stamps, slow_flags, strict=True)):
            lineno = base + i
            if is_slow:
                feed(lines[i], lineno)
                continue
            us = micros_get(stamp)
            if us is None:
                try:
                    when = cache.get(stamp) or bsd_time(stamp, _MONTHS[stamp[:3]])
                except ValueError as exc:
                    self._bad_timestamp(f"{self.name}:{lineno}", exc, lines[i])
                    continue
                us = (when - _EPOCH) // _MICROSECOND
                if cache.get(stamp) is when:  # a straggler from the year before is not cached
                    micros[stamp] = us
            plain_times.append(us)
            plain_index.append(i)
        if plain_index:
            take = pa.array(plain_index, pa.int64())
            self._plain_time_chunks.append(pa.array(plain_times, pa.int64()))
            plain_times.clear()
            self._plain_line_chunks.append(pc.add(take, base))
            self._plain_hosts.append(pc.take(header.field("host").slice(start, width), take))
            self._plain_tags.append(pc.take(header.field("tag").slice(start, width), take))
        return end

    def table(self) -> pa.Table:
        """All rows (events from `feed`, sshd and plain lines from `feed_block`) as one table in line order."""
        parts = [rows_to_table(self.rows)]
        lines = [pa.array(self._row_lines, pa.int64())]
        if self._plain_line_chunks:
            plain_lines = pa.chunked_array(self._plain_line_chunks, pa.int64()).combine_chunks()
            tags = pa.chunked_array(self._plain_tags, pa.string()).combine_chunks()
            program = pc.extract_regex(tags, r"^(?P<p>\([^\[]*|[^\[(]*)").field("p")  # `feed`'s program of a tag
            parts.append(self._columns_table(
                pa.chunked_array(self._plain_time_chunks, pa.int64()).combine_chunks(), plain_lines,
                pa.chunked_array(self._plain_hosts, pa.string()).combine_chunks(),
                {"username": UNKNOWN_USER, "event_type": "other",
                 "event_id": pc.if_else(pc.equal(program, ""), pa.scalar(None, pa.string()), program),
                 "process": pc.if_else(pc.equal(tags, ""), pa.scalar(None, pa.string()), tags)},
            ))  # fmt: skip
            lines.append(plain_lines)
        for times, ssh_lines, hosts, columns in self._ssh_parts:
            parts.append(self._columns_table(times, ssh_lines, hosts, columns))
            lines.append(ssh_lines)
        if len(parts) == 1:
            return parts[0]
        order = pc.sort_indices(pa.concat_arrays(lines))
        return pa.concat_tables(parts).take(order)

    def _columns_table(
        self, times: pa.Array, lines: pa.Array, hosts: pa.Array, columns: dict[str, pa.Array | str]
    ) -> pa.Table:
        """Rows kept as columns (times as microseconds before finish()'s shift), in EVENTS_SCHEMA."""
        n = len(lines)
        given: dict[str, pa.Array] = {
            "event_time": _shift_micros(times, self._plain_shift).cast(pa.timestamp("us")),
            "host": hosts,
            "source": pc.binary_join_element_wise(self.name, pc.cast(lines, pa.string()), ":"),
            "repeated": pa.repeat(pa.scalar(1, pa.int64()), n),
        }
        for key, value in columns.items():
            given[key] = pa.repeat(pa.scalar(value, pa.string()), n) if isinstance(value, str) else value
        return pa.table(
            [given[f.name] if f.name in given else pa.nulls(n, f.type) for f in EVENTS_SCHEMA], schema=EVENTS_SCHEMA
        )

    def feed(self, line: str, lineno: int) -> None:
        """Parse one line (without its newline); a corrupt line becomes an error, never an exception."""
        if line.endswith("\r"):
            line = line[:-1]
        if not line.strip():
            return
        source = f"{self.name}:{lineno}"
        if line[0] == "<":  # a syslog priority <13> before the header (forwarded syslog)
            end = line.find(">", 1, 6)
            if end > 0 and line[1:end].isdigit():
                line = line[end + 1 :]
                if line.startswith("1 ") and line[2:3].isdigit():
                    line = _rfc5424_to_rfc3339_line(line[2:])
        month = _MONTHS.get(line[:3])
        try:
            if month is not None and len(line) > 16 and line[15] == " " and line[6] == " ":
                stamp = line[:15]
                when = self._cache.get(stamp)
                if when is None:
                    when = self._bsd_time(stamp, month)
                self._bsd_rows.append(len(self.rows))
                rest = line[16:]
            elif line[:4].isdigit() and line[4:5] == "-":
                stamp, _, rest = line.partition(" ")
                parsed = datetime.fromisoformat(stamp)
                aware = parsed.tzinfo is not None
                when = aware_to_tokyo(parsed) if aware else local_to_tokyo(parsed, self._zone)
            else:
                self.errors.append(ParseError(source, "not_syslog", value=line[:200]))
                return
        except ValueError as exc:
            self._bad_timestamp(source, exc, line)
            return
        host, _, rest = rest.lstrip(" ").partition(" ")
        tag, sep, msg = rest.partition(": ")
        if not sep:
            tag, msg = "", rest
        self._emit(when, host, tag, msg, source, lineno)

    def _emit(self, when: datetime, host: str, tag: str, msg: str, source: str, lineno: int) -> None:
        """The row of one line whose time, host, tag and message are known."""
        bracket = tag.find("[")
        if bracket >= 0:
            program, pid = tag[:bracket], tag[bracket + 1 : -1]
        else:
            program, pid = tag, ""
        legacy = ""
        paren = program.find("(")
        if paren > 0:  # old Red Hat PAM style: sshd(pam_unix)[123]
            program, legacy = program[:paren], program[paren + 1 : -1]
        repeated = 1
        if msg.startswith("message repeated "):
            match = _RE_REPEAT.match(msg)
            if match:
                repeated, msg = int(match.group(1)), match.group(2)
        handler = self._handlers.get(program)
        row = handler(when, host, source, tag, pid, legacy, msg, repeated) if handler else None
        if row is None:
            row = (when, None, host, UNKNOWN_USER, "other", None, None, source, program or None, None, None,
                   None, None, None, None, tag or None, None, None, repeated)  # fmt: skip
        self.rows.append(row)
        self._row_lines.append(lineno)

    def _bsd_time(self, stamp: str, month: int) -> datetime:
        """Local time of a BSD stamp, moving to the next year on a December-to-January turn."""
        day, clock = int(stamp[4:6]), stamp[7:15]
        hour, minute, second = int(clock[0:2]), int(clock[3:5]), int(clock[6:8])
        if clock[2] != ":" or clock[5] != ":":
            raise ValueError(f"bad clock {clock!r}")
        # Order is judged in a leap year (2000) so that a 29 February never fails before the year is known.
        probe = datetime(2000, month, day, hour, minute, second)
        last = self._last_local
        if last is not None:
            last_probe = last.replace(year=2000)
            if probe < last_probe - _ROLLOVER:
                self._year += 1
                self._cache.clear()
                self._micros.clear()
            elif probe > last_probe + _STRAGGLER:  # a late line from the year before: do not cache, do not move on
                return local_to_tokyo(datetime(self._year - 1, month, day, hour, minute, second), self._zone)
        local = self._local(month, day, hour, minute, second)
        self._last_local = local
        when = local_to_tokyo(local, self._zone)
        self._cache[stamp] = when
        return when

    def _bad_timestamp(self, source: str, exc: ValueError, line: str) -> None:
        """Record a line whose time cannot be read (the same record on every path through the parser)."""
        self.errors.append(ParseError(source, "bad_timestamp", detail=str(exc), value=line[:200]))

    def _local(self, month: int, day: int, hour: int, minute: int, second: int) -> datetime:
        """The wall time in the current year; a 29 February moves an inferred frame to a leap year."""
        try:
            local = datetime(self._year, month, day, hour, minute, second)
        except ValueError:
            if month != 2 or day != 29:
                raise
            if self._year_given:
                raise ValueError(
                    f"29 February does not exist in {self._year} (not a leap year): check --year / "
                    f"{self._year}年は閏年ではないため2月29日はありません（--year を確認してください）"
                ) from None
            self._move_to_leap_year()
            local = datetime(self._year, month, day, hour, minute, second)
        if month == 2 and day == 29 and not self._year_given:
            self._leap_days.append(self._year)
        return local

    def _move_to_leap_year(self) -> None:
        """Move the provisional years (nothing is final before `finish`) so that the current one is leap.

        Without --year the years are provisional until `finish` anchors the last line to the mtime; a
        29 February proves its year is a leap year, so the frame moves forward to the next one and every
        time already parsed moves with it (rare: at most once per leap day in a file).
        """
        step = next(s for s in range(1, 9) if _is_leap(self._year + s))
        self._year += step
        self._cache.clear()
        self._micros.clear()
        if self._last_local is not None:
            self._last_local = _shift_years(self._last_local, step)
        rows = self.rows
        for i in self._bsd_rows:
            row = rows[i]
            rows[i] = (_shift_years(row[I_TIME], step), *row[1:])
        self._plain_time_chunks[:] = [_shift_micros(c, step) for c in self._plain_time_chunks]
        self._ssh_parts[:] = [(_shift_micros(t, step), *rest) for t, *rest in self._ssh_parts]
        if self._pending_times:  # in place: the line-by-line path holds this list
            moved = _shift_micros(pa.array(self._pending_times, pa.int64()), step)
            self._pending_times[:] = moved.to_pylist()
        self._leap_days = [y + step for y in self._leap_days]

    def finish(self) -> None:
        """Shift inferred years so the last line falls in the file's mtime year (no-op when year was given).

        The last line takes the mtime's year, or the year before when it would lie more than a day
        after the mtime. A 29 February in the file must stay in a leap year: then the nearest earlier
        year that keeps every 29 February in a leap year is taken, and a note says so.
        """
        if self._year_given or self._mtime is None or self._last_local is None:
            return
        if not self._bsd_rows and not self._plain_time_chunks and not self._ssh_parts:
            return
        last = self._last_local
        latest = self._mtime + timedelta(days=1)
        plain_target = self._mtime.year
        if _shift_years(last, plain_target - last.year) > latest:
            plain_target -= 1
        target = plain_target
        if self._leap_days:
            fits = [
                t
                for t in range(plain_target, plain_target - 9, -1)
                if all(_is_leap(y + t - last.year) for y in self._leap_days)
            ]
            if fits:
                target = fits[0]
            if target != plain_target or not fits:
                first = min(self._leap_days) + target - last.year
                self.notes.append(
                    ParseError(
                        self.name,
                        "leap_day_year" if fits else "leap_day_conflict",
                        detail=f"mtime {self._mtime:%Y-%m-%d}: last line {target}, 29 February in {first}",
                        value=str(target),
                    )
                )
        delta = target - last.year
        if delta == 0:
            return
        rows = self.rows
        for i in self._bsd_rows:
            row = rows[i]
            rows[i] = (_shift_years(row[I_TIME], delta), *row[1:])
        self._plain_shift = delta


def _is_leap(year: int) -> bool:
    """Gregorian leap year."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _shift_years(value: datetime, delta: int) -> datetime:
    """Move a time by whole years (29 February becomes 28 February in a common year)."""
    try:
        return value.replace(year=value.year + delta)
    except ValueError:
        return value.replace(year=value.year + delta, day=28)


def _shift_micros(values: pa.Array, delta: int) -> pa.Array:
    """`_shift_years` on microseconds since 1970, in Arrow: one constant offset per stretch of a year.

    Within [1 Jan, 29 Feb), on 29 February and within [1 March, 1 Jan) a whole-year move is a constant
    number of days, so a few masks per year covered replace a Python call per line.
    """
    if delta == 0 or len(values) == 0:
        return values
    low, high = (v.as_py() for v in pc.min_max(values).values())
    offsets = pa.array([0] * len(values), pa.int64())
    for year in range((_EPOCH + low * _MICROSECOND).year, (_EPOCH + high * _MICROSECOND).year + 1):
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        starts = [datetime(year, 1, 1), *([datetime(year, 2, 29)] if leap else []), datetime(year, 3, 1)]
        ends = [*starts[1:], datetime(year + 1, 1, 1)]
        for start, end in zip(starts, ends, strict=True):
            offset = (_shift_years(start, delta) - start) // _MICROSECOND
            lo, hi = (start - _EPOCH) // _MICROSECOND, (end - _EPOCH) // _MICROSECOND
            inside = pc.and_(pc.greater_equal(values, lo), pc.less(values, hi))
            offsets = pc.if_else(inside, offset, offsets)
    return pc.add(values, offsets)


def _rfc5424_to_rfc3339_line(rest: str) -> str:
    """`TS HOST APP PROCID MSGID [SD] MSG` (RFC 5424 after `<PRI>1 `) as `TS HOST APP[PROCID]: MSG`."""
    parts = rest.split(" ", 5)
    if len(parts) < 6:
        return rest
    stamp, host, app, procid, _msgid, tail = parts
    if tail.startswith("- "):
        msg = tail[2:]
    elif tail.startswith("["):  # structured data: skip to the end of the last element
        end = tail.find("] ")
        msg = tail[end + 2 :] if end >= 0 else ""
    else:
        msg = tail
    tag = app if procid == "-" else f"{app}[{procid}]"
    return f"{stamp} {host} {tag}: {msg.lstrip(chr(0xFEFF))}"


def looks_like_syslog(line: str) -> bool:
    """True when the line starts like a BSD or RFC 3339 / RFC 5424 syslog line."""
    if line.startswith("<"):
        end = line.find(">", 1, 6)
        if end > 0:
            line = line[end + 1 :]
            if line.startswith("1 "):
                line = line[2:]
    if _MONTHS.get(line[:3]) and len(line) > 16 and line[15] == " ":
        return True
    if line[:4].isdigit() and line[4:5] == "-":
        try:
            datetime.fromisoformat(line.split(" ", 1)[0])
        except ValueError:
            return False
        return True
    return False
