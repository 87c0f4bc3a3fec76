"""The synthetic population: real type proportions, answers rising with size, published shares reproduced."""

from __future__ import annotations

import csv
from pathlib import Path
from statistics import mean

import pytest

from kansa.assessment.benchmark import Round, comparable_pairs, run_benchmark
from kansa.assessment.institutions import read_institutions
from kansa.assessment.registry import builtin_frameworks
from kansa.assessment.store import AnswerStore
from kansa.assessment.synth import allocate, approximate_share, read_published_shares, synth_assessments


def test_types_come_in_the_real_proportions() -> None:
    assert allocate(498, {"regional_bank": 99, "shinkin": 254, "shinkumi": 145}) == {
        "regional_bank": 99, "shinkin": 254, "shinkumi": 145}
    split = allocate(500, {"regional_bank": 99, "shinkin": 254, "shinkumi": 145})
    assert sum(split.values()) == 500 and split["shinkin"] == 255


def test_approximate_wording_becomes_a_share() -> None:
    assert approximate_share("訓練を実施(約8割と記載)") == 80
    assert approximate_share("(「3割強」と記載)") == 32
    assert approximate_share("(「9割弱」と記載)") == 88
    assert approximate_share("(6割から7割と記載)") == 65
    assert approximate_share("記載なし") is None


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> tuple[Path, dict]:
    fw = builtin_frameworks()["kansa-regional"]
    out = tmp_path_factory.mktemp("synth")
    published = read_published_shares(shared_data / "cssa" / "cssa_published_shares.csv")
    synth_assessments(fw, out, 600, seed=7, published=published)
    return out, published


def test_the_population_and_both_rounds_are_written(synthetic: tuple[Path, dict]) -> None:
    out, _ = synthetic
    people = read_institutions(out / "institutions.csv")
    counts = {t: sum(1 for p in people if p.type == t) for t in ("regional_bank", "shinkin", "shinkumi")}
    assert counts == allocate(600, {"regional_bank": 99, "shinkin": 254, "shinkumi": 145})
    current, previous = AnswerStore(out / "answers"), AnswerStore(out / "previous")
    assert current.framework().version == "2026.1" and previous.framework().version == "2025.1"
    assert 0.95 * 600 <= len(current.current()) < 600          # a few did not answer
    assert len(comparable_pairs(current.framework(), previous.framework())) > 50
    with (out / "answers_current.csv").open(encoding="utf-8") as fh:
        assert next(csv.reader(fh)) == ["institution_id", "question_id", "answer", "comment"]


def test_answers_rise_with_size_and_improve_since_last_round(synthetic: tuple[Path, dict]) -> None:
    out, _ = synthetic
    people = read_institutions(out / "institutions.csv")
    current, previous = AnswerStore(out / "answers"), AnswerStore(out / "previous")
    b = run_benchmark(Round(current.framework(), current.current()), people, k=5,
                      previous=Round(previous.framework(), previous.current()))
    by_band = {band: mean(s.score or 0 for iid, s in b.scores.items()
                          if b.institutions[iid].type == "shinkin" and b.institutions[iid].size_band == band)
               for band in ("small", "medium")}
    assert by_band["medium"] > by_band["small"] + 3
    changes = [r["change"] for r in b.trend_institution if r["domain_id"] == "_overall" and r["change"] is not None]
    assert mean(changes) > 1.0


def test_published_shares_are_reproduced(synthetic: tuple[Path, dict]) -> None:
    out, published = synthetic
    store = AnswerStore(out / "answers")
    fw, subs = store.framework(), store.current()
    gaps = []
    for ref in fw.refs():
        item = ref.question.cssa_item
        if not isinstance(item, dict):
            continue
        for value, text in item.items():
            if text in published and not published[text].approximate:
                share = 100 * sum(1 for s in subs.values() if s.answers[ref.question.id].value == value) / len(subs)
                gaps.append(abs(share - published[text].share_pct))
    assert len(gaps) >= 20
    assert max(gaps) < 7.0 and mean(gaps) < 2.5
