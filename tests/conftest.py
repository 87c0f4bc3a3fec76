"""Shared fixtures: where the real public test data lives."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Rich wraps CLI output at the terminal width (80 under CliRunner); tests read messages whole.
os.environ["COLUMNS"] = "200"
# The machine cache (kansa.cache: holidays, linted and compiled rules) starts empty for every test run, in
# a folder of its own: tests never depend on what an earlier run left in ~/.cache.
if "KANSA_CACHE_DIR" not in os.environ:
    import tempfile

    os.environ["KANSA_CACHE_DIR"] = tempfile.mkdtemp(prefix="kansa-test-cache-")


def _shared_data_dir() -> Path:
    env = os.environ.get("KANSA_SHARED_DATA")
    return Path(env) if env else ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real public data (../shared/data); tests needing it skip only where it is absent."""
    path = _shared_data_dir()
    if not path.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"../shared/data is missing at {path}: CI must have it")
        pytest.skip(f"real data folder not found at {path}")
    return path


def require_all() -> bool:
    """In CI (CI=true) or with KANSA_REQUIRE_ALL=1 every tool must be there: a skip is a failure."""
    return os.environ.get("KANSA_REQUIRE_ALL") == "1" or os.environ.get("CI", "").lower() in ("true", "1")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    """Turn a skip into a failure when every tool is required (a missing java, pdftotext or chromium in CI)."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.skipped and require_all() and not hasattr(report, "wasxfail"):
        marks = [m.name for m in item.iter_markers()]
        if "skip" in marks:  # an unconditional @pytest.mark.skip is a decision in the code, not a missing tool
            return None
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.longrepr = f"skipped although KANSA_REQUIRE_ALL=1 or CI=true: {reason}"
    return None


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local[2] SparkSession for the whole run (UTC, 2 shuffle partitions, no UI), stopped at the end.

    Scans with --engine spark in the same process reuse it (getOrCreate). Skipped where Spark cannot
    start, which fails the run in CI (require_all).
    """
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Java is not installed: Spark cannot start")
    from kansa.engine.spark_engine import local_session

    session = local_session(2, small=True)
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
