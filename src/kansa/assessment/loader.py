"""Load and validate framework YAML files; write them back; the question-set checksum."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from kansa.assessment.errors import FrameworkError, Problem
from kansa.assessment.model import (
    TIERS,
    AnswerOption,
    AnswerSet,
    Domain,
    Framework,
    Level,
    Question,
    Requirement,
)


def load_framework(path: Path) -> Framework:
    """Read one framework YAML file; raise FrameworkError naming the file and the place of every problem."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise FrameworkError([Problem(str(path), "assess_cannot_read", {"exc": str(exc)})]) from exc
    return parse_framework(data, str(path))


def parse_framework(data: Any, file: str = "<framework>") -> Framework:
    """Build a Framework from parsed YAML data, checking every field."""
    return _Parser(file).framework(data)


class _Parser:
    """Walks the document once, collecting problems with their path."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def bad(self, path: str, code: str, fields: dict[str, Any]) -> None:
        self.problems.append(Problem(self.file, code, fields, path=path))

    def text(self, value: Any, path: str, required: bool = True) -> dict[str, str]:
        if value is None and not required:
            return {}
        if isinstance(value, str):
            return {"ja": value, "en": value}
        if isinstance(value, Mapping) and value and all(k in ("ja", "en") and isinstance(v, str)
                                                         for k, v in value.items()):
            return dict(value)
        self.bad(path, "assess_expected_text", {})
        return {}

    def ident(self, value: Any, path: str) -> str:
        if isinstance(value, str | int | float) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
        self.bad(path, "assess_missing_id", {})
        return f"?{path}"

    def number(self, value: Any, path: str, default: float) -> float:
        if value is None:
            return default
        if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
            return float(value)
        self.bad(path, "assess_expected_number", {"value": value})
        return default

    def framework(self, data: Any) -> Framework:
        if not isinstance(data, Mapping):
            raise FrameworkError([Problem(self.file, "assess_top_level_mapping", {})])
        fid = self.ident(data.get("id"), "id")
        version = data.get("version")
        if not isinstance(version, str | int | float) or isinstance(version, bool) or not str(version):
            self.bad("version", "assess_missing_version", {})
        sets = self.answer_sets(data.get("answer_sets"))
        levels = self.levels(data.get("levels") or [])
        level_ids = {lv.id for lv in levels}
        domains_data = data.get("domains")
        domains: list[Domain] = []
        if not isinstance(domains_data, list) or not domains_data:
            self.bad("domains", "assess_domains_missing_empty", {})
        else:
            domains = [self.domain(d, f"domains[{i}]", sets, level_ids) for i, d in enumerate(domains_data)]
        self.unique_ids(domains)
        risk = data.get("risk_targets") or {}
        if not isinstance(risk, Mapping) or any(str(v) not in level_ids for v in risk.values()):
            self.bad("risk_targets", "assess_risk_targets_map_inherent", {})
            risk = {}
        prev = data.get("previous_version")
        fw = Framework(
            id=fid, version=str(version), title=self.text(data.get("title"), "title"),
            domains=tuple(domains), answer_sets=sets, levels=tuple(levels),
            source=self.text(data.get("source"), "source", required=False),
            previous_version=None if prev is None else str(prev),
            risk_targets={str(k): str(v) for k, v in risk.items()},
        )
        if self.problems:
            raise FrameworkError(self.problems)
        return fw

    def answer_sets(self, data: Any) -> dict[str, AnswerSet]:
        if not isinstance(data, Mapping) or not data:
            self.bad("answer_sets", "assess_answer_sets_missing_empty", {})
            return {}
        out: dict[str, AnswerSet] = {}
        for name, options in data.items():
            path = f"answer_sets.{name}"
            if not isinstance(options, list) or not options:
                self.bad(path, "assess_expected_list_options", {})
                continue
            opts = [self.option(o, f"{path}[{i}]") for i, o in enumerate(options)]
            values = [o.value for o in opts]
            if len(set(values)) != len(values):
                self.bad(path, "assess_duplicate_option_values", {})
            for lang in ("ja", "en"):
                labels = [o.label.get(lang) for o in opts if o.label.get(lang)]
                if len(set(labels)) != len(labels):
                    self.bad(path, "assess_duplicate_option_labels", {"lang": lang})
            if not any(o.score is not None for o in opts):
                self.bad(path, "assess_no_option_has_score", {})
            out[str(name)] = AnswerSet(str(name), tuple(opts))
        return out

    def option(self, data: Any, path: str) -> AnswerOption:
        if not isinstance(data, Mapping):
            self.bad(path, "assess_option_mapping", {})
            return AnswerOption("?", {}, None, None)
        score = data.get("score")
        if score is not None and (not isinstance(score, int | float) or isinstance(score, bool)):
            self.bad(f"{path}.score", "assess_score_number_null", {"score": score})
            score = None
        meets = data.get("meets")
        if meets is not None and not isinstance(meets, bool):
            self.bad(f"{path}.meets", "assess_meets_true_false_null", {"meets": meets})
            meets = None
        if score is None and meets is not None:
            self.bad(f"{path}.meets", "assess_applicable_option_score_null", {})
        return AnswerOption(self.ident(data.get("value"), f"{path}.value"),
                            self.text(data.get("label"), f"{path}.label"),
                            None if score is None else float(score), meets)

    def levels(self, data: Any) -> list[Level]:
        if not isinstance(data, list):
            self.bad("levels", "assess_levels_list", {})
            return []
        out = []
        for i, lv in enumerate(data):
            if not isinstance(lv, Mapping):
                self.bad(f"levels[{i}]", "assess_expected_mapping", {})
                continue
            out.append(Level(self.ident(lv.get("id"), f"levels[{i}].id"),
                             self.text(lv.get("label"), f"levels[{i}].label")))
        return out

    def domain(self, data: Any, path: str, sets: Mapping[str, AnswerSet], level_ids: set[str]) -> Domain:
        if not isinstance(data, Mapping):
            self.bad(path, "assess_expected_mapping", {})
            return Domain("?", {}, ())
        reqs_data = data.get("requirements")
        reqs: list[Requirement] = []
        if not isinstance(reqs_data, list) or not reqs_data:
            self.bad(f"{path}.requirements", "assess_requirements_missing_empty", {})
        else:
            reqs = [self.requirement(r, f"{path}.requirements[{i}]", sets, level_ids) for i, r in enumerate(reqs_data)]
        return Domain(self.ident(data.get("id"), f"{path}.id"), self.text(data.get("title"), f"{path}.title"),
                      tuple(reqs), self.number(data.get("weight"), f"{path}.weight", 1.0))

    def requirement(self, data: Any, path: str, sets: Mapping[str, AnswerSet], level_ids: set[str]) -> Requirement:
        if not isinstance(data, Mapping):
            self.bad(path, "assess_expected_mapping", {})
            return Requirement("?", {}, ())
        tier = data.get("tier")
        if tier is not None and tier not in TIERS:
            self.bad(f"{path}.tier", "assess_tier_basic_recommended", {"tier": tier})
            tier = None
        level = data.get("level")
        if level is not None and str(level) not in level_ids:
            self.bad(f"{path}.level", "assess_level_among_levels", {"level": level})
        csf = data.get("csf") or []
        if isinstance(csf, str):
            csf = [csf]
        if not isinstance(csf, list) or not all(isinstance(c, str) for c in csf):
            self.bad(f"{path}.csf", "assess_csf_list_csf_subcategory", {})
            csf = []
        qs_data = data.get("questions")
        qs: list[Question] = []
        if not isinstance(qs_data, list) or not qs_data:
            self.bad(f"{path}.questions", "assess_questions_missing_empty", {})
        else:
            qs = [self.question(q, f"{path}.questions[{i}]", sets) for i, q in enumerate(qs_data)]
        return Requirement(self.ident(data.get("id"), f"{path}.id"), self.text(data.get("title"), f"{path}.title"),
                           tuple(qs), tier, None if level is None else str(level),
                           self.number(data.get("weight"), f"{path}.weight", 1.0), tuple(csf))

    def question(self, data: Any, path: str, sets: Mapping[str, AnswerSet]) -> Question:
        if not isinstance(data, Mapping):
            self.bad(path, "assess_expected_mapping", {})
            return Question("?", {}, AnswerSet("?", ()))
        set_name = data.get("answers")
        answers = sets.get(str(set_name)) if set_name is not None else None
        if answers is None:
            self.bad(f"{path}.answers", "assess_answer_set_answer_sets", {"set_name": set_name})
            answers = AnswerSet("?", ())
        replaces = data.get("replaces")
        cssa = data.get("cssa_item")
        if cssa is not None and not isinstance(cssa, str | Mapping):
            self.bad(f"{path}.cssa_item", "assess_cssa_item_text", {})
            cssa = None
        return Question(self.ident(data.get("id"), f"{path}.id"), self.text(data.get("text"), f"{path}.text"),
                        answers, self.text(data.get("guidance"), f"{path}.guidance", required=False),
                        None if replaces is None else str(replaces), cssa)

    def unique_ids(self, domains: list[Domain]) -> None:
        seen: set[tuple[str, str]] = set()
        for kind, ids in (("domain", [d.id for d in domains]),
                          ("requirement", [r.id for d in domains for r in d.requirements]),
                          ("question", [q.id for d in domains for _, q in d.questions()])):
            for i in ids:
                if (kind, i) in seen:
                    self.bad(kind, "assess_duplicate_id", {"kind": kind, "i": i})
                seen.add((kind, i))
        replaced = [q.replaces for d in domains for _, q in d.questions() if q.replaces]
        for r in {r for r in replaced if replaced.count(r) > 1}:
            self.bad("replaces", "assess_several_questions_replace_same", {"r": r})


def question_set_checksum(framework: Framework) -> str:
    """SHA-256 over question ids, texts and answer options in order: any edit changes it."""
    items = [
        [ref.question.id, ref.question.text.get("ja", ""), ref.question.text.get("en", ""),
         [[o.value, o.label.get("ja", ""), o.label.get("en", ""), o.score] for o in ref.question.answers.options]]
        for ref in framework.refs()
    ]
    blob = json.dumps(items, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def framework_to_dict(fw: Framework) -> dict[str, Any]:
    """The framework as the YAML document of docs/interfaces.md (round-trips through parse_framework)."""
    def opt(o: AnswerOption) -> dict[str, Any]:
        return {"value": o.value, "label": dict(o.label), "score": o.score, "meets": o.meets}

    def question(q: Question) -> dict[str, Any]:
        out: dict[str, Any] = {"id": q.id, "text": dict(q.text), "answers": q.answers.id}
        if q.guidance:
            out["guidance"] = dict(q.guidance)
        out["replaces"] = q.replaces
        if q.cssa_item is not None:
            out["cssa_item"] = q.cssa_item if isinstance(q.cssa_item, str) else dict(q.cssa_item)
        return out

    def requirement(r: Requirement) -> dict[str, Any]:
        out: dict[str, Any] = {"id": r.id, "title": dict(r.title)}
        if r.tier:
            out["tier"] = r.tier
        if r.level:
            out["level"] = r.level
        out["weight"] = r.weight
        if r.csf:
            out["csf"] = list(r.csf)
        out["questions"] = [question(q) for q in r.questions]
        return out

    doc: dict[str, Any] = {"id": fw.id, "version": fw.version, "title": dict(fw.title)}
    if fw.source:
        doc["source"] = dict(fw.source)
    if fw.previous_version:
        doc["previous_version"] = fw.previous_version
    doc["answer_sets"] = {k: [opt(o) for o in s.options] for k, s in fw.answer_sets.items()}
    if fw.levels:
        doc["levels"] = [{"id": lv.id, "label": dict(lv.label)} for lv in fw.levels]
    if fw.risk_targets:
        doc["risk_targets"] = dict(fw.risk_targets)
    doc["domains"] = [{"id": d.id, "title": dict(d.title), "weight": d.weight,
                       "requirements": [requirement(r) for r in d.requirements]} for d in fw.domains]
    return doc


def dump_framework(doc: Mapping[str, Any] | Framework, path: Path) -> Path:
    """Write a framework (object or document) as YAML, Japanese kept readable."""
    data = framework_to_dict(doc) if isinstance(doc, Framework) else dict(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
    return path
