"""A skip for a missing tool is a failure in CI (CI=true) or with KANSA_REQUIRE_ALL=1 (tests/conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SAMPLE = '''
import shutil
import pytest

def test_needs_a_tool_nobody_has():
    if not shutil.which("kansa-no-such-tool"):
        pytest.skip("kansa-no-such-tool not installed")

@pytest.mark.skip(reason="decided in the code")
def test_skipped_on_purpose():
    pass
'''


def _run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_sample.py").write_text(SAMPLE, encoding="utf-8")
    clean = {k: v for k, v in os.environ.items() if k not in ("CI", "KANSA_REQUIRE_ALL", "PYTEST_XDIST_WORKER")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
         "--rootdir", str(tmp_path), "-c", os.devnull, str(tmp_path / "test_sample.py")],
        cwd=ROOT, capture_output=True, text=True, env={**clean, "PYTHONPATH": str(ROOT), **env}, timeout=120)


def test_a_missing_tool_skips_on_a_developer_machine(tmp_path: Path) -> None:
    res = _run(tmp_path)
    assert "2 skipped" in res.stdout and res.returncode == 0, res.stdout


def test_a_missing_tool_fails_with_kansa_require_all(tmp_path: Path) -> None:
    res = _run(tmp_path, KANSA_REQUIRE_ALL="1")
    assert res.returncode == 1, res.stdout
    assert "1 failed" in res.stdout and "1 skipped" in res.stdout
    assert "kansa-no-such-tool not installed" in res.stdout


def test_a_missing_tool_fails_in_ci(tmp_path: Path) -> None:
    res = _run(tmp_path, CI="true")
    assert res.returncode == 1 and "1 failed" in res.stdout, res.stdout
