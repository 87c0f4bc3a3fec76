"""Framework files: validation names the file and the place; checksum; round trip; registry."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kansa.assessment.errors import FrameworkError
from kansa.assessment.loader import (
    dump_framework,
    framework_to_dict,
    load_framework,
    parse_framework,
    question_set_checksum,
)
from kansa.assessment.model import Framework
from kansa.assessment.registry import resolve_framework


def _write(tmp_path: Path, doc: dict) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def test_it_loads_the_tree_with_weights_tiers_levels_and_csf(small: Framework) -> None:
    assert [d.id for d in small.domains] == ["GOV", "PRO"]
    assert [r.question.id for r in small.refs()] == ["GOV-01-1", "GOV-01-2", "GOV-02-1", "PRO-01-1", "PRO-02-1"]
    gov01 = small.domains[0].requirements[0]
    assert (gov01.tier, gov01.level, gov01.weight, gov01.csf) == ("basic", "baseline", 2.0, ("GV.PO-01",))
    assert small.refs()[0].weight == 1.0            # requirement weight 2 split over its 2 questions
    assert small.question_index()["GOV-01-1"].question.replaces == "GOV-1"
    assert small.risk_targets == {"low": "baseline", "high": "evolving"}


def test_it_rejects_an_unknown_answer_set_naming_file_and_path(tmp_path: Path, small_doc: dict) -> None:
    small_doc["domains"][1]["requirements"][0]["questions"][0]["answers"] = "nope"
    path = _write(tmp_path, small_doc)
    with pytest.raises(FrameworkError) as exc:
        load_framework(path)
    (problem,) = exc.value.problems
    assert problem.file == str(path)
    assert problem.path == "domains[1].requirements[0].questions[0].answers"
    assert "nope" in problem.ja and "nope" in problem.en


def test_it_collects_every_problem_at_once(tmp_path: Path, small_doc: dict) -> None:
    small_doc["domains"][0]["requirements"][0]["tier"] = "optional"
    small_doc["domains"][0]["requirements"][1]["level"] = "expert"
    small_doc["domains"][1]["requirements"][1]["questions"][0]["id"] = "GOV-01-1"   # duplicate id
    small_doc["answer_sets"]["ynp"][3]["meets"] = False                              # N/A cannot meet
    with pytest.raises(FrameworkError) as exc:
        load_framework(_write(tmp_path, small_doc))
    paths = {p.path for p in exc.value.problems}
    assert {"domains[0].requirements[0].tier", "domains[0].requirements[1].level", "question",
            "answer_sets.ynp[3].meets"} <= paths


def test_it_rejects_two_questions_replacing_the_same_one(small_doc: dict) -> None:
    small_doc["domains"][1]["requirements"][1]["questions"][0]["replaces"] = "GOV-1"
    with pytest.raises(FrameworkError, match="GOV-1"):
        parse_framework(small_doc, "x.yaml")


def test_the_checksum_changes_when_a_question_or_option_is_edited(small_doc: dict) -> None:
    base = question_set_checksum(parse_framework(small_doc))
    assert base == question_set_checksum(parse_framework(small_doc))          # stable
    small_doc["domains"][0]["title"]["ja"] = "別の名前"                        # titles are not questions
    assert question_set_checksum(parse_framework(small_doc)) == base
    edited = yaml.safe_load(yaml.safe_dump(small_doc, allow_unicode=True))
    edited["domains"][0]["requirements"][0]["questions"][0]["text"]["ja"] += "。"
    assert question_set_checksum(parse_framework(edited)) != base
    relabelled = yaml.safe_load(yaml.safe_dump(small_doc, allow_unicode=True))
    relabelled["answer_sets"]["ynp"][1]["score"] = 0.6
    assert question_set_checksum(parse_framework(relabelled)) != base


def test_a_framework_round_trips_through_yaml(tmp_path: Path, small: Framework) -> None:
    again = load_framework(dump_framework(small, tmp_path / "again.yaml"))
    assert framework_to_dict(again) == framework_to_dict(small)
    assert question_set_checksum(again) == question_set_checksum(small)


def test_the_registry_takes_a_file_and_names_unknown_ids(small_path: Path) -> None:
    assert resolve_framework(str(small_path)).id == "test-fw"
    with pytest.raises(FrameworkError, match="no-such-framework"):
        resolve_framework("no-such-framework")
