"""NIST CSF 2.0 from NIST's CPRT JSON export: functions -> domains, categories -> requirements."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from kansa.assessment.errors import FrameworkError, Problem

# Japanese names of the six functions (IPA's translation of CSF 2.0 uses these terms).
_FUNCTION_JA = {"GV": "統治", "ID": "識別", "PR": "防御", "DE": "検知", "RS": "対応", "RC": "復旧"}

# The CSF 2.0 implementation tiers used as the answer scale (CSWP 29, section 3).
TIERS = [
    {"value": "tier1", "label": {"ja": "Tier 1 部分的", "en": "Tier 1 Partial"}, "score": 1, "meets": False},
    {"value": "tier2", "label": {"ja": "Tier 2 リスク情報に基づく", "en": "Tier 2 Risk Informed"}, "score": 2,
     "meets": False},
    {"value": "tier3", "label": {"ja": "Tier 3 繰り返し適用可能", "en": "Tier 3 Repeatable"}, "score": 3,
     "meets": True},
    {"value": "tier4", "label": {"ja": "Tier 4 適応", "en": "Tier 4 Adaptive"}, "score": 4, "meets": True},
    {"value": "na", "label": {"ja": "該当なし", "en": "Not applicable"}, "score": None, "meets": None},
]


def import_nist_csf(path: Path) -> dict[str, Any]:
    """Build the framework document: 6 functions, 22 categories, 106 subcategories; withdrawn items left out."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        elements = doc["response"]["elements"]["elements"]
        relationships = doc["response"]["elements"]["relationships"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise FrameworkError([Problem(str(path), "assess_cprt_json_export", {"exc": str(exc)})]) from exc
    withdrawn = {e["element_identifier"][3:] for e in elements if e["element_type"] == "withdraw_reason"}
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in elements:
        if e["element_identifier"] not in withdrawn:
            by_type[e["element_type"]].append(e)
    sort_key = {e["element_identifier"][2:]: e["title"] for e in by_type["sort"]}
    examples: dict[str, list[str]] = defaultdict(list)
    example_text = {e["element_identifier"]: e["text"] for e in by_type["implementation_example"]}
    children: dict[str, list[str]] = defaultdict(list)
    for rel in relationships:
        if rel["relationship_identifier"] != "projection":
            continue
        src, dst = rel["source_element_identifier"], rel["dest_element_identifier"]
        if dst in example_text:
            examples[src].append(example_text[dst])
        else:
            children[src].append(dst)

    def ordered(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(items, key=lambda e: sort_key.get(e["element_identifier"], e["element_identifier"]))

    categories = ordered(by_type["category"])
    subcategories = ordered(by_type["subcategory"])
    domains = []
    for fn in ordered(by_type["function"]):
        fid = fn["element_identifier"]
        reqs = []
        for cat in (c for c in categories if c["element_identifier"].split(".")[0] == fid):
            cid = cat["element_identifier"]
            questions = [_question(s, examples[s["element_identifier"]])
                         for s in subcategories if s["element_identifier"].split("-")[0] == cid]
            reqs.append({"id": cid, "title": {"en": f"{cat['title']}: {cat['text']}".rstrip(": ")},
                         "weight": 1.0, "csf": [q["id"] for q in questions], "questions": questions})
        domains.append({"id": fid, "title": {"ja": f"{_FUNCTION_JA.get(fid, fid)} ({fn['title'].title()})",
                                             "en": fn["title"].title()},
                        "weight": 1.0, "requirements": reqs})
    version = doc["response"]["elements"].get("documents", [{}])[0].get("version", "2.0").replace("Version", "")
    return {
        "id": "nist-csf-2.0",
        "version": " ".join(version.split()) or "2.0",
        "title": {"ja": "NIST サイバーセキュリティフレームワーク 2.0", "en": "NIST Cybersecurity Framework 2.0"},
        "source": {"ja": f"NIST CPRT エクスポート({path.name})から生成",
                   "en": f"Generated from the NIST CPRT export {path.name}"},
        "answer_sets": {"csf_tier": TIERS},
        "domains": domains,
    }


def _question(sub: dict[str, Any], examples: list[str]) -> dict[str, Any]:
    sid = sub["element_identifier"]
    q: dict[str, Any] = {"id": sid, "text": {"en": f"{sid}: {sub['text']}"}, "answers": "csf_tier", "replaces": None}
    if examples:
        q["guidance"] = {"en": " / ".join(examples)}
    return q
