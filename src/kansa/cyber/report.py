"""The cyber audit report: HTML and PDF (management summary, control areas, 3-2-1 matrix) and the workbook."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kansa import __version__
from kansa.engine.catalog import catalog
from kansa.engine.coverage import reason_text
from kansa.engine.flags import SEVERITIES
from kansa.i18n import Lang, pick
from kansa.reports.excel import Sheet, write_workbook
from kansa.reports.html import make_env
from kansa.reports.svg import bar_svg

if TYPE_CHECKING:
    from kansa.cyber.scan import CyberScan

KEV_METHOD: dict[str, str] = {
    "ja": (
        "CISAの既知の悪用された脆弱性（KEV）カタログと、ソフトウェア台帳を照合した。KEVはCPEを持たないため、台帳に"
        "CPE 2.3名がある製品はCPEのベンダー・製品を、ない製品は台帳のベンダー名・製品名を、KEVのvendorProject・"
        "productと同じ規則で正規化して比較した（大文字小文字・記号・法人格（Inc.、Corporation、株式会社等）の除去、"
        "別名表（Microsoft Corporation→microsoft、Pulse Secure→Ivanti 等）、製品名の語の集合）。KEVの「NetScaler ADC "
        "and Gateway」のような複合名は分割し、その一つの語がすべて導入製品名に含まれ、導入製品名の残りの語が版・"
        "エディション・更新番号（2019、Enterprise、CU23 等）だけのとき一致とした（Visual Studio Code は Visual Studio "
        "に、IOS XE は IOS に一致しない）。KEVが構成要素名で掲載するもの（Win32k・SMBv1→Windows、Excel→Office、"
        "Chromium V8→Chrome・Edge 等）は対応表で親製品に結び付けた。"
        "型番で登録された機器（FortiGate→FortiOS 等）、買収・改称した会社、和文の法人名・製品名、Linuxパッケージと"
        "ライブラリ名は、レビュー済みの別名データ（kev_data/*.yaml: 改称・買収、機器型番→OS、日本語名、"
        "ライブラリ座標。機関ごとに kev_aliases.yaml で追加可）で結び付け、"
        "一致ごとに経路（別名・パッケージ・名称・CPE）と確からしさを記録した。不確かな一致は kev_review.csv に出力し、"
        "自動では採用していない。正解付き台帳（tests/data/kev_inventory、計1,463行）で精度・再現率を測定している。"
    ),
    "en": (
        "Installed software was compared with CISA's Known Exploited Vulnerabilities (KEV) catalog. KEV has no "
        "CPEs, so software with a CPE 2.3 name was compared by the CPE's vendor and product, other software by "
        "its vendor and product names, both normalised exactly like KEV's vendorProject and product (case, "
        "punctuation, corporate suffixes such as Inc., Corporation, 株式会社 removed; an alias table such as "
        "Microsoft Corporation -> microsoft, Pulse Secure -> Ivanti; product names as sets of words). Compound KEV "
        "names such as 'NetScaler ADC and Gateway' are split; a match needs every word of one part in the installed "
        "name and nothing else there but versions, editions and update numbers (2019, Enterprise, CU23), so Visual "
        "Studio Code does not match Visual Studio, nor IOS XE classic IOS. Entries KEV files under a component "
        "(Win32k, SMBv1 -> Windows; Excel -> Office; Chromium V8 -> Chrome and Edge) are tied to the product through "
        "a table. Appliance models (FortiGate -> FortiOS), renamed or acquired vendors, Japanese company and product "
        "names, Linux packages and library names are tied to KEV through reviewed alias data (kev_data/*.yaml: "
        "renames and acquisitions, appliance models, Japanese names, library coordinates; extended per "
        "institution with kev_aliases.yaml); every match records its path (alias, package, name, CPE, model) "
        "and a confidence. Uncertain matches go to kev_review.csv and are not accepted automatically. Precision and "
        "recall are measured on labelled inventories (tests/data/kev_inventory, 1,463 rows in four sets)."
    ),
}
KEV_LIMITS: dict[str, str] = {
    "ja": (
        "限界: KEVは影響を受けるバージョンを掲載しないため、一致は「この製品には実際に悪用された脆弱性がある」ことを"
        "示すにとどまり、導入バージョンが影響を受けるかはベンダーのアドバイザリで確認する必要がある（修正済み版でも"
        "一致する。Windows は版を問わず Windows の全掲載項目に一致する）。対応表にない構成要素名、"
        "別名表にない社名変更・買収・日本語製品名（ウイルスバスター Corp. 以外）は一致しない。"
        "製品名に版・エディション以外の語が付くと"
        "一致しないため（例: FortiGate-100F の FortiOS）、台帳は製品名を正式名で記載すること。Edge の一致はChromium"
        "由来の掲載を含む。"
        "重大度はランサムウェアでの利用、インターネット接続、KEV期限の経過のうち二つ以上で「高」、一つで「中」とした。"
    ),
    "en": (
        "Limits: KEV lists no affected versions, so a match only says the product has vulnerabilities exploited "
        "in the wild; whether the installed version is affected must be checked against the vendor advisory "
        "(a patched version matches too; any Windows matches every Windows entry). Components outside the table, "
        "renamed or acquired vendors outside the alias table and Japanese product names (other than ウイルスバスター "
        "Corp.) do not match. A product name carrying words other than versions and editions does not match "
        "(e.g. 'FortiGate-100F' for FortiOS), so the register should use the official product name. Edge matches "
        "include entries filed under Google Chromium. Severity is high when two or more of ransomware use, "
        "internet exposure and a passed KEV due date apply, medium for one."
    ),
}

LABELS: dict[str, dict[str, str]] = {
    "title": {"ja": "サイバーセキュリティ監査分析レポート", "en": "Cybersecurity audit analytics report"},
    "as_of": {"ja": "評価基準日", "en": "Evaluation date"},
    "inferred": {"ja": "（データ中の最新日付から推定）", "en": "(latest date found in the data)"},
    "summary": {"ja": "経営陣向けサマリー", "en": "Summary for management"},
    "area": {"ja": "統制領域", "en": "Control area"},
    "findings": {"ja": "指摘件数", "en": "Findings"},
    "high": {"ja": "高", "en": "High"}, "medium": {"ja": "中", "en": "Medium"}, "low": {"ja": "低", "en": "Low"},
    "rule": {"ja": "検証項目", "en": "Test"},
    "top": {"ja": "重大度「高」の主な指摘", "en": "Main high-severity findings"},
    "scope": {"ja": "対象データ", "en": "Data in scope"},
    "table": {"ja": "テーブル", "en": "Table"}, "rows": {"ja": "件数", "en": "Rows"},
    "rationale": {"ja": "根拠", "en": "Why"}, "references": {"ja": "参照", "en": "References"},
    "params": {"ja": "パラメータ", "en": "Parameters"},
    "entity": {"ja": "対象", "en": "Entity"}, "severity": {"ja": "重大度", "en": "Severity"},
    "date": {"ja": "日付", "en": "Date"}, "reason": {"ja": "内容", "en": "Finding"},
    "pointer": {"ja": "ログの所在", "en": "Raw log"},
    "no_findings": {"ja": "指摘なし", "en": "No findings"},
    "shown": {"ja": "件を表示（全件はExcelを参照）", "en": "shown (all rows in the workbook)"},
    "skipped": {"ja": "未実施", "en": "Not run"},
    "no_kev": {"ja": "KEVカタログを使わない指定（--kev none）のため、悪用済み脆弱性の照合は実施していない。",
               "en": "The KEV catalogue was turned off (--kev none), so the known-exploited check did not run."},
    "kev_title": {"ja": "KEV照合の方法と限界", "en": "KEV matching: method and limits"},
    "kev_catalog": {"ja": "KEVカタログ", "en": "KEV catalog"},
    "kev_matched": {"ja": "KEVに一致した導入ソフトウェア", "en": "Installed software matching KEV"},
    "matrix": {"ja": "重要資産のバックアップ 3-2-1 マトリクス", "en": "Backup 3-2-1 matrix per critical asset"},
    "asset": {"ja": "資産", "en": "Asset"}, "criticality": {"ja": "重要度", "en": "Criticality"},
    "copies": {"ja": "コピー数", "en": "Copies"}, "media": {"ja": "媒体", "en": "Media"},
    "locations": {"ja": "保管場所", "en": "Locations"},
    "offline": {"ja": "オフライン・不変", "en": "Offline / immutable"},
    "last_success": {"ja": "最終成功", "en": "Last success"},
    "last_restore": {"ja": "最終復元テスト（合格）", "en": "Last restore test (passed)"},
    "matrix_summary": {"ja": "重要度{min}以上の資産{n}件のうち、3-2-1を満たさないもの{ng}件（先頭に表示）。"
                             "3-2-1 = コピー3つ以上・媒体2種類以上・うち1つ以上がオフラインまたはイミュータブル。",
                       "en": "Of {n} assets of criticality {min} or more, {ng} do not meet 3-2-1 (listed first). "
                             "3-2-1 = at least 3 copies, on 2 kinds of media, 1 offline or immutable."},
    "meets": {"ja": "3-2-1", "en": "3-2-1"}, "yes": {"ja": "充足", "en": "Met"}, "no": {"ja": "不足", "en": "Not met"},
    "logs": {"ja": "ログの取込", "en": "Logs read"},
    "file": {"ja": "ファイル", "en": "File"}, "format": {"ja": "形式", "en": "Format"},
    "events": {"ja": "イベント", "en": "Events"},
    "sha256": {"ja": "SHA-256（入力ファイル）", "en": "SHA-256 (input file)"},
    "errors": {"ja": "破損レコード", "en": "Corrupt records"},
    "unreadable": {"ja": "読めなかったファイル（内容は評価に含まれていません）",
                   "en": "Unreadable files (what they hold is not in this evaluation)"},
    "unreadable_cell": {"ja": "読めず", "en": "unreadable"},
    "no_logs": {"ja": "ログファイルは指定されていない（access_eventsはデータ中のテーブルのみ）。",
                "en": "No log files were given (access_events only from the data, if any)."},
    "unresolved": {"ja": "台帳に解決できなかったホスト", "en": "Hosts not resolved to the register"},
    "method_hosts": {"ja": "ホストは資産名・資産IDと大文字小文字を区別せず照合し、FQDNと短縮名を同一視した。",
                     "en": "Hosts were matched to asset names and ids case-insensitively, FQDN and short name alike."},
    "footer": {"ja": "kansa cyber scan による自動分析。指摘は監査人の確認を要する。",
               "en": "Automated analysis by kansa cyber scan; findings need the auditor's review."},
}

# Contract codes in words a committee member reads (the workbook keeps the codes for re-use).
CODE_LABELS: dict[str, dict[str, str]] = {
    "disk": {"ja": "ディスク", "en": "disk"}, "tape": {"ja": "テープ", "en": "tape"},
    "object_storage": {"ja": "オブジェクト", "en": "object storage"},
    "cloud_service": {"ja": "クラウド", "en": "cloud service"}, "other": {"ja": "その他", "en": "other"},
    "onsite": {"ja": "拠点内", "en": "on site"}, "offsite": {"ja": "遠隔地", "en": "off site"},
    "cloud": {"ja": "クラウド", "en": "cloud"},
}
TABLE_LABELS: dict[str, dict[str, str]] = {
    "assets": {"ja": "情報資産台帳", "en": "Asset register"}, "software": {"ja": "ソフトウェア台帳", "en": "Software"},
    "accounts": {"ja": "アカウント台帳", "en": "Accounts"},
    "privileged_access_requests": {"ja": "特権ID利用申請", "en": "Privileged access requests"},
    "log_reviews": {"ja": "ログレビュー記録", "en": "Log reviews"}, "backups": {"ja": "バックアップ", "en": "Backups"},
    "incidents": {"ja": "インシデント記録", "en": "Incidents"},
    "access_events": {"ja": "アクセスログ（イベント）", "en": "Access log events"},
}

HTML_ROWS_PER_RULE = 30
_POINTER_KEYS = ("source", "first_source")


def _labels(lang: Lang) -> dict[str, str]:
    return {k: pick(v, lang) for k, v in LABELS.items()}


def _flag_rows(scan: CyberScan) -> list[dict[str, Any]]:
    rows = scan.flags.to_pylist()
    for row in rows:
        row["ev"] = json.loads(row["evidence"]) if row.get("evidence") else {}
        row["pointer"] = next((row["ev"][k] for k in _POINTER_KEYS if row["ev"].get(k)), "")
    return rows


def not_run(scan: CyberScan) -> dict[str, str]:
    """Rule id -> why it was not evaluated, in the report's words (coverage when the scan has it)."""
    lang = scan.lang
    if scan.coverage is None:
        return {rid: _labels(lang)["no_kev"] for rid in scan.skipped}
    return {r["rule_id"]: reason_text(r["reason"], r["detail"], lang) for r in scan.coverage.to_pylist()
            if r["status"] == "not_evaluated"}


def build_context(scan: CyberScan) -> dict[str, Any]:
    """Everything the HTML template shows, already in the report's language."""
    lang = scan.lang
    rows = _flag_rows(scan)
    missing = not_run(scan)
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_rule.setdefault(row["rule_id"], []).append(row)
    specs = {s.id: s for s in scan.rules}
    areas: list[dict[str, Any]] = []
    for area, specs_in_area in catalog("cyber").filed(scan.rules):
        area_id, title = area.id, area.title
        rules: list[dict[str, Any]] = []
        for spec in specs_in_area:
            rid = spec.id
            flagged = by_rule.get(rid, [])
            sev = Counter(r["severity"] for r in flagged)
            rules.append({
                "id": rid, "title": pick(spec.title, lang), "rationale": pick(spec.rationale, lang),
                "references": list(spec.references), "count": len(flagged),
                "severity": {s: sev.get(s, 0) for s in SEVERITIES},
                "params": {p.name: scan.params.get(rid, {}).get(p.name, p.default) for p in spec.params},
                "rows": flagged[:HTML_ROWS_PER_RULE], "skipped": missing.get(rid),
                # an event's entity id is already its log pointer: no second column repeating it
                "has_pointer": any(r["pointer"] and r["pointer"] != r["entity_id"] for r in flagged),
                "entity_label": pick(LABELS["pointer" if spec.entity_type == "event" else "entity"], lang),
            })
        sev_area = Counter(r["severity"] for s in specs_in_area for r in by_rule.get(s.id, []))
        areas.append({"id": area_id, "title": pick(title, lang), "rules": rules,
                      "count": sum(r["count"] for r in rules),
                      "severity": {s: sev_area.get(s, 0) for s in SEVERITIES}})
    chart = bar_svg(
        [a["title"].split("（")[0].split(" (")[0] for a in areas],
        {pick(LABELS[sev], lang): [a["severity"][sev] for a in areas] for sev in SEVERITIES},
        horizontal=True, size=(6.4, 2.6), title=pick(LABELS["findings"], lang),
    )
    titles = {rid: pick(specs[rid].title, lang) for rid in specs}
    top = [dict(r, title=titles[r["rule_id"]]) for r in rows if r["severity"] == "high"][:12]
    kev_software = sorted({r["software_id"] for r in scan.kev_matches.to_pylist()}) if scan.kev else []
    return {
        "lang": lang, "L": _labels(lang), "as_of": scan.as_of, "as_of_inferred": scan.as_of_inferred,
        "areas": areas, "top": top, "total": len(rows), "chart": chart,
        "total_severity": {s: sum(a["severity"][s] for a in areas) for s in SEVERITIES},
        "counts": scan.counts, "kev": scan.kev, "kev_software": len(kev_software),
        "kev_method": pick(KEV_METHOD, lang), "kev_limits": pick(KEV_LIMITS, lang),
        "matrix": _matrix_rows(scan.backup_matrix, lang),
        "matrix_ng": sum(not m["meets_321"] for m in scan.backup_matrix),
        "matrix_min": scan.params.get("backup_not_321", {}).get("min_criticality", 4),
        "table_labels": {name: pick(TABLE_LABELS.get(name, {"ja": name, "en": name}), lang) for name in scan.counts},
        "logs": scan.logs, "unresolved": list(scan.hosts.unresolved),
        "log_errors": scan.logs.errors[:20], "kansa_version": __version__,
        "n_rules": len(scan.rules), "n_run": len([s for s in scan.rules if s.id not in missing]),
    }


def _matrix_rows(matrix: list[dict[str, Any]], lang: Lang) -> list[dict[str, Any]]:
    """The 3-2-1 matrix for reading: assets that fail first, media and places in words."""
    sep = "、" if lang == "ja" else ", "

    def words(codes: str) -> str:
        return sep.join(pick(CODE_LABELS.get(c, {"ja": c, "en": c}), lang) for c in codes.split(", ") if c)

    rows = [dict(m, media=words(m["media"]), locations=words(m["locations"])) for m in matrix]
    return sorted(rows, key=lambda m: (m["meets_321"], -(m["criticality"] or 0), m["asset_id"]))


def render_html(scan: CyberScan) -> str:
    """The report as one HTML page (print CSS for the PDF comes from the shared base template)."""
    env = make_env("kansa.cyber")
    return env.get_template("cyber_report.html.j2").render(**build_context(scan))


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def workbook_sheets(scan: CyberScan) -> list[Sheet]:
    """The workbook: a summary, one sheet per rule with its evidence columns, the 3-2-1 matrix, logs."""
    lang = scan.lang
    L = _labels(lang)
    rows = _flag_rows(scan)
    missing = not_run(scan)
    specs = {s.id: s for s in scan.rules}
    summary_rows = []
    for area, specs_in_area in catalog("cyber").filed(scan.rules):
        title = area.title
        for rid in (r.id for r in specs_in_area):
            flagged = [r for r in rows if r["rule_id"] == rid]
            sev = Counter(r["severity"] for r in flagged)
            status = f"{L['skipped']}: {missing[rid]}" if rid in missing else len(flagged)
            summary_rows.append([pick(title, lang), rid, pick(specs[rid].title, lang), status,
                                 sev.get("high", 0), sev.get("medium", 0), sev.get("low", 0)])
    sheets = [Sheet(
        name="summary", note=f"{L['title']} — {L['as_of']} {scan.as_of.isoformat()}",
        columns=[L["area"], "rule_id", L["rule"], L["findings"], L["high"], L["medium"], L["low"]],
        rows=summary_rows, widths=[34, 34, 50, 10, 8, 8, 8],
    )]
    for _area, specs_in_area in catalog("cyber").filed(scan.rules):
        for rid in (r.id for r in specs_in_area):
            flagged = [r for r in rows if r["rule_id"] == rid]
            keys: list[str] = []
            for r in flagged:
                keys.extend(k for k in r["ev"] if k not in keys)
            columns = ["entity_id", "severity", "score", "event_date", "reason", *keys]
            data = [[r["entity_id"], r["severity"], r["score"], r["event_date"], r["reason"],
                     *(_cell(r["ev"].get(k)) for k in keys)] for r in flagged]
            note = pick(specs[rid].title, lang) + (f" — {missing[rid]}" if rid in missing else "")
            sheets.append(Sheet(name=rid, columns=columns, rows=data, note=note,
                                widths=[36, 9, 9, 12, 70] + [18] * len(keys)))
    matrix_cols = ["asset_id", "name", "criticality", "copies", "media_kinds", "media", "locations",
                   "offline_copies", "last_success_at", "last_restore_pass_at", "last_restore_test_at", "meets_321"]
    sheets.append(Sheet(name="backup_3-2-1", columns=matrix_cols, note=L["matrix"],
                        rows=[[m[c] for c in matrix_cols] for m in scan.backup_matrix]))
    kev_cols = scan.kev_matches.column_names
    sheets.append(Sheet(name="kev_matches", columns=kev_cols,
                        note=pick(KEV_METHOD, lang) if scan.kev else L["no_kev"],
                        rows=[[r[c] for c in kev_cols] for r in scan.kev_matches.to_pylist()]))
    sheets.append(Sheet(name="log_errors", columns=["source", "reason"], note=L["errors"],
                        rows=[list(e) for e in scan.logs.errors]))
    sheets.append(Sheet(name="unresolved_hosts", columns=["host"], note=L["method_hosts"],
                        rows=[[h] for h in scan.hosts.unresolved]))
    return sheets


def write_reports(scan: CyberScan, out: Path, *, pdf: bool = True,
                  formats: Sequence[str] = ("html", "pdf", "xlsx")) -> dict[str, Path]:
    """Write report.html, report.pdf (unless pdf=False) and report.xlsx (those named in `formats`) into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    if "html" in formats or ("pdf" in formats and pdf):
        html = render_html(scan)
        if "html" in formats:
            files["report.html"] = out / "report.html"
            files["report.html"].write_text(html, encoding="utf-8")
        if "pdf" in formats and pdf:
            from kansa.reports.pdf import write_pdf

            files["report.pdf"] = write_pdf(html, out / "report.pdf")
    if "xlsx" in formats:
        files["report.xlsx"] = write_workbook(out / "report.xlsx", workbook_sheets(scan))
    return files
