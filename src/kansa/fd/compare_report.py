"""The supervisor's comparison report: common KPIs by firm type and base date, and policy coverage across firms."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from kansa import __version__
from kansa.fd.charts import strip_svg
from kansa.fd.compare import KpiRecord, aggregates, cost_return, places, type_stats, year_on_year
from kansa.fd.kpi_workbook import FIRM_TYPE_LABELS
from kansa.fd.messages import FdError, render
from kansa.i18n import Lang, pick
from kansa.reports.excel import Sheet, write_workbook
from kansa.reports.html import make_env
from kansa.reports.pdf import write_pdf
from kansa.reports.svg import line_svg, scatter_svg


def type_label(firm_type: str, lang: Lang) -> str:
    """主要行等 / Major bank; 'aggregate' reads as reference."""
    if firm_type == "aggregate":
        return "参考（平均）" if lang == "ja" else "Reference (average)"
    return pick(FIRM_TYPE_LABELS.get(firm_type, {"ja": firm_type, "en": firm_type}), lang)


def _charts(records: Sequence[KpiRecord], lang: Lang) -> dict[str, Any]:
    t = _t(lang)
    stats = type_stats(records)
    dates = sorted({s.as_of for s in stats})
    strips = []
    for d in dates:
        groups = [(type_label(s.firm_type, lang), [p.value for p in places(records)
                                                 if p.as_of == d and p.firm_type == s.firm_type])
                  for s in stats if s.as_of == d and s.firms >= 3]
        if groups:
            ref = [a.positive_share for a in aggregates(records) if a.as_of == d and a.positive_share is not None]
            strips.append((d, strip_svg(groups, title=f"{t('label_as_of')} {d.isoformat()}", ylabel="%",
                                        reference=ref[0] if ref else None,
                                        reference_label=t("label_reference") if ref else "")))
    types = sorted({s.firm_type for s in stats})
    labels = [d.isoformat() for d in dates]
    series: dict[str, list[float | None]] = {}
    for ft in types:
        by_date = {s.as_of: s.median for s in stats if s.firm_type == ft}
        if sum(1 for s in stats if s.firm_type == ft and s.firms >= 3):
            series[type_label(ft, lang)] = [by_date.get(d) for d in dates]
    refs: dict[Any, float] = {}
    for a in aggregates(records):
        if a.positive_share is not None:
            refs.setdefault(a.as_of, a.positive_share)
    all_dates = sorted(set(dates) | set(refs))
    if refs:
        series = {k: [dict(zip(dates, v, strict=True)).get(d) for d in all_dates] for k, v in series.items()}
        series[t("label_reference")] = [refs.get(d) for d in all_dates]
        labels = [d.isoformat() for d in all_dates]
    line = line_svg(labels, series, ylabel="%") if series else ""
    points = [(r.top20_cost or 0.0, r.top20_return or 0.0, f"{r.firm} {r.as_of.year}") for r in cost_return(records)]
    scatter = scatter_svg(points, xlabel=t("label_cost"), ylabel=t("label_return")) if points else ""
    return {"strips": strips, "line": line, "scatter": scatter}


def _t(lang: Lang) -> Any:
    def t(code: str, **fields: Any) -> str:
        return render(code, fields, lang)
    return t


def write_compare(records: Sequence[KpiRecord], out: Path, *, lang: Lang = "ja", rejected: Sequence[FdError] = (),
                  heatmap: str = "", formats: Sequence[str] = ("html", "pdf", "xlsx")) -> dict[str, Path]:
    """compare.html, compare.pdf and compare.xlsx."""
    out.mkdir(parents=True, exist_ok=True)
    t = _t(lang)
    stats = type_stats(records)
    firm_places = places(records)
    yoy = year_on_year(records)
    bands = [r for r in records if r.band and r.band_share is not None]
    by_type: dict[str, list[Any]] = defaultdict(list)
    for p in firm_places:
        by_type[p.firm_type].append(p)
    html = make_env("kansa.fd").get_template("fd_compare.html.j2").render(
        lang=lang, t=t, stats=stats, places=firm_places, yoy=yoy, bands=bands, cost=cost_return(records),
        refs=aggregates(records), label=lambda ft: type_label(ft, lang), charts=_charts(records, lang),
        rejected=[e.message(lang) for e in rejected], heatmap=heatmap,
        generated=datetime.now().strftime("%Y-%m-%d %H:%M"), kansa_version=__version__)
    files: dict[str, Path] = {}
    if "html" in formats:
        files["compare.html"] = out / "compare.html"
        files["compare.html"].write_text(html, encoding="utf-8")
    if "pdf" in formats:

        files["compare.pdf"] = write_pdf(html, out / "compare.pdf")
    if "xlsx" in formats:
        files["compare.xlsx"] = write_workbook(out / "compare.xlsx", [
            Sheet(t("label_counts"), [t("label_as_of"), t("label_type"), t("label_firms"), t("label_rows"), "min",
                                      "q1", t("label_median"), "q3", "max"],
                  [[s.as_of, type_label(s.firm_type, lang), s.firms, s.rows, s.minimum, s.q1, s.median, s.q3,
                    s.maximum] for s in stats]),
            Sheet(t("label_rank"), [t("label_as_of"), t("label_type"), t("label_firm"), t("label_value"),
                                    t("label_rank"), t("label_firms"), t("label_percentile"), t("label_median"),
                                    t("label_disagree"), t("label_source")],
                  [[p.as_of, type_label(p.firm_type, lang), p.firm, p.value, p.rank, p.of, p.percentile,
                    p.type_median, p.disagreement, p.source] for p in firm_places]),
            Sheet(t("label_yoy"), [t("label_firm"), t("label_type"), t("label_previous"), t("label_as_of"), "before",
                                   "after", t("label_change")],
                  [[y.firm, type_label(y.firm_type, lang), y.previous, y.as_of, y.before, y.after, y.change]
                   for y in yoy]),
            Sheet(t("label_cost_return"), [t("label_firm"), t("label_type"), t("label_as_of"), t("label_cost"),
                                           t("label_return"), t("label_risk"), t("label_source")],
                  [[r.firm, type_label(r.firm_type, lang), r.as_of, r.top20_cost, r.top20_return, r.top20_risk,
                    r.source] for r in cost_return(records)]),
            Sheet(t("label_rejected"), [t("label_problem")], [[m] for m in (e.message(lang) for e in rejected)]),
        ])
    return files
