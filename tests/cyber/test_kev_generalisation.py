"""KEV matching generalises: held-out recall and precision on the labelled inventory (tests/data/kev_inventory).

The held-out split was not looked at while the matcher and its alias data were built (tuning used the dev split
only); this test reads it and fails when the matcher falls below the targets of issue 16.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent


def _scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("kev_eval", HERE / "kev_eval.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("kev_eval", module)
    spec.loader.exec_module(module)
    return module


def _score(shared_data: Path, split: str) -> Any:
    ev = _scorer()
    return ev.score(ev.load_inventory(split=split),
                    ev.kansa_matcher(shared_data / "cisa_kev" / "known_exploited_vulnerabilities.json"))


@pytest.mark.xfail(strict=True, reason="issue 16 target not reached: held-out recall measured 0.874 (precision 0.977) "
                                        "at commit bd35957; strict, so reaching it makes this test fail until the "
                                        "marker is removed")
def test_held_out_recall_reaches_the_issue_16_target(shared_data: Path) -> None:
    overall = _score(shared_data, "heldout").overall
    assert overall.recall >= 0.90 and overall.precision >= 0.95


def test_held_out_figures_do_not_fall_below_what_was_measured(shared_data: Path) -> None:
    result = _score(shared_data, "heldout")
    overall = result.overall
    assert overall.rows == 462
    assert overall.precision >= 0.95, result.false_matches[:20]   # the issue's precision target, reached
    assert overall.recall >= 0.87, len(result.misses)               # measured 0.874; a regression fails here


def test_dev_figures_stay_where_the_tuning_left_them(shared_data: Path) -> None:
    result = _score(shared_data, "dev")
    assert result.overall.rows == 391
    assert result.overall.precision >= 0.99, result.false_matches
    assert result.overall.recall >= 0.99, result.misses
    assert result.by_form["negative"].found == 0, result.false_matches   # dev near misses stay silent
