"""kansa's own question bank (kansa_regional*.yaml): content checks against CSF 2.0 and the published CSSA items."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

import kansa.assessment

FRAMEWORKS = Path(kansa.assessment.__file__).parent / "frameworks"
CURRENT = FRAMEWORKS / "kansa_regional.yaml"
PREVIOUS = FRAMEWORKS / "kansa_regional_2025.yaml"
BOTH = [CURRENT, PREVIOUS]

# Topics the bank must cover (issue 5 and the FSA's talk on internal audit): topic -> (question id, a term
# its Japanese text must contain), so that a topic is covered by a question that really asks about it.
TOPICS: dict[str, list[tuple[str, str]]] = {
    "management": [("GOV-01-1", "経営方針"), ("GOV-03-1", "取締役会"), ("GOV-02-1", "統括責任者"),
                   ("GOV-05-1", "予算"), ("GOV-01-1", "計画"), ("GOV-04-1", "対応方針")],
    "asset_register": [("AST-01-1", "情報資産台帳"), ("AST-01-2", "ソフトウェア"), ("AST-01-3", "更新")],
    "privileged_ids": [("IAM-02-1", "特権ID"), ("IAM-02-2", "パスワード"), ("IAM-02-3", "承認"),
                       ("IAM-03-1", "ログ")],
    "vulnerability_patch": [("VUL-02-1", "インターネットに接続する"), ("VUL-02-2", "インターネットに接続しない"),
                            ("VUL-01-2", "KEV"), ("VUL-02-3", "期限"), ("VUL-01-1", "脆弱性情報")],
    "backup": [("DAT-01-2", "到達できない"), ("DAT-01-3", "3-2-1"), ("DAT-02-1", "変更・削除できない"),
               ("DAT-03-1", "復元するテスト")],
    "ransomware": [("VUL-06-1", "インターネットに公開"), ("DET-03-1", "EDR"), ("IR-04-1", "ランサムウェア"),
                   ("IR-04-2", "復元"), ("IR-04-3", "身代金")],
    "edr_logs": [("DET-03-1", "EDR"), ("DET-02-1", "SOC"), ("DET-01-1", "保存"), ("DET-04-1", "相関分析")],
    "incident_bcp": [("IR-01-1", "CSIRT"), ("IR-02-3", "コンティンジェンシープラン"), ("IR-05-1", "業務継続計画"),
                     ("IR-03-1", "金融庁"), ("IR-03-1", "警察"), ("IR-03-1", "FISC"), ("IR-03-1", "金融ISAC")],
    "third_party": [("TPR-01-1", "サードパーティ"), ("TPR-03-1", "評価"), ("TPR-02-1", "契約"),
                    ("TPR-04-1", "接続"), ("TPR-05-1", "クラウド")],
    "customer_auth": [("CUS-01-1", "インターネットバンキング"), ("CUS-01-2", "多要素認証"), ("CUS-02-2", "不審な取引"),
                      ("CUS-02-3", "不正送金"), ("CUS-03-1", "フィッシング")],
    "people": [("HR-04-1", "標的型メール"), ("HR-01-1", "eラーニング"), ("HR-02-2", "育成計画")],
    "cross_industry_exercises": [("IR-07-1", "Delta Wall"), ("IR-07-2", "共同演習")],
    "internal_audit": [("AUD-01-1", "年間監査計画"), ("AUD-01-1", "承認"), ("AUD-04-2", "コソーシング"),
                       ("AUD-04-1", "システム監査"), ("AUD-02-2", "情報資産台帳"), ("AUD-02-3", "特権ID"),
                       ("AUD-03-3", "フォローアップ")],
}


@cache
def _load(path: Path) -> dict[str, Any]:
    """The parsed YAML (cached: the tests only read it)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    return data


def _requirements(fw: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    for domain in fw["domains"]:
        for req in domain["requirements"]:
            yield domain, req


def _questions(fw: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
    for domain, req in _requirements(fw):
        for q in req["questions"]:
            yield domain, req, q


def _question_index(fw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {q["id"]: q for _, _, q in _questions(fw)}


@cache
def _active_csf_subcategories(shared_data: Path) -> frozenset[str]:
    """CSF 2.0 subcategory ids from NIST's CPRT export, without the withdrawn CSF 1.1 ones."""
    doc = json.loads((shared_data / "nist_csf" / "cprt_CSF_2_0_0_04-24-2024.json").read_text(encoding="utf-8"))
    elements = doc["response"]["elements"]
    subcategories = {e["element_identifier"] for e in elements["elements"] if e["element_type"] == "subcategory"}
    # a withdrawn element points (projection) to its withdraw reason "WR-<id>"
    withdrawn = {r["source_element_identifier"] for r in elements["relationships"]
                 if r["dest_element_identifier"].startswith("WR-")}
    return frozenset(subcategories - withdrawn)


def _published_items(shared_data: Path) -> list[dict[str, str]]:
    with (shared_data / "cssa" / "cssa_published_shares.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def current() -> dict[str, Any]:
    return _load(CURRENT)


@pytest.fixture(scope="module")
def previous() -> dict[str, Any]:
    return _load(PREVIOUS)


@pytest.mark.parametrize("path", BOTH, ids=lambda p: p.name)
def test_it_has_between_60_and_120_questions(path: Path) -> None:
    n = sum(1 for _ in _questions(_load(path)))
    assert 60 <= n <= 120, f"{path.name}: {n} questions"


@pytest.mark.parametrize("path", BOTH, ids=lambda p: p.name)
def test_ids_are_unique_at_every_level(path: Path) -> None:
    fw = _load(path)
    for kind, ids in (("domain", [d["id"] for d in fw["domains"]]),
                      ("requirement", [r["id"] for _, r in _requirements(fw)]),
                      ("question", [q["id"] for _, _, q in _questions(fw)])):
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        assert not dupes, f"{path.name}: duplicate {kind} ids {dupes}"


@pytest.mark.parametrize("path", BOTH, ids=lambda p: p.name)
def test_question_ids_name_their_requirement_and_domain(path: Path) -> None:
    for domain, req, q in _questions(_load(path)):
        assert req["id"].startswith(domain["id"] + "-"), req["id"]
        assert q["id"].startswith(req["id"] + "-"), q["id"]


_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.mark.parametrize("path", BOTH, ids=lambda p: p.name)
def test_every_question_has_japanese_and_english_text_and_guidance(path: Path) -> None:
    fw = _load(path)
    for domain, req, q in _questions(fw):
        for node, what in ((domain, "domain title"), (req, "requirement title"), (q, "question")):
            text = node["title"] if what.endswith("title") else node["text"]
            assert _JAPANESE.search(text["ja"]), f"{node['id']}: {what} ja is not Japanese"
            assert text["en"].strip() and not _JAPANESE.search(text["en"]), f"{node['id']}: {what} en"
        guidance = q["guidance"]
        assert _JAPANESE.search(guidance["ja"]) and guidance["en"].strip(), f"{q['id']}: guidance ja/en"
        assert not _JAPANESE.search(guidance["en"]), f"{q['id']}: guidance en has Japanese"
        assert q["text"]["ja"].endswith(("か。", "か？")), f"{q['id']}: ja is not phrased as a question"
        assert q["text"]["en"].rstrip().endswith("?"), f"{q['id']}: en is not phrased as a question"


@pytest.mark.parametrize("path", BOTH, ids=lambda p: p.name)
def test_every_csf_id_is_an_active_csf_2_subcategory(path: Path, shared_data: Path) -> None:
    active = _active_csf_subcategories(shared_data)
    assert len(active) == 106, "the CPRT export should hold 106 active subcategories"
    for _, req in _requirements(_load(path)):
        assert req.get("csf"), f"{req['id']}: no CSF 2.0 mapping"
        unknown = [c for c in req["csf"] if c not in active]
        assert not unknown, f"{path.name} {req['id']}: not active CSF 2.0 subcategories {unknown}"


def test_the_bank_reaches_every_csf_function(current: dict[str, Any]) -> None:
    functions = {c.split(".")[0] for _, req in _requirements(current) for c in req["csf"]}
    assert functions == {"GV", "ID", "PR", "DE", "RS", "RC"}


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_every_topic_is_covered_by_a_question_that_asks_about_it(topic: str, current: dict[str, Any]) -> None:
    index = _question_index(current)
    for qid, term in TOPICS[topic]:
        assert qid in index, f"{topic}: question {qid} does not exist"
        assert term in index[qid]["text"]["ja"], f"{topic}: {qid} does not mention {term}"


@pytest.mark.parametrize("path", BOTH, ids=lambda p: p.name)
def test_tiers_levels_and_weights_are_well_formed(path: Path) -> None:
    fw = _load(path)
    levels = [lv["id"] for lv in fw["levels"]]
    assert levels == ["foundation", "managed", "advanced"]
    tiers = {req["tier"] for _, req in _requirements(fw)}
    assert tiers == {"basic", "recommended"}
    for _, req in _requirements(fw):
        assert req["level"] in levels, req["id"]
        # meeting every basic measure makes a domain "managed"; only recommended ones lift it to "advanced"
        allowed = {"basic": {"foundation", "managed"}, "recommended": {"advanced"}}[req["tier"]]
        assert req["level"] in allowed, f"{req['id']}: {req['tier']} at {req['level']}"
        assert req["weight"] > 0
    for domain in fw["domains"]:
        assert domain["weight"] > 0
        assert any(r["level"] == "foundation" for r in domain["requirements"]), f"{domain['id']}: no foundation"
    assert 8 <= len(fw["domains"]) <= 12
    assert set(fw["risk_targets"].values()) <= set(levels)


@pytest.mark.parametrize("path", BOTH, ids=lambda p: p.name)
def test_answer_sets_are_usable_and_every_question_names_one(path: Path) -> None:
    fw = _load(path)
    sets = fw["answer_sets"]
    for name, options in sets.items():
        values = [o["value"] for o in options]
        assert len(set(values)) == len(values), name
        assert all(isinstance(v, str) for v in values), f"{name}: unquoted yes/no became a boolean"
        scored = [o for o in options if o["score"] is not None]
        assert any(o["meets"] for o in scored), f"{name}: no option meets the requirement"
        assert all(0.0 <= o["score"] <= 1.0 for o in scored), name
        assert [o["score"] for o in scored] == sorted((o["score"] for o in scored), reverse=True), \
            f"{name}: options are not ordered best first"
        for o in options:
            assert o["label"]["ja"] and o["label"]["en"], f"{name}.{o['value']}"
            assert (o["score"] is None) == (o["meets"] is None), f"{name}.{o['value']}: N/A must have no meets"
            if o["meets"]:
                assert all(o["score"] >= x["score"] for x in scored if not x["meets"]), f"{name}: meets below a miss"
    used = {q["answers"] for _, _, q in _questions(fw)}
    assert used <= set(sets), f"unknown answer sets {used - set(sets)}"
    assert set(sets) <= used, f"unused answer sets {set(sets) - used}"
    assert any(o["score"] is None for s in sets.values() for o in s), "no N/A option anywhere"


@pytest.mark.parametrize("path", BOTH, ids=lambda p: p.name)
def test_questions_that_allow_na_say_when_it_applies(path: Path) -> None:
    fw = _load(path)
    with_na = {name for name, options in fw["answer_sets"].items() if any(o["score"] is None for o in options)}
    for _, _, q in _questions(fw):
        if q["answers"] in with_na:
            assert "該当なし" in q["guidance"]["ja"], f"{q['id']}: guidance does not say when N/A applies"
            assert "not applicable" in q["guidance"]["en"].lower(), f"{q['id']}: en guidance on N/A"


def test_the_versions_are_the_same_framework_in_order(current: dict[str, Any], previous: dict[str, Any]) -> None:
    assert current["id"] == previous["id"] == "kansa-regional"
    assert current["version"] == "2026.1"
    assert current["previous_version"] == previous["version"] == "2025.1"


def test_every_replaces_points_to_a_question_of_the_previous_version(current: dict[str, Any],
                                                                      previous: dict[str, Any]) -> None:
    old = _question_index(previous)
    replaced = [q["replaces"] for _, _, q in _questions(current) if q["replaces"] is not None]
    assert [r for r in replaced if r not in old] == []
    assert len(replaced) == len(set(replaced)), "a previous question is replaced twice"


def test_a_kept_id_always_declares_what_it_replaces(current: dict[str, Any], previous: dict[str, Any]) -> None:
    """An id is never reused for a different question: a question whose id existed before replaces that id."""
    old = _question_index(previous)
    for _, _, q in _questions(current):
        if q["id"] in old:
            assert q["replaces"] == q["id"], f"{q['id']} exists in 2025.1 but replaces {q['replaces']}"


def test_comparable_questions_keep_their_answer_options(current: dict[str, Any], previous: dict[str, Any]) -> None:
    old = _question_index(previous)
    for _, _, q in _questions(current):
        if q["replaces"]:
            assert old[q["replaces"]]["answers"] == q["answers"], f"{q['id']}: answer set changed"
            assert current["answer_sets"][q["answers"]] == previous["answer_sets"][q["answers"]], q["answers"]


def test_the_new_version_evolves_the_old_one(current: dict[str, Any], previous: dict[str, Any]) -> None:
    new, old = _question_index(current), _question_index(previous)
    comparable = [q for q in new.values() if q["replaces"]]
    added = [q for q in new.values() if not q["replaces"]]
    reworded = [q for q in comparable if old[q["replaces"]]["text"]["ja"] != q["text"]["ja"]]
    moved = [q for q in comparable if q["replaces"] != q["id"]]
    dropped = set(old) - {q["replaces"] for q in comparable}
    assert len(comparable) >= 0.8 * len(new), "most questions should stay comparable"
    assert added and reworded and moved and dropped
    # a split: a question whose 2025 text covered two things now kept in one half, the other half added
    assert "IAM-02-3" in {q["id"] for q in added} and new["IAM-02-2"]["replaces"] == "IAM-02-2"


def test_previous_version_declares_no_replacements(previous: dict[str, Any]) -> None:
    assert all(q["replaces"] is None for _, _, q in _questions(previous))


@pytest.mark.parametrize("path", BOTH, ids=lambda p: p.name)
def test_cssa_items_are_published_items_and_options_of_the_question(path: Path, shared_data: Path) -> None:
    fw = _load(path)
    rows = {r["item"]: r for r in _published_items(shared_data)}
    for _, _, q in _questions(fw):
        if "cssa_item" not in q:
            continue
        mapping = q["cssa_item"]
        assert isinstance(mapping, dict) and mapping, f"{q['id']}: cssa_item must map option -> item"
        values = {o["value"] for o in fw["answer_sets"][q["answers"]]}
        assert set(mapping) <= values, f"{q['id']}: {set(mapping) - values} are not options"
        assert set(mapping) != values, f"{q['id']}: every option mapped leaves no remainder"
        items = list(mapping.values())
        assert len(items) == len(set(items)), f"{q['id']}: a published category must be exactly one option"
        unknown = [i for i in items if i not in rows]
        assert not unknown, f"{q['id']}: not items of cssa_published_shares.csv: {unknown}"
        assert len({rows[i]["round"] for i in mapping.values()}) == 1, f"{q['id']}: items of several rounds"
        shares = [float(rows[i]["share_pct"]) for i in set(mapping.values()) if rows[i]["share_pct"]]
        assert sum(shares) <= 100.0, f"{q['id']}: published shares exceed 100%"


def test_every_fy2022_published_item_has_a_question(current: dict[str, Any], shared_data: Path) -> None:
    fy2022 = {r["item"] for r in _published_items(shared_data) if r["round"].startswith("FY2022")}
    mapped = {i for _, _, q in _questions(current) for i in (q.get("cssa_item") or {}).values()}
    assert fy2022 - mapped == set()


def test_each_published_item_belongs_to_one_question(current: dict[str, Any]) -> None:
    owners: dict[str, list[str]] = {}
    for _, _, q in _questions(current):
        for item in (q.get("cssa_item") or {}).values():
            owners.setdefault(item, []).append(q["id"])
    assert {i: qs for i, qs in owners.items() if len(qs) > 1} == {}


def test_no_published_figure_is_copied_into_the_bank(shared_data: Path) -> None:
    # shares under 10 are left out: "2.0" is also part of "CSF 2.0"
    figures = {r["share_pct"] for r in _published_items(shared_data) if r["share_pct"] and float(r["share_pct"]) >= 10}
    for path in BOTH:
        text = path.read_text(encoding="utf-8")
        found = [f for f in figures if re.search(rf"(?<![\d.]){re.escape(f)}(?![\d])", text)]
        assert not found, f"{path.name} contains published figures {found}"


def test_the_bank_loads_with_the_framework_loader() -> None:
    try:
        from kansa.assessment.loader import load_framework, question_set_checksum
        from kansa.assessment.registry import resolve_framework
    except ImportError:
        pytest.skip("the framework loader has not landed yet")
    current, previous = load_framework(CURRENT), load_framework(PREVIOUS)
    assert len(current.refs()) == sum(1 for _ in _questions(_load(CURRENT)))
    assert current.previous_version == previous.version
    assert question_set_checksum(current) != question_set_checksum(previous)
    assert resolve_framework("kansa-regional").version == current.version
    assert resolve_framework("kansa-regional@2025.1").version == previous.version
    # the inherent-risk names of the synthetic population (synth.py) all have a target level
    from kansa.assessment.scoring import targets_for_risk
    for risk, level in (("minimal", "foundation"), ("moderate", "managed"), ("significant", "advanced")):
        assert set((targets_for_risk(current, risk) or {}).values()) == {level}


def _best_and_worst(fw: Any) -> tuple[dict[str, str], dict[str, str]]:
    """The best scored option of every question, and the worst."""
    best, worst = {}, {}
    for ref in fw.refs():
        scored = [o for o in ref.question.answers.options if o.score is not None]
        best[ref.question.id] = max(scored, key=lambda o: o.score).value
        worst[ref.question.id] = min(scored, key=lambda o: o.score).value
    return best, worst


def test_levels_mean_basic_measures_met_then_recommended_ones_met() -> None:
    try:
        from kansa.assessment.loader import load_framework
        from kansa.assessment.scoring import score_institution
    except ImportError:
        pytest.skip("the framework loader and scoring have not landed yet")
    fw = load_framework(CURRENT)
    best, worst = _best_and_worst(fw)
    basic_only = {ref.question.id: (best if ref.requirement.tier == "basic" else worst)[ref.question.id]
                  for ref in fw.refs()}
    top, basic, bottom = (score_institution(fw, a) for a in (best, basic_only, worst))
    assert top.level == "advanced" and top.score == pytest.approx(100.0)
    assert {d.level for d in basic.domains} == {"managed"} and basic.basic_coverage == 1.0
    assert bottom.level is None and bottom.score == pytest.approx(0.0) and bottom.basic_coverage == 0.0
    # one basic foundation measure missed drops its domain to no level at all (levels are cumulative)
    missed = dict(best, **{"IAM-02-2": worst["IAM-02-2"]})
    result = score_institution(fw, missed)
    assert result.domain("IAM").level is None and result.domain("GOV").level == "advanced"
