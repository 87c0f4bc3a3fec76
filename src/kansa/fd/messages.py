"""Every message of the fd pillar a user can see, by stable code, in Japanese and English."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kansa.i18n import Lang

MESSAGES: dict[str, dict[str, str]] = {
    # reading documents
    "doc_not_found": {"ja": "ファイルがありません: {path}", "en": "no such file: {path}"},
    "doc_unsupported": {"ja": "{path}: 読めない形式です（{suffix}）。PDF・DOCX・HTML・テキストに対応しています",
                        "en": "{path}: unsupported format ({suffix}); PDF, DOCX, HTML and text are read"},
    "doc_unreadable": {"ja": "{path}: 読み取れません（{detail}）", "en": "{path}: cannot be read ({detail})"},
    "doc_no_text": {"ja": "{path}: 文字が取り出せません（画像だけのPDFの可能性があります）",
                    "en": "{path}: no text could be extracted (an image-only PDF?)"},
    "doc_encoding": {"ja": "{path}: 文字コードを判定できません（UTF-8 でも CP932 でもありません。{offset}バイト目）",
                     "en": "{path}: neither UTF-8 nor CP932 (byte {offset})"},
    "docs_empty": {"ja": "{path}: 方針・取組状況の文書が見つかりません", "en": "{path}: no policy or progress documen"
                                                             "ts"},
    "docs_not_dir": {"ja": "フォルダがありません: {path}", "en": "no such folder: {path}"},
    "doc_no_year": {"ja": "{path}: 年度が分かりません（ファイル名に 2024 や 令和6年度 を入れるか、"
                    "documents.csv で指定してください）",
                    "en": "{path}: no year found (put 2024 or 令和6年度 in the file name, or list it in documents.csv"
                          ")"},
    "manifest_bad": {"ja": "{path} {row}行目: 列「{column}」の値「{value}」が読めません（{detail}）",
                     "en": "{path} row {row}: column {column!r} value {value!r} is not valid ({detail})"},
    # correspondence tables
    "corr_no_header": {"ja": "{path} シート「{sheet}」: 対応表の見出し行（原則・該当箇所）が見つかりません",
                       "en": "{path} sheet {sheet!r}: no header row of a correspondence table (principle, section)"},
    "corr_bad_item": {"ja": "{path} シート「{sheet}」セル {cell}: 原則の項目として読めません: 「{value}」",
                      "en": "{path} sheet {sheet!r} cell {cell}: not a principle item: {value!r}"},
    # principles text
    "principles_empty": {"ja": "{path}: 原則の本文から項目（原則1〜7と注）を読み取れません",
                         "en": "{path}: no principle items (principles 1-7 and notes) found in the text"},
    # KPI workbook
    "kpi_not_workbook": {"ja": "{path}: Excel ブック（.xlsx）として開けません（{detail}）",
                         "en": "{path}: not an Excel workbook (.xlsx) ({detail})"},
    "kpi_missing_sheet": {"ja": "{path}: シート「{sheet}」がありません", "en": "{path}: sheet {sheet!r} is missing"},
    "kpi_required": {"ja": "{path} シート「{sheet}」セル {cell}: {field}が空欄です",
                     "en": "{path} sheet {sheet!r} cell {cell}: {field} is empty"},
    "kpi_not_number": {"ja": "{path} シート「{sheet}」セル {cell}: 数値ではありません: 「{value}」",
                       "en": "{path} sheet {sheet!r} cell {cell}: not a number: {value!r}"},
    "kpi_range": {"ja": "{path} シート「{sheet}」セル {cell}: {value} は {low}〜{high} の範囲外です",
                  "en": "{path} sheet {sheet!r} cell {cell}: {value} is outside {low} to {high}"},
    "kpi_not_march": {"ja": "{path} シート「{sheet}」セル {cell}: 基準日 {value} は3月31日ではありません",
                      "en": "{path} sheet {sheet!r} cell {cell}: base date {value} is not a 31 March"},
    "kpi_bad_date": {"ja": "{path} シート「{sheet}」セル {cell}: 日付として読めません: 「{value}」",
                     "en": "{path} sheet {sheet!r} cell {cell}: not a date: {value!r}"},
    "kpi_bad_type": {"ja": "{path} シート「{sheet}」セル {cell}: 業態「{value}」は一覧にありません（{allowed}）",
                     "en": "{path} sheet {sheet!r} cell {cell}: firm type {value!r} is not one of {allowed}"},
    "kpi_bands_sum": {"ja": "{path} シート「{sheet}」セル {cell}: 運用損益別顧客比率の合計が {total}% です"
                      "（100% になるはずです。許容差 ±{tolerance}）",
                      "en": "{path} sheet {sheet!r} cell {cell}: the return bands add up to {total}%, not 100% "
                      "(tolerance ±{tolerance})"},
    "kpi_positive_mismatch": {"ja": "{path} シート「{sheet}」セル {cell}: プラスの顧客比率 {value}% が"
                              "各区分の合計 {expected}% と一致しません",
                              "en": "{path} sheet {sheet!r} cell {cell}: positive share {value}% differs from the "
                              "sum of the bands at 0% and above, {expected}%"},
    "kpi_weighted_mismatch": {"ja": "{path} シート「{sheet}」セル {cell}: 残高加重平均の{field} {value} が"
                              "上位20銘柄から計算した {expected} と一致しません",
                              "en": "{path} sheet {sheet!r} cell {cell}: the balance-weighted {field} {value} differs "
                              "from {expected} computed from the top-20 funds"},
    "kpi_top20_count": {"ja": "{path} シート「{sheet}」: 上位銘柄が {count} 件です（1〜20件）",
                        "en": "{path} sheet {sheet!r}: {count} top funds (1 to 20 expected)"},
    "kpi_top20_order": {"ja": "{path} シート「{sheet}」セル {cell}: 残高が上の行より大きくなっています（残高の多い順"
                              "に記入）",
                        "en": "{path} sheet {sheet!r} cell {cell}: balance larger than the row above (list by balance"
                              ")"},
    "kpi_seal": {"ja": "{path}: 様式の識別情報が書き換えられています（kansa fd kpi-template で作った様式を使ってくだ"
                       "さい）",
                 "en": "{path}: the template's identification was edited (use a template from kansa fd kpi-template)"},
    "kpi_duplicate": {"ja": "{path}: {firm}（基準日 {as_of}）は {other} と重複しています",
                      "en": "{path}: {firm} at {as_of} duplicates {other}"},
    "published_bad": {"ja": "{path} {row}行目: 列「{column}」の値「{value}」が読めません",
                      "en": "{path} row {row}: column {column!r} value {value!r} is not valid"},
    # say-do
    "scan_missing": {"ja": "{path}: 顧客本位スキャンの出力フォルダではありません（{file} がありません）。"
                     "kansa conduct scan の --out を指定してください",
                     "en": "{path}: not a conduct scan output folder ({file} missing); give the --out of kansa conduc"
                           "t scan"},
    "scan_bad": {"ja": "{path}: 読めません（{detail}）", "en": "{path}: cannot be read ({detail})"},
    "decision_bad": {"ja": "{path} {row}行目: {detail}", "en": "{path} row {row}: {detail}"},
    "decision_no_reason": {"ja": "{path} {row}行目: 判定を変更する（{verdict}）には理由が必要です",
                           "en": "{path} row {row}: overriding to {verdict} needs a reason"},
    "decision_unknown": {"ja": "{path} {row}行目: 約束ID「{value}」は今回の表にありません",
                         "en": "{path} row {row}: promise id {value!r} is not in this table"},
    "decision_verdict": {"ja": "{path} {row}行目: 判定「{value}」は kept / not_kept / cannot_tell のいずれかです",
                         "en": "{path} row {row}: verdict {value!r} must be kept, not_kept or cannot_tell"},
    # evidence lines of the say-do table
    "ev_flags": {"ja": "{rule}: 指摘 {count}件（{entities}）", "en": "{rule}: {count} flags ({entities})"},
    "ev_flag": {"ja": "　{entity_type} {entity_id}: {reason}", "en": "  {entity_type} {entity_id}: {reason}"},
    "ev_no_flags": {"ja": "{rule}: 指摘なし（基準日 {as_of}、直近1年の買付 {buys}件）",
                    "en": "{rule}: no flags (as of {as_of}, {buys} buys in the last year)"},
    "ev_no_data": {"ja": "判断に必要なデータがありません（{what}）", "en": "the data needed is missing ({what})"},
    "ev_series": {"ja": "参考 {metric}: {series}", "en": "for reference, {metric}: {series}"},
    "ev_kpi": {"ja": "{metric}: {series}（目標 {target}）", "en": "{metric}: {series} (target {target})"},
    "ev_complaints": {"ja": "苦情・紛争 {prev_fy}年度 {prev}件 → {fy}年度 {cur}件（{change}%）",
                      "en": "complaints and disputes FY{prev_fy} {prev} -> FY{fy} {cur} ({change}%)"},
    "ev_sb_since": {"ja": "{since} 以降の仕組債の買付 {count}件 {ids}", "en": "{count} structured-bond buys since "
                                                                    "{since} {ids}"},
    "ev_sb_window": {"ja": "基準日 {as_of} までの1年間の仕組債の買付 {count}件",
                     "en": "{count} structured-bond buys in the year to {as_of}"},
    "ev_untestable": {"ja": "顧客本位データでは検証できない約束です", "en": "the conduct data cannot test this promis"
                                                         "e"},
    # year-on-year flags
    "not_revised": {"ja": "前年から改定されていません", "en": "not revised since the year before"},
    "not_revised_kpi": {"ja": "KPI の実績が動いた（または目標に達した）のに方針が改定されていません: {metrics}",
                        "en": "not revised although its KPIs moved or met their targets: {metrics}"},
    "not_revised_expectation": {"ja": "監督上の期待が変わったのに方針が改定されていません: {date} {ja}",
                                "en": "not revised although the supervisor's expectations changed: {date} {en}"},
    "mostly_restatement": {"ja": "方針の文の {share}% が原則の言い換えにとどまっています",
                           "en": "{share}% of the policy's sentences only restate the principles"},
    # report labels
    "label_report_title": {"ja": "顧客本位の業務運営 取組方針の点検", "en": "Customer-oriented conduct: policy review"},
    "label_compare_title": {"ja": "共通KPIの比較（業態別）", "en": "Common KPIs compared by firm type"},
    "label_summary": {"ja": "要約", "en": "Summary"},
    "label_firm": {"ja": "金融機関", "en": "Firm"},
    "label_year": {"ja": "年", "en": "Year"},
    "label_item": {"ja": "原則の項目", "en": "Principle item"},
    "label_heading": {"ja": "見出し", "en": "Heading"},
    "label_verdict": {"ja": "判定", "en": "Verdict"},
    "label_evidence": {"ja": "根拠となる文", "en": "Sentences it rests on"},
    "label_sections": {"ja": "記載箇所", "en": "Where"},
    "label_coverage": {"ja": "原則の項目ごとの記載状況", "en": "Coverage of the principle items"},
    "label_section_table": {"ja": "見出しごとの言い換えの度合いと具体性", "en": "Restatement and concreteness by sect"
                                                              "ion"},
    "label_restatement_score": {"ja": "言い換え度", "en": "Restatement score"},
    "label_concrete_sentences": {"ja": "具体的な文", "en": "Concrete sentences"},
    "label_sentences": {"ja": "文", "en": "Sentences"},
    "label_restatement": {"ja": "言い換えのみ", "en": "Only restates"},
    "label_years": {"ja": "年度比較", "en": "Year on year"},
    "label_unchanged": {"ja": "変更なし", "en": "Unchanged"},
    "label_changed": {"ja": "変更あり", "en": "Changed"},
    "label_added": {"ja": "追加", "en": "Added"},
    "label_removed": {"ja": "削除", "en": "Removed"},
    "label_kpis": {"ja": "KPIの目標と実績", "en": "KPI targets and results"},
    "label_metric": {"ja": "指標", "en": "Metric"},
    "label_target": {"ja": "目標", "en": "Target"},
    "label_result": {"ja": "実績", "en": "Result"},
    "label_previous": {"ja": "前年", "en": "Previous year"},
    "label_saydo": {"ja": "方針と実態（言行一致）の点検", "en": "Say-do gap: promises against the data"},
    "label_promise": {"ja": "方針の約束", "en": "Promise"},
    "label_tests": {"ja": "検証に使ったルール・指標", "en": "Tested by"},
    "label_proposed": {"ja": "提案判定", "en": "Proposed"},
    "label_decision": {"ja": "監査人の判断", "en": "Auditor's decision"},
    "label_final": {"ja": "最終判定", "en": "Final"},
    "label_reason": {"ja": "理由", "en": "Reason"},
    "label_no_promises": {"ja": "データで検証できる約束は見つかりませんでした。", "en": "No promise the data can test"
                                                                 " was found."},
    "label_no_scan": {"ja": "顧客本位スキャンの結果が指定されていないため、言行一致の点検は行っていません"
                      "（--scan または --workspace）。",
                      "en": "No conduct scan was given (--scan or --workspace): the say-do gap was not checked."},
    "label_heatmap": {"ja": "原則の項目の記載状況（金融機関 × 項目）", "en": "Coverage of the principle items (firms "
                                                           "x items)"},
    "label_counts": {"ja": "業態別の件数と分布（運用損益がプラスの顧客の割合、%）",
                     "en": "Counts and spread by firm type (share of customers at 0% or better, %)"},
    "label_type": {"ja": "業態", "en": "Firm type"},
    "label_as_of": {"ja": "基準日", "en": "Base date"},
    "label_firms": {"ja": "先数", "en": "Firms"},
    "label_rows": {"ja": "行数", "en": "Rows"},
    "label_median": {"ja": "中央値", "en": "Median"},
    "label_rank": {"ja": "業態内の順位", "en": "Place in its type"},
    "label_percentile": {"ja": "業態内パーセンタイル", "en": "Percentile in its type"},
    "label_source": {"ja": "出所", "en": "Source"},
    "label_value": {"ja": "値", "en": "Value"},
    "label_disagree": {"ja": "出所により値が異なる", "en": "sources disagree"},
    "label_yoy": {"ja": "前年からの変化", "en": "Change from the year before"},
    "label_change": {"ja": "変化（ポイント）", "en": "Change (points)"},
    "label_cost_return": {"ja": "残高上位20銘柄のコストとリターン", "en": "Top-20 funds: cost against return"},
    "label_cost": {"ja": "コスト（%）", "en": "Cost (%)"},
    "label_return": {"ja": "リターン（年率%）", "en": "Return (% p.a.)"},
    "label_risk": {"ja": "リスク（年率%）", "en": "Risk (% p.a.)"},
    "label_reference": {"ja": "参考：業界平均・調査平均", "en": "Reference: industry and survey averages"},
    "label_series_note": {"ja": "運用損益がプラスの顧客の割合は市況で大きく動くため、基準日ごとの系列として示し、"
                          "業態や基準日をまたいだ順位付けは行いません。",
                          "en": "The positive-return share swings with markets: it is shown as a series by base date, "
                          "never ranked across firm types or dates."},
    "label_rejected": {"ja": "受け付けなかった報告様式", "en": "Workbooks refused"},
    "label_file": {"ja": "ファイル", "en": "File"},
    "label_problem": {"ja": "問題", "en": "Problem"},
    "label_policy_file": {"ja": "取組方針", "en": "Policy"},
    "label_progress_file": {"ja": "取組状況", "en": "Progress report"},
    "label_table_file": {"ja": "対応表", "en": "Correspondence table"},
    "label_none": {"ja": "なし", "en": "none"},
    "label_progress_answers": {"ja": "取組状況での報告", "en": "Reported in progress"},
    "label_yes": {"ja": "あり", "en": "yes"},
    "label_no": {"ja": "なし", "en": "no"},
    "label_verdict_counts": {"ja": "判定の内訳", "en": "Verdicts"},
    "label_bands": {"ja": "運用損益の区分別の割合（公表分）", "en": "Single return bands (as published)"},
    "label_band": {"ja": "区分", "en": "Band"},
}


class FdError(Exception):
    """A user-facing error of the fd pillar: a stable code and the fields its message names."""

    def __init__(self, code: str, **fields: Any) -> None:
        if code not in MESSAGES:
            raise KeyError(f"unknown message code {code!r}")
        self.code = code
        self.fields = fields
        super().__init__(render(code, fields, "en"))

    def message(self, lang: Lang = "ja") -> str:
        """The message in one language."""
        return render(self.code, self.fields, lang)


class FdErrors(Exception):
    """Several problems found at once (a workbook with many bad cells); nothing was read into the result."""

    def __init__(self, errors: list[FdError]) -> None:
        self.errors = errors
        super().__init__("\n".join(e.message("en") for e in errors[:20]))

    def messages(self, lang: Lang = "ja") -> list[str]:
        """Every message in one language."""
        return [e.message(lang) for e in self.errors]


def render(code: str, fields: Mapping[str, Any], lang: Lang) -> str:
    """Render message `code` with its fields in `lang` (a missing field shows as its name in braces)."""
    template = MESSAGES[code][lang]
    try:
        return template.format(**fields)
    except (KeyError, IndexError, ValueError):
        return template + " " + repr(dict(fields))
