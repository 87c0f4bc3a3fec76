"""Synthetic firms' policies (取組方針) and progress reports (取組状況) with their ground truth, for evaluation.

Each firm has a writer (self-reference, customer word, polite or plain style, digits, era dates), a layout
(sections by principle or by the firm's own themes, sub-headings, bullets or prose), a profile (restating,
concrete, mixed, sparse) and one to three years. Every sentence comes from data/synth_bank.yaml and carries
what it is (restating, concrete, not-applicable declaration, near miss) so the truth is known by construction.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict
from pathlib import Path
from typing import Any

from kansa.fd.principles import load_items
from kansa.fd.synth_files import write_firm
from kansa.fd.synth_layout import Block, PolicyYear, build_sections, policy_blocks, progress_blocks
from kansa.fd.synth_model import Firm, Sentence, bank
from kansa.fd.synth_style import Writer, new_writer, render

PROFILES: dict[str, dict[str, float]] = {
    # probability of each verdict for an item (not_applicable only where the bank has a declaration)
    "restating": {"concrete": 0.06, "restated": 0.84, "not_addressed": 0.04, "not_applicable": 0.5},
    "concrete": {"concrete": 0.80, "restated": 0.12, "not_addressed": 0.04, "not_applicable": 0.5},
    "mixed": {"concrete": 0.45, "restated": 0.45, "not_addressed": 0.08, "not_applicable": 0.4},
    "sparse": {"concrete": 0.30, "restated": 0.30, "not_addressed": 0.40, "not_applicable": 0.2},
}
FIRM_TYPES = ("regional bank", "shinkin", "securities", "major bank", "credit cooperative")
KPI_TARGETS = {"pos_share": (60, 85), "cost": (1.0, 1.6), "complaints": (5, 20)}


_NAMES = ("みどり", "あおば", "ひかり", "さくら", "かえで", "つばさ", "みなと", "あさひ", "やまと", "はるか",
          "しおかぜ", "こだま", "いぶき", "すずらん", "わかば", "ときわ", "ほくと", "なぎさ", "たちばな", "いずみ")
_SUFFIX = {"regional bank": "銀行", "shinkin": "信用金庫", "securities": "証券", "major bank": "銀行",
           "credit cooperative": "信用組合"}
_WE = {"regional bank": ("当行", "弊行", "私たち"), "major bank": ("当行", "当社", "当グループ"),
       "shinkin": ("当金庫", "当庫", "私たち"), "securities": ("当社", "弊社", "私たち"),
       "credit cooperative": ("当組合", "私たち", "当組合")}


def make_firm(index: int, seed: int = 0) -> Firm:
    """Firm number `index` of a corpus; every fourth and fifth firm of each ten is held out."""
    rng = random.Random(seed * 100_003 + index)
    firm_type = FIRM_TYPES[index % len(FIRM_TYPES)]
    brand = _NAMES[index % len(_NAMES)] + ("" if index < len(_NAMES) else str(index // len(_NAMES) + 1))
    split = "heldout" if index % 10 in (3, 4, 8) else "dev"
    writer = new_writer(rng, _WE[firm_type], heldout_style=split == "heldout" and index % 10 == 8)
    n_years = rng.choice((1, 2, 2, 3, 3))
    first = rng.choice((2022, 2023, 2024))
    years = [first + i for i in range(n_years)]
    formats = [rng.choice(("pdf", "docx", "html", "txt")) for _ in years]
    fill = {
        "prod": rng.choice(("{b}つみたてプラン", "{b}ライフデザインセット", "{b}セレクト", "{b}あんしん運用セット"))
        .format(b=brand),
        "tool": rng.choice(("ライフナビ", "{b}プランナー", "みらいシミュレーター", "資産設計ナビ")).format(b=brand),
        "system": rng.choice(("営業支援システム", "顧客管理システム", "提案記録システム")),
        "group": rng.choice(("{b}アセットマネジメント", "{b}投信投資顧問")).format(b=brand),
        "cmte": rng.choice(("お客さま本位推進委員会", "FD推進会議", "顧客本位推進委員会", "コンプライアンス委員会")),
        "dept": rng.choice(("リテール営業部", "営業企画部", "資産運用サポート室", "コンプライアンス統括部",
                            "お客さまサポート部")),
    }
    return Firm(
        firm_id=f"F{index:03d}", name=brand + _SUFFIX[firm_type], firm_type=firm_type,
        profile=rng.choice(tuple(PROFILES)), writer=writer,
        layout=rng.choice(("by_principle", "by_principle", "themed1", "themed2")),
        years=years, formats=formats, has_table=rng.random() < 0.4, tags=rng.random() < 0.4, split=split, fill=fill,
    )


def _numbers(rng: random.Random, year: int) -> dict[str, str]:
    """Slot values that change every year (the figures a revised policy updates)."""
    return {"y": str(year), "m": str(rng.choice((4, 6, 7, 9, 10))), "n1": str(rng.randint(2, 9)),
            "n2": str(rng.randint(10, 60)), "n3": f"{rng.randint(12, 98) * 100:,}", "n4": f"{rng.randint(120, 9800):,}",
            "pct1": str(rng.randint(60, 95)), "pct2": f"{rng.randint(100, 480) / 10:.1f}",
            "age": rng.choice(("75", "70")), "age2": "80"}


def _plan(firm: Firm, rng: random.Random) -> dict[str, str]:
    """The verdict each item gets in the firm's first year."""
    weights = PROFILES[firm.profile]
    plan: dict[str, str] = {}
    for item in load_items():
        entry = bank()[item.id]
        if not item.report_required and rng.random() < 0.5:
            plan[item.id] = "not_addressed"
            continue
        if "na" in entry and rng.random() < weights["not_applicable"]:
            plan[item.id] = "not_applicable"
            continue
        r = rng.random() * (weights["concrete"] + weights["restated"] + weights["not_addressed"])
        plan[item.id] = ("concrete" if r < weights["concrete"]
                         else "restated" if r < weights["concrete"] + weights["restated"] else "not_addressed")
    return plan


def _variants(item: str, kind: str, firm: Firm, rng: random.Random) -> list[tuple[str, Any]]:
    """(bank id, entry) of a kind for an item in a random order; held-out firms put held-out-only wording first
    half of the time (dev firms never see it)."""
    base = [(f"{item}:{kind}:{i}", e) for i, e in enumerate(bank()[item].get(kind, []))]
    rng.shuffle(base)
    if firm.split != "heldout":
        return base
    extra = [(f"{item}:{kind}:h{i}", e) for i, e in enumerate(bank()["heldout"].get(item, {}).get(kind, []))]
    return extra + base if extra and rng.random() < 0.5 else base + extra


def _sentences_for(item: str, verdict: str, firm: Firm, rng: random.Random, slots: dict[str, str]) -> list[Sentence]:
    """The sentences a firm writes for one item with a given verdict (none when not addressed)."""
    entry = bank()[item]
    w = firm.writer
    out: list[Sentence] = []
    if verdict == "not_addressed":
        if "na" in entry and rng.random() < 0.25:   # near miss: 'does not apply' with no reason given
            text = render(f"{_ref(item)}は該当しません。", w, slots)
            out.append(Sentence(item, "na_bare", text, bank=f"{item}:na_bare"))
        return out
    if verdict == "not_applicable":
        key, text = _variants(item, "na", firm, rng)[0]
        return [Sentence(item, "na", render(text, w, slots), bank=key)]
    restate = _variants(item, "restate", firm, rng)
    if verdict == "restated":
        for key, r in restate[: rng.choice((1, 1, 2))]:
            out.append(_restating(item, key, r, w, slots))
        return out
    if rng.random() < 0.5:   # a mixed paragraph: the principle's idea first, then what the firm does
        key, r = restate[0]
        out.append(_restating(item, key, r, w, slots))
    for key, c in _variants(item, "concrete", firm, rng)[: rng.choice((1, 1, 2))]:
        out.append(Sentence(item, "concrete", render(c["text"], w, slots), promise=c.get("promise"),
                            kpi=c.get("kpi"), bank=key))
    return out


def _restating(item: str, key: str, entry: Any, w: Writer, slots: dict[str, str]) -> Sentence:
    """A restating sentence (a bank entry is a string, or {text, promise} when it still promises something)."""
    if isinstance(entry, dict):
        return Sentence(item, "restate", render(entry["text"], w, slots), promise=entry.get("promise"), bank=key)
    return Sentence(item, "restate", render(entry, w, slots), bank=key)


def _ref(item: str) -> str:
    """How a firm names an item: 原則5（注2）."""
    principle, _, note = item[1:].partition("-")
    if not note:
        return f"原則{principle}"
    return f"原則{principle}（注{note[1:]}）" if note[1:] else f"原則{principle}（注）"


def _kpi_sentences(firm: Firm, rng: random.Random, slots: dict[str, str], plan: dict[str, str]) -> list[Sentence]:
    """KPI lines with targets for concrete firms (the common KPI among them)."""
    out = []
    for key, spec in bank()["kpis"].items():
        if plan.get(spec["item"]) != "concrete" or rng.random() < 0.35:
            continue
        low, high = KPI_TARGETS[key]
        target = f"{rng.uniform(low, high):.1f}" if key == "cost" else str(rng.randint(int(low), int(high)))
        text = render(spec["policy"], firm.writer, {**slots, "target": target})
        out.append(Sentence(spec["item"], "kpi", text, promise=spec["promise"], kpi=f"{key}={target}",
                            bank=f"kpi:{key}"))
    return out


def firm_years(firm: Firm, seed: int = 0) -> list[PolicyYear]:
    """Every year of a firm: the first drawn from its profile, later ones revised or left unchanged."""
    rng = random.Random(f"{seed}:{firm.firm_id}")
    plan = _plan(firm, rng)
    out: list[PolicyYear] = []
    previous: PolicyYear | None = None
    for year in firm.years:
        if previous is not None and rng.random() < 0.45:
            out.append(PolicyYear(year, previous.sections, previous.plan, True, previous.slots))
            continue
        slots = {**firm.fill, **firm.writer.words(), **_numbers(rng, year)}
        if previous is not None:   # a revision: some items made concrete, others rewritten
            plan = dict(plan)
            for item, verdict in plan.items():
                if verdict == "restated" and rng.random() < 0.3:
                    plan[item] = "concrete"
        item_rng = random.Random(rng.random())
        sentences = {item: _sentences_for(item, verdict, firm, item_rng, slots) for item, verdict in plan.items()}
        for s in _kpi_sentences(firm, item_rng, slots, plan):
            sentences[s.item].append(s)
        sections = build_sections(firm, sentences, rng)
        previous = PolicyYear(year, sections, plan, False, slots)
        out.append(previous)
    return out


def truth_of(firm: Firm, years: list[PolicyYear]) -> dict[str, Any]:
    """The ground truth of a firm: per year, item verdicts, section restatement, promises, KPIs, unchanged."""
    per_year = {}
    for py in years:
        items = {}
        for item, verdict in py.plan.items():
            sents = [s for sec in py.sections for s in sec.sentences if s.item == item and s.kind != "na_bare"]
            items[item] = verdict if sents else "not_addressed"
        per_year[str(py.year)] = {
            "items": items,
            "sections": [{"heading": sec.heading, "restatement": sec.restatement}
                         for sec in py.sections if sec.sentences],
            "promises": [{"item": s.item, "kind": s.promise, "text": s.text}
                         for sec in py.sections for s in sec.sentences if s.promise],
            "kpis": [s.kpi for sec in py.sections for s in sec.sentences if s.kpi],
            "unchanged": py.unchanged,
        }
    return {"firm_id": firm.firm_id, "name": firm.name, "firm_type": firm.firm_type, "profile": firm.profile,
            "split": firm.split, "layout": firm.layout, "writer": asdict(firm.writer), "has_table": firm.has_table,
            "years": per_year}


def write_corpus(out: Path, firms: int = 50, seed: int = 0, pdf: bool = True) -> list[Path]:
    """Write a corpus: one folder per firm with its documents and truth.json; returns the firm folders.

    `pdf=False` writes HTML where a firm would have had PDF (fast tests); the reader's PDF path is tested apart.
    """

    out.mkdir(parents=True, exist_ok=True)
    folders = []
    for index in range(firms):
        firm = make_firm(index, seed)
        if not pdf:
            firm.formats = ["html" if f == "pdf" else f for f in firm.formats]
        years = firm_years(firm, seed)
        folder = out / f"{firm.firm_id}_{firm.name}"
        write_firm(folder, firm, years)
        (folder / "truth.json").write_text(json.dumps(truth_of(firm, years), ensure_ascii=False, indent=1),
                                           encoding="utf-8")
        folders.append(folder)
    return folders


class _Blank(dict[str, str]):
    """Slots not given render as nothing."""

    def __missing__(self, key: str) -> str:
        return ""


def principles_text(path: Path) -> Path:
    """The principle text the synthetic writers restate (their 'official' source), for --principles tests."""
    neutral = {"we": "金融事業者", "cust": "顧客", "staff": "従業員"}
    first = {i.id: bank()[i.id]["restate"][0] for i in load_items()}
    lines = [f"{_ref(i)}．" + (r["text"] if isinstance(r, dict) else r).format_map(_Blank(neutral))
             for i, r in first.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


__all__ = ["Block", "Firm", "PolicyYear", "Sentence", "firm_years", "make_firm", "policy_blocks", "progress_blocks",
           "truth_of", "write_corpus"]
