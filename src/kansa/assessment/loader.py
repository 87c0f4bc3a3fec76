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
        raise FrameworkError([Problem(str(path), f"読み込めません: {exc}", f"cannot read: {exc}")]) from exc
    return parse_framework(data, str(path))


def parse_framework(data: Any, file: str = "<framework>") -> Framework:
    """Build a Framework from parsed YAML data, checking every field."""
    return _Parser(file).framework(data)


class _Parser:
    """Walks the document once, collecting problems with their path."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def bad(self, path: str, ja: str, en: str) -> None:
        self.problems.append(Problem(self.file, ja, en, path=path))

    def text(self, value: Any, path: str, required: bool = True) -> dict[str, str]:
        if value is None and not required:
            return {}
        if isinstance(value, str):
            return {"ja": value, "en": value}
        if isinstance(value, Mapping) and value and all(k in ("ja", "en") and isinstance(v, str)
                                                         for k, v in value.items()):
            return dict(value)
        self.bad(path, "ja/en の文字列が必要です", "expected text {ja: ..., en: ...}")
        return {}

    def ident(self, value: Any, path: str) -> str:
        if isinstance(value, str | int | float) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
        self.bad(path, "id がありません", "missing id")
        return f"?{path}"

    def number(self, value: Any, path: str, default: float) -> float:
        if value is None:
            return default
        if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
            return float(value)
        self.bad(path, f"0以上の数値が必要です: {value!r}", f"expected a number >= 0: {value!r}")
        return default

    def framework(self, data: Any) -> Framework:
        if not isinstance(data, Mapping):
            raise FrameworkError([Problem(self.file, "YAML の最上位はマッピングが必要です",
                                          "the top level must be a mapping")])
        fid = self.ident(data.get("id"), "id")
        version = data.get("version")
        if not isinstance(version, str | int | float) or isinstance(version, bool) or not str(version):
            self.bad("version", "version がありません", "missing version")
        sets = self.answer_sets(data.get("answer_sets"))
        levels = self.levels(data.get("levels") or [])
        level_ids = {lv.id for lv in levels}
        domains_data = data.get("domains")
        domains: list[Domain] = []
        if not isinstance(domains_data, list) or not domains_data:
            self.bad("domains", "domains が空です", "domains is missing or empty")
        else:
            domains = [self.domain(d, f"domains[{i}]", sets, level_ids) for i, d in enumerate(domains_data)]
        self.unique_ids(domains)
        risk = data.get("risk_targets") or {}
        if not isinstance(risk, Mapping) or any(str(v) not in level_ids for v in risk.values()):
            self.bad("risk_targets", "risk_targets は固有リスク→成熟度レベルid の対応が必要です",
                     "risk_targets must map inherent-risk names to level ids")
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
            self.bad("answer_sets", "answer_sets が空です", "answer_sets is missing or empty")
            return {}
        out: dict[str, AnswerSet] = {}
        for name, options in data.items():
            path = f"answer_sets.{name}"
            if not isinstance(options, list) or not options:
                self.bad(path, "選択肢の一覧が必要です", "expected a list of options")
                continue
            opts = [self.option(o, f"{path}[{i}]") for i, o in enumerate(options)]
            values = [o.value for o in opts]
            if len(set(values)) != len(values):
                self.bad(path, "選択肢の value が重複しています", "duplicate option values")
            for lang in ("ja", "en"):
                labels = [o.label.get(lang) for o in opts if o.label.get(lang)]
                if len(set(labels)) != len(labels):
                    self.bad(path, f"選択肢のラベル({lang})が重複しています", f"duplicate option labels ({lang})")
            if not any(o.score is not None for o in opts):
                self.bad(path, "点数のある選択肢がありません", "no option has a score")
            out[str(name)] = AnswerSet(str(name), tuple(opts))
        return out

    def option(self, data: Any, path: str) -> AnswerOption:
        if not isinstance(data, Mapping):
            self.bad(path, "選択肢はマッピングが必要です", "an option must be a mapping")
            return AnswerOption("?", {}, None, None)
        score = data.get("score")
        if score is not None and (not isinstance(score, int | float) or isinstance(score, bool)):
            self.bad(f"{path}.score", f"score は数値か null: {score!r}", f"score must be a number or null: {score!r}")
            score = None
        meets = data.get("meets")
        if meets is not None and not isinstance(meets, bool):
            self.bad(f"{path}.meets", f"meets は true/false/null: {meets!r}",
                     f"meets must be true/false/null: {meets!r}")
            meets = None
        if score is None and meets is not None:
            self.bad(f"{path}.meets", "該当なし(score: null)の選択肢は meets: null にしてください",
                     "a not-applicable option (score: null) must have meets: null")
        return AnswerOption(self.ident(data.get("value"), f"{path}.value"),
                            self.text(data.get("label"), f"{path}.label"),
                            None if score is None else float(score), meets)

    def levels(self, data: Any) -> list[Level]:
        if not isinstance(data, list):
            self.bad("levels", "levels は一覧が必要です", "levels must be a list")
            return []
        out = []
        for i, lv in enumerate(data):
            if not isinstance(lv, Mapping):
                self.bad(f"levels[{i}]", "マッピングが必要です", "expected a mapping")
                continue
            out.append(Level(self.ident(lv.get("id"), f"levels[{i}].id"),
                             self.text(lv.get("label"), f"levels[{i}].label")))
        return out

    def domain(self, data: Any, path: str, sets: Mapping[str, AnswerSet], level_ids: set[str]) -> Domain:
        if not isinstance(data, Mapping):
            self.bad(path, "マッピングが必要です", "expected a mapping")
            return Domain("?", {}, ())
        reqs_data = data.get("requirements")
        reqs: list[Requirement] = []
        if not isinstance(reqs_data, list) or not reqs_data:
            self.bad(f"{path}.requirements", "requirements が空です", "requirements is missing or empty")
        else:
            reqs = [self.requirement(r, f"{path}.requirements[{i}]", sets, level_ids) for i, r in enumerate(reqs_data)]
        return Domain(self.ident(data.get("id"), f"{path}.id"), self.text(data.get("title"), f"{path}.title"),
                      tuple(reqs), self.number(data.get("weight"), f"{path}.weight", 1.0))

    def requirement(self, data: Any, path: str, sets: Mapping[str, AnswerSet], level_ids: set[str]) -> Requirement:
        if not isinstance(data, Mapping):
            self.bad(path, "マッピングが必要です", "expected a mapping")
            return Requirement("?", {}, ())
        tier = data.get("tier")
        if tier is not None and tier not in TIERS:
            self.bad(f"{path}.tier", f"tier は basic か recommended: {tier!r}",
                     f"tier must be basic or recommended: {tier!r}")
            tier = None
        level = data.get("level")
        if level is not None and str(level) not in level_ids:
            self.bad(f"{path}.level", f"levels にないレベルです: {level!r}", f"level not among levels: {level!r}")
        csf = data.get("csf") or []
        if isinstance(csf, str):
            csf = [csf]
        if not isinstance(csf, list) or not all(isinstance(c, str) for c in csf):
            self.bad(f"{path}.csf", "csf は CSF 2.0 サブカテゴリidの一覧",
                     "csf must be a list of CSF 2.0 subcategory ids")
            csf = []
        qs_data = data.get("questions")
        qs: list[Question] = []
        if not isinstance(qs_data, list) or not qs_data:
            self.bad(f"{path}.questions", "questions が空です", "questions is missing or empty")
        else:
            qs = [self.question(q, f"{path}.questions[{i}]", sets) for i, q in enumerate(qs_data)]
        return Requirement(self.ident(data.get("id"), f"{path}.id"), self.text(data.get("title"), f"{path}.title"),
                           tuple(qs), tier, None if level is None else str(level),
                           self.number(data.get("weight"), f"{path}.weight", 1.0), tuple(csf))

    def question(self, data: Any, path: str, sets: Mapping[str, AnswerSet]) -> Question:
        if not isinstance(data, Mapping):
            self.bad(path, "マッピングが必要です", "expected a mapping")
            return Question("?", {}, AnswerSet("?", ()))
        set_name = data.get("answers")
        answers = sets.get(str(set_name)) if set_name is not None else None
        if answers is None:
            self.bad(f"{path}.answers", f"answer_sets にない回答尺度です: {set_name!r}",
                     f"answer set not in answer_sets: {set_name!r}")
            answers = AnswerSet("?", ())
        replaces = data.get("replaces")
        cssa = data.get("cssa_item")
        if cssa is not None and not isinstance(cssa, str | Mapping):
            self.bad(f"{path}.cssa_item", "cssa_item は文字列か {選択肢value: 項目}",
                     "cssa_item must be text or {value: item}")
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
                    self.bad(kind, f"{kind} id が重複しています: {i}", f"duplicate {kind} id: {i}")
                seen.add((kind, i))
        replaced = [q.replaces for d in domains for _, q in d.questions() if q.replaces]
        for r in {r for r in replaced if replaced.count(r) > 1}:
            self.bad("replaces", f"同じ旧質問を複数の質問が replaces しています: {r}",
                     f"several questions replace the same previous question: {r}")


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
