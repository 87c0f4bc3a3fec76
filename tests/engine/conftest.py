"""Engine test fixtures: one local SparkSession for the whole run (skipped where Spark cannot start)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """A local[2] SparkSession (UTC, 2 shuffle partitions, no UI), stopped at the end of the run."""
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Java is not installed: Spark cannot start")
    from kansa.engine.spark_engine import local_session

    session = local_session(2, small=True)
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
