"""The answer workbook an institution fills in: instructions, drop-downs, protection, hidden metadata."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation

from kansa.assessment.loader import question_set_checksum
from kansa.assessment.model import AnswerSet, Framework
from kansa.i18n import Lang, pick

META_SHEET = "_meta"
LISTS_SHEET = "_lists"
HEADER_ROW = 3
# Column letters of the answers sheet; the importer reads by these positions.
COLUMNS = ("no", "question_id", "domain", "requirement", "tier", "question", "guidance", "answer", "comment",
           "evidence")
HEADERS = {
    "ja": ("No", "質問ID", "領域", "要件", "区分", "質問", "解説・着眼点", "回答(選択)", "コメント", "根拠資料"),
    "en": ("No", "Question ID", "Domain", "Requirement", "Tier", "Question", "Guidance", "Answer (choose)", "Comment",
           "Evidence"),
}
WIDTHS = (5, 12, 18, 24, 9, 60, 45, 18, 36, 28)
SHEET_NAMES = {"ja": ("記入方法", "回答"), "en": ("Instructions", "Answers")}
TIER_LABEL = {"ja": {"basic": "基本", "recommended": "推奨"}, "en": {"basic": "Basic", "recommended": "Recommended"}}
ANSWER_COL = COLUMNS.index("answer") + 1

_INSTRUCTIONS = {
    "ja": [
        "サイバーセキュリティ セルフアセスメント 回答票",
        "",
        "1. 「回答」シートの各行(1行が1問)について、「回答(選択)」欄のドロップダウンから"
        "最も当てはまるものを選んでください。",
        "2. 全ての質問に回答してください。該当しない質問は「該当なし」を選んでください(評点の分母から除かれます)。"
        "空欄のままの質問は未回答として扱い、0点(「いいえ」と同じ)になります。",
        "3. 「コメント」欄には補足や今後の予定を、「根拠資料」欄には規程名・報告書名など"
        "確認できる資料を記入してください。",
        "4. 質問文・質問ID・行の順序は変更しないでください。変更された回答票は取り込み時に受け付けられません。",
        "5. シートの追加・削除・名前変更はできません(ブックの構成は保護されています)。",
        "6. 区分「基本」は全ての金融機関に求められる基本的な対応事項、「推奨」は対応が望ましい事項です"
        "(金融分野におけるサイバーセキュリティに関するガイドライン、2024年10月)。",
        "7. 本アセスメントはベストプラクティスでも最低基準でもありません。"
        "自機関の立ち位置を確認し、改善につなげるためのものです。",
        "",
    ],
    "en": [
        "Cybersecurity self-assessment answer workbook",
        "",
        "1. On the Answers sheet (one question per row) choose the best answer from the drop-down in 'Answer'.",
        "2. Answer every question. Choose 'Not applicable' where a question does not apply (left out of the score). "
        "A question left blank is not answered and scores 0, like 'No'.",
        "3. Use 'Comment' for remarks and plans, 'Evidence' for documents that show it (policies, reports).",
        "4. Do not edit question texts, ids or the order of rows: an edited workbook is rejected on import.",
        "5. Sheets cannot be added, removed or renamed (the workbook structure is protected).",
        "6. Tier 'Basic' marks measures expected of every institution; 'Recommended' ones for larger institutions.",
        "7. The assessment is neither best practice nor a minimum standard: it shows where you stand.",
        "",
    ],
}


def write_template(framework: Framework, institution_id: str, out: Path, lang: Lang = "ja",
                   institution_name: str | None = None) -> Path:
    """Write the answer workbook for one institution."""
    wb = Workbook()
    instr_name, answers_name = SHEET_NAMES[lang]
    _instructions(wb.active, framework, institution_id, institution_name, lang)
    wb.active.title = instr_name
    ws = wb.create_sheet(answers_name)
    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    validations = _answer_lists(framework, lists, lang)
    _answers(ws, framework, institution_id, institution_name, lang, validations)
    meta = wb.create_sheet(META_SHEET)
    for key, value in (("framework_id", framework.id), ("framework_version", framework.version),
                       ("institution_id", institution_id), ("checksum", question_set_checksum(framework)),
                       ("seal", metadata_seal(framework.id, framework.version, institution_id,
                                              question_set_checksum(framework))),
                       ("lang", lang), ("answers_sheet", answers_name), ("header_row", HEADER_ROW),
                       ("questions", len(framework.refs())),
                       ("created_at", datetime.now().isoformat(timespec="seconds")),
                       ("generator", "kansa assess template")):
        meta.append([key, value])
    meta.sheet_state = "veryHidden"
    for sheet in (wb[instr_name], ws, lists, meta):
        sheet.protection.sheet = True
        sheet.protection.formatColumns = False   # let people widen columns and rows
        sheet.protection.formatRows = False
    wb.security.lockStructure = True
    wb.active = 1
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def metadata_seal(framework_id: str, version: str, institution_id: str, checksum: str) -> str:
    """A digest binding the workbook's framework, version, institution and question set together.

    Not a secret signature: it catches metadata edited by hand (another institution's id typed in an
    unprotected copy), not someone who reads this code.
    """
    text = "\x1f".join(("kansa-assessment-seal/1", framework_id, version, institution_id, checksum))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _instructions(ws: Any, framework: Framework, institution_id: str, name: str | None, lang: Lang) -> None:
    lines = list(_INSTRUCTIONS[lang])
    lines += [f"{'フレームワーク' if lang == 'ja' else 'Framework'}: {pick(framework.title, lang)} "
              f"({framework.id} {framework.version})",
              f"{'金融機関' if lang == 'ja' else 'Institution'}: {institution_id}{f' {name}' if name else ''}",
              f"{'質問数' if lang == 'ja' else 'Questions'}: {len(framework.refs())}"]
    for i, line in enumerate(lines, start=1):
        cell = ws.cell(row=i, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if i == 1:
            cell.font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 120


def _answer_lists(framework: Framework, lists: Any, lang: Lang) -> dict[str, DataValidation]:
    """One drop-down per answer scale: its labels in a column of the hidden lists sheet."""
    used: list[AnswerSet] = []
    for ref in framework.refs():
        if ref.question.answers not in used:
            used.append(ref.question.answers)
    out: dict[str, DataValidation] = {}
    for col, aset in enumerate(used, start=1):
        labels = [pick(o.label, lang) for o in aset.options]
        lists.cell(row=1, column=col, value=aset.id)
        for r, label in enumerate(labels, start=2):
            lists.cell(row=r, column=col, value=label)
        inline = ",".join(labels)
        if len(inline) <= 250 and not any("," in lb or '"' in lb for lb in labels):
            formula = f'"{inline}"'
        else:
            letter = lists.cell(row=1, column=col).column_letter
            formula = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(labels) + 1}"
        dv = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False)
        dv.error = "一覧から選んでください / Choose from the list" if lang == "ja" else "Choose from the list"
        dv.errorTitle = "回答 / Answer"
        dv.prompt = " / ".join(labels)
        dv.showErrorMessage = True
        dv.showInputMessage = True
        out[aset.id] = dv
    return out


def _answers(ws: Any, framework: Framework, institution_id: str, name: str | None, lang: Lang,
             validations: dict[str, DataValidation]) -> None:
    heading = f"{pick(framework.title, lang)} — {institution_id}{f' {name}' if name else ''}"
    title = ws.cell(row=1, column=1, value=heading)
    title.font = Font(bold=True, size=12)
    header_fill = PatternFill("solid", fgColor="1F3864")
    answer_fill = PatternFill("solid", fgColor="FFF7D6")
    thin = Side(style="thin", color="C8CCD4")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    for c, (header, width) in enumerate(zip(HEADERS[lang], WIDTHS, strict=True), start=1):
        cell = ws.cell(row=HEADER_ROW, column=c, value=header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = header_fill
        cell.alignment = wrap
        ws.column_dimensions[cell.column_letter].width = width
    for ref in framework.refs():
        r = HEADER_ROW + 1 + ref.position
        q, req = ref.question, ref.requirement
        values = (ref.position + 1, q.id, pick(ref.domain.title, lang), f"{req.id} {pick(req.title, lang)}",
                  TIER_LABEL[lang].get(req.tier or "", ""), pick(q.text, lang), pick(q.guidance, lang),
                  None, None, None)
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            cell.alignment = wrap
            cell.border = border
            if COLUMNS[c - 1] in ("answer", "comment", "evidence"):
                cell.protection = Protection(locked=False)
                cell.fill = answer_fill
        validations[q.answers.id].add(ws.cell(row=r, column=ANSWER_COL))
    for dv in validations.values():
        ws.add_data_validation(dv)
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=3)
