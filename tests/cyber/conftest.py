"""Fixtures the KEV evaluation tests share: CISA's real catalogue, read once per session."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def kev_json(shared_data: Path) -> Path:
    """The CISA KEV catalogue file in ../shared/data."""
    return shared_data / "cisa_kev" / "known_exploited_vulnerabilities.json"


@pytest.fixture(scope="session")
def catalogue(kev_json: Path) -> dict[str, Any]:
    """The catalogue as CISA publishes it (a JSON document with `vulnerabilities`)."""
    doc: dict[str, Any] = json.loads(kev_json.read_text(encoding="utf-8"))
    return doc
