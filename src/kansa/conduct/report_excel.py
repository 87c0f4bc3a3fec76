"""The conduct report workbook: summary, cases, coverage, KPIs, complaints, parameters, a sheet per rule.

Its size does not grow with the data: the rule sheets and the cases sheet hold the worst EXCEL_TOP_ROWS each
(the full lists are flags.csv / flags.parquet and cases.csv), so an institution ten times larger gets a
workbook of the same size, written in the same time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from kansa.conduct.kpis import KPI_PRODUCT_TYPES
from kansa.i18n import Lang, pick
from kansa.reports.excel import Sheet

if TYPE_CHECKING:
    from kansa.conduct.scan import ScanResult

EXCEL_TOP_ROWS = 500  # per rule sheet and for cases (~0.6 s for 15 full sheets); the rest are in flags.csv / cases.csv
_ORDER = ("CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 WHEN 'low' THEN 2 ELSE 9 END, "
          "coalesce(score, 0.0) DESC, entity_id")


def _more_note(total: int, where: str, lang: Lang) -> str:
    """'the worst 1,000 of 5,432; all in flags.csv' when a sheet is cut, else nothing."""
    if total <= EXCEL_TOP_ROWS:
        return ""
    if lang == "ja":
        return f"（全{total:,}件のうち上位{EXCEL_TOP_ROWS:,}件。全件は {where}）"
    return f"(the worst {EXCEL_TOP_ROWS:,} of {total:,}; all in {where})"


def _worst_flags(flags: pa.Table) -> dict[str, list[list[Any]]]:
    """rule_id -> its worst EXCEL_TOP_ROWS flags as sheet rows, chosen and sorted by DuckDB."""
    con = duckdb.connect()
    con.register("f", flags)
    table = con.sql(
        "SELECT rule_id, entity_type, entity_id, severity, score, event_date, reason, evidence FROM f "
        f"QUALIFY row_number() OVER (PARTITION BY rule_id ORDER BY {_ORDER}) <= ? ORDER BY rule_id, {_ORDER}",
        params=[EXCEL_TOP_ROWS]).to_arrow_table()
    con.close()
    out: dict[str, list[list[Any]]] = {}
    columns = [table[c].to_pylist() for c in table.column_names]
    for row in zip(*columns, strict=True):
        out.setdefault(row[0], []).append(list(row[1:]))
    return out


def excel_sheets(ctx: Mapping[str, Any], result: ScanResult, rules: Sequence[Any], lang: Lang) -> list[Sheet]:
    """Summary and KPI sheets first, then the top cases and one sheet per rule with its worst flags."""
    ja = lang == "ja"
    sheets = [Sheet("summary" if not ja else "サマリー",
                    ["rule_id", "title", "entity_type", "flags", "high", "medium", "low"],
                    [[s["id"], s["title"], s["entity_type"], s["count"], s["counts"]["high"], s["counts"]["medium"],
                      s["counts"]["low"]] for s in ctx["sections"]],
                    widths=[30, 60, 12, 8, 8, 8, 8], note=f"as_of {result.as_of.isoformat()}")]
    if result.cases is not None:
        cases = result.cases.slice(0, EXCEL_TOP_ROWS)
        sheets.append(Sheet("cases", ["rank", "case_id", "subject_type", "subject_id", "score", "rule_ids",
                                      "flag_count", "reason"],
                            [[c["rank"], c["case_id"], c["subject_type"], c["subject_id"], c["score"], c["rule_ids"],
                              c["flag_count"], c["reason_ja"] if ja else c["reason_en"]]
                             for c in cases.to_pylist()],
                            widths=[6, 24, 10, 14, 8, 40, 8, 90],
                            note=_more_note(result.cases.num_rows, "cases.csv", lang)))
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
    worst = _worst_flags(result.flags)
    counts = {s["id"]: s["count"] for s in ctx["sections"]}
    for spec in sorted(rules, key=lambda s: s.id):
        note = pick(spec.title, lang)
        more = _more_note(counts.get(spec.id, 0), "flags.csv", lang)
        sheets.append(Sheet(spec.id, ["entity_type", "entity_id", "severity", "score", "event_date", "reason",
                                      "evidence"], worst.get(spec.id, []),
                            widths=[10, 18, 8, 8, 11, 70, 60], note=f"{note} {more}" if more else note))
    return sheets
