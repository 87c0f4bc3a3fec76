"""Both real frameworks import completely: counts checked against the sources, computed here independently."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

from kansa.assessment.importers import import_ffiec_cat, import_nist_csf
from kansa.assessment.loader import parse_framework, question_set_checksum
from kansa.assessment.scoring import score_institution

CPRT = "nist_csf/cprt_CSF_2_0_0_04-24-2024.json"
FFIEC = "ffiec_cat/ffiec_cat_declarative_statements.csv"


def test_nist_csf_imports_every_active_subcategory(shared_data: Path) -> None:
    elements = json.loads((shared_data / CPRT).read_text(encoding="utf-8"))["response"]["elements"]["elements"]
    withdrawn = {e["element_identifier"].removeprefix("WR-") for e in elements
                 if e["element_type"] == "withdraw_reason"}
    active = {t: {e["element_identifier"] for e in elements if e["element_type"] == t
                  and e["element_identifier"] not in withdrawn} for t in ("function", "category", "subcategory")}
    fw = parse_framework(import_nist_csf(shared_data / CPRT))
    assert {d.id for d in fw.domains} == active["function"] and len(fw.domains) == 6
    assert {r.id for d in fw.domains for r in d.requirements} == active["category"]
    assert len(active["category"]) == 22
    ids = [r.question.id for r in fw.refs()]
    assert sorted(ids) == sorted(active["subcategory"]) and len(ids) == 106
    assert not set(ids) & withdrawn
    for ref in fw.refs():                       # each subcategory sits under its own category and function
        assert ref.question.id.startswith(ref.requirement.id + "-")
        assert ref.requirement.id.startswith(ref.domain.id + ".")
        assert ref.requirement.csf and ref.question.id in ref.requirement.csf
    assert [o.score for o in fw.refs()[0].question.answers.options] == [1, 2, 3, 4, None]


def test_nist_csf_scores_on_the_tiers(shared_data: Path) -> None:
    fw = parse_framework(import_nist_csf(shared_data / CPRT))
    all_tier3 = {r.question.id: "tier3" for r in fw.refs()}
    assert round(score_institution(fw, all_tier3).score or 0, 6) == round(100 * 2 / 3, 6)


def test_ffiec_cat_imports_494_statements_in_5_domains_and_5_levels(shared_data: Path) -> None:
    with (shared_data / FFIEC).open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    fw = parse_framework(import_ffiec_cat(shared_data / FFIEC))
    refs = fw.refs()
    assert len(refs) == len(rows) == 494
    assert [d.id for d in fw.domains] == sorted({r["domain_id"] for r in rows}) and len(fw.domains) == 5
    assert [lv.label["en"] for lv in fw.levels] == ["Baseline", "Evolving", "Intermediate", "Advanced", "Innovative"]
    by_level = Counter(fw.levels[fw.level_index(r.requirement.level)].label["en"] for r in refs)
    assert by_level == Counter(r["maturity_level"] for r in rows)
    by_domain = Counter(r.domain.id for r in refs)
    assert by_domain == Counter(r["domain_id"] for r in rows)
    assert [o.label["en"] for o in refs[0].question.answers.options] == ["Yes", "Yes with compensating controls", "No"]
    statement = {r["identifier"]: r["statement"] for r in rows}
    assert all(statement[r.question.id] == r.question.text["en"] for r in refs)
    assert len(question_set_checksum(fw)) == 64


def test_ffiec_levels_are_cumulative(shared_data: Path) -> None:
    fw = parse_framework(import_ffiec_cat(shared_data / FFIEC))
    d1 = [r for r in fw.refs() if r.domain.id == "D1"]
    answers = {r.question.id: "yes" for r in fw.refs()}
    assert score_institution(fw, answers).domain("D1").level == "innovative"
    baseline = next(r for r in d1 if r.requirement.level == "baseline")
    answers[baseline.question.id] = "no"           # one baseline statement missed: no level at all
    assert score_institution(fw, answers).domain("D1").level is None
    answers[baseline.question.id] = "yes_c"        # compensating controls count as met
    intermediate = next(r for r in d1 if r.requirement.level == "intermediate")
    answers[intermediate.question.id] = "no"
    assert score_institution(fw, answers).domain("D1").level == "evolving"
