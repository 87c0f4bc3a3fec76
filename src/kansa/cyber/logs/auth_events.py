"""Which auth-log lines are events: sshd logons, sudo, su and account administration, as access_events rows.

The line grammar and the years live in syslog.py; this module only reads a message whose program is known.

Choices an auditor should know (also in README.md of this package):
- sshd: `Accepted <method> for U from IP` is the logon and `Failed <method> for [invalid user] U from IP`
  the failed logon. The PAM lines sshd writes beside them (`pam_unix(sshd:auth): authentication
  failure`, `pam_unix(sshd:session): session opened`) describe the same attempt and stay `other`, so
  nothing is counted twice. Old Red Hat sshd wrote only PAM lines under the tag `sshd(pam_unix)`: there
  `authentication failure` is the failed logon and `session opened` the logon. `session closed` is the
  logoff in both styles.
- sudo: a line with COMMAND= is one `sudo` event; username = the caller (the person), target_user =
  USER= (root), command = COMMAND=. A refused sudo (`3 incorrect password attempts ; ... COMMAND=`,
  `user NOT in sudoers`) is `other` with the refusal in raw_result: it is not a privileged use.
- su: one `su` event per su process (host + pid): the first success line of the process
  (`pam_unix(su:session): session opened for user root by alice(uid=1000)`, `(to root) alice on pts/0`,
  `Successful su for root by alice`, `+ pts/0 alice:root`) makes the event, its siblings stay `other`.
  username = the account switched to (root), subject_user = the caller (the PAM login name wins when
  several lines name one). A failed su (`FAILED SU (to root) ...`, `FAILED su for root by ...`,
  `- pts/0 a:root`, `pam_unix(su:auth): authentication failure`) is one `logon_failed` the same way.
- useradd `new user: name=X` is `account_created` (username X); `add 'X' to group 'G'` (useradd -G,
  usermod) and gpasswd `user X added by Y to group G` are `group_member_added` (username X, target_user
  G). groupadd `new group: name=G` has no contract type: `other` with raw_result `group_created`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from kansa.cyber.logs.columns import I_SUBJECT, UNKNOWN_USER, Row

_SSHD_CLOSED = "pam_unix(sshd:session): session closed for user "
_RE_ACCEPTED = re.compile(r"Accepted (\S+) for (.*?) from (\S+) port \d+")
_RE_FAILED = re.compile(r"Failed (\S+) for (invalid user )?(.*?) from (\S+) port \d+")
_RE_SESSION = re.compile(r"session (opened|closed) for user ([^\s(]+)(?:\(uid=\d+\))?(?: by (\S*?)\(uid=(\d+)\))?")
_RE_PAM_FAIL = re.compile(r"authentication failure;.*?rhost=(\S*)(?:\s+user=(\S+))?")
_RE_SU_OK = re.compile(r"Successful su for (\S+) by (\S+)")
_RE_SU_TO = re.compile(r"\(to (\S+)\) (\S+) on (\S+)")
_RE_SU_FAILED_TO = re.compile(r"FAILED SU \(to (\S+)\) (\S+) on (\S+)")
_RE_SU_FAILED_FOR = re.compile(r"FAILED su for (\S+) by (\S+)")
_RE_SU_TTY = re.compile(r"([+-]) (\S+) (\S+):(\S+)$")
_RE_NEW_USER = re.compile(r"new user: name=([^,]+),")
_RE_ADD_TO_GROUP = re.compile(r"add '([^']+)' to group '([^']+)'")
_RE_GPASSWD = re.compile(r"user (\S+) added by (\S+) to group (\S+)")
_RE_NEW_GROUP = re.compile(r"new group: name=([^,]+)")

Handler = Callable[[datetime, str, str, str, str, str, str, int], "Row | None"]


class AuthEvents:
    """The event rules of one log: rows go to the parser's `rows`; su processes are remembered by host+pid."""

    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows
        self._su_open: dict[tuple[str, str, str], int] = {}

    def handlers(self) -> dict[str, Handler]:
        """The reader of each program tag."""
        return {
            "sshd": self._sshd,
            "sshd-session": self._sshd,
            "sudo": self._sudo,
            "su": self._su,
            "useradd": self._user_admin,
            "usermod": self._user_admin,
            "gpasswd": self._user_admin,
            "groupadd": self._user_admin,
        }

    def _sshd(
        self, when: datetime, host: str, source: str, tag: str, pid: str, legacy: str, msg: str, rep: int
    ) -> Row | None:
        if msg.startswith("Accepted "):
            m = _RE_ACCEPTED.match(msg)
            if m:
                method, user, ip = m.group(1), m.group(2), m.group(3)
                return (when, None, host, user or UNKNOWN_USER, "logon", ip, method, source, "sshd", None, user,
                        None, None, None, method, tag, "accepted", None, rep)  # fmt: skip
        elif msg.startswith("Failed "):
            m = _RE_FAILED.match(msg)
            if m:
                method, invalid, user, ip = m.group(1), m.group(2), m.group(3), m.group(4)
                result = "invalid_user" if invalid else "failed"
                return (when, None, host, user or UNKNOWN_USER, "logon_failed", ip, method, source, "sshd", None,
                        user, None, None, None, method, tag, result, None, rep)  # fmt: skip
        elif legacy:
            if msg.startswith("authentication failure;"):
                m = _RE_PAM_FAIL.match(msg)
                ip = (m.group(1) or None) if m else None
                user = m.group(2) if m else None
                return (when, None, host, user or UNKNOWN_USER, "logon_failed", ip, "pam", source, "sshd", None, user,
                        None, None, None, legacy, tag, "pam_auth_failure", None, rep)  # fmt: skip
            if msg.startswith("session "):
                m = _RE_SESSION.match(msg)
                if m:
                    kind = "logon" if m.group(1) == "opened" else "logoff"
                    user = m.group(2)
                    return (when, None, host, user, kind, None, "pam", source, "sshd", None, user, None, None,
                            None, legacy, tag, None, None, rep)  # fmt: skip
        elif msg.startswith(_SSHD_CLOSED):
            user = msg[len(_SSHD_CLOSED) :].split(" ", 1)[0].split("(", 1)[0] or None
            return (when, None, host, user or UNKNOWN_USER, "logoff", None, None, source, "sshd", None, user, None,
                    None, None, None, tag, None, None, rep)  # fmt: skip
        return None

    def _sudo(
        self, when: datetime, host: str, source: str, tag: str, pid: str, legacy: str, msg: str, rep: int
    ) -> Row | None:
        caller, sep, rest = msg.partition(" : ")
        at = rest.find("COMMAND=")
        if not sep or at < 0:
            return None
        caller = caller.strip()
        command = rest[at + 8 :]
        target = None
        refusal = None
        for part in rest[:at].split(" ; "):
            part = part.strip()
            if part.startswith("USER="):
                target = part[5:]
            elif part and "=" not in part:
                refusal = part
        kind = "other" if refusal else "sudo"
        return (when, None, host, caller or UNKNOWN_USER, kind, None, None, source, "sudo", None, target, caller,
                None, command, None, tag, refusal, None, rep)  # fmt: skip

    def _su(
        self, when: datetime, host: str, source: str, tag: str, pid: str, legacy: str, msg: str, rep: int
    ) -> Row | None:
        ok: bool | None = None
        to = by = None
        login = None  # the PAM login name: the person, even under `sudo su`
        if legacy or msg.startswith("pam_unix(su"):
            body = msg.split("): ", 1)[1] if msg.startswith("pam_unix(") else msg
            if body.startswith("session "):
                m = _RE_SESSION.match(body)
                if m is None:
                    return None
                if m.group(1) == "closed":
                    self._su_open.pop((host, pid, "ok"), None)
                    self._su_open.pop((host, pid, "failed"), None)
                    return None
                ok, to, login = True, m.group(2), m.group(3) or None
                by = login
            elif body.startswith("authentication failure;"):
                m = _RE_PAM_FAIL.match(body)
                ok, to = False, (m.group(2) if m else None)
            else:
                return None
        elif (m := _RE_SU_TO.match(msg)) or (m := _RE_SU_OK.match(msg)):
            ok, to, by = True, m.group(1), m.group(2)
        elif (m := _RE_SU_FAILED_TO.match(msg)) or (m := _RE_SU_FAILED_FOR.match(msg)):
            ok, to, by = False, m.group(1), m.group(2)
        elif m := _RE_SU_TTY.match(msg):
            ok, by, to = m.group(1) == "+", m.group(3), m.group(4)
        else:
            return None
        key = (host, pid, "ok" if ok else "failed")
        seen = self._su_open.get(key) if pid else None
        if seen is not None:
            if login and self.rows[seen][I_SUBJECT] != login:
                row = self.rows[seen]
                self.rows[seen] = (*row[:I_SUBJECT], login, *row[I_SUBJECT + 1 :])
            return None
        if pid:
            if len(self._su_open) > 10_000:  # a pid never closed: keep memory bounded
                self._su_open.clear()
            self._su_open[key] = len(self.rows)
        kind = "su" if ok else "logon_failed"
        return (when, None, host, to or UNKNOWN_USER, kind, None, None, source, "su", None, to, by, None, None,
                None, tag, None if ok else "su_failed", None, rep)  # fmt: skip

    def _user_admin(
        self, when: datetime, host: str, source: str, tag: str, pid: str, legacy: str, msg: str, rep: int
    ) -> Row | None:
        program = tag.split("[", 1)[0].split("(", 1)[0] or tag  # useradd(pam)[7] is useradd
        if m := _RE_NEW_USER.match(msg):
            user = m.group(1)
            return (when, None, host, user, "account_created", None, None, source, program, None, user, None, None,
                    None, None, tag, None, None, rep)  # fmt: skip
        if m := _RE_ADD_TO_GROUP.match(msg):
            user, group = m.group(1), m.group(2)
            return (when, None, host, user, "group_member_added", None, None, source, program, None, group, None,
                    None, None, None, tag, None, None, rep)  # fmt: skip
        if m := _RE_GPASSWD.match(msg):
            user, by, group = m.group(1), m.group(2), m.group(3)
            return (when, None, host, user, "group_member_added", None, None, source, program, None, group, by,
                    None, None, None, tag, None, None, rep)  # fmt: skip
        if program == "groupadd" and (m := _RE_NEW_GROUP.match(msg)):
            return (when, None, host, UNKNOWN_USER, "other", None, None, source, program, None, m.group(1), None,
                    None, None, None, tag, "group_created", None, rep)  # fmt: skip
        return None
