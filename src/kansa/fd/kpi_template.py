"""The layout of the common-KPI submission workbook (openpyxl): instructions, input cells unlocked and shaded,
drop-downs for the firm type, date and number validation, protected sheets and a hidden _meta sheet."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from kansa.fd.kpi_workbook import (
    BAND_LABELS,
    BANDS,
    FIRM_TYPE_LABELS,
    FIRST_BAND_ROW,
    FIRST_FUND_ROW,
    POSITIVE_ROW,
    SHEETS,
    TEMPLATE_ID,
    TEMPLATE_VERSION,
    TOP_N,
    WEIGHTED_ROW,
    seal,
)
from kansa.i18n import Lang

_INPUT = PatternFill("solid", fgColor="FFF7D6")
_HEAD = PatternFill("solid", fgColor="1F3864")
_INSTRUCTIONS = {
    "ja": ["投資信託の共通KPI 報告様式", "",
           "1. 「基本情報」に金融機関名、業態（一覧から選択）、基準日（3月31日）を記入してください。",
           "2. 「運用損益別顧客比率」に、基準日時点で投資信託を保有する顧客の運用損益率の区分ごとの割合（%）を"
           "記入してください。8区分の合計は100%になります（端数処理による差は±0.5ポイントまで）。",
           "3. 「運用損益がプラスの顧客の割合」は0%以上の4区分の合計と一致させてください。",
           "4. 「残高上位20銘柄」に、設定後5年以上の投資信託のうち基準日の残高上位20銘柄を残高の多い順に記入し、"
           "コスト（販売手数料率÷5＋信託報酬率）、過去5年の年率リターン・リスク（%）を記入してください。",
           "5. 最下行の残高加重平均は、記入した銘柄から計算した値と一致させてください（±0.02ポイント）。",
           "6. 黄色のセル以外は変更できません。シートの追加・削除・名前の変更もできません。"],
    "en": ["Common KPI submission (investment trusts)", "",
           "1. On 'Firm', enter the firm's name, its type (choose from the list) and the base date (a 31 March).",
           "2. On 'Return bands', enter the share (%) of fund customers in each cumulative-return band at the base "
           "date. The eight shares add up to 100% (rounding may leave up to ±0.5 points).",
           "3. The share of customers at 0% or better must equal the sum of the four bands from 0% up.",
           "4. On 'Top 20 funds', list the 20 funds at least 5 years old with the largest balances, largest first, "
           "with cost (sales fee / 5 + trust fee), 5-year annualised return and risk (%).",
           "5. The balance-weighted averages on the last row must match the funds listed (±0.02 points).",
           "6. Only the yellow cells can be edited; sheets cannot be added, removed or renamed."],
}


def _header(ws: Any, row: int, values: tuple[str, ...], widths: tuple[int, ...]) -> None:
    for c, (v, w) in enumerate(zip(values, widths, strict=True), start=1):
        cell = ws.cell(row=row, column=c, value=v)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEAD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[cell.column_letter].width = w


def _input(cell: Any, number_format: str | None = None) -> None:
    cell.protection = Protection(locked=False)
    cell.fill = _INPUT
    if number_format:
        cell.number_format = number_format


def build(lang: str, firm: str = "", firm_type: str = "", as_of: date | None = None) -> Workbook:
    """The workbook, ready to save."""
    ja = lang == "ja"
    names = SHEETS[lang]
    wb = Workbook()
    ins = wb.active
    ins.title = names[0]
    for i, line in enumerate(_INSTRUCTIONS[lang], start=1):
        ins.cell(row=i, column=1, value=line).alignment = Alignment(wrap_text=True)
    ins["A1"].font = Font(bold=True, size=14)
    ins.column_dimensions["A"].width = 110

    fw = wb.create_sheet(names[1])
    fw["A1"] = "基本情報" if ja else "Firm"
    fw["A1"].font = Font(bold=True, size=12)
    labels = ("金融機関名", "業態", "基準日（3月31日）") if ja else ("Firm name", "Firm type", "Base date (31 March)")
    for r, label in enumerate(labels, start=3):
        fw.cell(row=r, column=1, value=label).font = Font(bold=True)
    fw.column_dimensions["A"].width = 24
    fw.column_dimensions["B"].width = 36
    fw["B3"] = firm or None
    fw["B4"] = FIRM_TYPE_LABELS[firm_type][lang] if firm_type in FIRM_TYPE_LABELS else None
    fw["B5"] = datetime(as_of.year, as_of.month, as_of.day) if as_of else None
    for cell in ("B3", "B4"):
        _input(fw[cell])
    _input(fw["B5"], "yyyy-mm-dd")
    types = DataValidation(type="list", formula1='"' + ",".join(v[lang] for v in FIRM_TYPE_LABELS.values()) + '"',
                           allow_blank=False, showErrorMessage=True)
    types.error = "一覧から選んでください" if ja else "Choose from the list"
    types.add(fw["B4"])
    march = DataValidation(type="custom", formula1="AND(MONTH(B5)=3,DAY(B5)=31)", showErrorMessage=True)
    march.error = "基準日は3月31日です" if ja else "The base date is a 31 March"
    march.add(fw["B5"])
    fw.add_data_validation(types)
    fw.add_data_validation(march)

    bw = wb.create_sheet(names[2])
    bw["A1"] = "運用損益別顧客比率（投資信託、%）" if ja else "Customers by cumulative return (investment trusts, %)"
    bw["A1"].font = Font(bold=True, size=12)
    _header(bw, FIRST_BAND_ROW - 1, ("区分", "顧客の割合（%）") if ja else ("Band", "Share of customers (%)"), (26, 20))
    share = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", showErrorMessage=True)
    share.error = "0〜100 の数値です" if ja else "A number from 0 to 100"
    for i, label in enumerate(BAND_LABELS[lang]):
        r = FIRST_BAND_ROW + i
        bw.cell(row=r, column=1, value=label)
        _input(bw.cell(row=r, column=2), "0.0")
        share.add(bw.cell(row=r, column=2))
    total_row = FIRST_BAND_ROW + len(BAND_LABELS[lang])
    bw.cell(row=total_row, column=1, value="合計（自動計算）" if ja else "Total (computed)").font = Font(bold=True)
    bw.cell(row=total_row, column=2, value=f"=SUM(B{FIRST_BAND_ROW}:B{total_row - 1})").number_format = "0.0"
    bw.cell(row=POSITIVE_ROW, column=1, value="運用損益がプラスの顧客の割合（%）" if ja else
            "Share of customers at 0% or better (%)").font = Font(bold=True)
    _input(bw.cell(row=POSITIVE_ROW, column=2), "0.0")
    share.add(bw.cell(row=POSITIVE_ROW, column=2))
    bw.add_data_validation(share)

    tw = wb.create_sheet(names[3])
    tw["A1"] = "残高上位20銘柄のコスト・リターン・リスク" if ja else "Top 20 funds: cost, return, risk"
    tw["A1"].font = Font(bold=True, size=12)
    heads = (("順位", "銘柄名", "残高（百万円）", "コスト（%）", "リターン（年率%）", "リスク（年率%）") if ja else
             ("Rank", "Fund", "Balance (JPY m)", "Cost (%)", "Return (% p.a.)", "Risk (% p.a.)"))
    _header(tw, FIRST_FUND_ROW - 1, heads, (6, 40, 16, 12, 16, 14))
    for i in range(TOP_N):
        r = FIRST_FUND_ROW + i
        tw.cell(row=r, column=1, value=i + 1)
        for c, fmt in ((2, None), (3, "#,##0"), (4, "0.00"), (5, "0.00"), (6, "0.00")):
            _input(tw.cell(row=r, column=c), fmt)
    average = tw.cell(row=WEIGHTED_ROW, column=2, value="残高加重平均" if ja else "Balance-weighted average")
    average.font = Font(bold=True)
    for c in (4, 5, 6):
        _input(tw.cell(row=WEIGHTED_ROW, column=c), "0.00")

    meta = wb.create_sheet("_meta")
    for key, value in (("template", TEMPLATE_ID), ("version", TEMPLATE_VERSION), ("lang", lang), ("seal", seal(lang)),
                       ("generator", "kansa fd kpi-template")):
        meta.append([key, value])
    meta.sheet_state = "veryHidden"
    for ws in (ins, fw, bw, tw, meta):
        ws.protection.sheet = True
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
    wb.security.lockStructure = True
    wb.active = 1
    return wb


def fill(wb: Workbook, lang: str, bands: dict[str, float], positive: float | None,
         funds: list[tuple[str, float, float, float, float]], weighted: tuple[float, float, float] | None) -> Workbook:
    """Put a firm's figures into the template's input cells (as a firm would type them)."""
    names = SHEETS[lang]
    bw, tw = wb[names[2]], wb[names[3]]
    for i, band in enumerate(BANDS):
        bw.cell(row=FIRST_BAND_ROW + i, column=2, value=bands.get(band))
    bw.cell(row=POSITIVE_ROW, column=2, value=positive)
    for i, (name, bal, cost, ret, risk) in enumerate(funds[:TOP_N]):
        for c, v in enumerate((name, bal, cost, ret, risk), start=2):
            tw.cell(row=FIRST_FUND_ROW + i, column=c, value=v)
    if weighted is not None:
        for c, v in zip((4, 5, 6), weighted, strict=True):
            tw.cell(row=WEIGHTED_ROW, column=c, value=v)
    return wb


def write_template(path: Path, lang: Lang = "ja", firm: str = "", firm_type: str = "",
                   as_of: date | None = None) -> Path:
    """Write the empty submission workbook (optionally with the firm filled in)."""
    wb = build(lang, firm, firm_type, as_of)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
