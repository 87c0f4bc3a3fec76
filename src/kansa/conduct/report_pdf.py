"""The conduct report as a PDF: the HTML report's context turned into plain strings for the Typst template.

Everything the PDF says is decided here (numbers formatted with the same filters as the HTML, Japanese or
English); templates/conduct_report.typ only lays it out. The data is bounded (top-N flags per rule, top
cases, aggregates), so typesetting costs the same at 1M trades as at 10M.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kansa.reports.html import iso, num, pct, yen
from kansa.reports.typeset import template_text, typeset_pdf


def _l(ctx: Mapping[str, Any], ja: str, en: str) -> str:
    return ja if ctx["ja"] else en


def _summary(ctx: Mapping[str, Any]) -> dict[str, Any]:
    """Section 1: the lead paragraph, the rules with flags, the rules not evaluated."""
    sections, by_sev = ctx["sections"], ctx["by_severity"]
    found = [s for s in sections if s["count"]]
    if ctx["total"] == 0:
        lead = _l(ctx, "今回の評価では、検出ルールに該当する取引・顧客・販売員はありませんでした。",
                  "No trade, customer or salesperson met any rule at this evaluation.")
        if any(c["status"] == "not_evaluated" for c in ctx["coverage"].values()):
            lead += _l(ctx, "ただし、下記のルールは評価できていません。",
                       " Some rules, listed below, could not be evaluated.")
    elif ctx["ja"]:
        lead = (f"{len(sections)}本の検出ルールのうち{len(found)}本で、計{num(ctx['total'])}件の指摘候補を検出しました"
                f"（重要度 高 {num(by_sev['high'])}件・中 {num(by_sev['medium'])}件・低 {num(by_sev['low'])}件）。"
                "いずれも不正を断定するものではなく、内部監査が記録と照合して確かめるべき候補です。")
    else:
        lead = (f"{len(found)} of {len(sections)} rules found {num(ctx['total'])} candidates (high "
                f"{num(by_sev['high'])}, medium {num(by_sev['medium'])}, low {num(by_sev['low'])}). None proves "
                "misconduct: each is a case for internal audit to check against the records.")
    not_run = [c for c in ctx["coverage"].values() if c["status"] == "not_evaluated"]
    return {
        "lead": lead,
        "items": [{"title": s["title"], "count": num(s["count"]) + _l(ctx, "件", ""),
                   "high": num(s["counts"]["high"]) if s["counts"]["high"] else "", "meaning": s["meaning"]}
                  for s in found],
        "not_run_title": _l(ctx, f"評価できなかったルール: {len(not_run)}本", f"Rules not evaluated: {len(not_run)}"),
        "not_run": [{"rule_id": c["rule_id"], "text": c["text"], "reason": c["reason"]} for c in not_run],
    }


def _cases(ctx: Mapping[str, Any]) -> dict[str, Any]:
    """The top of the review queue."""
    note = (f"指摘{num(ctx['total'])}件を、顧客・世帯、販売担当者、支店ごとの案件{num(ctx['case_total'])}件にまとめ、"
            "スコア（重要度・金額・顧客の年齢と脆弱性・繰り返し・苦情）の高い順に並べています。全件は cases.csv。"
            if ctx["ja"] else
            f"The {num(ctx['total'])} flags are consolidated into {num(ctx['case_total'])} cases per customer or "
            "household, salesperson and branch, ranked by a score of severity, amount, the customer's age and "
            "vulnerability, repetition and complaints. All in cases.csv.")
    return {"note": note, "rows": [[str(c["rank"]), f"{c['subject_type']} {c['subject_id']}", num(c["score"], 2),
                                    num(c["flag_count"]), c["reason"]] for c in ctx["cases"]]}


def _rules_table(ctx: Mapping[str, Any]) -> list[list[str]]:
    """Every rule with its counts by severity (or 未評価)."""
    rows = []
    for s in ctx["sections"]:
        not_run = ctx["coverage"].get(s["id"], {}).get("status") == "not_evaluated"
        rows.append([s["title"], s["id"], s["entity_type"], _l(ctx, "未評価", "not evaluated") if not_run
                     else num(s["count"]), num(s["counts"]["high"]), num(s["counts"]["medium"]),
                     num(s["counts"]["low"])])
    return rows


def _kpis(ctx: Mapping[str, Any]) -> dict[str, Any]:
    """Section 2: KPI cards, charts, the return-band table, the top 20 per product type, monitoring."""
    latest, charts = ctx["latest"], ctx["charts"]
    cards = []
    top20 = []
    monitoring: dict[str, Any] | None = None
    if latest:
        for p, label in ctx["ptypes"]:
            cards.append({"label": f"{label} {_l(ctx, '運用損益0%以上の顧客', 'customers at 0% or better')}",
                          "value": pct(latest[p]["positive_share"]),
                          "note": num(latest[p]["customers"]) + _l(ctx, "人中", " customers")})
            if latest[p]["top20"]:
                w = latest[p]["top20_weighted"]
                top20.append({
                    "title": f"{label}: " + _l(ctx, "預り残高上位20銘柄（設定後5年以上）",
                                               "top 20 by balance (5 years or older)"),
                    "chart": charts.get(f"scatter_{p}", ""),
                    "rows": [[str(i + 1), ctx["names"].get(t["product_id"], ""), t["product_id"],
                              yen(t["balance_jpy"], "万"), pct(t["cost_rate"], 2, False),
                              pct(t["return_5y"], 2, False), pct(t["risk_5y"], 2, False)]
                             for i, t in enumerate(latest[p]["top20"])],
                    "weighted": [pct(w["cost_rate"], 2, False), pct(w["return_5y"], 2, False),
                                 pct(w["risk_5y"], 2, False)]})
        m = latest.get("monitoring")
        if m is not None:
            cards.append({"label": _l(ctx, "75歳以上の顧客による勧誘留意商品の買付",
                                      "Caution-product buys by customers 75+"),
                          "value": pct(m["caution_buys_age75_share"]),
                          "note": _l(ctx, "直近1年・件数ベース", "last year, by count")})
            monitoring = _monitoring(ctx, m)
    rows = [[k["as_of_date"], label, num(k[p]["customers"]), *[pct(b["share"]) for b in k[p]["return_bands"]],
             pct(k[p]["positive_share"])] for k in ctx["kpis"] for p, label in ctx["ptypes"]]
    return {
        "cards": cards,
        "charts": [charts[f"bands_{p}"] for p, _label in ctx["ptypes"] if charts.get(f"bands_{p}")]
        + ([charts["positive_share"]] if charts.get("positive_share") else []),
        "band_labels": ctx["band_labels"], "rows": rows, "top20": top20, "monitoring": monitoring,
    }


def _monitoring(ctx: Mapping[str, Any], m: Mapping[str, Any]) -> dict[str, Any]:
    """Our own indicators (buys in the last year) and the top 10 branches by structured-bond share."""
    ja = ctx["ja"]
    branches = m.get("by_branch") or []
    more = len(branches) - 10
    return {
        "rows": [
            [_l(ctx, "買付件数・金額", "Buys and amount"), f"{num(m['buys'])} / {yen(m['buy_amount_jpy'], '万')}"],
            [_l(ctx, "勧誘留意商品の買付に占める75歳以上 / 80歳以上（件数）",
                "Caution-product buys by customers 75+ / 80+ (count)"),
             f"{pct(m['caution_buys_age75_share'])} / {pct(m['caution_buys_age80_share'])}"],
            [_l(ctx, "同（金額）", "Same, by amount"),
             f"{pct(m['caution_amount_age75_share'])} / {pct(m['caution_amount_age80_share'])}"],
            [_l(ctx, "自社グループ商品の比率（金額）", "In-house (affiliated) share by amount"),
             pct(m["affiliated_share"])],
            [_l(ctx, "金額加重平均の手数料率", "Amount-weighted fee rate"), pct(m["fee_rate_weighted"], 2, False)],
            [_l(ctx, "投資信託買付のうち乗換（件数 / 金額）", "Fund buys that are switches (count / amount)"),
             f"{pct(m['switch_share'])} / {pct(m['switch_amount_share'])}"],
        ],
        "branches": [[b["branch_id"], yen(b["buy_amount_jpy"], "万"), pct(b["structured_bond_share"]),
                      pct(b["affiliated_share"]), pct(b["fee_rate_weighted"], 2, False)] for b in branches[:10]],
        "branches_note": (_l(ctx, "仕組債比率の高い順に上位10支店", "Top 10 branches by structured-bond share")
                          + ((f"（ほか {more}支店）" if ja else f" (and {more} more)") if more > 0 else "")),
    }


def _findings(ctx: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Section 3: one block per rule: its worst flags, or why it did not run, or that it found none."""
    out = []
    for s in ctx["sections"]:
        cov = ctx["coverage"].get(s["id"], {})
        block: dict[str, Any] = {
            "title": s["title"], "id": s["id"], "count": num(s["count"]) + _l(ctx, "件", " flags"),
            "meaning": f"{s['meaning']} {s['rationale']}", "rows": [], "note": ""}
        if s["top"]:
            block["rows"] = [[f["severity"], ctx["sev_label"][f["severity"]], f["entity_id"], iso(f["event_date"]),
                              num(f["score"], 1), f["reason"]] for f in s["top"]]
            if s["more"]:
                block["note"] = _l(ctx, f"ほか {num(s['more'])} 件（全件は report.xlsx と flags.csv）",
                                   f"and {num(s['more'])} more (all in report.xlsx and flags.csv)")
        elif cov.get("status") == "not_evaluated":
            block["not_run"] = f"{cov['text']} ({cov['reason']})"
        else:
            block["note"] = _l(ctx, "該当なし", "None")
            if cov:
                scope = (num(cov["rows_in_scope"]), cov["period_from"], cov["period_to"])
                block["note"] += (" — " + _l(ctx, "評価対象 {} 行（{}〜{}）", "{} rows evaluated ({} to {})")
                                  .format(*scope))
        out.append(block)
    return out


def _complaints(ctx: Mapping[str, Any]) -> dict[str, Any]:
    """Section 4: complaints by kind and category, the trend per 1,000 customers, the branches with most."""
    c = ctx["complaints"]
    return {
        "kind_years": c["kind_years"],
        "kind_rows": [[r["kind"], *[num(n) for n in r["counts"]]] for r in c["kind_table"]],
        "years": c["years"], "rows": [[r["category"], *[num(n) for n in r["counts"]]] for r in c["table"]],
        "chart": c["chart"],
        "trend": [[c["fy"](t["fiscal_year"]), num(t["complaints"]), num(t["customers"]), num(t["per_1000"], 2),
                   num(t["change_per_1000"], 2)] for t in c["trend"]],
        "branches_title": _l(ctx, f"千人あたり苦情件数の多い支店（{c['latest']}）",
                             f"Branches with the most complaints per 1,000 customers ({c['latest']})"),
        "branches": [[r["branch_id"], num(r["complaints"]), num(r["customers"]), num(r["per_1000"], 2),
                      num(r["change_per_1000"], 2)] for r in c["top_branches"]],
    }


def _manifest(ctx: Mapping[str, Any]) -> dict[str, Any]:
    """Section 6: the files loaded; a SHA-256 (64 characters) gets a line of its own under its file's row."""
    cols = list(ctx["manifest_cols"])
    at = cols.index("sha256") if "sha256" in cols else None
    rows, hashes = [], []
    for row in ctx["manifest_rows"]:
        cells = [iso(v) if v is not None else "" for v in row]
        hashes.append(cells.pop(at) if at is not None else "")
        rows.append(cells)
    if at is not None:
        cols.pop(at)
    return {"manifest_cols": cols, "manifest_rows": rows, "manifest_sha256": hashes}


def pdf_data(ctx: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON handed to templates/conduct_report.typ."""
    title = _l(ctx, "顧客本位の業務運営 モニタリング報告", "Customer-oriented business conduct: monitoring report")
    short = _l(ctx, "顧客本位の業務運営 モニタリング報告", "Conduct monitoring report")
    meta = [[_l(ctx, "評価基準日", "Evaluation date"), ctx["as_of"]], [_l(ctx, "作成", "Generated"), ctx["generated"]],
            [_l(ctx, "エンジン", "Engine"), ctx["engine"]]]
    if ctx["source"]:
        meta.append([_l(ctx, "データ", "Data"), ctx["source"]])
    return {
        "ja": ctx["ja"], "lang": ctx["lang"], "title": title, "version": ctx["kansa_version"],
        "running_head": f"kansa 監査 · {_l(ctx, '顧客本位', 'Conduct')} · {ctx['as_of']}",
        "footer": f"kansa {ctx['kansa_version']} · {short} · {ctx['as_of']}", "meta": meta,
        "sev_label": ctx["sev_label"], "summary": _summary(ctx), "cases": _cases(ctx), "rules": _rules_table(ctx),
        "worst": [[f["severity"], ctx["sev_label"][f["severity"]], ctx["titles"].get(f["rule_id"], f["rule_id"]),
                   f["entity_id"], f["reason"]] for f in ctx["worst"]],
        "kpi": _kpis(ctx), "heatmap": ctx["heatmap"], "findings": _findings(ctx), "complaints": _complaints(ctx),
        "params": [[p["rule_id"], p["name"], p["default"], p["value"], p["overridden"], p["description"]]
                   for p in ctx["params"]],
        **_manifest(ctx),
        "timings": " · ".join(f"{k} {v:.1f}s" for k, v in ctx["timings"].items()),
    }


def write_conduct_pdf(ctx: Mapping[str, Any], path: Path) -> Path:
    """Typeset report.pdf from the report context with Typst."""
    return typeset_pdf(template_text("kansa.conduct", "conduct_report.typ"), pdf_data(ctx), path)
