"""`kansa demo --no-serve`'s web step: institutions, one user per role with TOTP, the demo scans (conduct, cyber)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from kansa.synth.conduct import generate_conduct
from kansa.synth.cyber import generate_cyber


def test_the_demo_web_database_has_every_role_and_the_scan(tmp_path: Path) -> None:
    generate_conduct(tmp_path / "data" / "conduct", customers=300, seed=3)
    generate_cyber(tmp_path / "data" / "cyber", assets=40, seed=3)
    code = ("import sys; from pathlib import Path; from kansa.web.demo import run; "
            f"sys.exit(run(Path({str(tmp_path)!r}), serve=False))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "DEMO ONLY" in r.stdout and r.stdout.count("TOTP secret=") == 6
    db = sqlite3.connect(tmp_path / "web" / "kansa-web.sqlite3")
    roles = dict(db.execute("SELECT role, institution_id FROM kansa_org_membership").fetchall())
    assert set(roles) == {"auditor", "business_line", "risk_compliance", "management", "admin", "supervisor"}
    assert roles["supervisor"] is None and roles["auditor"] is not None
    assert db.execute("SELECT count(*) FROM kansa_org_institution").fetchone()[0] == 5
    assert sorted(db.execute("SELECT kind, status FROM kansa_scans_scan").fetchall()) == [("conduct", "done"),
                                                                                          ("cyber", "done")]
    # conduct flags each in a case; cyber flags each under a control area; coverage for both
    assert db.execute("SELECT count(*) FROM kansa_scans_case").fetchone()[0] > 0
    assert db.execute("SELECT count(*) FROM kansa_scans_flag f JOIN kansa_scans_scan s ON s.id = f.scan_id "
                      "WHERE s.kind = 'conduct' AND f.case_id IS NULL").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM kansa_scans_flag f JOIN kansa_scans_scan s ON s.id = f.scan_id "
                      "WHERE s.kind = 'cyber' AND f.area = ''").fetchone()[0] == 0
    assert db.execute("SELECT count(DISTINCT scan_id) FROM kansa_scans_coverage").fetchone()[0] == 2
    assert db.execute("SELECT count(*) FROM kansa_scans_flag").fetchone()[0] > 0
    assert db.execute("SELECT count(*) FROM kansa_scans_flag WHERE entity_id = ''").fetchone()[0] == 0
