"""Feedback reports (one per institution) and the supervisor's overview, as HTML and PDF."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import jinja2

from kansa import __version__
from kansa.assessment.benchmark import OVERALL, Benchmark
from kansa.assessment.cohorts import Cohort, benchmark_cohort, cohort_keys
from kansa.assessment.institutions import SIZE_LABEL, TYPE_LABEL, TYPES
from kansa.assessment.scoring import question_points
from kansa.i18n import Lang, pick
from kansa.reports.charts import radar_svg
from kansa.reports.html import make_env
from kansa.reports.pdf import write_pdf
from kansa.safepath import safe_name

TOP_IMPROVEMENTS = 15
TOP_GAPS = 3


@dataclass
class _Lookups:
    """Indexes built once per benchmark so that 500 reports stay linear."""

    domain: dict[tuple[str, str], dict[str, Any]]
    shares: dict[tuple[str, str], list[dict[str, Any]]]
    trend_inst: dict[tuple[str, str], dict[str, Any]]
    trend_cohort: dict[tuple[str, str], dict[str, Any]]
    rows: dict[tuple[str, str], dict[str, Any]]


def _lookups(b: Benchmark) -> _Lookups:
    shares: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in b.option_shares:
        shares.setdefault((r["cohort"], r["question_id"]), []).append(r)
    return _Lookups(
        {(r["cohort"], r["domain_id"]): r for r in b.domain_stats}, shares,
        {(r["institution_id"], r["domain_id"]): r for r in b.trend_institution},
        {(r["cohort"], r["domain_id"]): r for r in b.trend_domain},
        {(r["institution_id"], r["domain_id"]): r for r in b.institution_rows},
    )


class FeedbackRenderer:
    """Renders every report of one benchmark with one Jinja2 environment and shared indexes."""

    def __init__(self, bench: Benchmark, lang: Lang = "ja", round_label: str | None = None):
        self.b = bench
        self.lang = lang
        self.env = make_env("kansa.assessment")
        self.env.globals.update(kansa_version=__version__, lang=lang)
        self.look = _lookups(bench)
        self.round_label = round_label or date.today().isoformat()
        self._feedback: jinja2.Template = self.env.get_template("assessment_feedback.html.j2")
        self._overview: jinja2.Template = self.env.get_template("assessment_overview.html.j2")

    def t(self, text: Any) -> str:
        """Pick the report language from a {ja, en} text."""
        return pick(text, self.lang)

    # --- one institution -----------------------------------------------------------------------------------
    def feedback_context(self, iid: str) -> dict[str, Any]:
        """Everything the feedback template shows for one institution."""
        b, lk, fw = self.b, self.look, self.b.framework
        inst = b.institutions[iid]
        score = b.scores[iid]
        peer = b.cohorts[cohort_keys(inst)["type_size"]]
        bc = benchmark_cohort(inst, b.cohorts)
        domains = []
        for d in fw.domains:
            ds = score.domain(d.id)
            stat = lk.domain.get((bc.key, d.id)) if bc else None
            stat = stat if stat and not stat["suppressed"] else None
            trend = lk.trend_inst.get((iid, d.id))
            row = lk.rows[(iid, d.id)]
            domains.append({
                "id": d.id, "title": self.t(d.title), "score": ds.score, "level": self._level(ds.level),
                "target": self._level(ds.target), "gap": ds.level_gap, "basic": ds.basic_coverage,
                "median": stat and stat["median"], "q1": stat and stat["q1"], "q3": stat and stat["q3"],
                "percentile": row["percentile_in_benchmark_cohort"],
                "change": trend and trend["change"],
                "behind": None if not stat or ds.score is None else stat["median"] - ds.score,
            })
        radar = radar_svg(
            [d["id"] for d in domains],
            {self._txt("自機関", "Your institution"): [d["score"] for d in domains],
             self._txt("比較群の中央値", "Peer median"): [d["median"] for d in domains]} if bc else
            {self._txt("自機関", "Your institution"): [d["score"] for d in domains]},
            band=([d["q1"] for d in domains], [d["q3"] for d in domains]) if bc else None,
            band_label=self._txt("四分位範囲", "Interquartile range"))
        behind = [d for d in domains if d["behind"] is not None and d["behind"] > 0]
        gaps = sorted(behind, key=lambda d: -float(d["behind"]))[:TOP_GAPS]
        overall_stat = lk.domain.get((bc.key, OVERALL)) if bc else None
        return {
            "inst": inst, "type_label": self.t(TYPE_LABEL[inst.type]), "size_label": self.t(SIZE_LABEL[inst.size_band]),
            "fw": fw, "fw_title": self.t(fw.title), "round": self.round_label, "k": b.k,
            "score": score, "overall_level": self._level(score.level),
            "weakest": self._weakest(iid),
            "overall_percentile": lk.rows[(iid, OVERALL)]["percentile_in_benchmark_cohort"],
            "overall_median": overall_stat["median"] if overall_stat and not overall_stat["suppressed"] else None,
            "peer": peer, "peer_label": self.t(peer.label), "bench": bc, "bench_label": bc and self.t(bc.label),
            "fallback": bc is not None and bc.key != peer.key,
            "domains": domains, "radar": radar, "gaps": gaps,
            "improvements": self._improvements(iid, bc),
            "trend": b.previous_version is not None and any(d["change"] is not None for d in domains),
            "previous_version": b.previous_version,
            "overall_change": (lk.trend_inst.get((iid, OVERALL)) or {}).get("change"),
        }

    def _improvements(self, iid: str, bc: Cohort | None) -> list[dict[str, Any]]:
        """Unmet questions: basic measures first, then by weight x gap; with the share of peers meeting them."""
        answers = self.b.answers.get(iid, {})
        items: list[dict[str, Any]] = []
        keys: list[tuple[bool, float, float, str]] = []
        for ref in self.b.framework.refs():
            opt, pts = question_points(ref, answers.get(ref.question.id))
            if opt is not None and (opt.is_na or opt.meets):
                continue
            gap = 1.0 - (pts or 0.0)
            peers = None
            if bc is not None:
                rows = self.look.shares.get((bc.key, ref.question.id), [])
                if rows and not rows[0]["suppressed"]:
                    meets = {o.value for o in ref.question.answers.options if o.meets}
                    peers = sum(r["share"] for r in rows if r["option"] in meets)
            items.append({
                "id": ref.question.id, "text": self.t(ref.question.text), "domain": self.t(ref.domain.title),
                "tier": ref.requirement.tier,
                "answer": self.t(opt.label) if opt else self._txt("未回答", "not answered"),
                "priority": ref.weight * gap, "peers_meeting": peers,
            })
            # basic first; then weight x gap; then what most peers already do
            keys.append((ref.requirement.tier != "basic", -ref.weight * gap, -(peers or 0.0), ref.question.id))
        order = sorted(range(len(items)), key=lambda i: keys[i])
        return [items[i] for i in order[:TOP_IMPROVEMENTS]]

    def _weakest(self, iid: str) -> list[str]:
        """The domains at the overall (lowest) maturity level, when others are higher: what holds it back."""
        fw, score = self.b.framework, self.b.scores[iid]
        if not fw.levels:
            return []
        scored = [d.id for d in fw.domains if score.domain(d.id).score is not None]
        low = [d for d in scored if score.domain(d).level == score.level]
        return low if len(low) < len(scored) else []

    def _level(self, level_id: str | None) -> str | None:
        if level_id is None:
            return None
        for lv in self.b.framework.levels:
            if lv.id == level_id:
                return self.t(lv.label)
        return level_id

    def _txt(self, ja: str, en: str) -> str:
        return ja if self.lang == "ja" else en

    def feedback_html(self, iid: str) -> str:
        """The feedback report of one institution as HTML."""
        return self._feedback.render(**self.feedback_context(iid))

    # --- the supervisor's overview ---------------------------------------------------------------------------
    def overview_context(self) -> dict[str, Any]:
        """Participation, cohort distributions, answer shares per question, trend; suppressed cells marked."""
        b, lk, fw = self.b, self.look, self.b.framework
        participation = []
        for t in (*TYPES, None):
            expected = [i for i in b.institutions.values() if t is None or i.type == t]
            responded = [i for i in expected if i.institution_id in b.scores]
            participation.append({"label": self.t(TYPE_LABEL[t]) if t else self._txt("合計", "Total"),
                                  "expected": len(expected), "responded": len(responded),
                                  "rate": len(responded) / len(expected) if expected else None})
        cohorts = list(b.cohorts.values())
        domain_ids = [(d.id, self.t(d.title)) for d in fw.domains] + [(OVERALL, self._txt("総合", "Overall"))]
        dist = [{"cohort": c, "label": self.t(c.label),
                 "cells": [lk.domain[(c.key, d)] for d, _ in domain_ids]} for c in cohorts]
        share_cohorts = [b.cohorts["all"], *(b.cohorts[t] for t in TYPES)]
        questions = []
        for ref in fw.refs():
            opts = ref.question.answers.options
            questions.append({
                "id": ref.question.id, "text": self.t(ref.question.text), "tier": ref.requirement.tier,
                "options": [self.t(o.label) for o in opts],
                "rows": [{"label": self.t(c.label), "cells": lk.shares.get((c.key, ref.question.id), [])}
                         for c in share_cohorts],
            })
        trend = [{"label": self.t(c.label), "cells": [lk.trend_cohort.get((c.key, d)) for d, _ in domain_ids]}
                 for c in cohorts] if b.trend_domain else []
        return {"fw": fw, "fw_title": self.t(fw.title), "round": self.round_label, "k": b.k,
                "participation": participation, "domain_ids": domain_ids, "dist": dist, "questions": questions,
                "trend": trend, "previous_version": b.previous_version,
                "non_respondents": [{"id": i.institution_id, "name": i.name, "type": self.t(TYPE_LABEL[i.type])}
                                    for i in b.non_respondents],
                "unknown": b.unknown_respondents}

    def overview_html(self) -> str:
        """The supervisor's overview report as HTML."""
        return self._overview.render(**self.overview_context())


def write_reports(renderer: FeedbackRenderer, out: Path, *, pdf: bool = False, feedback: bool = True,
                  advance: Callable[[], None] | None = None) -> dict[str, Path]:
    """Write overview.html and feedback/<institution>.html (and PDFs when asked); return what was written."""
    written: dict[str, Path] = {}
    out.mkdir(parents=True, exist_ok=True)
    html = renderer.overview_html()
    written["overview.html"] = _write(out / "overview.html", html)
    if pdf:
        written["overview.pdf"] = write_pdf(html, out / "overview.pdf")
    if feedback:
        folder = out / "feedback"
        folder.mkdir(exist_ok=True)
        for iid in renderer.b.scores:
            page = renderer.feedback_html(iid)
            name = safe_name(iid)  # an id is data: "../x", "a/b" or "CON" must not steer where the file goes
            written[f"feedback/{name}.html"] = _write(folder / f"{name}.html", page)
            if pdf:
                written[f"feedback/{name}.pdf"] = write_pdf(page, folder / f"{name}.pdf")
            if advance:
                advance()
    return written


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
