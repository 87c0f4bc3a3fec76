"""Attribute-sampling sizes agree with the AICPA Audit Sampling guide's tables; draws are reproducible."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from kansa.audit import engagement as eng
from kansa.audit.errors import AuditUsageError
from kansa.audit.model import Book, Engagement, Entity
from kansa.audit.sampling import make_sample, sample_size
from tests.audit.builders import write_flags

# (confidence, tolerable rate, expected rate) -> sample size, from AICPA Audit Sampling guide Table A-1 (95%)
# and Table A-2 (90%): statistical sample sizes for tests of controls, large populations.
AICPA = [
    (0.95, 0.02, 0.0, 149), (0.95, 0.03, 0.0, 99), (0.95, 0.04, 0.0, 74), (0.95, 0.05, 0.0, 59),
    (0.95, 0.06, 0.0, 49), (0.95, 0.07, 0.0, 42), (0.95, 0.08, 0.0, 36), (0.95, 0.09, 0.0, 32),
    (0.95, 0.10, 0.0, 29), (0.95, 0.15, 0.0, 19), (0.95, 0.20, 0.0, 14),
    (0.95, 0.05, 0.0025, 93), (0.95, 0.05, 0.01, 93), (0.95, 0.05, 0.0125, 124), (0.95, 0.05, 0.02, 181),
    (0.95, 0.04, 0.01, 156), (0.95, 0.10, 0.02, 46),
    (0.90, 0.05, 0.0, 45), (0.90, 0.10, 0.0, 22), (0.90, 0.05, 0.01, 77),
]


@pytest.mark.parametrize("confidence, tolerable, expected, size", AICPA)
def test_sample_size_matches_the_published_table(confidence: float, tolerable: float, expected: float,
                                                 size: int) -> None:
    assert sample_size(confidence, tolerable, expected) == size


def test_an_expected_rate_at_the_tolerable_rate_is_refused() -> None:
    with pytest.raises(AuditUsageError) as exc:
        sample_size(0.95, 0.05, 0.05)
    assert exc.value.code == "audit_bad_value"


def _rows(n: int) -> list[dict[str, str]]:
    return [{"key": f"k{i}", "rule_id": f"r{i % 3}", "branch": f"B{i % 2}"} for i in range(n)]


def test_the_same_seed_draws_the_same_sample_and_another_seed_does_not() -> None:
    a = make_sample("S1", "t", _rows(500), "key", seed=7)
    b = make_sample("S1", "t", _rows(500), "key", seed=7)
    c = make_sample("S1", "t", _rows(500), "key", seed=8)
    assert [i.key for i in a.items] == [i.key for i in b.items] != [i.key for i in c.items]
    assert len(a.items) == 59 and len({i.key for i in a.items}) == 59 and a.seed == 7 and a.population == 500


def test_stratified_sampling_covers_every_rule_and_branch_in_proportion() -> None:
    rows = [*_rows(600), {"key": "rare", "rule_id": "rare_rule", "branch": "B9"}]
    sample = make_sample("S1", "t", rows, "key", seed=1, strata=("rule_id", "branch"))
    strata = Counter(i.stratum for i in sample.items)
    assert strata["rare_rule / B9"] == 1 and len(strata) == 7
    assert all(9 <= n <= 11 for s, n in strata.items() if s != "rare_rule / B9")


def test_flags_of_a_scan_are_sampled_and_each_item_gets_a_test_result(tmp_path: Path) -> None:
    scan = write_flags(tmp_path / "scan", [("suitability_mismatch", "trade", f"T{i}", "high") for i in range(30)])
    book = Book("t")
    book.entities["theme:conduct"] = Entity("theme:conduct", "theme", "顧客本位")
    eng.new_engagement(book, Engagement("E1", "x", "theme", ["theme:conduct"], 10), "a")
    eng.sample_flags(book, "E1", scan, "a", seed=3)
    sample = book.engagements["E1"].samples[0]
    assert len(sample.items) == 30 and sample.source.endswith("flags.csv")   # fewer flags than 59: all of them
    event = eng.record_test(book, "E1", sample.id, sample.items[0].key, "exception", "a", "承認記録なし")
    assert event.before == {"result": "untested"} and sample.items[0].result == "exception"
    with pytest.raises(AuditUsageError):
        eng.record_test(book, "E1", sample.id, sample.items[0].key, "maybe", "a")
