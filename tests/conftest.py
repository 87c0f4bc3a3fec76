"""Shared fixtures: where the real public test data lives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Rich wraps CLI output at the terminal width (80 under CliRunner); tests read messages whole.
os.environ["COLUMNS"] = "200"


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
