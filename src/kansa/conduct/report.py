"""The conduct report: HTML and PDF for the board (Japanese first) and an Excel workbook for the auditors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from kansa import __version__
from kansa.conduct.complaints import CATEGORY_LABELS, KIND_LABELS
from kansa.conduct.kpis import BAND_LABELS, BANDS, KPI_PRODUCT_TYPES
from kansa.conduct.report_excel import excel_sheets
from kansa.conduct.report_pdf import write_conduct_pdf
from kansa.contract.labels import PRODUCT_TYPE_LABELS
from kansa.engine import resolve_params
from kansa.engine.coverage import reason_text
from kansa.engine.flags import SEVERITY_RANK
from kansa.i18n import Lang, pick
from kansa.jpdate import format_era, format_fiscal_year
from kansa.reports.excel import write_workbook
from kansa.reports.html import make_env
from kansa.reports.svg import bar_svg, heatmap_svg, line_svg, scatter_svg

if TYPE_CHECKING:
    from kansa.conduct.scan import ScanResult

HEATMAP_MAX_BRANCHES = 30


SEVERITY_LABELS = {"high": {"ja": "高", "en": "High"}, "medium": {"ja": "中", "en": "Medium"},
                   "low": {"ja": "低", "en": "Low"}}


def _dates(d: date | str, lang: Lang) -> str:
    """ISO date with the era beside it in Japanese: 2026-03-31（令和8年3月31日）."""
    d = date.fromisoformat(d) if isinstance(d, str) else d
    return f"{d.isoformat()}（{format_era(d)}）" if lang == "ja" else d.isoformat()


_ORDER = ("CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 WHEN 'low' THEN 2 ELSE 9 END, "
          "coalesce(score, 0.0) DESC, entity_id")  # worst first: SEVERITY_RANK, then score, then the entity


def _top_flags(flags: pa.Table, top_n: int) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]:
    """The worst `top_n` flags of each rule and the worst five overall, sorted in DuckDB (never all flags in Python)."""
    con = duckdb.connect()
    con.register("f", flags.select(["rule_id", "entity_type", "entity_id", "severity", "score", "event_date",
                                    "reason"]))
    per_rule = con.sql(f"SELECT * FROM f QUALIFY row_number() OVER (PARTITION BY rule_id ORDER BY {_ORDER}) <= ? "
                           f"ORDER BY rule_id, {_ORDER}", params=[top_n]).to_arrow_table().to_pylist()
    worst = con.sql(f"SELECT * FROM f ORDER BY {_ORDER} LIMIT 5").to_arrow_table().to_pylist()
    con.close()
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for r in per_rule:
        by_rule.setdefault(r["rule_id"], []).append(r)
    return by_rule, worst


def _severity_counts(flags: pa.Table) -> dict[tuple[str, str], int]:
    """(rule_id, severity) -> number of flags, counted by Arrow."""
    grouped = flags.group_by(["rule_id", "severity"]).aggregate([("entity_id", "count")])
    return {(r, s): n for r, s, n in zip(grouped["rule_id"].to_pylist(), grouped["severity"].to_pylist(),
                                          grouped["entity_id_count"].to_pylist(), strict=True)}


def _rule_sections(rules: Sequence[Any], flags: pa.Table, lang: Lang, top_n: int) -> list[dict[str, Any]]:
    """One section per rule: title, meaning, counts, the worst `top_n` flags and how many more."""
    top, _worst = _top_flags(flags, top_n)
    counted = _severity_counts(flags)
    sections = []
    for spec in rules:
        counts = {s: counted.get((spec.id, s), 0) for s in SEVERITY_RANK}
        count = sum(n for (r, _s), n in counted.items() if r == spec.id)
        sections.append({
            "id": spec.id, "title": pick(spec.title, lang), "severity": spec.severity,
            "entity_type": spec.entity_type,
            "meaning": pick(spec.summary, lang) or pick(spec.rationale, lang),
            "rationale": pick(spec.rationale, lang), "references": list(spec.references),
            "count": count, "counts": counts, "top": top.get(spec.id, []), "more": max(0, count - top_n),
        })
    sections.sort(key=lambda s: (-s["counts"]["high"], -s["count"], s["id"]))
    return sections


def _branch_matrix(con: duckdb.DuckDBPyConnection, flags: pa.Table) -> tuple[list[str], list[str], list[list[int]]]:
    """Flags per branch and rule; a flag's branch comes from its trade, customer, household, staff or itself."""
    if flags.num_rows == 0:
        return [], [], []
    # A trade flag's branch is in its evidence (every trade rule selects t.branch_id): the trades table is probed
    # only for flags without it, so the heat map costs the same at 10M trades as at 1M.
    con.register("_report_raw", flags.select(["rule_id", "entity_type", "entity_id", "evidence"]))
    keyed = con.sql("""SELECT rule_id, entity_type, entity_id,
                              CASE WHEN entity_type = 'trade' AND json_valid(evidence)
                                   THEN json_extract_string(evidence, '$.branch_id') END AS ev_branch
                       FROM _report_raw""").to_arrow_table()
    con.unregister("_report_raw")
    con.register("_report_flags", keyed)
    probe = pc.sum(pc.and_(pc.equal(keyed["entity_type"], "trade"), pc.is_null(keyed["ev_branch"]))).as_py()
    trades = ("SELECT trade_id, branch_id FROM trades WHERE trade_id IN "
              "(SELECT entity_id FROM keys WHERE entity_type = 'trade' AND ev_branch IS NULL)" if probe
              else "SELECT NULL::VARCHAR AS trade_id, NULL::VARCHAR AS branch_id WHERE false")
    staff = ("LEFT JOIN staff s ON f.entity_type = 'staff' AND s.staff_id = f.entity_id" if _exists(con, "staff")
             else "")
    staff_col = "s.branch_id" if staff else "NULL"
    rows = con.execute(f"""
        WITH keys AS (SELECT DISTINCT entity_type, entity_id, ev_branch FROM _report_flags),
        t AS ({trades}),
        c AS (SELECT customer_id, branch_id FROM customers
              WHERE customer_id IN (SELECT entity_id FROM keys WHERE entity_type = 'customer')),
        hh AS (SELECT household_id, min(branch_id) AS branch_id FROM customers
               WHERE household_id IN (SELECT entity_id FROM keys WHERE entity_type = 'household')
               GROUP BY household_id),
        fb AS (
            SELECT f.rule_id, coalesce(CASE f.entity_type
                WHEN 'trade' THEN coalesce(f.ev_branch, t.branch_id) WHEN 'customer' THEN c.branch_id
                WHEN 'household' THEN hh.branch_id
                WHEN 'staff' THEN {staff_col} WHEN 'branch' THEN f.entity_id END, '?') AS branch_id
            FROM _report_flags f
            LEFT JOIN t ON f.entity_type = 'trade' AND t.trade_id = f.entity_id
            LEFT JOIN c ON f.entity_type = 'customer' AND c.customer_id = f.entity_id
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
    sections = _rule_sections(rules, result.flags, lang, top_n)
    _top, worst = _top_flags(result.flags, 5)
    titles = {s.id: pick(s.title, lang) for s in rules}
    branches, rule_ids, matrix = _branch_matrix(con, result.flags)
    kpis = result.kpis
    latest = kpis[-1] if kpis else None
    names = _product_names(con, [t["product_id"] for k in kpis[-1:] for p in KPI_PRODUCT_TYPES for t in k[p]["top20"]])
    manifest_cols, manifest_rows = _manifest(con)
    by_sev = {s: sum(sec["counts"][s] for sec in sections) for s in SEVERITY_RANK}
    return {
        "lang": lang, "ja": lang == "ja", "kansa_version": __version__,
        "as_of": _dates(result.as_of, lang), "generated": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "source": str(source) if source else "", "engine": engine,
        "total": result.flags.num_rows, "by_severity": by_sev,
        "sev_label": {k: pick(v, lang) for k, v in SEVERITY_LABELS.items()},
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


REPORT_FORMATS: tuple[str, ...] = ("html", "pdf", "xlsx")


def write_reports(con: duckdb.DuckDBPyConnection, result: ScanResult, *, rules: Sequence[Any],
                  params: Mapping[str, Mapping[str, Any]], lang: Lang = "ja", top_n: int = 20,
                  source: Path | None = None, engine: str = "duckdb",
                  formats: Sequence[str] = REPORT_FORMATS) -> dict[str, Path]:
    """Write report.html, report.pdf and report.xlsx (those named in `formats`) into the scan's output folder.

    One context feeds all three: HTML from Jinja2, the PDF typeset by Typst, the workbook by XlsxWriter.
    Typst runs in a worker thread (it releases the GIL) while Python writes the HTML and the workbook.
    """
    ctx = build_context(con, result, rules=rules, params=params, lang=lang, top_n=top_n, source=source,
                        engine=engine)
    out = result.out_dir
    files: dict[str, Path] = {}
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kansa-pdf") as pool:
        pdf = pool.submit(write_conduct_pdf, ctx, out / "report.pdf") if "pdf" in formats else None
        if "html" in formats:
            html = make_env("kansa.conduct").get_template("conduct_report.html.j2").render(**ctx)
            files["report.html"] = out / "report.html"
            files["report.html"].write_text(html, encoding="utf-8")
        if "xlsx" in formats:
            files["report.xlsx"] = write_workbook(out / "report.xlsx", excel_sheets(ctx, result, rules, lang))
        if pdf is not None:
            files["report.pdf"] = pdf.result()
    return files
