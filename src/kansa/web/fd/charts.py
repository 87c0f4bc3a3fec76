"""ECharts options for the supervisor's comparison (data only: kansa.js draws any [data-chart] element)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from kansa.fd.analysis import FirmAnalysis
from kansa.fd.compare import FirmPlace, KpiRecord, TypeStats, YearOnYear, cost_return
from kansa.fd.compare_report import type_label
from kansa.fd.coverage import VERDICT_LABELS, VERDICTS
from kansa.fd.principles import Principles
from kansa.i18n import Lang, pick

COLOURS = {"concrete": "#2e7d32", "restated": "#f9a825", "not_applicable": "#90a4ae", "not_addressed": "#c62828"}


def distribution(stats: Sequence[TypeStats], as_of: date, lang: Lang) -> dict[str, Any]:
    """Box plot of the positive-return share per firm type at one base date."""
    rows = [s for s in stats if s.as_of == as_of and s.firm_type != "aggregate"]
    return {"tooltip": {"trigger": "item"}, "grid": {"left": 60, "bottom": 60},
            "xAxis": {"type": "category", "data": [type_label(s.firm_type, lang) for s in rows]},
            "yAxis": {"type": "value", "name": "%", "min": 0, "max": 100},
            "series": [{"type": "boxplot", "data": [[s.minimum, s.q1, s.median, s.q3, s.maximum] for s in rows]}]}


def places_chart(places: Sequence[FirmPlace], as_of: date, lang: Lang) -> dict[str, Any]:
    """Each firm as a point in its type's column (the type's median as a marker)."""
    rows = [p for p in places if p.as_of == as_of and p.firm_type != "aggregate"]
    types = sorted({p.firm_type for p in rows})
    labels = [type_label(t, lang) for t in types]
    return {"tooltip": {"trigger": "item"}, "grid": {"left": 60, "bottom": 60},
            "xAxis": {"type": "category", "data": labels},
            "yAxis": {"type": "value", "name": "%", "min": 0, "max": 100},
            "series": [{"type": "scatter", "symbolSize": 9,
                        "data": [{"name": p.firm, "value": [types.index(p.firm_type), p.value]} for p in rows]}]}


def yoy_chart(yoy: Sequence[YearOnYear], as_of: date, lang: Lang) -> dict[str, Any]:
    """Change of the positive-return share since the previous base date, firm by firm, grouped by type."""
    rows = sorted((y for y in yoy if y.as_of == as_of), key=lambda y: (y.firm_type, y.change))
    return {"tooltip": {"trigger": "axis"}, "grid": {"left": 60, "bottom": 120},
            "xAxis": {"type": "category", "data": [f"{y.firm}（{type_label(y.firm_type, lang)}）" for y in rows],
                      "axisLabel": {"rotate": 60}},
            "yAxis": {"type": "value", "name": "pt"},
            "series": [{"type": "bar", "data": [round(y.change, 2) for y in rows]}]}


def cost_return_chart(records: Sequence[KpiRecord], lang: Lang) -> dict[str, Any]:
    """Top-20 funds' weighted cost against their return, one series per firm type."""
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in cost_return(records):
        by_type[type_label(r.firm_type, lang)].append({"name": f"{r.firm} {r.as_of.isoformat()}",
                                                       "value": [r.top20_cost, r.top20_return]})
    cost, ret = ("コスト（%）", "リターン（%）") if lang == "ja" else ("Cost (%)", "Return (%)")
    return {"tooltip": {"trigger": "item"}, "legend": {"top": 0}, "grid": {"left": 60, "top": 40},
            "xAxis": {"type": "value", "name": cost}, "yAxis": {"type": "value", "name": ret},
            "series": [{"type": "scatter", "name": t, "data": pts, "symbolSize": 9}
                       for t, pts in sorted(by_type.items())]}


def coverage_heatmap(firms: Sequence[FirmAnalysis], principles: Principles, lang: Lang) -> dict[str, Any] | None:
    """Firms' latest policies x the 19 items the FSA's list asks for; value = verdict index (legend by verdict)."""
    rows = [f for f in firms if f.latest is not None and f.latest.coverage is not None]
    if not rows:
        return None
    items = [i for i in principles.items if i.report_required]
    data = [[x, y, VERDICTS.index(f.latest.coverage.items[i.id].verdict)]   # type: ignore[union-attr]
            for y, f in enumerate(rows) for x, i in enumerate(items)]
    return {"tooltip": {"position": "top"}, "grid": {"left": 160, "bottom": 90},
            "xAxis": {"type": "category", "data": [i.label(lang) for i in items], "axisLabel": {"rotate": 45}},
            "yAxis": {"type": "category", "data": [f.firm for f in rows]},
            "visualMap": {"type": "piecewise", "orient": "horizontal", "bottom": 0,
                          "pieces": [{"value": n, "label": pick(VERDICT_LABELS[v], lang), "color": COLOURS[v]}
                                     for n, v in enumerate(VERDICTS)]},
            "series": [{"type": "heatmap", "data": data}]}
