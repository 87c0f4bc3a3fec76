"""pyspark is an optional extra: without it the Spark engine says how to install it; DuckDB never needs it."""

from __future__ import annotations

import sys

import pytest


def test_without_pyspark_the_spark_engine_explains_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from kansa.engine import spark_engine

    monkeypatch.setitem(sys.modules, "pyspark.sql", None)  # makes `from pyspark.sql import ...` fail
    with pytest.raises(RuntimeError, match=r"kansa\[spark\]"):
        spark_engine.local_session()


def test_importing_the_engine_package_does_not_import_pyspark() -> None:
    import subprocess

    code = "import sys, kansa.engine; print('pyspark' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
