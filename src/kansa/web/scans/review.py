"""What a scan page leads with: the ranked review queue (case -> its flags), coverage, the heat map, the cyber view."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any
from urllib.parse import quote_plus

from django.contrib.auth.decorators import login_required
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from kansa.engine.coverage import reason_text
from kansa.web.org.scoping import scoped, scoped_get
from kansa.web.scans.models import Case, Coverage, Flag, Scan

QUEUE_LENGTH = 50        # cases on the scan page; the flag list filters by case for the rest
FLAGS_PER_CASE = 20


def lang_of(request: HttpRequest) -> str:
    """The reader's language for texts stored in both (ja/en)."""
    return "en" if getattr(request, "LANGUAGE_CODE", "ja") == "en" else "ja"


def review_queue(user: Any, scan: Scan, lang: str) -> list[dict[str, Any]]:
    """The top cases by rank, each with its first flags (two queries, whatever the number of cases)."""
    cases = list(scoped(user, Case.objects.filter(scan=scan)).order_by("rank")[:QUEUE_LENGTH])
    flags: dict[int, list[Flag]] = defaultdict(list)
    for f in scoped(user, Flag.objects.filter(case__in=cases)).only(
            "id", "case_id", "rule_id", "entity_type", "entity_id", "severity", "reason").order_by("case_id", "id"):
        if len(flags[f.case_id]) < FLAGS_PER_CASE:
            flags[f.case_id].append(f)
    return [{"case": c, "reason": c.reason_en if lang == "en" else c.reason_ja, "flags": flags[c.pk],
             "more": c.flag_count - len(flags[c.pk])} for c in cases]


def coverage_rows(user: Any, scan: Scan, lang: str) -> list[dict[str, Any]]:
    """Per rule: evaluated (with its flag count, 0 meaning 'no finding') or not evaluated and why."""
    counts = dict(scoped(user, Flag.objects.filter(scan=scan)).values_list("rule_id").annotate(n=Count("id"))
                  .order_by())
    rows = []
    for c in scoped(user, Coverage.objects.filter(scan=scan)):
        evaluated = c.status == Coverage.EVALUATED
        rows.append({"c": c, "evaluated": evaluated, "flags": counts.get(c.rule_id, 0) if evaluated else None,
                     "why": "" if evaluated else reason_text(c.reason, c.detail, lang)})
    return rows


def cyber_view(user: Any, scan: Scan, lang: str) -> dict[str, Any]:
    """Findings by control area, KEV exposure and privileged-access exceptions of a cyber scan."""
    flags = scoped(user, Flag.objects.filter(scan=scan))
    by_area: dict[str, dict[str, int]] = defaultdict(dict)
    for area, severity, n in flags.values_list("area", "severity").annotate(n=Count("id")).order_by():
        by_area[area][severity] = n
    areas = [{"id": a["id"], "title": a["title"].get(lang, a["title"]["ja"]), "high": by_area[a["id"]].get("high", 0),
              "medium": by_area[a["id"]].get("medium", 0), "low": by_area[a["id"]].get("low", 0),
              "total": sum(by_area[a["id"]].values())} for a in scan.details.get("areas", [])]
    return {"areas": areas, "kev": scan.details.get("kev"), "details": scan.details,
            "kev_matches": scan.details.get("kev_matches", [])[:100],
            "privileged": flags.filter(area="privileged").order_by("rule_id", "entity_id")[:200],
            "privileged_total": flags.filter(area="privileged").count()}


def heat_cells(flags: QuerySet[Flag]) -> dict[str, Any]:
    """The branch x rule heat map of these flags, counted in the database (ECharts option)."""
    cells = list(flags.exclude(branch="").values_list("branch", "rule_id").annotate(n=Count("id")).order_by())
    branches = sorted({b for b, _r, _n in cells})
    rules = sorted({r for _b, r, _n in cells})
    bi, ri = {b: i for i, b in enumerate(branches)}, {r: i for i, r in enumerate(rules)}
    return {"branches": branches, "rules": rules, "cells": cells, "option": {
        "tooltip": {}, "grid": {"left": 90, "bottom": 120},
        "xAxis": {"type": "category", "data": rules, "axisLabel": {"rotate": 30}},
        "yAxis": {"type": "category", "data": branches},
        "visualMap": {"min": 0, "max": max((n for _b, _r, n in cells), default=1), "orient": "horizontal"},
        "series": [{"type": "heatmap", "data": [[ri[r], bi[b], n] for b, r, n in cells]}]}}


@login_required
@require_GET
def heatmap(request: HttpRequest, pk: int) -> HttpResponse:
    """A scan's branch x rule heat map, with the counts as a table (each cell links to its flags)."""
    scan = scoped_get(request.user, Scan.objects.select_related("institution"), pk=pk)
    heat = heat_cells(scoped(request.user, Flag.objects.filter(scan=scan)))
    grid = {(b, r): n for b, r, n in heat["cells"]}
    flags_url = reverse("scans:flag_list", args=[scan.pk])
    table = [(b, _heat_row(flags_url, b, [(r, grid.get((b, r), 0)) for r in heat["rules"]]))
             for b in heat["branches"]]
    return render(request, "scans/heatmap.html", {
        "scan": scan, "rules": heat["rules"], "table": table,
        "heat": json.dumps(heat["option"], ensure_ascii=False)})


def _heat_row(flags_url: str, branch: str, row: list[tuple[str, int]]) -> str:
    """One branch's cells, each count linking to its flags.

    Built here rather than in a template loop (60 branches x 14 rules cost more than the rest of the page);
    every piece that comes from data is URL-quoted and HTML-escaped before it is joined.
    """
    head = escape(f"{flags_url}?branch={quote_plus(branch)}&rule_id=")
    cells = "".join(f'<td><a href="{head}{escape(quote_plus(rule))}">{int(n)}</a></td>' if n else "<td></td>"
                    for rule, n in row)
    return mark_safe(cells)  # every data piece escaped above
