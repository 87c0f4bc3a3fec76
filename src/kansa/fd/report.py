"""The auditor's report on firms' policies: coverage, restatement, year on year, say-do (HTML, PDF, Excel)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from kansa import __version__
from kansa.fd.analysis import FirmAnalysis
from kansa.fd.charts import verdict_heatmap_svg
from kansa.fd.coverage import VERDICT_LABELS, VERDICTS
from kansa.fd.messages import render
from kansa.fd.principles import Principles
from kansa.fd.promises import kinds
from kansa.fd.saydo import VERDICT_LABELS as SAYDO_LABELS
from kansa.i18n import Lang, pick
from kansa.reports.excel import Sheet, write_workbook
from kansa.reports.html import make_env
from kansa.reports.pdf import write_pdf

MAX_EVIDENCE = 3


def _t(lang: Lang) -> Any:
    def t(code: str, **fields: Any) -> str:
        return render(code, fields, lang)
    return t


def firm_context(fa: FirmAnalysis, principles: Principles, lang: Lang) -> dict[str, Any]:
    """What the template shows for one firm."""
    latest = fa.latest
    items = []
    if latest is not None and latest.coverage is not None:
        progress = latest.progress_coverage
        for item in principles.items:
            r = latest.coverage.items[item.id]
            reported = progress is not None and progress.items[item.id].verdict != "not_addressed"
            items.append({"id": item.id, "label": item.label(lang), "heading": item.heading_ja if lang == "ja"
                          else item.heading_en, "required": item.report_required, "verdict": r.verdict,
                          "verdict_label": pick(VERDICT_LABELS[r.verdict], lang), "evidence": r.evidence[:MAX_EVIDENCE],
                          "sections": r.sections, "note": r.note, "progress": reported})
    counts = Counter(i["verdict"] for i in items if i["required"])
    restating = []
    if latest is not None and latest.coverage is not None:
        restating = [s.text for s in latest.coverage.sentences if s.restating][:12]
    return {
        "name": fa.firm, "latest": latest, "items": items,
        "counts": [(pick(VERDICT_LABELS[v], lang), counts.get(v, 0), v) for v in VERDICTS],
        "restating": restating,
        "mostly": latest is not None and latest.coverage is not None and latest.coverage.mostly_restatement,
        "restating_share": round(100 * latest.coverage.restating_share) if latest and latest.coverage else 0,
        "files": [(r.year, r.policy.path.name if r.policy else "", r.progress.path.name if r.progress else "",
                   r.table_path.name if r.table_path else "") for r in fa.readings],
        "changes": [{"year": c.year, "previous": c.previous, "unchanged": c.unchanged,
                     "flags": [render(code, fields, lang) for code, fields in c.flags],
                     "sections": [s for s in c.sections if s.status != "unchanged"],
                     "same": sum(1 for s in c.sections if s.status == "unchanged"),
                     "kpis": c.kpis} for c in fa.changes],
        "saydo": [{"id": r.promise.id, "sentence": r.promise.sentence,
                   "kind": pick(kinds()[r.promise.kind].label, lang),
                   "tests": ", ".join(r.tests), "evidence": [render(e.code, e.fields, lang) for e in r.evidence],
                   "proposed": pick(SAYDO_LABELS[r.proposed], lang), "proposed_code": r.proposed,
                   "decision": r.decision, "final": pick(SAYDO_LABELS[r.final], lang), "final_code": r.final}
                  for r in fa.saydo],
    }


def heatmap(firms: Sequence[FirmAnalysis], principles: Principles, lang: Lang) -> str:
    """The firms-by-items heat map of the latest policies' verdicts ('' for fewer than two firms)."""
    with_policy = [f for f in firms if f.latest is not None and f.latest.coverage is not None]
    if len(with_policy) < 2:
        return ""
    required = [i for i in principles.items if i.report_required]
    rows = [[f.latest.coverage.items[i.id].verdict for i in required] for f in with_policy  # type: ignore[union-attr]
            ]
    legend = {v: pick(VERDICT_LABELS[v], lang) for v in VERDICTS}
    return verdict_heatmap_svg([f.firm for f in with_policy], [i.label(lang) for i in required], rows, legend)


def write_report(firms: Sequence[FirmAnalysis], principles: Principles, out: Path, *, lang: Lang = "ja",
                 formats: Sequence[str] = ("html", "pdf", "xlsx"), scan_given: bool = False) -> dict[str, Path]:
    """Write report.html, report.pdf and report.xlsx into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    env = make_env("kansa.fd")
    html = env.get_template("fd_report.html.j2").render(
        lang=lang, t=_t(lang), firms=[firm_context(f, principles, lang) for f in firms],
        heatmap=heatmap(firms, principles, lang), scan_given=scan_given, principles_source=principles.source,
        generated=datetime.now().strftime("%Y-%m-%d %H:%M"), kansa_version=__version__)
    files: dict[str, Path] = {}
    if "html" in formats:
        files["report.html"] = out / "report.html"
        files["report.html"].write_text(html, encoding="utf-8")
    if "pdf" in formats:

        files["report.pdf"] = write_pdf(html, out / "report.pdf")
    if "xlsx" in formats:
        files["report.xlsx"] = write_workbook(out / "report.xlsx", sheets(firms, principles, lang))
    return files


def sheets(firms: Sequence[FirmAnalysis], principles: Principles, lang: Lang) -> list[Sheet]:
    """The Excel sheets: coverage by year, sections, year on year, KPIs, say-do."""
    t = _t(lang)
    coverage_rows, section_rows, change_rows, kpi_rows, saydo_rows = [], [], [], [], []
    for f in firms:
        for r in f.readings:
            if r.coverage is None:
                continue
            for item in principles.items:
                res = r.coverage.items[item.id]
                coverage_rows.append([f.firm, r.year, item.label(lang), item.report_required,
                                      pick(VERDICT_LABELS[res.verdict], lang), " / ".join(res.evidence[:MAX_EVIDENCE]),
                                      " / ".join(res.sections)])
            for s in r.coverage.sections:
                section_rows.append([f.firm, r.year, s.heading, ", ".join(s.items), s.restatement_score,
                                     s.concrete_sentences, s.sentences, s.restatement])
        for c in f.changes:
            flags = " / ".join(render(code, fields, lang) for code, fields in c.flags)
            for ch in c.sections:
                change_rows.append([f.firm, c.previous, c.year, c.unchanged, ch.heading, ch.status,
                                    "\n".join(ch.diff), flags])
            for k in c.kpis:
                kpi_rows.append([f.firm, c.previous, c.year, k.metric, k.previous_target, k.target, k.previous_result,
                                 k.result, k.unit])
        for row in f.saydo:
            d = row.decision
            label = pick(kinds()[row.promise.kind].label, lang)
            saydo_rows.append([f.firm, row.promise.id, label, row.promise.sentence,
                               ", ".join(row.tests), "\n".join(render(e.code, e.fields, lang) for e in row.evidence),
                               row.proposed, d.verdict if d else "", d.reason if d else "", row.final])
    return [
        Sheet(t("label_coverage"), [t("label_firm"), t("label_year"), t("label_item"), "report_required",
                                    t("label_verdict"), t("label_evidence"), t("label_sections")], coverage_rows,
              widths=[18, 8, 16, 10, 20, 80, 30]),
        Sheet(t("label_section_table"), [t("label_firm"), t("label_year"), t("label_heading"), t("label_item"),
                                         t("label_restatement_score"), t("label_concrete_sentences"),
                                         t("label_sentences"), t("label_restatement")], section_rows),
        Sheet(t("label_years"), [t("label_firm"), t("label_previous"), t("label_year"), t("label_unchanged"),
                                 t("label_heading"), "status", "diff", "flags"], change_rows,
              widths=[18, 8, 8, 10, 30, 10, 80, 60]),
        Sheet(t("label_kpis"), [t("label_firm"), t("label_previous"), t("label_year"), t("label_metric"),
                                f"{t('label_target')} ({t('label_previous')})", t("label_target"),
                                f"{t('label_result')} ({t('label_previous')})", t("label_result"), "unit"], kpi_rows),
        Sheet(t("label_saydo"), [t("label_firm"), "promise_id", t("label_promise"), "sentence", t("label_tests"),
                                 t("label_evidence"), t("label_proposed"), t("label_decision"), t("label_reason"),
                                 t("label_final")], saydo_rows, widths=[18, 26, 20, 60, 30, 80, 12, 12, 30, 12]),
    ]
