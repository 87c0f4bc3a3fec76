"""fd fixtures: a small synthetic policy corpus, and a conduct institution scanned as-is and with some of its
planted cases taken out (so that promises are both kept and broken)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kansa.fd.synth import write_corpus

KEPT_RULES = ("staff_affiliated_skew", "staff_high_fee_skew", "missing_explanation_record")


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ten synthetic firms, HTML/DOCX/text only (fast)."""
    out = tmp_path_factory.mktemp("fd_corpus")
    write_corpus(out, firms=10, seed=0, pdf=False)
    return out


@pytest.fixture(scope="session")
def conduct_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`kansa synth conduct` with 400 customers: every conduct rule has planted cases."""
    from kansa.synth.conduct import generate_conduct

    out = tmp_path_factory.mktemp("fd_conduct")
    generate_conduct(out, customers=400, seed=3, background="guarded")   # dropping planted cases leaves it clean
    return out


@pytest.fixture(scope="session")
def conduct_scan(conduct_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scan's output folder (flags.parquet, kpis.json, complaints_summary.csv)."""
    from kansa.services import run_conduct_scan

    out = tmp_path_factory.mktemp("fd_scan")
    run_conduct_scan(conduct_data, out=out, report=False)
    return out


@pytest.fixture(scope="session")
def clean_scan(conduct_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same institution without the planted cases of KEPT_RULES, scanned."""
    from kansa.fd.synth_world import drop_planted
    from kansa.services import run_conduct_scan

    data = drop_planted(conduct_data, tmp_path_factory.mktemp("fd_clean_data"), KEPT_RULES)
    out = tmp_path_factory.mktemp("fd_clean_scan")
    run_conduct_scan(data, out=out, report=False)
    return out
