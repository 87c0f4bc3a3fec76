"""A small framework and helpers shared by the assessment tests (hand-checkable numbers)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
import yaml

from kansa.assessment.answers import Answer, Submission
from kansa.assessment.loader import load_framework, question_set_checksum
from kansa.assessment.model import Framework

SMALL = {
    "id": "test-fw",
    "version": "2026.1",
    "previous_version": "2025.1",
    "title": {"ja": "テスト用フレームワーク", "en": "Test framework"},
    "answer_sets": {
        "ynp": [
            {"value": "yes", "label": {"ja": "はい", "en": "Yes"}, "score": 1.0, "meets": True},
            {"value": "partial", "label": {"ja": "一部", "en": "Partially"}, "score": 0.5, "meets": False},
            {"value": "no", "label": {"ja": "いいえ", "en": "No"}, "score": 0.0, "meets": False},
            {"value": "na", "label": {"ja": "該当なし", "en": "Not applicable"}, "score": None, "meets": None},
        ],
        "tier4": [
            {"value": "t1", "label": {"ja": "段階1", "en": "Tier 1"}, "score": 1, "meets": False},
            {"value": "t2", "label": {"ja": "段階2", "en": "Tier 2"}, "score": 2, "meets": False},
            {"value": "t3", "label": {"ja": "段階3", "en": "Tier 3"}, "score": 3, "meets": True},
            {"value": "t4", "label": {"ja": "段階4", "en": "Tier 4"}, "score": 4, "meets": True},
        ],
    },
    "levels": [{"id": "baseline", "label": {"ja": "基礎", "en": "Baseline"}},
               {"id": "evolving", "label": {"ja": "発展", "en": "Evolving"}}],
    "risk_targets": {"low": "baseline", "high": "evolving"},
    "domains": [
        {"id": "GOV", "title": {"ja": "経営の関与", "en": "Governance"}, "weight": 2.0, "requirements": [
            {"id": "GOV-01", "title": {"ja": "方針", "en": "Policy"}, "tier": "basic", "level": "baseline",
             "weight": 2.0, "csf": ["GV.PO-01"], "questions": [
                 {"id": "GOV-01-1", "text": {"ja": "経営方針にサイバーセキュリティを掲げている", "en": "Policy set"},
                  "guidance": {"ja": "取締役会の決議を確認", "en": "Board minutes"}, "answers": "ynp",
                  "replaces": "GOV-1"},
                 {"id": "GOV-01-2", "text": {"ja": "計画を策定している", "en": "Plan made"}, "answers": "ynp",
                  "replaces": None}]},
            {"id": "GOV-02", "title": {"ja": "報告", "en": "Reporting"}, "tier": "recommended", "level": "evolving",
             "weight": 1.0, "questions": [
                 {"id": "GOV-02-1", "text": {"ja": "取締役会に定期報告している", "en": "Board reporting"},
                  "answers": "ynp", "replaces": "GOV-2"}]}]},
        {"id": "PRO", "title": {"ja": "防御", "en": "Protect"}, "weight": 1.0, "requirements": [
            {"id": "PRO-01", "title": {"ja": "分離", "en": "Separation"}, "tier": "basic", "level": "baseline",
             "questions": [
                 {"id": "PRO-01-1", "text": {"ja": "端末のネットワークをインターネットから分離している",
                                             "en": "Endpoints separated from the internet"},
                  "answers": "tier4", "replaces": "PRO-1",
                  "cssa_item": "端末が属するネットワークとインターネットを分離"}]},
            {"id": "PRO-02", "title": {"ja": "EDR", "en": "EDR"}, "tier": "recommended", "level": "evolving",
             "questions": [
                 {"id": "PRO-02-1", "text": {"ja": "EDR を導入している", "en": "EDR deployed"}, "answers": "ynp",
                  "replaces": None}]}]},
    ],
}


@pytest.fixture
def small_doc() -> dict:
    """The small framework as a fresh YAML document (tests may alter it)."""
    return yaml.safe_load(yaml.safe_dump(SMALL, allow_unicode=True))


@pytest.fixture
def small_path(tmp_path: Path, small_doc: dict) -> Path:
    """The small framework written as a YAML file."""
    path = tmp_path / "test-fw.yaml"
    path.write_text(yaml.safe_dump(small_doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def small(small_path: Path) -> Framework:
    """The small framework, loaded."""
    return load_framework(small_path)


def submission(fw: Framework, iid: str, answers: Mapping[str, str]) -> Submission:
    """A checked submission built directly (what the importer would produce)."""
    return Submission(iid, fw.id, fw.version, question_set_checksum(fw),
                      {q: Answer(v) for q, v in answers.items()}, "test", "", "test")


def all_answers(fw: Framework, value_by_set: Mapping[str, str]) -> dict[str, str]:
    """The same answer to every question, per answer set (e.g. {"ynp": "yes", "tier4": "t4"})."""
    return {r.question.id: value_by_set[r.question.answers.id] for r in fw.refs()}


@pytest.fixture
def make_submission() -> Callable[[Framework, str, Mapping[str, str]], Submission]:
    """The `submission` helper, for tests (the import mode is importlib: no helper modules)."""
    return submission
