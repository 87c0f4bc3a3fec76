"""An independent pandas reading of the 16 cyber rules, written from their documentation (title, rationale,
parameter descriptions in src/kansa/cyber/rules/*.yaml and the data contract docs/contract/cyber.md), not
from their SQL.

`flags(folder, events, kev_matches, as_of)` -> {rule_id: set of flagged entity ids} with every parameter at
its default. Its inputs stop where the rules start: the register CSVs, the access events the log parser made
(`access_events`, a table of the contract) and the KEV matches the matcher made (the matcher has its own
evaluation, tests/cyber/kev_eval.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd

Tables = dict[str, pd.DataFrame]
NAMES = ("assets", "software", "accounts", "privileged_access_requests", "log_reviews", "backups", "incidents")
DATES = {"assets": ["last_inventory_date", "decommissioned_on"],
         "software": ["installed_on", "end_of_support", "last_patched_on"],
         "accounts": ["created_on", "last_login_at", "password_changed_on", "disabled_on"],
         "privileged_access_requests": ["approved_at", "window_start", "window_end"],
         "log_reviews": ["period_start", "period_end", "reviewed_at"],
         "backups": ["last_success_at", "last_restore_test_at"], "incidents": ["detected_at", "reported_at",
                                                                               "closed_at"]}
BOOLS = {"assets": ["internet_facing", "vendor_managed"], "accounts": ["is_privileged", "mfa_enabled"],
         "backups": ["offline_or_immutable"]}


def read(folder: Path) -> Tables:
    """The cyber register CSVs of a folder, typed (absent tables are absent)."""
    out: Tables = {}
    for name in NAMES:
        path = folder / f"{name}.csv"
        if not path.exists():
            continue
        df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
        for col in DATES.get(name, []):
            if col in df:
                df[col] = pd.to_datetime(df[col], format="ISO8601", errors="coerce")
        for col in BOOLS.get(name, []):
            if col in df:
                df[col] = df[col].str.lower().map({"true": True, "false": False})
        if "criticality" in df:
            df["criticality"] = pd.to_numeric(df["criticality"])
        out[name] = df
    return out


def _in_service(t: Tables, as_of: pd.Timestamp) -> pd.DataFrame:
    """Assets not decommissioned on or before the evaluation date."""
    a = t["assets"]
    return a[a["decommissioned_on"].isna() | (a["decommissioned_on"] > as_of)]


def _days(as_of: pd.Timestamp, when: pd.Series) -> pd.Series:
    """Whole calendar days from a date (or the day of a datetime) to the evaluation date."""
    return (as_of.normalize() - when.dt.normalize()).dt.days


def asset_inventory_stale(t: Tables, as_of: pd.Timestamp) -> set[str]:
    """In-service assets never confirmed, or last confirmed more than 365 days ago."""
    a = _in_service(t, as_of)
    return set(a.loc[a["last_inventory_date"].isna() | (_days(as_of, a["last_inventory_date"]) > 365), "asset_id"])


def _blank(s: pd.Series) -> pd.Series:
    return s.isna() | (s.fillna("").str.strip() == "")


def asset_missing_owner_or_class(t: Tables, as_of: pd.Timestamp) -> set[str]:
    """In-service assets without an owner or a classification (blank counts as missing)."""
    a = _in_service(t, as_of)
    return set(a.loc[_blank(a["owner"]) | _blank(a["classification"]), "asset_id"])


def backup_not_321(t: Tables, as_of: pd.Timestamp) -> set[str]:
    """In-service assets of criticality 4+ short of 3 copies, 2 kinds of media or 1 offline/immutable copy."""
    a = _in_service(t, as_of)
    a = a[a["criticality"].fillna(0) >= 4]
    b = t.get("backups", pd.DataFrame(columns=["asset_id", "copy_id", "media", "offline_or_immutable"]))
    out = set()
    for aid in a["asset_id"]:
        mine = b[b["asset_id"] == aid]
        if (mine["copy_id"].nunique() < 3 or mine["media"].nunique() < 2
                or not mine["offline_or_immutable"].fillna(False).astype(bool).any()):
            out.add(aid)
    return out


def backup_stale_or_untested(t: Tables, as_of: pd.Timestamp) -> set[str]:
    """In-service assets with backups or of criticality 4+: no successful backup within 7 days, or no passed
    restore test within 365 days."""
    a = _in_service(t, as_of)
    b = t.get("backups", pd.DataFrame(columns=["asset_id", "last_success_at", "last_restore_test_at",
                                               "restore_test_result"]))
    scope = a[a["asset_id"].isin(b["asset_id"]) | (a["criticality"].fillna(0) >= 4)]
    out = set()
    for aid in scope["asset_id"]:
        mine = b[b["asset_id"] == aid]
        last = mine["last_success_at"].max()
        passed = mine.loc[mine["restore_test_result"] == "pass", "last_restore_test_at"].max()
        stale = pd.isna(last) or (as_of.normalize() - last.normalize()).days > 7
        untested = pd.isna(passed) or (as_of.normalize() - passed.normalize()).days > 365
        if stale or untested:
            out.add(aid)
    return out


def _short(host: str) -> str:
    return host.strip().lower().split(".")[0]


def host_not_in_register(t: Tables, ev: pd.DataFrame, as_of: pd.Timestamp) -> set[str]:
    """Hosts in the logs matching no asset name or id (case-insensitive, FQDN = short name)."""
    a = t["assets"]
    known = {_short(x) for x in pd.concat([a["asset_id"], a["name"]]).dropna()}
    e = ev[ev["event_time"] <= as_of + pd.Timedelta(days=1)]
    return {h for h in e["host"].dropna().unique() if _short(h) not in known}


def incident_late_report(t: Tables, as_of: pd.Timestamp) -> set[str]:
    """Incidents detected by the evaluation date reported over 24 hours after detection (or never), and
    high-severity ones still not closed 30 days after detection."""
    i = t["incidents"]
    i = i[i["detected_at"] < as_of + pd.Timedelta(days=1)]
    hours = (i["reported_at"] - i["detected_at"]).dt.total_seconds() / 3600
    late = i["reported_at"].isna() | (hours > 24)
    end = as_of + pd.Timedelta(days=1)
    closed = i["closed_at"].where(i["status"] == "closed")
    open_for = ((closed.fillna(end)) - i["detected_at"]).dt.total_seconds() / 86400
    lingering = (i["severity"] == "high") & (open_for > 30)
    return set(i.loc[late | lingering, "incident_id"])


def _privileged_active(t: Tables) -> pd.DataFrame:
    a = t["accounts"]
    return a[a["is_privileged"].fillna(False).astype(bool) & (a["status"] == "active")]


def log_review_gap(t: Tables, as_of: pd.Timestamp) -> set[str]:
    """Systems with an active privileged account or criticality 4+ whose reviews leave more than 31 days of the
    last 90 uncovered (at the start, between reviews or at the end)."""
    a = _in_service(t, as_of)
    a = a[a["asset_id"].isin(_privileged_active(t)["asset_id"]) | (a["criticality"].fillna(0) >= 4)]
    r = t.get("log_reviews", pd.DataFrame(columns=["asset_id", "period_start", "period_end"]))
    start, end = (as_of - pd.Timedelta(days=90)).normalize(), as_of.normalize()
    out = set()
    for aid in a["asset_id"]:
        covered: set[pd.Timestamp] = set()
        for _, row in r[r["asset_id"] == aid].iterrows():
            covered.update(pd.date_range(max(row["period_start"], start), min(row["period_end"], end)))
        run, longest = 0, 0
        for day in pd.date_range(start + pd.Timedelta(days=1), end):
            run = 0 if day in covered else run + 1
            longest = max(longest, run)
        if longest > 31:
            out.add(aid)
    return out


def privileged_account_dormant(t: Tables, as_of: pd.Timestamp) -> set[str]:
    """Active privileged accounts created over 90 days ago without a login in the last 90 days."""
    a = _privileged_active(t)
    a = a[a["created_on"].isna() | (_days(as_of, a["created_on"]) > 90)]
    return set(a.loc[a["last_login_at"].isna() | (_days(as_of, a["last_login_at"]) > 90), "account_id"])


def privileged_account_no_mfa(t: Tables, as_of: pd.Timestamp) -> set[str]:
    """Active privileged accounts whose MFA is not recorded as enabled."""
    a = _privileged_active(t)
    return set(a.loc[a["mfa_enabled"].ne(True), "account_id"])


def privileged_account_shared(t: Tables, as_of: pd.Timestamp) -> set[str]:
    """Active privileged accounts with no owner."""
    a = _privileged_active(t)
    return set(a.loc[a["owner_staff_id"].fillna("").str.strip() == "", "account_id"])


def privileged_password_age(t: Tables, as_of: pd.Timestamp) -> set[str]:
    """Active privileged accounts whose password is older than 90 days or has no change date."""
    a = _privileged_active(t)
    return set(a.loc[a["password_changed_on"].isna() | (_days(as_of, a["password_changed_on"]) > 90),
                     "account_id"])


def account_created_outside_register(t: Tables, ev: pd.DataFrame, as_of: pd.Timestamp) -> set[str]:
    """Account-creation events whose created user is not registered (on the host's asset when it resolves)."""
    acc = t["accounts"].assign(u=lambda d: d["username"].str.lower())
    out = set()
    for _, e in ev[ev["event_type"] == "account_created"].iterrows():
        user = str(e["username"]).lower()
        pool = acc[acc["asset_id"] == e["asset_id"]] if pd.notna(e["asset_id"]) else acc
        if user not in set(pool["u"]):
            out.add(e["source"])
    return out


def _privileged_uses(t: Tables, ev: pd.DataFrame) -> pd.DataFrame:
    """Privileged events: 4672, sudo, su to root, or a logon with a registered privileged account; each with the
    person (login name, None for an unknown su caller) and the privileged ID used; built-in identities left out."""
    acc = t["accounts"]
    priv = acc[acc["is_privileged"].fillna(False).astype(bool)]   # registered privileged, whatever its status
    registered = {(a, u.lower()) for a, u in zip(priv["asset_id"], priv["username"], strict=True)}
    rows = []
    for _, e in ev.iterrows():
        kind, user = e["event_type"], str(e["username"])
        if kind == "privileged_logon" or (kind == "logon" and (e["asset_id"], user.lower()) in registered):
            person, used = user, user
        elif kind == "sudo":
            person, used = e["subject_user"] if pd.notna(e["subject_user"]) else user, e["target_user"]
        elif kind == "su" and str(e["target_user"]).lower() == "root":
            person, used = (e["subject_user"] if pd.notna(e["subject_user"]) else None), "root"
        else:
            continue
        if user.upper() in {"SYSTEM", "LOCAL SERVICE", "NETWORK SERVICE"} or user.endswith("$"):
            continue
        rows.append({**e.to_dict(), "person": person, "used": used if pd.notna(used) else user})
    return pd.DataFrame(rows)


def privileged_use_without_request(t: Tables, ev: pd.DataFrame, as_of: pd.Timestamp) -> set[str]:
    """Privileged uses no approved request for the same asset covers (window containing the event; the request
    names the person's own ID, or the privileged ID and then the requester is that person)."""
    uses = _privileged_uses(t, ev)
    req = t["privileged_access_requests"]
    req = req[req["approved_by"].fillna("").str.strip() != ""]
    owners = {(a, u.lower()): s for a, u, s in zip(t["accounts"]["asset_id"], t["accounts"]["username"],
                                                    t["accounts"]["owner_staff_id"], strict=True) if pd.notna(s)}
    out = set()
    for _, u in uses.iterrows():
        mine = req[(req["asset_id"] == u["asset_id"]) & (req["window_start"] <= u["event_time"])
                   & (u["event_time"] <= req["window_end"])]
        person = None if u["person"] is None or pd.isna(u["person"]) else str(u["person"]).lower()
        used = str(u["used"]).lower()
        who = {person, str(owners.get((u["asset_id"], person), "")).lower()} - {None, ""} if person else set()
        covered = False
        for _, r in mine.iterrows():
            name, by = str(r["username"]).lower(), str(r["requested_by"]).strip().lower()
            if (person is not None and name == person) or (name == used and (person is None or by in who)):
                covered = True
        if not covered:
            out.add(u["source"])
    return out


def request_self_approved(t: Tables, ev: pd.DataFrame, as_of: pd.Timestamp) -> set[str]:
    """Requests approved by their requester, or with privileged use in the window before the approval time."""
    req = t["privileged_access_requests"]
    same = req["approved_by"].fillna("").str.strip().str.lower() == req["requested_by"].fillna("").str.strip() \
        .str.lower()
    out = set(req.loc[same & (req["approved_by"].fillna("").str.strip() != ""), "request_id"])
    uses = _privileged_uses(t, ev)
    for _, r in req.iterrows():
        if uses.empty:
            break
        u = uses[(uses["asset_id"] == r["asset_id"]) & (uses["event_time"] >= r["window_start"])
                 & (uses["event_time"] <= r["window_end"]) & (uses["used"].str.lower() == str(r["username"]).lower())
                 | (uses["asset_id"] == r["asset_id"]) & (uses["event_time"] >= r["window_start"])
                 & (uses["event_time"] <= r["window_end"])
                 & (uses["person"].fillna("").str.lower() == str(r["username"]).lower())]
        if len(u) and (pd.isna(r["approved_at"]) or (u["event_time"] < r["approved_at"]).any()):
            out.add(r["request_id"])
    return out


def _software_id(s: pd.DataFrame) -> pd.Series:
    return s["asset_id"] + ":" + s["vendor"] + ":" + s["product"] + ":" + s["version"].fillna("")


def software_end_of_support(t: Tables, as_of: pd.Timestamp) -> set[str]:
    """Software on in-service assets whose end of support is before the evaluation date."""
    s = t["software"]
    s = s[s["asset_id"].isin(_in_service(t, as_of)["asset_id"]) & (s["end_of_support"] < as_of)]
    return set(_software_id(s))


def software_known_exploited(t: Tables, kev: pd.DataFrame, as_of: pd.Timestamp) -> set[str]:
    """Software on in-service assets with an accepted KEV match."""
    if kev.empty:
        return set()
    return set(kev.loc[kev["asset_id"].isin(_in_service(t, as_of)["asset_id"]), "software_id"])


PLAIN: dict[str, Callable[[Tables, pd.Timestamp], set[str]]] = {f.__name__: f for f in (
    asset_inventory_stale, asset_missing_owner_or_class, backup_not_321, backup_stale_or_untested,
    incident_late_report, log_review_gap, privileged_account_dormant, privileged_account_no_mfa,
    privileged_account_shared, privileged_password_age, software_end_of_support)}
EVENTS: dict[str, Callable[[Tables, pd.DataFrame, pd.Timestamp], set[str]]] = {f.__name__: f for f in (
    host_not_in_register, account_created_outside_register, privileged_use_without_request, request_self_approved)}
RULES = (*PLAIN, *EVENTS, "software_known_exploited")


def flags(folder: Path, events: pd.DataFrame, kev_matches: pd.DataFrame, as_of: dt.date) -> dict[str, set[str]]:
    """Entities flagged by every cyber rule with default parameters."""
    t = read(folder)
    when = pd.Timestamp(as_of)
    found = {rule: fn(t, when) for rule, fn in PLAIN.items()}
    found.update({rule: fn(t, events, when) for rule, fn in EVENTS.items()})
    found["software_known_exploited"] = software_known_exploited(t, kev_matches, when)
    return found
