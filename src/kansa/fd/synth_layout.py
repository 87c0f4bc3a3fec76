"""How a synthetic policy is laid out: sections by principle or by theme, sub-headings, bullets or prose."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from kansa.fd.synth_model import Firm, Sentence, bank
from kansa.fd.synth_style import era_years, style

# Top-level groups of items and their headings ({cust}/{staff} filled by the writer's words).
LAYOUTS: dict[str, list[tuple[str, list[str]]]] = {
    "by_principle": [
        ("基本方針", ["P1", "P1-N"]),
        ("{cust}の最善の利益の追求", ["P2", "P2-N"]),
        ("利益相反の適切な管理", ["P3", "P3-N"]),
        ("手数料等の明確化", ["P4"]),
        ("重要な情報の分かりやすい提供", ["P5", "P5-N1", "P5-N2", "P5-N3", "P5-N4", "P5-N5"]),
        ("{cust}にふさわしいサービスの提供", ["P6", "P6-N1", "P6-N2", "P6-N3", "P6-N4", "P6-N5"]),
        ("{staff}に対する適切な動機づけの枠組み等", ["P7", "P7-N"]),
    ],
    "themed1": [
        ("はじめに", ["P1", "P1-N"]),
        ("{cust}本位の業務運営の徹底", ["P2", "P2-N"]),
        ("利益相反の管理", ["P3", "P3-N"]),
        ("分かりやすい情報提供と手数料の明確化", ["P4", "P5", "P5-N1", "P5-N2", "P5-N3", "P5-N4", "P5-N5"]),
        ("{cust}一人ひとりに合ったご提案", ["P6", "P6-N1", "P6-N2", "P6-N3", "P6-N4", "P6-N5"]),
        ("{staff}の評価と体制", ["P7", "P7-N"]),
    ],
    "themed2": [
        ("私たちの基本姿勢", ["P1", "P2", "P2-N", "P7-N"]),
        ("ご提案の考え方", ["P6", "P6-N1", "P6-N2", "P6-N3", "P3-N"]),
        ("情報のご提供", ["P5", "P5-N1", "P5-N2", "P5-N3", "P5-N5", "P4"]),
        ("ご高齢の{cust}と複雑な商品", ["P6-N4", "P5-N4"]),
        ("利益相反の管理", ["P3", "P1-N"]),
        ("人材の育成と評価", ["P7", "P6-N5"]),
    ],
}
SUBHEADINGS: dict[str, str] = {
    "P1": "方針の策定と見直し", "P1-N": "最終受益者への配慮", "P2": "基本的な考え方", "P2-N": "経営戦略との関係",
    "P3": "利益相反管理の態勢", "P3-N": "グループ会社商品と提供会社からの手数料", "P4": "手数料の開示",
    "P5": "情報提供の基本", "P5-N1": "商品のリスクと推奨理由", "P5-N2": "セット商品の情報", "P5-N3": "平易な説明",
    "P5-N4": "複雑な商品の説明", "P5-N5": "重要な事項の強調", "P6": "ニーズの把握",
    "P6-N1": "ライフプランとアフターフォロー", "P6-N2": "セット商品の適合性", "P6-N3": "想定顧客属性",
    "P6-N4": "ご高齢の{cust}への対応", "P6-N5": "金融知識の向上",
    "P7": "業績評価と研修", "P7-N": "方針の周知と検証",
}
_TOP = {"arabic": "{i}.", "paren": "{i})", "circled": "■", "hoshin": "方針{i}", "kanji": "第{k}", "none": ""}
_SUB = {"arabic": "({i})", "paren": "{c}", "circled": "{c}", "hoshin": "({i})", "kanji": "{i}.", "none": "＜"}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
_KANJI = "一二三四五六七八九十"


@dataclass
class Section:
    """A leaf section of a synthetic policy: what a reader finds under one heading."""

    heading: str
    label: str
    items: list[str]
    sentences: list[Sentence] = field(default_factory=list)
    parent: str | None = None          # the top-level heading when this is a sub-section
    parent_label: str | None = None
    tag: str | None = None             # 【原則2、原則2（注）】 when the firm tags its headings

    @property
    def restatement(self) -> bool:
        """True when everything the section says only restates the principles."""
        kinds = {s.kind for s in self.sentences}
        return bool(kinds) and kinds <= {"restate"}


@dataclass
class Block:
    """One block of a document: a heading (level 1-2), a paragraph, a bullet or the title."""

    kind: str      # title | date | heading1 | heading2 | para | bullet
    text: str


def _label(template: str, i: int) -> str:
    return template.format(i=i, k=_KANJI[i - 1], c=_CIRCLED[i - 1])


def _ref(item: str) -> str:
    principle, _, note = item[1:].partition("-")
    if not note:
        return f"原則{principle}"
    return f"原則{principle}（注{note[1:]}）" if note[1:] else f"原則{principle}（注）"


def build_sections(firm: Firm, sentences: dict[str, list[Sentence]], rng: random.Random) -> list[Section]:
    """Group a year's sentences into the firm's sections (leaf sections, in order)."""
    words = firm.writer.words()
    num = firm.writer.numbering
    sub = random.Random(firm.firm_id).random() < 0.5
    out: list[Section] = []
    top_i = 0
    for heading, items in LAYOUTS[firm.layout]:
        present = [i for i in items if sentences.get(i)]
        if not present:
            continue
        top_i += 1
        heading = heading.format(**words)
        label = _label(_TOP[num], top_i)
        tag = "【" + "、".join(_ref(i) for i in present) + "】" if firm.tags else None
        if sub and len(present) > 1:
            for j, item in enumerate(present, start=1):
                out.append(Section(SUBHEADINGS[item].format(**words), _label(_SUB[num], j), [item],
                                   list(sentences[item]), parent=heading, parent_label=label, tag=tag))
        else:
            flat = [s for i in present for s in sentences[i]]
            out.append(Section(heading, label, present, flat, tag=tag))
    return out


def _date_line(firm: Firm, year: int, month: int) -> str:
    text = f"{year}年{month}月1日 改定"
    return style(text, firm.writer) if firm.writer.era or firm.writer.full_width else text


def policy_blocks(firm: Firm, year: int, sections: list[Section], month: int) -> list[Block]:
    """The policy as blocks: title, date, headings, bullets or paragraphs."""
    bullets = random.Random(firm.firm_id + "b").random() < 0.5
    blocks = [Block("title", "顧客本位の業務運営に関する取組方針"), Block("para", firm.name),
              Block("date", _date_line(firm, year, month))]
    parent = None
    for sec in sections:
        if sec.parent is not None and sec.parent != parent:
            blocks.append(Block("heading1", _heading(sec.parent_label or "", sec.parent, sec.tag)))
            parent = sec.parent
        if sec.parent is None:
            parent = None
            blocks.append(Block("heading1", _heading(sec.label, sec.heading, sec.tag)))
        else:
            blocks.append(Block("heading2", sub_heading(sec.label, sec.heading)))
        if bullets and len(sec.sentences) > 1:
            blocks += [Block("bullet", f"{firm.writer.bullet}{s.text}" if firm.writer.bullet else s.text)
                       for s in sec.sentences]
        else:
            prose = [s for s in sec.sentences if s.kind != "kpi"]
            if prose:
                blocks.append(Block("para", "".join(s.text for s in prose)))
            blocks += [Block("para", s.text) for s in sec.sentences if s.kind == "kpi"]
    return blocks


def sub_heading(label: str, heading: str) -> str:
    """(1)基本的な考え方, ①基本的な考え方, 1. 基本的な考え方, ＜基本的な考え方＞."""
    if label == "＜":
        return f"＜{heading}＞"
    return f"{label} {heading}" if label.endswith(".") else f"{label}{heading}"


def _heading(label: str, heading: str, tag: str | None) -> str:
    text = f"{label} {heading}".strip() if label and label != "■" else f"{label}{heading}"
    return f"{text}{tag}" if tag else text


def progress_blocks(firm: Firm, year: int, sections: list[Section], slots: dict[str, Any],
                    rng: random.Random) -> list[Block]:
    """The progress report of a year: per top-level heading, what was done and the KPI results."""

    blocks = [Block("title", f"顧客本位の業務運営に関する取組状況（{year}年度）"), Block("para", firm.name)]
    seen: set[str] = set()
    for sec in sections:
        top = sec.parent or sec.heading
        if top not in seen:
            seen.add(top)
            blocks.append(Block("heading1", _heading(sec.parent_label or sec.label, top, None)))
        lines = []
        for s in sec.sentences:
            entry = bank().get(s.item, {})
            if s.kind == "concrete" and entry.get("progress"):
                lines.append(entry["progress"][rng.randrange(len(entry["progress"]))].format(**slots))
            elif s.kind == "kpi" and s.kpi:
                key, target = s.kpi.split("=")
                spec = bank()["kpis"][key]
                result = f"{float(target) + rng.uniform(-6, 6):.1f}" if key != "cost" else \
                    f"{float(target) + rng.uniform(-0.3, 0.3):.2f}"
                lines.append(spec["progress"].format(**{**slots, "target": target, "result": result}))
            elif s.kind == "restate" and rng.random() < 0.2:
                lines.append(f"引き続き、{sec.heading}に取り組みました。")
        for line in dict.fromkeys(lines):
            blocks.append(Block("para", style(line, firm.writer)))
    return blocks


def ref_of(item: str) -> str:
    """How a correspondence table names an item: 原則2本文, 原則5（注1）."""
    r = _ref(item)
    return r + "本文" if "（" not in r else r


__all__ = ["LAYOUTS", "Block", "Section", "build_sections", "era_years", "policy_blocks", "progress_blocks", "ref_of"]


@dataclass
class PolicyYear:
    """One year's policy and progress report of a firm, with the truth."""

    year: int
    sections: list[Section]
    plan: dict[str, str]
    unchanged: bool
    slots: dict[str, str]
