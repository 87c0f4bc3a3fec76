"""Roughen a synthetic cyber institution the way real registers and logs are untidy, so its background is not
guarded clean: missing owners and dates, dates on the rules' boundaries, self-approvals, late approvals,
deleted requests and reviews, hosts written as FQDN or in upper case, unregistered hosts."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd


class _Rough:
    """One table, with a random draw per row deciding which untidiness it gets."""

    def __init__(self, folder: Path, name: str, rng: np.random.Generator) -> None:
        self.path = folder / f"{name}.csv"
        self.df = pd.read_csv(self.path, dtype=str, keep_default_na=False)
        self.p = rng.random(len(self.df))
        self.rng = rng

    def set(self, lo: float, hi: float, col: str, choices: list[str]) -> None:
        """Rows whose draw is in [lo, hi) take one of `choices` in `col`."""
        rows = (self.p >= lo) & (self.p < hi)
        self.df.loc[rows, col] = self.rng.choice(choices, int(rows.sum()))

    def save(self, drop: tuple[float, float] | None = None) -> None:
        """Write the table back, leaving out the rows whose draw is in `drop`."""
        df = self.df if drop is None else self.df[(self.p < drop[0]) | (self.p >= drop[1])]
        df.to_csv(self.path, index=False)


def roughen_registers(folder: Path, seed: int) -> None:
    """Untidy registers: most values picked to sit on, just inside or just outside a rule's boundary."""
    rng = np.random.default_rng(seed)
    a = _Rough(folder, "assets", rng)
    a.set(0, .06, "owner", [""])
    a.set(.06, .10, "classification", [""])
    a.set(.10, .18, "last_inventory_date", ["2024-12-01", "2025-03-31", "2025-04-01", ""])
    a.set(.18, .22, "decommissioned_on", ["2026-03-31", "2026-04-01", "2025-10-01"])
    a.set(.22, .35, "criticality", ["4", "5", ""])
    a.save()
    ac = _Rough(folder, "accounts", rng)
    ac.set(0, .05, "mfa_enabled", ["false", ""])
    ac.set(.05, .09, "owner_staff_id", [""])
    ac.set(.09, .15, "password_changed_on", ["2025-12-31", "2026-01-01", "2025-06-01", ""])
    ac.set(.15, .21, "last_login_at", ["2025-12-31T23:00:00", "2026-01-01T08:00:00", "2025-11-01T10:00:00", ""])
    ac.set(.21, .24, "created_on", ["2026-01-01", "2026-01-02", ""])
    ac.set(.24, .27, "status", ["disabled", "locked"])
    ac.set(.27, .30, "is_privileged", ["true"])
    ac.save()
    b = _Rough(folder, "backups", rng)
    b.set(0, .08, "offline_or_immutable", ["false"])
    b.set(.08, .14, "last_success_at", ["2026-03-24T01:00:00", "2026-03-23T23:00:00", ""])
    b.set(.14, .20, "restore_test_result", ["fail", ""])
    b.set(.20, .25, "last_restore_test_at", ["2025-03-31T10:00:00", "2025-03-30T10:00:00"])
    b.save(drop=(.90, .95))
    r = _Rough(folder, "log_reviews", rng)
    r.save(drop=(0, .15))
    i = _Rough(folder, "incidents", rng)
    i.set(0, .3, "reported_at", [""])
    i.set(.3, .5, "severity", ["high"])
    i.set(.5, .6, "status", ["open"])
    i.save()
    q = _Rough(folder, "privileged_access_requests", rng)
    self_ = q.p < .08
    q.df.loc[self_, "approved_by"] = q.df.loc[self_, "requested_by"].str.lower() + " "
    q.set(.08, .14, "approved_by", [""])
    late = (q.p >= .14) & (q.p < .22)
    q.df.loc[late, "approved_at"] = q.df.loc[late, "window_end"]
    q.save(drop=(.22, .32))
    s = _Rough(folder, "software", rng)
    s.set(0, .1, "end_of_support", ["2026-03-30", "2026-03-31", "2026-04-01", "2025-01-01"])
    s.save()


def roughen_logs(folder: Path, seed: int) -> None:
    """Untidy logs: hosts as FQDN or in upper case, a few hosts no register knows, user names in upper case."""
    rng = np.random.default_rng(seed + 1)
    path = folder / "logs" / "security.jsonl"
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        rec, p = json.loads(line), rng.random()
        if p < .10:
            rec["Hostname"] = rec["Hostname"].lower() + ".himawari.local"
        elif p < .12:
            rec["Hostname"] = f"PC-UNREG-{int(rng.integers(0, 5))}"
        elif p < .16 and rec.get("TargetUserName", "-") not in ("-", ""):
            rec["TargetUserName"] = rec["TargetUserName"].upper()
        records.append(json.dumps(rec, ensure_ascii=False))
    path.write_text("\n".join(records) + "\n", encoding="utf-8")
    auth = folder / "logs" / "auth.log"
    stamp = auth.stat()
    lines = auth.read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines):
        parts, p = line.split(" "), rng.random()
        at = 3 if parts[1] else 4            # "Mar  3 ..." has an empty field for the padded day
        if p < .08:
            parts[at] += ".himawari.local"
        elif p < .10:
            parts[at] = parts[at].upper()
        lines[n] = " ".join(parts)
    auth.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.utime(auth, (stamp.st_atime, stamp.st_mtime))   # syslog has no year: parsers take it from the file time


def roughen_cyber(folder: Path, seed: int) -> None:
    """Registers and logs both untidy."""
    roughen_registers(folder, seed)
    roughen_logs(folder, seed)
