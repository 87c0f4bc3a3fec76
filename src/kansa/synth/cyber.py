"""`kansa synth cyber`: an asset register, accounts, requests, backups, incidents and logs with planted cases."""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kansa.synth.cyber_logs import Event, security_record, syslog_line
from kansa.synth.writer import Encoding, Format, Output, build_table

CYBER_TABLES = ["assets", "software", "accounts", "privileged_access_requests", "log_reviews", "backups", "incidents"]
_DEPTS = ("システム部", "事務統括部", "営業企画部", "リスク管理部", "総務部")
_CLEAN_SOFTWARE = (  # vendors/products absent from CISA's KEV catalog
    ("PostgreSQL Global Development Group", "PostgreSQL", "16.4", "cpe:2.3:a:postgresql:postgresql:16.4:*:*:*:*:*:*:*"),
    ("F5", "NGINX Open Source", "1.26.2", None),
    ("OpenBSD", "OpenSSH", "9.6p1", "cpe:2.3:a:openbsd:openssh:9.6:p1:*:*:*:*:*:*"),
    ("Hitachi", "JP1/Automatic Job Management System 3", "13-00", None),
    ("Red Hat", "Enterprise Linux", "9.4", "cpe:2.3:o:redhat:enterprise_linux:9.4:*:*:*:*:*:*:*"),
    ("NetApp", "ONTAP", "9.14.1", None),
    ("Yamaha", "RTX1300 firmware", "Rev.23.01.02", None),
)


@dataclass
class CyberSummary:
    """What was written."""

    out: Path
    rows: dict[str, int]
    answer_key: Path


class _World:
    """Tables as row lists, log events, and the answer key, built together so they agree."""

    def __init__(self, as_of: dt.date, seed: int) -> None:
        self.as_of = as_of
        self.end = dt.datetime.combine(as_of, dt.time(23, 0))
        self.rng = random.Random(seed)
        self.t: dict[str, list[dict[str, Any]]] = {k: [] for k in CYBER_TABLES}
        self.events: list[Event] = []
        self.key: list[tuple[str, str, str, bool]] = []
        self._n = {"asset": 0, "account": 0, "request": 0, "incident": 0, "pid": 2000}

    def next(self, kind: str) -> int:
        self._n[kind] += 1
        return self._n[kind]

    def day(self, days_ago: int) -> dt.date:
        return self.as_of - dt.timedelta(days=days_ago)

    def at(self, days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(self.day(days_ago), dt.time(hour, minute))

    def expect(self, rule: str, entity: str, entity_id: str, flag: bool) -> None:
        self.key.append((rule, entity, entity_id, flag))

    # --- register --------------------------------------------------------------------------------
    def asset(self, name: str, asset_type: str, os_name: str | None, *, crit: int = 3, **over: Any) -> str:
        aid = f"A{self.next('asset'):04d}"
        row = {
            "asset_id": aid,
            "name": name,
            "asset_type": asset_type,
            "owner": f"システム部 {self.rng.choice('ABCDE')}課長",
            "department": self.rng.choice(_DEPTS),
            "classification": "confidential" if crit >= 3 else "internal",
            "criticality": crit,
            "environment": "production",
            "location": "onprem",
            "internet_facing": False,
            "vendor_managed": self.rng.random() < 0.3,
            "os_name": os_name,
            "os_version": {"Red Hat Enterprise Linux": "9.4", "Windows Server": "2022"}.get(os_name or ""),
            "last_inventory_date": self.day(self.rng.randint(20, 300)),
            "decommissioned_on": None,
        }
        row.update(over)
        self.t["assets"].append(row)
        # every asset has fresh, tested backups; critical ones 3-2-1 (backup_* rules)
        copies = [("disk", "onsite", False), ("object_storage", "cloud", True), ("tape", "offsite", True)]
        for k, (media, loc, off) in enumerate(copies if crit >= 4 else copies[:1], start=1):
            self.backup(
                aid,
                f"C{k}",
                media,
                loc,
                off,
                self.at(self.rng.randint(0, 2), 2),
                self.at(self.rng.randint(20, 200), 14),
            )
        # monthly log reviews covering the last year without gaps (log_review_gap)
        self.reviews(aid, [(self._month_start(k), self._month_end(k)) for k in range(12, -1, -1)])
        return aid

    def _month_start(self, back: int) -> dt.date:
        y, m = self.as_of.year, self.as_of.month - back
        while m <= 0:
            y, m = y - 1, m + 12
        return dt.date(y, m, 1)

    def _month_end(self, back: int) -> dt.date:
        nxt = self._month_start(back - 1) if back > 0 else None
        return min(nxt - dt.timedelta(days=1), self.as_of) if nxt else self.as_of

    def reviews(self, aid: str, periods: list[tuple[dt.date, dt.date]]) -> None:
        self.t["log_reviews"] = [r for r in self.t["log_reviews"] if r["asset_id"] != aid]
        for s, e in periods:
            self.t["log_reviews"].append(
                {
                    "asset_id": aid,
                    "period_start": s,
                    "period_end": e,
                    "reviewed_by": "システム監視課 佐藤",
                    "reviewed_at": dt.datetime.combine(e, dt.time(18, 30)),
                }
            )

    def backup(
        self,
        aid: str,
        copy: str,
        media: str,
        loc: str,
        off: bool,
        success: dt.datetime | None,
        test: dt.datetime | None,
        result: str | None = "pass",
    ) -> None:
        self.t["backups"].append(
            {
                "asset_id": aid,
                "copy_id": copy,
                "media": media,
                "location": loc,
                "offline_or_immutable": off,
                "last_success_at": success,
                "last_restore_test_at": test,
                "restore_test_result": result if test else None,
            }
        )

    def set_backups(
        self, aid: str, rows: list[tuple[str, str, bool, dt.datetime | None, dt.datetime | None, str]]
    ) -> None:
        self.t["backups"] = [b for b in self.t["backups"] if b["asset_id"] != aid]
        for k, (media, loc, off, ok, test, res) in enumerate(rows, start=1):
            self.backup(aid, f"C{k}", media, loc, off, ok, test, res)

    def software(
        self, aid: str, vendor: str, product: str, version: str, cpe: str | None = None, eos: dt.date | None = None
    ) -> str:
        self.t["software"].append(
            {
                "asset_id": aid,
                "vendor": vendor,
                "product": product,
                "version": version,
                "cpe": cpe,
                "installed_on": self.day(self.rng.randint(200, 900)),
                "end_of_support": eos,
                "last_patched_on": self.day(self.rng.randint(5, 60)),
            }
        )
        return f"{aid}:{vendor}:{product}:{version}"

    def account(self, aid: str, user: str, privileged: bool, **over: Any) -> str:
        acc = f"U{self.next('account'):05d}"
        row = {
            "account_id": acc,
            "asset_id": aid,
            "username": user,
            "owner_staff_id": f"E{self.rng.randint(1000, 9999)}",
            "is_privileged": privileged,
            "status": "active",
            "created_on": self.day(self.rng.randint(400, 2000)),
            "last_login_at": self.at(self.rng.randint(1, 20), 10) if privileged else None,
            "password_changed_on": self.day(self.rng.randint(5, 60)),
            "mfa_enabled": privileged or None,
            "disabled_on": None,
        }
        row.update(over)
        self.t["accounts"].append(row)
        return acc

    def request(
        self,
        aid: str,
        user: str,
        start: dt.datetime,
        hours: int = 3,
        *,
        requested_by: str = "E2001",
        approved_by: str | None = "E3001",
        approved_at: dt.datetime | None = None,
    ) -> str:
        rid = f"R{self.next('request'):05d}"
        self.t["privileged_access_requests"].append(
            {
                "request_id": rid,
                "asset_id": aid,
                "username": user,
                "requested_by": requested_by,
                "approved_by": approved_by,
                "approved_at": approved_at or (start - dt.timedelta(hours=20) if approved_by else None),
                "window_start": start,
                "window_end": start + dt.timedelta(hours=hours),
                "purpose": "定例メンテナンス（パッチ適用・サービス再起動）",
            }
        )
        return rid

    # --- logs ------------------------------------------------------------------------------------
    def linux_session(
        self,
        host: str,
        user: str,
        start: dt.datetime,
        *,
        sudo: int = 2,
        su: bool = False,
        keys: list[tuple[str, bool]] | None = None,
    ) -> None:
        pid = self.next("pid")
        ip = f"10.20.{self.rng.randint(1, 30)}.{self.rng.randint(2, 250)}"
        k = keys or []
        self.events.append(
            Event(
                start,
                "auth",
                host,
                {
                    "type": "accepted",
                    "method": "publickey",
                    "user": user,
                    "ip": ip,
                    "port": self.rng.randint(40000, 65000),
                    "pid": pid,
                },
                list(k),
            )
        )
        cmds = [
            "/usr/bin/systemctl restart nginx",
            "/usr/bin/dnf -y update",
            "/usr/bin/journalctl -u sshd",
            "/usr/bin/vi /etc/ssh/sshd_config",
        ]
        for i in range(sudo):
            self.events.append(
                Event(
                    start + dt.timedelta(minutes=5 + 7 * i),
                    "auth",
                    host,
                    {"type": "sudo", "user": user, "command": cmds[i % len(cmds)]},
                    list(k),
                )
            )
        if su:
            self.events.append(
                Event(
                    start + dt.timedelta(minutes=40),
                    "auth",
                    host,
                    {"type": "su", "user": user, "pid": pid + 1},
                    list(k),
                )
            )
        self.events.append(
            Event(start + dt.timedelta(minutes=50), "auth", host, {"type": "closed", "user": user, "pid": pid})
        )

    def windows_admin(
        self, host: str, user: str, start: dt.datetime, keys: list[tuple[str, bool]] | None = None
    ) -> None:
        k = keys or []
        common = {
            "TargetDomainName": "HIMAWARI",
            "IpAddress": f"10.30.{self.rng.randint(1, 20)}.{self.rng.randint(2, 250)}",
            "IpPort": str(self.rng.randint(40000, 65000)),
        }
        self.events.append(
            Event(
                start,
                "win",
                host,
                {
                    "EventID": 4624,
                    "TargetUserName": user,
                    "LogonType": "10",
                    "SubjectUserName": "-",
                    "LogonProcessName": "User32",
                    **common,
                },
                list(k),
            )
        )
        self.events.append(
            Event(
                start + dt.timedelta(seconds=1),
                "win",
                host,
                {
                    "EventID": 4672,
                    "SubjectUserName": user,
                    "SubjectDomainName": "HIMAWARI",
                    "PrivilegeList": "SeBackupPrivilege\r\n\t\t\tSeDebugPrivilege",
                },
                list(k),
            )
        )
        self.events.append(
            Event(
                start + dt.timedelta(minutes=45),
                "win",
                host,
                {"EventID": 4634, "TargetUserName": user, "LogonType": "10", "TargetDomainName": "HIMAWARI"},
            )
        )


def _background(w: _World, n_assets: int) -> dict[str, list[tuple[str, str]]]:
    rng = w.rng
    hosts: dict[str, list[tuple[str, str]]] = {"linux": [], "windows": []}
    systems = ["ib", "core", "crm", "dwh", "batch", "mail", "file", "ad", "web", "api"]
    for i in range(n_assets):
        kind = rng.random()
        sysname = systems[i % len(systems)]
        if kind < 0.4:
            name = f"srv-{sysname}-lx{i:02d}"
            aid = w.asset(name, "server", "Red Hat Enterprise Linux", crit=rng.choice([3, 4, 4, 5]))
            hosts["linux"].append((aid, name))
            vendor, product, version, cpe = rng.choice(_CLEAN_SOFTWARE[:5])
            w.software(aid, vendor, product, version, cpe, w.day(-rng.randint(300, 1500)))
        elif kind < 0.65:
            name = f"SRV-{sysname.upper()}-WN{i:02d}"
            aid = w.asset(name, "server", "Windows Server", crit=rng.choice([3, 4, 5]))
            hosts["windows"].append((aid, name))
            w.software(
                aid, "Hitachi", "JP1/Automatic Job Management System 3", "13-00", None, w.day(-rng.randint(300, 1500))
            )
        elif kind < 0.85:
            w.asset(f"PC-{i:04d}", "endpoint", "Windows 11", crit=rng.choice([1, 2]))
        elif kind < 0.93:
            aid = w.asset(f"rt-branch{i:02d}", "network_device", "Yamaha RTX", crit=3)
            w.software(aid, "Yamaha", "RTX1300 firmware", "Rev.23.01.02", None, w.day(-rng.randint(300, 1500)))
        else:
            aid = w.asset(f"nas-{i:02d}", "storage", "ONTAP", crit=4)
            w.software(aid, "NetApp", "ONTAP", "9.14.1", None, w.day(-rng.randint(300, 1500)))
    staff = [f"E{2000 + k}" for k in range(40)]
    for aid, host in hosts["linux"] + hosts["windows"]:
        windows = (aid, host) in hosts["windows"]
        for k in range(rng.randint(1, 2)):
            user = f"adm_{host.lower().split('-')[1]}{k}{aid[-2:]}"
            w.account(aid, user, True, owner_staff_id=rng.choice(staff))
            for _ in range(rng.randint(1, 3)):  # sessions only inside approved windows
                start = w.at(rng.randint(1, 28), rng.randint(9, 16), rng.choice([0, 15, 30]))
                w.request(
                    aid,
                    user,
                    start - dt.timedelta(minutes=30),
                    3,
                    requested_by=rng.choice(staff[:20]),
                    approved_by=rng.choice(staff[20:]),
                )
                if windows:
                    w.windows_admin(host, user, start)
                else:
                    w.linux_session(host, user, start, sudo=rng.randint(1, 3), su=rng.random() < 0.3)
        for k in range(rng.randint(2, 4)):
            user = f"user{k}{aid[-3:]}"
            w.account(aid, user, False, mfa_enabled=rng.random() < 0.5)
            for _ in range(rng.randint(1, 4)):
                t = w.at(rng.randint(0, 28), rng.randint(8, 19), rng.randint(0, 59))
                if windows:
                    w.events.append(
                        Event(
                            t,
                            "win",
                            host,
                            {
                                "EventID": 4624,
                                "TargetUserName": user,
                                "LogonType": "3",
                                "IpAddress": "10.40.1.20",
                                "TargetDomainName": "HIMAWARI",
                            },
                        )
                    )
                else:
                    w.events.append(
                        Event(
                            t,
                            "auth",
                            host,
                            {
                                "type": "accepted",
                                "method": "password",
                                "user": user,
                                "ip": "10.40.1.20",
                                "port": 50000 + k,
                                "pid": w.next("pid"),
                            },
                        )
                    )
        if not windows and rng.random() < 0.5:
            t = w.at(rng.randint(0, 28), rng.randint(0, 23), rng.randint(0, 59))
            w.events.append(
                Event(
                    t,
                    "auth",
                    host,
                    {
                        "type": "failed_invalid",
                        "user": rng.choice(["guest", "test", "oracle"]),
                        "ip": "203.0.113.77",
                        "port": 4444,
                        "pid": w.next("pid"),
                    },
                )
            )
    for _ in range(max(3, n_assets // 20)):  # incidents reported within hours, high ones closed quickly
        det = w.at(rng.randint(40, 700), rng.randint(8, 20))
        sev = rng.choice(["high", "medium", "low", "low"])
        iid = f"INC-{w.next('incident'):04d}"
        w.t["incidents"].append(
            {
                "incident_id": iid,
                "detected_at": det,
                "reported_at": det + dt.timedelta(hours=rng.randint(1, 12)),
                "category": rng.choice(["phishing", "unauthorized_access", "ddos", "other"]),
                "severity": sev,
                "asset_ids": None,
                "customers_affected": 0,
                "status": "closed",
                "closed_at": det + dt.timedelta(days=rng.randint(1, 10)),
                "root_cause": "設定不備",
            }
        )

    return hosts


def _planted(w: _World, hosts: dict[str, list[tuple[str, str]]]) -> None:
    """Every planted case on top of the background, in a fixed order (the random stream depends on it)."""
    _planted_assets(w, hosts)
    _planted_privileged(w, hosts)
    _planted_unregistered_hosts(w, hosts)
    _planted_log_reviews(w, hosts)
    _planted_backups(w, hosts)
    _planted_incidents(w, hosts)


def _planted_assets(w: _World, hosts: dict[str, list[tuple[str, str]]]) -> None:
    """Assets without owner or class, stale inventory, end-of-support and known-exploited software."""
    e = w.expect
    # asset_missing_owner_or_class
    e(
        "asset_missing_owner_or_class",
        "asset",
        w.asset("srv-old-crm", "server", "Red Hat Enterprise Linux", owner=None),
        True,
    )
    e("asset_missing_owner_or_class", "asset", w.asset("SaaS-経費精算", "saas", None, classification=None), True)
    e(
        "asset_missing_owner_or_class",
        "asset",
        w.asset("srv-retired01", "server", "Red Hat Enterprise Linux", owner=None, decommissioned_on=w.day(200)),
        False,
    )
    # asset_inventory_stale
    e(
        "asset_inventory_stale",
        "asset",
        w.asset("srv-ftp-01", "server", "Red Hat Enterprise Linux", last_inventory_date=w.day(400)),
        True,
    )
    e(
        "asset_inventory_stale",
        "asset",
        w.asset("srv-print-01", "server", "Red Hat Enterprise Linux", last_inventory_date=w.day(360)),
        False,
    )
    # software_end_of_support and software_known_exploited
    a = w.asset("srv-legacy-01", "server", "Red Hat Enterprise Linux", crit=4, internet_facing=True)
    e(
        "software_end_of_support",
        "software",
        w.software(
            a,
            "Red Hat",
            "Enterprise Linux",
            "7.9",
            "cpe:2.3:o:redhat:enterprise_linux:7.9:*:*:*:*:*:*:*",
            dt.date(2024, 6, 30),
        ),
        True,
    )
    e(
        "software_end_of_support",
        "software",
        w.software(a, "PostgreSQL Global Development Group", "PostgreSQL", "11.22", None, dt.date(2023, 11, 9)),
        True,
    )
    e(
        "software_end_of_support",
        "software",
        w.software(a, "PostgreSQL Global Development Group", "PostgreSQL", "13.16", None, w.day(-30)),
        False,
    )
    fw = w.asset("fw-dmz-01", "network_device", "FortiOS", crit=5, internet_facing=True)
    e(
        "software_known_exploited",
        "software",
        w.software(fw, "Fortinet", "FortiOS", "7.2.4", "cpe:2.3:o:fortinet:fortios:7.2.4:*:*:*:*:*:*:*"),
        True,
    )
    mail = w.asset("SRV-MAIL-EX01", "server", "Windows Server", crit=4)
    e("software_known_exploited", "software", w.software(mail, "Microsoft", "Exchange Server", "2019 CU12"), True)
    vpn = w.asset("vpn-gw-01", "network_device", "Ivanti", crit=5, internet_facing=True)
    e("software_known_exploited", "software", w.software(vpn, "Ivanti", "Pulse Connect Secure", "9.1R8"), True)
    adc = w.asset("adc-01", "network_device", "NetScaler", crit=4, internet_facing=True)
    e(
        "software_known_exploited",
        "software",
        w.software(adc, "Citrix", "NetScaler ADC and NetScaler Gateway", "13.1-48.47"),
        True,
    )
    app = w.asset("srv-loan-app01", "application", "Red Hat Enterprise Linux", crit=4)
    e("software_known_exploited", "software", w.software(app, "Apache", "Log4j2", "2.14.1"), True)
    e(
        "software_known_exploited",
        "software",
        w.software(
            app,
            "PostgreSQL Global Development Group",
            "PostgreSQL",
            "16.4",
            "cpe:2.3:a:postgresql:postgresql:16.4:*:*:*:*:*:*:*",
        ),
        False,
    )
    e("software_known_exploited", "software", w.software(fw, "Fortinet", "FortiAnalyzer", "7.4.3"), False)


def _planted_privileged(w: _World, hosts: dict[str, list[tuple[str, str]]]) -> None:
    """Privileged accounts, use without a request, self-approval, sessions past their window."""
    e = w.expect
    # privileged accounts
    lx_aid, lx_host = hosts["linux"][0]
    e("privileged_account_shared", "account", w.account(lx_aid, "admin", True, owner_staff_id=None), True)
    e(
        "privileged_account_shared",
        "account",
        w.account(lx_aid, "svc_batch", True, owner_staff_id=None, status="disabled", disabled_on=w.day(100)),
        False,
    )
    e("privileged_account_shared", "account", w.account(lx_aid, "kiosk", False, owner_staff_id=None), False)
    e("privileged_account_no_mfa", "account", w.account(lx_aid, "adm_nomfa", True, mfa_enabled=False), True)
    e(
        "privileged_account_no_mfa",
        "account",
        w.account(lx_aid, "adm_locked", True, mfa_enabled=False, status="locked"),
        False,
    )
    e("privileged_account_no_mfa", "account", w.account(lx_aid, "clerk01", False, mfa_enabled=False), False)
    e("privileged_password_age", "account", w.account(lx_aid, "adm_oldpw", True, password_changed_on=w.day(120)), True)
    e("privileged_password_age", "account", w.account(lx_aid, "adm_pw80", True, password_changed_on=w.day(80)), False)
    e(
        "privileged_account_dormant",
        "account",
        w.account(lx_aid, "adm_dormant", True, last_login_at=w.at(100, 10)),
        True,
    )
    e("privileged_account_dormant", "account", w.account(lx_aid, "adm_recent", True, last_login_at=w.at(80, 10)), False)
    # privileged use without a request, self-approved requests, account creation outside the register
    user = "adm_night"
    w.account(lx_aid, user, True)
    w.linux_session(lx_host, user, w.at(5, 2, 13), sudo=2, keys=[("privileged_use_without_request", True)])
    start = w.at(3, 13)
    w.request(lx_aid, user, start, 2)
    w.linux_session(
        lx_host,
        user,
        start + dt.timedelta(minutes=20),
        sudo=1,
        su=True,
        keys=[("privileged_use_without_request", False)],
    )
    win_aid, win_host = hosts["windows"][0]
    w.account(win_aid, "adm_weekend", True)
    w.windows_admin(win_host, "adm_weekend", w.at(6, 22, 40), keys=[("privileged_use_without_request", True)])
    w.request(win_aid, "adm_weekend", w.at(2, 9), 4)
    w.windows_admin(win_host, "adm_weekend", w.at(2, 10, 5), keys=[("privileged_use_without_request", False)])
    # a session that ran past the end of its window
    w.request(lx_aid, "adm_nomfa", w.at(4, 9), 1)
    w.linux_session(lx_host, "adm_nomfa", w.at(4, 11, 30), sudo=1, keys=[("privileged_use_without_request", True)])
    rid = w.request(lx_aid, "adm_pw80", w.at(7, 14), 2, requested_by="E2010", approved_by="E2010")
    e("request_self_approved", "request", rid, True)
    w.linux_session(lx_host, "adm_pw80", w.at(7, 14, 30), sudo=1)
    rid = w.request(
        win_aid, "adm_weekend", w.at(9, 9), 3, requested_by="E2011", approved_by="E3002", approved_at=w.at(9, 11)
    )
    e("request_self_approved", "request", rid, True)  # used at 09:40, approved at 11:00
    w.windows_admin(win_host, "adm_weekend", w.at(9, 9, 40))
    rid = w.request(lx_aid, "adm_recent", w.at(10, 9), 3, requested_by="E2012", approved_by="E3003")
    e("request_self_approved", "request", rid, False)
    w.linux_session(lx_host, "adm_recent", w.at(10, 10))
    rid = w.request(lx_aid, "adm_recent", w.at(-3, 9), 3, requested_by="E2013", approved_by=None)
    e("request_self_approved", "request", rid, False)  # not approved yet, not used
    created = w.at(8, 15)
    w.request(lx_aid, "adm_oldpw", created - dt.timedelta(minutes=30), 2)
    w.linux_session(lx_host, "adm_oldpw", created - dt.timedelta(minutes=10), sudo=1)
    w.events.append(
        Event(
            created,
            "auth",
            lx_host,
            {"type": "useradd", "user": "backdoor", "uid": 1099, "pid": 7001},
            [("account_created_outside_register", True)],
        )
    )
    w.account(lx_aid, "tanaka_h", False, created_on=w.day(8))
    w.events.append(
        Event(
            created + dt.timedelta(minutes=3),
            "auth",
            lx_host,
            {"type": "useradd", "user": "tanaka_h", "uid": 1100, "pid": 7002},
            [("account_created_outside_register", False)],
        )
    )
    w.request(win_aid, "adm_weekend", w.at(1, 9), 3)
    w.windows_admin(win_host, "adm_weekend", w.at(1, 9, 30))
    w.events.append(
        Event(
            w.at(1, 9, 40),
            "win",
            win_host,
            {
                "EventID": 4720,
                "TargetUserName": "svc_tmp$x",
                "SubjectUserName": "adm_weekend",
                "SamAccountName": "svc_tmp$x",
                "TargetDomainName": "HIMAWARI",
            },
            [("account_created_outside_register", True)],
        )
    )
    w.account(win_aid, "suzuki_k", False, created_on=w.day(1))
    w.events.append(
        Event(
            w.at(1, 9, 50),
            "win",
            win_host,
            {
                "EventID": 4720,
                "TargetUserName": "suzuki_k",
                "SubjectUserName": "adm_weekend",
                "SamAccountName": "suzuki_k",
                "TargetDomainName": "HIMAWARI",
            },
            [("account_created_outside_register", False)],
        )
    )


def _planted_unregistered_hosts(w: _World, hosts: dict[str, list[tuple[str, str]]]) -> None:
    """Hosts that log in but are absent from the asset register."""
    e = w.expect
    lx_host = hosts["linux"][0][1]  # the same registered Linux host the privileged cases use
    # hosts absent from the register
    w.events.append(
        Event(
            w.at(12, 3, 4),
            "auth",
            "rogue-nas01",
            {"type": "accepted", "method": "password", "user": "pi", "ip": "10.99.0.5", "port": 50122, "pid": 8001},
        )
    )
    e("host_not_in_register", "asset", "rogue-nas01", True)
    w.events.append(
        Event(
            w.at(11, 16, 20),
            "win",
            "WS-TEMP-99",
            {
                "EventID": 4624,
                "TargetUserName": "user0001",
                "LogonType": "3",
                "IpAddress": "10.40.9.9",
                "TargetDomainName": "HIMAWARI",
            },
        )
    )
    e("host_not_in_register", "asset", "WS-TEMP-99", True)
    e("host_not_in_register", "asset", lx_host, False)


def _planted_log_reviews(w: _World, hosts: dict[str, list[tuple[str, str]]]) -> None:
    """Critical servers with a month missing from their log reviews, with near misses."""
    e = w.expect
    # log_review_gap
    a = w.asset("srv-core-db01", "database", "Red Hat Enterprise Linux", crit=5)
    w.reviews(a, [(w._month_start(k), w._month_end(k)) for k in range(12, 2, -1)])  # nothing for ~90 days
    e("log_review_gap", "asset", a, True)
    a = w.asset("srv-swift-01", "server", "Red Hat Enterprise Linux", crit=4)
    periods = [(w._month_start(k), w._month_end(k)) for k in range(12, -1, -1) if k != 1]
    periods = [(s, e_) if s != w._month_start(0) else (w.day(14), e_) for s, e_ in periods]
    w.reviews(a, periods)  # one month missing and the current one only partly: a gap of about 45 days
    e("log_review_gap", "asset", a, True)
    a = w.asset("srv-hr-01", "server", "Red Hat Enterprise Linux", crit=4)
    w.reviews(a, [(w.day(d + 29), w.day(d)) for d in range(0, 360, 50)])  # 20-day gaps only
    e("log_review_gap", "asset", a, False)


def _planted_backups(w: _World, hosts: dict[str, list[tuple[str, str]]]) -> None:
    """Backups that are stale or never restore-tested, with near misses."""
    e = w.expect
    # backups
    a = w.asset("srv-acct-01", "server", "Red Hat Enterprise Linux", crit=5)
    w.set_backups(
        a,
        [
            ("disk", "onsite", False, w.at(1, 2), w.at(30, 14), "pass"),
            ("object_storage", "cloud", True, w.at(1, 3), w.at(30, 14), "pass"),
        ],
    )
    e("backup_not_321", "asset", a, True)
    a = w.asset("srv-loan-db01", "database", "Red Hat Enterprise Linux", crit=4)
    w.set_backups(
        a,
        [
            ("disk", "onsite", False, w.at(1, 2), w.at(30, 14), "pass"),
            ("disk", "offsite", True, w.at(1, 3), w.at(30, 14), "pass"),
            ("disk", "cloud", False, w.at(1, 4), w.at(30, 14), "pass"),
        ],
    )
    e("backup_not_321", "asset", a, True)
    a = w.asset("srv-fx-01", "server", "Red Hat Enterprise Linux", crit=4)
    w.set_backups(
        a,
        [
            ("disk", "onsite", False, w.at(1, 2), w.at(30, 14), "pass"),
            ("object_storage", "cloud", False, w.at(1, 3), w.at(30, 14), "pass"),
            ("tape", "offsite", False, w.at(1, 4), w.at(30, 14), "pass"),
        ],
    )
    e("backup_not_321", "asset", a, True)
    a = w.asset("srv-intra-01", "server", "Red Hat Enterprise Linux", crit=3)
    e("backup_not_321", "asset", a, False)  # one copy, but not critical
    e("backup_not_321", "asset", w.asset("srv-ib-02", "server", "Red Hat Enterprise Linux", crit=5), False)
    a = w.asset("srv-report-01", "server", "Red Hat Enterprise Linux", crit=3)
    w.set_backups(a, [("disk", "onsite", False, w.at(10, 2), w.at(30, 14), "pass")])
    e("backup_stale_or_untested", "asset", a, True)
    a = w.asset("srv-report-02", "server", "Red Hat Enterprise Linux", crit=3)
    w.set_backups(a, [("disk", "onsite", False, w.at(1, 2), w.at(400, 14), "pass")])
    e("backup_stale_or_untested", "asset", a, True)
    a = w.asset("srv-report-03", "server", "Red Hat Enterprise Linux", crit=3)
    w.set_backups(a, [("disk", "onsite", False, w.at(1, 2), w.at(20, 14), "fail")])
    e("backup_stale_or_untested", "asset", a, True)
    a = w.asset("srv-report-04", "server", "Red Hat Enterprise Linux", crit=3)
    w.set_backups(a, [("disk", "onsite", False, w.at(5, 2), w.at(300, 14), "pass")])
    e("backup_stale_or_untested", "asset", a, False)


def _planted_incidents(w: _World, hosts: dict[str, list[tuple[str, str]]]) -> None:
    """Incidents reported later than their severity allows, with near misses on time."""
    e = w.expect
    # incidents
    for hours, sev, status, det_ago, flag in (
        (30, "medium", "closed", 200, True),
        (20, "medium", "closed", 150, False),
        (3, "high", "open", 45, True),
        (2, "high", "contained", 20, False),
        (2, "medium", "open", 60, False),
    ):
        iid = f"INC-{w.next('incident'):04d}"
        det = w.at(det_ago, 10)
        w.t["incidents"].append(
            {
                "incident_id": iid,
                "detected_at": det,
                "reported_at": det + dt.timedelta(hours=hours),
                "category": "ransomware" if sev == "high" else "phishing",
                "severity": sev,
                "asset_ids": None,
                "customers_affected": 0,
                "status": status,
                "closed_at": det + dt.timedelta(days=3) if status == "closed" else None,
                "root_cause": "VPN機器の脆弱性" if sev == "high" else "標的型メール",
            }
        )
        e("incident_late_report", "incident", iid, flag)


def generate_cyber(
    out: Path,
    *,
    assets: int = 120,
    seed: int = 1,
    fmt: Format = "csv",
    encoding: Encoding = "utf-8",
    as_of: dt.date = dt.date(2026, 3, 31),
) -> CyberSummary:
    """Write every cyber table, logs/auth.log, logs/security.jsonl and answer_key.csv into `out`."""
    w = _World(as_of, seed)
    hosts = _background(w, assets)
    _planted(w, hosts)
    output = Output(out, fmt, encoding, "cyber")
    for name in CYBER_TABLES:
        rows = w.t[name]
        if rows:
            output.write(name, build_table(name, {k: [r.get(k) for r in rows] for k in rows[0]}))
    output.close(CYBER_TABLES)
    logs = out / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    events = sorted(w.events, key=lambda ev: (ev.time, ev.host))
    auth = [ev for ev in events if ev.kind == "auth"]
    win = [ev for ev in events if ev.kind == "win"]
    with open(logs / "auth.log", "w", encoding="utf-8", newline="\n") as f:
        for n, ev in enumerate(auth, start=1):
            f.write(syslog_line(ev) + "\n")
            for rule, flag in ev.keys:
                w.expect(rule, "event", f"auth.log:{n}", flag)
    with open(logs / "security.jsonl", "w", encoding="utf-8", newline="\n") as f:
        for n, ev in enumerate(win, start=1):
            f.write(security_record(ev, 100_000 + n) + "\n")
            for rule, flag in ev.keys:
                w.expect(rule, "event", f"security.jsonl:{n}", flag)
    if auth:
        # syslog lines carry no year: parsers take it from the file's modification time, so stamp the
        # file with its last line's time, as a real log rotated at that moment would be
        last = auth[-1].time.replace(tzinfo=dt.timezone(dt.timedelta(hours=9))).timestamp()
        os.utime(logs / "auth.log", (last, last))
    key_path = out / "answer_key.csv"
    with open(key_path, "w", encoding="utf-8", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(["rule_id", "entity_type", "entity_id", "expected"])
        for rule, entity, eid, flag in sorted(set(w.key)):
            wr.writerow([rule, entity, eid, "flag" if flag else "no_flag"])
    counts = output.rows()
    counts["auth.log"] = len(auth)
    counts["security.jsonl"] = len(win)
    return CyberSummary(out, counts, key_path)
