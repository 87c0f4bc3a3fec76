"""The conduct report: HTML and PDF for the board (Japanese first) and an Excel workbook for the auditors."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from kansa import __version__
from kansa.conduct.complaints import CATEGORY_LABELS, KIND_LABELS
from kansa.conduct.kpis import BAND_LABELS, BANDS, KPI_PRODUCT_TYPES
from kansa.contract.labels import PRODUCT_TYPE_LABELS
from kansa.engine import resolve_params
from kansa.engine.coverage import reason_text
from kansa.engine.flags import SEVERITY_RANK
from kansa.i18n import Lang, pick
from kansa.jpdate import format_era, format_fiscal_year
from kansa.reports.charts import bar_svg, heatmap_svg, line_svg, scatter_svg
from kansa.reports.excel import Sheet, write_workbook
from kansa.reports.html import make_env
from kansa.reports.pdf import write_pdf

if TYPE_CHECKING:
    from kansa.conduct.scan import ScanResult

EXCEL_MAX_ROWS = 1_000_000  # below Excel's 1,048,576-row limit; the rest stay in flags.csv / flags.parquet
HEATMAP_MAX_BRANCHES = 30


SEVERITY_LABELS = {"high": {"ja": "高", "en": "High"}, "medium": {"ja": "中", "en": "Medium"},
                   "low": {"ja": "低", "en": "Low"}}


def _dates(d: date | str, lang: Lang) -> str:
    """ISO date with the era beside it in Japanese: 2026-03-31（令和8年3月31日）."""
    d = date.fromisoformat(d) if isinstance(d, str) else d
    return f"{d.isoformat()}（{format_era(d)}）" if lang == "ja" else d.isoformat()


def _flag_rows(flags: pa.Table) -> list[dict[str, Any]]:
    """Flags as dicts with their evidence parsed."""
    rows = flags.to_pylist()
    for r in rows:
        try:
            r["evidence_obj"] = json.loads(r["evidence"]) if r.get("evidence") else {}
        except ValueError:
            r["evidence_obj"] = {}
    return rows


def _rule_sections(rules: Sequence[Any], rows: list[dict[str, Any]], lang: Lang, top_n: int) -> list[dict[str, Any]]:
    """One section per rule: title, meaning, counts, the worst `top_n` flags and how many more."""
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_rule.setdefault(r["rule_id"], []).append(r)
    sections = []
    for spec in rules:
        flagged = sorted(by_rule.get(spec.id, []), key=lambda r: (SEVERITY_RANK.get(r["severity"], 9),
                                                                   -(r["score"] or 0.0), r["entity_id"]))
        counts = {s: sum(1 for r in flagged if r["severity"] == s) for s in SEVERITY_RANK}
        sections.append({
            "id": spec.id, "title": pick(spec.title, lang), "severity": spec.severity,
            "entity_type": spec.entity_type,
            "meaning": pick(spec.summary, lang) or pick(spec.rationale, lang),
            "rationale": pick(spec.rationale, lang), "references": list(spec.references),
            "count": len(flagged), "counts": counts, "top": flagged[:top_n], "more": max(0, len(flagged) - top_n),
        })
    sections.sort(key=lambda s: (-s["counts"]["high"], -s["count"], s["id"]))
    return sections


def _branch_matrix(con: duckdb.DuckDBPyConnection, flags: pa.Table) -> tuple[list[str], list[str], list[list[int]]]:
    """Flags per branch and rule; a flag's branch comes from its trade, customer, household, staff or itself."""
    if flags.num_rows == 0:
        return [], [], []
    con.register("_report_flags", flags.select(["rule_id", "entity_type", "entity_id"]))
    staff = "LEFT JOIN staff s ON f.entity_type = 'staff' AND s.staff_id = f.entity_id" if _exists(con, "staff") else ""
    staff_col = "s.branch_id" if staff else "NULL"
    rows = con.execute(f"""
        WITH hh AS (SELECT household_id, min(branch_id) AS branch_id FROM customers GROUP BY household_id),
        fb AS (
            SELECT f.rule_id, coalesce(CASE f.entity_type
                WHEN 'trade' THEN t.branch_id WHEN 'customer' THEN c.branch_id WHEN 'household' THEN hh.branch_id
                WHEN 'staff' THEN {staff_col} WHEN 'branch' THEN f.entity_id END, '?') AS branch_id
            FROM _report_flags f
            LEFT JOIN trades t ON f.entity_type = 'trade' AND t.trade_id = f.entity_id
            LEFT JOIN customers c ON f.entity_type = 'customer' AND c.customer_id = f.entity_id
            LEFT JOIN hh ON f.entity_type = 'household' AND hh.household_id = f.entity_id
            {staff}
        )
        SELECT branch_id, rule_id, count(*) FROM fb GROUP BY ALL
    """).fetchall()
    con.unregister("_report_flags")
    totals: dict[str, int] = {}
    for b, _r, n in rows:
        totals[b] = totals.get(b, 0) + n
    branches = sorted(totals, key=lambda b: (-totals[b], b))[:HEATMAP_MAX_BRANCHES]
    rule_ids = sorted({r for _b, r, _n in rows})
    cell = {(b, r): n for b, r, n in rows}
    return branches, rule_ids, [[cell.get((b, r), 0) for r in rule_ids] for b in branches]


def _exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchall()[0]
    return bool(row and row[0])


MANIFEST_COLUMNS = ("table_name", "path", "row_count", "size_bytes", "encoding", "loaded_at", "sha256")


def _manifest(con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[list[Any]]]:
    """The load manifest (file, rows, SHA-256 ...) of the data scanned: the workspace's, or the folder just read."""
    if not _exists(con, "_load_manifest"):
        return [], []
    present = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = '_load_manifest'").fetchall()}
    cols = [c for c in MANIFEST_COLUMNS if c in present]
    if not cols:
        return [], []
    # Only the files behind the tables now there (the latest load of each table), not every load ever made.
    current = (" WHERE load_id = (SELECT arg_max(m2.load_id, m2.loaded_at) FROM _load_manifest m2"
               " WHERE m2.table_name = _load_manifest.table_name)") if "load_id" in present else ""
    rows = con.execute(f"SELECT {', '.join(cols)} FROM _load_manifest{current} ORDER BY {cols[0]}").fetchall()
    return cols, [list(r) for r in rows]


def _param_text(value: Any) -> str:
    """A parameter value as a person writes it: lists joined with commas."""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _product_names(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, str]:
    """Product names for the KPI tables."""
    if not ids:
        return {}
    return dict(con.execute("SELECT product_id, name FROM products WHERE product_id IN (SELECT unnest(?))",
                            [ids]).fetchall())


def _pct_or_none(share: float | None) -> float | None:
    """A share as percent for a chart, None left as a gap."""
    return None if share is None else share * 100


def _kpi_charts(kpis: list[dict[str, Any]], names: Mapping[str, str], lang: Lang) -> dict[str, str]:
    """Return-band bars per date, top-20 cost/return scatter (latest date), positive-share series."""
    charts: dict[str, str] = {}
    ja = lang == "ja"
    bands = [pick(BAND_LABELS[b], lang) for b, _l, _h in BANDS]
    for ptype in KPI_PRODUCT_TYPES:
        series = {k["as_of_date"]: [(b["share"] or 0) * 100 for b in k[ptype]["return_bands"]]
                  for k in kpis[-4:] if k[ptype]["customers"]}
        if series:
            charts[f"bands_{ptype}"] = bar_svg(
                bands, series, ylabel="顧客の割合 (%)" if ja else "share of customers (%)",
                title=pick(PRODUCT_TYPE_LABELS[ptype], lang)
                + ("：運用損益別顧客比率" if ja else ": customers by return"),
                value_format="{:.1f}")
        top = kpis[-1][ptype]["top20"] if kpis else []
        pts = [(t["cost_rate"], t["return_5y"], str(i + 1)) for i, t in enumerate(top)
               if t["cost_rate"] is not None and t["return_5y"] is not None]
        if pts:
            w = kpis[-1][ptype]["top20_weighted"]
            hl = (w["cost_rate"], w["return_5y"], "加重平均" if ja else "weighted avg") \
                if w["cost_rate"] is not None and w["return_5y"] is not None else None
            charts[f"scatter_{ptype}"] = scatter_svg(
                pts, xlabel="コスト (%)" if ja else "cost (%)",
                ylabel="リターン 5年 (%/年)" if ja else "5y return (%/yr)",
                sizes=[t["balance_jpy"] for t in top if t["cost_rate"] is not None and t["return_5y"] is not None],
                highlight=hl,
                title=("預り残高上位20銘柄のコスト・リターン" if ja else "Top 20 by balance: cost vs return"))
    if kpis:
        charts["positive_share"] = line_svg(
            [k["as_of_date"] for k in kpis],
            {pick(PRODUCT_TYPE_LABELS[p], lang): [_pct_or_none(k[p]["positive_share"]) for k in kpis]
             for p in KPI_PRODUCT_TYPES},
            ylabel="%", title="運用損益0%以上の顧客の割合" if ja else "Share of customers at 0% or better")
    del names  # names label the tables, not the charts (numbers keep the scatter legible)
    return charts


def _complaint_context(complaints: Mapping[str, Any], lang: Lang) -> dict[str, Any]:
    """Complaints by fiscal year and category (table + chart), the trend, and the branches with the highest rate."""
    cats = complaints["by_category"]
    years = sorted({c["fiscal_year"] for c in cats})
    cat_ids = [c for c in CATEGORY_LABELS if any(x["category"] == c for x in cats)]
    count = {(c["fiscal_year"], c["category"]): c["count"] for c in cats}
    table = [{"category": pick(CATEGORY_LABELS[c], lang), "counts": [count.get((y, c), 0) for y in years]}
             for c in cat_ids]
    year_labels = [format_fiscal_year(y, lang) for y in years]
    chart = bar_svg([pick(CATEGORY_LABELS[c], lang) for c in cat_ids],
                    {(f"{y}年度" if lang == "ja" else f"FY{y}"): [count.get((y, c), 0) for c in cat_ids]
                     for y in years[-3:]},
                    ylabel="件数" if lang == "ja" else "count") if cats else ""
    rates = complaints["branch_rates"]
    latest = max((r["fiscal_year"] for r in rates), default=None)
    top_branches = sorted((r for r in rates if r["fiscal_year"] == latest and r["per_1000"] is not None),
                          key=lambda r: (-r["per_1000"], r["branch_id"]))[:10]
    kinds: dict[tuple[int, str], int] = {}
    for fy, kind, _pt, n in complaints["summary"]:
        kinds[(fy, kind)] = kinds.get((fy, kind), 0) + n
    kind_table = [{"kind": pick(KIND_LABELS.get(k, {"ja": k, "en": k}), lang),
                   "counts": [kinds.get((y, k), 0) for y in sorted({fy for fy, _k in kinds})]} for k in KIND_LABELS]
    return {"years": year_labels, "table": table, "chart": chart, "trend": complaints["trend"],
            "top_branches": top_branches, "latest": format_fiscal_year(latest, lang) if latest else "",
            "kind_years": [format_fiscal_year(y, lang) for y in sorted({fy for fy, _k in kinds})],
            "kind_table": kind_table, "fy": lambda y: format_fiscal_year(y, lang)}


def _params_context(rules: Sequence[Any], params: Mapping[str, Mapping[str, Any]], lang: Lang) -> list[dict[str, Any]]:
    """Every rule parameter: default, the value used, and whether the institution overrode it."""

    out = []
    for spec in rules:
        used = resolve_params(spec, params)
        for p in spec.params:
            out.append({"rule_id": spec.id, "name": p.name, "description": pick(p.description, lang),
                        "default": _param_text(p.default), "value": _param_text(used[p.name]),
                        "overridden": used[p.name] != p.default})
    return out


def _coverage_context(result: ScanResult, lang: Lang) -> dict[str, dict[str, Any]]:
    """Rule id -> its coverage row with the reason in words: a rule that did not run must say so and why."""
    if result.coverage is None:
        return {}
    out = {}
    for row in result.coverage.to_pylist():
        row["text"] = reason_text(row["reason"], row["detail"], lang) if row["reason"] else ""
        out[row["rule_id"]] = row
    return out


def _cases_context(result: ScanResult, lang: Lang, top_n: int) -> list[dict[str, Any]]:
    """The top cases of the review queue, with the reason in the reader's language."""
    if result.cases is None:
        return []
    rows = result.cases.slice(0, top_n).to_pylist()
    for r in rows:
        r["reason"] = r["reason_ja"] if lang == "ja" else r["reason_en"]
    return rows


def build_context(con: duckdb.DuckDBPyConnection, result: ScanResult, *, rules: Sequence[Any],
                  params: Mapping[str, Mapping[str, Any]], lang: Lang, top_n: int, source: Path | None,
                  engine: str) -> dict[str, Any]:
    """Everything the report template shows."""
    rows = _flag_rows(result.flags)
    sections = _rule_sections(rules, rows, lang, top_n)
    worst = sorted(rows, key=lambda r: (SEVERITY_RANK.get(r["severity"], 9), -(r["score"] or 0.0)))[:5]
    titles = {s.id: pick(s.title, lang) for s in rules}
    branches, rule_ids, matrix = _branch_matrix(con, result.flags)
    kpis = result.kpis
    latest = kpis[-1] if kpis else None
    names = _product_names(con, [t["product_id"] for k in kpis[-1:] for p in KPI_PRODUCT_TYPES for t in k[p]["top20"]])
    manifest_cols, manifest_rows = _manifest(con)
    by_sev = {s: sum(1 for r in rows if r["severity"] == s) for s in SEVERITY_RANK}
    return {
        "lang": lang, "ja": lang == "ja", "kansa_version": __version__,
        "as_of": _dates(result.as_of, lang), "generated": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "source": str(source) if source else "", "engine": engine,
        "total": len(rows), "by_severity": by_sev, "sev_label": {k: pick(v, lang) for k, v in SEVERITY_LABELS.items()},
        "sections": sections, "worst": worst, "titles": titles,
        "heatmap": heatmap_svg(branches, rule_ids, matrix) if matrix else "",
        "kpis": kpis, "latest": latest, "names": names, "charts": _kpi_charts(kpis, names, lang),
        "band_labels": [pick(BAND_LABELS[b], lang) for b, _l, _h in BANDS],
        "ptypes": [(p, pick(PRODUCT_TYPE_LABELS[p], lang)) for p in KPI_PRODUCT_TYPES],
        "ptype_label": {k: pick(v, lang) for k, v in PRODUCT_TYPE_LABELS.items()},
        "complaints": _complaint_context(result.complaints, lang),
        "params": _params_context(rules, params, lang),
        "manifest_cols": manifest_cols, "manifest_rows": manifest_rows,
        "timings": {k: v for k, v in result.timings.items() if ":" not in k}, "top_n": top_n,
        "date_label": lambda d: _dates(d, lang),
        "coverage": _coverage_context(result, lang), "cases": _cases_context(result, lang, top_n),
        "case_total": result.cases.num_rows if result.cases is not None else 0,
    }


def _excel_sheets(ctx: Mapping[str, Any], result: ScanResult, rules: Sequence[Any], lang: Lang) -> list[Sheet]:
    """Summary and KPI sheets first, then one sheet per rule with every flag."""
    ja = lang == "ja"
    sheets = [Sheet("summary" if not ja else "サマリー",
                    ["rule_id", "title", "entity_type", "flags", "high", "medium", "low"],
                    [[s["id"], s["title"], s["entity_type"], s["count"], s["counts"]["high"], s["counts"]["medium"],
                      s["counts"]["low"]] for s in ctx["sections"]],
                    widths=[30, 60, 12, 8, 8, 8, 8], note=f"as_of {result.as_of.isoformat()}")]
    if result.cases is not None:
        sheets.append(Sheet("cases", ["rank", "case_id", "subject_type", "subject_id", "score", "rule_ids",
                                      "flag_count", "reason"],
                            [[c["rank"], c["case_id"], c["subject_type"], c["subject_id"], c["score"], c["rule_ids"],
                              c["flag_count"], c["reason_ja"] if ja else c["reason_en"]]
                             for c in result.cases.slice(0, EXCEL_MAX_ROWS).to_pylist()],
                            widths=[6, 24, 10, 14, 8, 40, 8, 90]))
    sheets.append(Sheet("coverage", ["rule_id", "status", "reason", "rows_in_scope", "period_from", "period_to",
                                     "rows_after_as_of"],
                        [[c["rule_id"], c["status"], c["text"] or c["reason"], c["rows_in_scope"], c["period_from"],
                          c["period_to"], c["rows_after_as_of"]] for c in ctx["coverage"].values()],
                        widths=[30, 14, 40, 12, 12, 12, 12]))
    band_rows = [[k["as_of_date"], p, b["band"], b["customers"], b["share"]]
                 for k in result.kpis for p in KPI_PRODUCT_TYPES for b in k[p]["return_bands"]]
    sheets.append(Sheet("KPI_return_bands", ["as_of_date", "product_type", "band", "customers", "share"], band_rows,
                        formats={"share": "0.0%"}))
    top_rows = [[k["as_of_date"], p, i + 1, t["product_id"], ctx["names"].get(t["product_id"], ""), t["balance_jpy"],
                 t["cost_rate"], t["return_5y"], t["risk_5y"]]
                for k in result.kpis for p in KPI_PRODUCT_TYPES for i, t in enumerate(k[p]["top20"])]
    sheets.append(Sheet("KPI_top20", ["as_of_date", "product_type", "rank", "product_id", "name", "balance_jpy",
                                      "cost_rate", "return_5y", "risk_5y"], top_rows, formats={"balance_jpy": "#,##0"}))
    mon_rows = [[k["as_of_date"], key, value] for k in result.kpis for key, value in k.get("monitoring", {}).items()
                if isinstance(value, int | float) and not isinstance(value, bool)]
    sheets.append(Sheet("monitoring", ["as_of_date", "indicator", "value"], mon_rows, widths=[12, 32, 16]))
    branch_rows = [[k["as_of_date"], b["branch_id"], b["buys"], b["buy_amount_jpy"], b["structured_bond_share"],
                    b["affiliated_share"], b["fee_rate_weighted"]]
                   for k in result.kpis for b in k.get("monitoring", {}).get("by_branch", [])]
    sheets.append(Sheet("monitoring_by_branch", ["as_of_date", "branch_id", "buys", "buy_amount_jpy",
                                                 "structured_bond_share", "affiliated_share", "fee_rate_weighted"],
                        branch_rows, formats={"buy_amount_jpy": "#,##0", "structured_bond_share": "0.0%",
                                              "affiliated_share": "0.0%"}))
    sheets.append(Sheet("complaints_summary", ["fiscal_year", "kind", "product_type", "count"],
                        [list(r) for r in result.complaints["summary"]]))
    sheets.append(Sheet("complaints_category", ["fiscal_year", "category", "count", "derived_from_text"],
                        [[c["fiscal_year"], c["category"], c["count"], c["derived"]]
                         for c in result.complaints["by_category"]]))
    sheets.append(Sheet("complaints_by_branch", ["fiscal_year", "branch_id", "complaints", "customers", "per_1000",
                                                 "prev_per_1000", "change_per_1000"],
                        [[r["fiscal_year"], r["branch_id"], r["complaints"], r["customers"], r["per_1000"],
                          r["prev_per_1000"], r["change_per_1000"]] for r in result.complaints["branch_rates"]]))
    sheets.append(Sheet("parameters", ["rule_id", "name", "default", "value", "overridden", "description"],
                        [[p["rule_id"], p["name"], p["default"], p["value"], p["overridden"],
                          p["description"]] for p in ctx["params"]], widths=[30, 24, 14, 14, 10, 60]))
    flags = result.flags
    for spec in sorted(rules, key=lambda s: s.id):
        part = flags.filter(pc.equal(flags["rule_id"], spec.id)).slice(0, EXCEL_MAX_ROWS)
        sheets.append(Sheet(spec.id, ["entity_type", "entity_id", "severity", "score", "event_date", "reason",
                                      "evidence"],
                            ([r["entity_type"], r["entity_id"], r["severity"], r["score"], r["event_date"],
                              r["reason"], r["evidence"]] for r in part.to_pylist()),
                            widths=[10, 18, 8, 8, 11, 70, 60], note=pick(spec.title, lang)))
    return sheets


REPORT_FORMATS: tuple[str, ...] = ("html", "pdf", "xlsx")


def write_reports(con: duckdb.DuckDBPyConnection, result: ScanResult, *, rules: Sequence[Any],
                  params: Mapping[str, Mapping[str, Any]], lang: Lang = "ja", top_n: int = 20,
                  source: Path | None = None, engine: str = "duckdb",
                  formats: Sequence[str] = REPORT_FORMATS) -> dict[str, Path]:
    """Write report.html, report.pdf and report.xlsx (those named in `formats`) into the scan's output folder."""
    ctx = build_context(con, result, rules=rules, params=params, lang=lang, top_n=top_n, source=source,
                        engine=engine)
    html = make_env("kansa.conduct").get_template("conduct_report.html.j2").render(**ctx)
    out = result.out_dir
    files: dict[str, Path] = {}
    if "html" in formats:
        files["report.html"] = out / "report.html"
        files["report.html"].write_text(html, encoding="utf-8")
    if "pdf" in formats:
        files["report.pdf"] = write_pdf(html, out / "report.pdf")
    if "xlsx" in formats:
        files["report.xlsx"] = write_workbook(out / "report.xlsx", _excel_sheets(ctx, result, rules, lang))
    return files
