"""The FFIEC Cybersecurity Assessment Tool from its 494 declarative statements (CSV)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from kansa.assessment.errors import FrameworkError, Problem

LEVELS = [
    ("Baseline", "baseline", "基礎"),
    ("Evolving", "evolving", "発展"),
    ("Intermediate", "intermediate", "中級"),
    ("Advanced", "advanced", "上級"),
    ("Innovative", "innovative", "革新"),
]
_DOMAIN_JA = {
    "D1": "サイバーリスク管理と監督",
    "D2": "脅威インテリジェンスと連携",
    "D3": "サイバーセキュリティ管理策",
    "D4": "外部依存関係の管理",
    "D5": "サイバーインシデント管理とレジリエンス",
}
ANSWERS = [
    {"value": "yes", "label": {"ja": "はい", "en": "Yes"}, "score": 1.0, "meets": True},
    {"value": "yes_c", "label": {"ja": "はい(代替統制あり)", "en": "Yes with compensating controls"},
     "score": 1.0, "meets": True},
    {"value": "no", "label": {"ja": "いいえ", "en": "No"}, "score": 0.0, "meets": False},
]
# The tool pairs the inherent-risk profile with the maturity expected; kansa's reading of that table.
RISK_TARGETS = {"least": "baseline", "minimal": "baseline", "moderate": "evolving",
                "significant": "intermediate", "most": "advanced"}
_REQUIRED = ("identifier", "domain_id", "domain", "assessment_factor", "component", "maturity_level", "statement")


def import_ffiec_cat(path: Path) -> dict[str, Any]:
    """Build the framework document: 5 domains, 5 cumulative levels, Yes / Yes(C) / No per statement."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError) as exc:
        raise FrameworkError([Problem(str(path), "assess_cannot_read", {"exc": str(exc)})]) from exc
    missing = [c for c in _REQUIRED if not rows or c not in rows[0]]
    if missing:
        raise FrameworkError([Problem(str(path), "assess_missing_columns", {"missing": missing})])
    level_of = {name: lid for name, lid, _ in LEVELS}
    problems = [Problem(str(path), "assess_unknown_maturity_level",
                        {"maturity_level": r['maturity_level']}, row=i + 2, question=r["identifier"])
                for i, r in enumerate(rows) if r["maturity_level"] not in level_of]
    if problems:
        raise FrameworkError(problems)
    domains: dict[str, dict[str, Any]] = {}
    reqs: dict[str, dict[str, Any]] = {}
    for r in rows:
        dom = domains.setdefault(r["domain_id"], {
            "id": r["domain_id"], "title": {"ja": _DOMAIN_JA.get(r["domain_id"], r["domain"]), "en": r["domain"]},
            "weight": 1.0, "requirements": []})
        req_id = r["identifier"].rsplit(".", 1)[0]      # D1.G.Ov.B: component at one level
        if req_id not in reqs:
            level = level_of[r["maturity_level"]]
            reqs[req_id] = {"id": req_id,
                            "title": {"en": f"{r['assessment_factor']} / {r['component']} ({r['maturity_level']})"},
                            "tier": "basic" if level == "baseline" else "recommended",
                            "level": level, "weight": 1.0, "questions": []}
            dom["requirements"].append(reqs[req_id])
        question: dict[str, Any] = {"id": r["identifier"], "text": {"en": r["statement"]}, "answers": "ycn",
                                    "replaces": None}
        if r.get("source_reference"):
            question["guidance"] = {"en": r["source_reference"]}
        reqs[req_id]["questions"].append(question)
    return {
        "id": "ffiec-cat",
        "version": "2017",
        "title": {"ja": "FFIEC サイバーセキュリティ評価ツール", "en": "FFIEC Cybersecurity Assessment Tool"},
        "source": {"ja": f"FFIEC CAT 宣言文({path.name})から生成",
                   "en": f"Generated from the FFIEC CAT statements {path.name}"},
        "answer_sets": {"ycn": ANSWERS},
        "levels": [{"id": lid, "label": {"ja": ja, "en": name}} for name, lid, ja in LEVELS],
        "risk_targets": RISK_TARGETS,
        "domains": list(domains.values()),
    }
