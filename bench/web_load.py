"""Load on the web app over loopback: p95 of flag list, heat map, scan page, dashboard and supervisor overview.

    .venv/bin/python bench/web_load.py [--users 50] [--seconds 20] [--requests 6000] [--flags 10000]
                                       [--institutions 500]

Seeds a throw-away SQLite file database (500 institutions, 10,000 flags in 3,000 ranked cases on one scan,
with coverage rows), starts gunicorn on a free port of 127.0.0.1, signs in one auditor and one supervisor
(sessions carry a verified TOTP device, as after sign-in) and runs N threads of users until the time or the
request budget runs out, whichever comes first. Target: p95 < 300 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

SEED = r"""
import random, django, sys
django.setup()
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from kansa.web.org.models import Institution, Membership
from kansa.web.scans.models import Case, Coverage, Flag, Scan
n_inst, n_flags = int(sys.argv[1]), int(sys.argv[2])
types = ["regional_bank", "shinkin", "shinkumi", "securities", "insurer", "other"]
insts = Institution.objects.bulk_create([Institution(code=f"B{i:04d}", name=f"機関{i}", type=types[i % 6])
                                         for i in range(n_inst)])
rng = random.Random(1)
scan = Scan.objects.create(institution=insts[0], source_name="bench", status="done")
rules = [f"rule_{k:02d}" for k in range(14)]
n_cases = max(1, n_flags * 3 // 10)
cases = Case.objects.bulk_create([Case(scan=scan, institution=insts[0], case_id=f"customer:C{i:06d}",
                                       subject_type="customer", subject_id=f"C{i:06d}", score=20 - i / n_cases,
                                       rank=i + 1, rule_ids="rule_01;rule_02", flag_count=0,
                                       reason_ja="スコア: 理由 " * 6, reason_en="Score: reason " * 6)
                                  for i in range(n_cases)], batch_size=2000)
cases = list(Case.objects.filter(scan=scan).order_by("rank"))
Coverage.objects.bulk_create([Coverage(scan=scan, institution=insts[0], rule_id=r, status="evaluated",
                                       rows_in_scope=1000) for r in rules])
Flag.objects.bulk_create([Flag(scan=scan, institution=insts[0], case=cases[i % n_cases], rule_id=rng.choice(rules),
                               entity_type="customer",
                               entity_id=f"C{i:06d}", branch=f"B{rng.randrange(60):03d}",
                               salesperson=f"S{rng.randrange(400):04d}", severity=rng.choice(["high", "medium", "low"]),
                               reason="理由の文 " * 8, evidence={"k": i}) for i in range(n_flags)], batch_size=2000)
for name, role, inst in (("auditor", "auditor", insts[0]), ("supervisor", "supervisor", None)):
    u = get_user_model().objects.create_user(name, password="x-bench-password-1")
    Membership.objects.create(user=u, role=role, institution=inst)
    d = TOTPDevice.objects.create(user=u, name="bench", confirmed=True)
    s = SessionStore()
    s["_auth_user_id"] = str(u.pk)
    s["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    s["_auth_user_hash"] = u.get_session_auth_hash()
    s[DEVICE_ID_SESSION_KEY] = d.persistent_id
    s.create()
    print(name, s.session_key, scan.pk)
"""


def main() -> None:
    """Seed, serve, load, report."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--requests", type=int, default=6000, help="stop after this many requests in all")
    ap.add_argument("--think", type=float, default=0.0, help="seconds a user waits between clicks (0: none)")
    ap.add_argument("--warmup", type=float, default=5.0,
                    help="seconds of load before timing starts (gunicorn workers import and fill caches; not counted)")
    ap.add_argument("--flags", type=int, default=10_000)
    ap.add_argument("--institutions", type=int, default=500)
    ap.add_argument("--workers", type=int, default=4)
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kansa-web-bench-"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kansa.web.settings", "KANSA_SECRET_KEY": "bench-" + "k" * 50,
           "KANSA_INSECURE_HTTP": "1", "DATABASE_URL": os.environ.get("KANSA_BENCH_DATABASE_URL",
                                                                      f"sqlite:///{tmp / 'bench.sqlite3'}")}
    subprocess.run([sys.executable, "-m", "django", "migrate", "-v", "0"], env=env, check=True)
    out = subprocess.run([sys.executable, "-c", SEED, str(a.institutions), str(a.flags)], env=env, check=True,
                         capture_output=True, text=True).stdout.split("\n")
    sessions = {line.split()[0]: line.split()[1] for line in out if line.strip()}
    scan = next(line.split()[2] for line in out if line.strip())
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "kansa.web.wsgi:application", "--bind",
                               f"127.0.0.1:{port}", "--workers", str(a.workers), "--threads", "4"], env=env,
                              stderr=subprocess.DEVNULL)
    pages = {"flag list": ("auditor", f"/scans/{scan}/flags/"),
             "flag list, filtered": ("auditor", f"/scans/{scan}/flags/?severity=high&rule_id=rule_03"),
             "heat map": ("auditor", f"/scans/{scan}/heatmap/"),
             "scan page (review queue)": ("auditor", f"/scans/{scan}/"),
             "dashboard": ("auditor", "/"),
             "supervisor dashboard": ("supervisor", "/"),
             "supervisor institution list": ("supervisor", "/institutions/")}
    times: dict[str, list[float]] = {k: [] for k in pages}
    errors = [0]
    budget = iter(range(a.requests))   # next() is atomic enough under the GIL for a shared request budget
    try:
        _wait(base + "/accounts/login/")
        measure_from = time.monotonic() + a.warmup
        stop = measure_from + a.seconds

        def user() -> None:
            rng = random.Random()
            if a.think:   # users arrive spread over one think time, as people do, not all in the same millisecond
                time.sleep(rng.uniform(0, a.think))
            while time.monotonic() < stop and (time.monotonic() < measure_from or next(budget, None) is not None):
                name = rng.choice(list(pages))
                who, path = pages[name]
                req = urllib.request.Request(base + path,
                                             headers={"Cookie": f"sessionid={sessions[who]}"})
                t = time.perf_counter()
                try:
                    with urllib.request.urlopen(req, timeout=30) as r:
                        r.read()
                        ok = r.status == 200 and r.url.endswith(path)
                except Exception:
                    ok = False
                if time.monotonic() < measure_from:
                    pass   # warm-up: not timed
                elif ok:
                    times[name].append(time.perf_counter() - t)
                else:
                    errors[0] += 1
                if a.think:
                    time.sleep(rng.uniform(0.5, 1.5) * a.think)
        threads = [threading.Thread(target=user) for _ in range(a.users)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
    finally:
        server.terminate()
        server.wait()
    print(f"{a.users} users, {a.seconds:.0f} s after {a.warmup:.0f} s warm-up, {a.flags} flags, "
          f"{a.institutions} institutions, "
          f"think {a.think:.1f} s, gunicorn {a.workers}x4 threads, {env['DATABASE_URL'].split(':')[0]}; "
          f"errors {errors[0]}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for name, ts in times.items():
        ts.sort()
        p95 = ts[int(0.95 * (len(ts) - 1))] * 1000 if ts else float("nan")
        med = statistics.median(ts) * 1000 if ts else float("nan")
        verdict = "ok" if p95 < 300 else "OVER 300 ms"
        print(f"  {name:30s} n={len(ts):5d}  median {med:6.0f} ms  p95 {p95:6.0f} ms  {verdict}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:
            time.sleep(0.2)
    raise SystemExit("server did not start")


if __name__ == "__main__":
    main()
