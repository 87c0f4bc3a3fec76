"""Read answer files (xlsx template, CSV, JSON) and check them against the framework, naming every problem."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kansa.assessment.errors import Problem
from kansa.assessment.loader import question_set_checksum
from kansa.assessment.model import Framework, QuestionRef
from kansa.assessment.template import COLUMNS, META_SHEET, metadata_seal
from kansa.assessment.workbook_guard import sheet_problems
from kansa.i18n import Lang, pick
from kansa.limits import check_archive

FLAT_COLUMNS = ("institution_id", "question_id", "answer", "comment")


@dataclass(frozen=True)
class Answer:
    """One answer: the option value chosen, and the person's comment and evidence."""

    value: str
    comment: str = ""
    evidence: str = ""


@dataclass
class Submission:
    """One institution's complete answers from one file."""

    institution_id: str
    framework_id: str
    framework_version: str
    checksum: str
    answers: dict[str, Answer]
    source: str
    source_sha256: str
    fmt: str                       # xlsx | csv | json
    meta: dict[str, str] = field(default_factory=dict)

    def values(self) -> dict[str, str]:
        """Question id -> option value, what scoring needs."""
        return {q: a.value for q, a in self.answers.items()}


@dataclass
class FileResult:
    """What one file gave: its submissions, or the problems that reject it."""

    path: Path
    submissions: list[Submission]
    problems: list[Problem]
    notes: list[Problem] = field(default_factory=list)   # accepted, but worth saying (e.g. blank answers)


def read_answer_file(path: Path, framework: Framework, lang: Lang = "ja") -> FileResult:
    """Read and check one answer file; a file with any problem gives no submission."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return FileResult(path, [], [Problem(str(path), f"読み込めません: {exc}", f"cannot read: {exc}")])
    digest = hashlib.sha256(raw).hexdigest()
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        subs, problems = _read_xlsx(path, raw, framework, digest)
        problems = problems or _check_file_name(path, subs)
    elif suffix in (".csv", ".json"):
        try:
            records = _flat_records(path, raw)
        except ValueError as exc:
            return FileResult(path, [], [Problem(str(path), str(exc).split(" / ")[0], str(exc).split(" / ")[-1])])
        subs, problems = _check_flat(path, records, framework, digest, suffix[1:])
    else:
        problems = [Problem(str(path), f"対応していない形式です({suffix}): .xlsx .csv .json",
                            f"unsupported file type {suffix}: use .xlsx, .csv or .json")]
        subs = []
    notes = [] if problems else _blank_notes(path, subs, framework)
    return FileResult(path, [] if problems else subs, problems, notes)


def _blank_notes(path: Path, subs: list[Submission], framework: Framework) -> list[Problem]:
    """One note per institution that left questions blank: they count as not answered (0 points)."""
    notes = []
    ids = [r.question.id for r in framework.refs()]
    for sub in subs:
        blank = [q for q in ids if q not in sub.answers]
        if blank:
            shown = ", ".join(blank[:10]) + (" ..." if len(blank) > 10 else "")
            notes.append(Problem(str(path), f"{sub.institution_id}: 未回答 {len(blank)} 問(0点として扱います): {shown}",
                                 f"{sub.institution_id}: {len(blank)} questions not answered (scored 0): {shown}"))
    return notes


def _check_file_name(path: Path, subs: list[Submission]) -> list[Problem]:
    """Reject a workbook whose file name names another institution than its metadata (a copied template)."""
    for sub in subs:
        iid = sub.institution_id
        if not (re.search(r"[A-Za-z]", iid) and re.search(r"[0-9]", iid)):
            continue        # an all-digit id would match years and dates in names
        shape = "".join("[A-Za-z]" if c.isascii() and c.isalpha() else "[0-9]" if c.isdigit() else re.escape(c)
                        for c in iid)
        found = re.findall(rf"(?<![A-Za-z0-9])({shape})(?![A-Za-z0-9])", path.stem)
        others = sorted({f for f in found if f.casefold() != iid.casefold()})
        if others and not any(f.casefold() == iid.casefold() for f in found):
            return [Problem(str(path), f"ファイル名は別の金融機関 {others[0]} を示していますが、回答票は {iid} 用です"
                            f"(他機関の回答票を流用していませんか。{others[0]} 用の回答票で回答してください)",
                            f"the file name names institution {others[0]} but the workbook is {iid}'s (a copied "
                            f"template? answer on the workbook made for {others[0]})", META_SHEET)]
    return []


def _labels(ref: QuestionRef) -> dict[str, str]:
    """Every accepted spelling of an answer (value, ja label, en label) -> option value."""
    out: dict[str, str] = {}
    for opt in ref.question.answers.options:
        for spelling in (opt.value, opt.label.get("ja"), opt.label.get("en")):
            if spelling:
                out[_norm(spelling)] = opt.value
    return out


def _norm(text: str) -> str:
    # NFKC: full-width Ｙｅｓ, half-width ｶﾅ and ideographic spaces read as what the person meant
    return " ".join(unicodedata.normalize("NFKC", str(text)).split()).casefold()


def _resolve_answer(ref: QuestionRef, raw: Any, file: str, sheet: str | None, row: int | None,
                    lang: Lang) -> tuple[str | None, Problem | None]:
    """The option value of an answer cell; a blank cell is not answered (None, no problem)."""
    text = "" if raw is None else str(raw).strip()
    qid = ref.question.id
    if not text:
        return None, None
    value = _labels(ref).get(_norm(text))
    if value is None:
        allowed = " / ".join(pick(o.label, lang) for o in ref.question.answers.options)
        return None, Problem(file, f"選択肢にない回答です: {text!r}(選択肢: {allowed})",
                             f"answer {text!r} is not one of the options ({allowed})", sheet, row, qid)
    return value, None


# --- xlsx --------------------------------------------------------------------------------------------

def _read_xlsx(path: Path, raw: bytes, framework: Framework, digest: str) -> tuple[list[Submission], list[Problem]]:
    from openpyxl import load_workbook

    file = str(path)
    try:
        check_archive(path)  # a zip bomb is refused before openpyxl inflates it
        wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken or foreign file
        return [], [Problem(file, f"Excel ブックとして読めません: {exc}", f"not a readable Excel workbook: {exc}")]
    try:
        if META_SHEET not in wb.sheetnames:
            return [], [Problem(file, "kansa の回答票ではありません(メタデータシートがありません)",
                                "not a kansa answer workbook (metadata sheet missing)", META_SHEET)]
        meta = {str(r[0]): "" if r[1] is None else str(r[1])
                for r in wb[META_SHEET].iter_rows(values_only=True) if r and r[0] is not None and len(r) > 1}
        problems = _check_meta(file, meta, framework)
        if problems:
            return [], problems
        sheet = meta.get("answers_sheet", "")
        if sheet not in wb.sheetnames:
            return [], [Problem(file, f"回答シート {sheet!r} がありません", f"answers sheet {sheet!r} is missing",
                                sheet)]
        guard = sheet_problems(path, wb, sheet)
        if guard:
            return [], [Problem(file, ja, en, sheet, None, None) for ja, en, _cells in guard]
        header_row = int(meta.get("header_row", "3"))
        heading = next(wb[sheet].iter_rows(min_row=1, max_row=1, max_col=1, values_only=True), (None,))[0]
        rows = list(wb[sheet].iter_rows(min_row=header_row + 1, max_col=len(COLUMNS), values_only=True))
    finally:
        wb.close()
    if not re.search(rf"— {re.escape(meta['institution_id'])}(\s|$)", str(heading or "")):
        return [], [Problem(file, f"メタデータの金融機関 {meta['institution_id']} が回答シートの表題と一致しません"
                            f"(表題: {heading!r})。メタデータが編集されています",
                            f"institution {meta['institution_id']} in the metadata does not match the answers "
                            f"sheet's title ({heading!r}): the metadata was edited", sheet, 1)]
    lang: Lang = "en" if meta.get("lang") == "en" else "ja"
    answers, problems = _read_rows(file, sheet, header_row, rows, framework, lang)
    sub = Submission(meta["institution_id"], framework.id, framework.version, meta["checksum"], answers,
                     file, digest, "xlsx", meta)
    return [sub], problems


def _read_rows(file: str, sheet: str, header_row: int, rows: list[tuple[Any, ...]], framework: Framework,
               lang: Lang) -> tuple[dict[str, Answer], list[Problem]]:
    """Match the sheet's rows to the questions in order, naming deleted, added, moved and edited rows."""
    col = {name: i for i, name in enumerate(COLUMNS)}
    data_rows = [(header_row + 1 + i, r) for i, r in enumerate(rows) if any(v not in (None, "") for v in r)]
    present = {str(r[col["question_id"]] or "").strip() for _, r in data_rows}
    answers: dict[str, Answer] = {}
    problems: list[Problem] = []
    j = 0
    for ref in framework.refs():
        q = ref.question
        if q.id not in present:
            where = data_rows[j][0] if j < len(data_rows) else header_row + 1 + len(rows)
            problems.append(Problem(file, f"質問 {q.id} の行が削除されています({where} 行目の前)",
                                    f"the row of question {q.id} was deleted (before row {where})", sheet, where, q.id))
            continue
        if j >= len(data_rows):
            break
        row_no, row = data_rows[j]
        j += 1
        qid = str(row[col["question_id"]] or "").strip()
        if qid != q.id:
            problems.append(Problem(file, f"質問IDが変更されているか行が入れ替わっています: {qid!r}(本来 {q.id})",
                                    f"question id edited or rows moved: {qid!r} (expected {q.id})", sheet, row_no,
                                    q.id))
            continue
        if _norm(str(row[col["question"]] or "")) != _norm(pick(q.text, lang)):
            problems.append(Problem(file, "質問文が変更されています", "question text was edited", sheet, row_no, q.id))
            continue
        value, problem = _resolve_answer(ref, row[col["answer"]], file, sheet, row_no, lang)
        if problem:
            problems.append(problem)
        elif value is not None:
            answers[q.id] = Answer(value, _cell(row[col["comment"]]), _cell(row[col["evidence"]]))
    for row_no, row in data_rows[j:]:
        problems.append(Problem(file, f"質問票にない行です: {row[col['question_id']]!r}",
                                f"a row that is not a question of the set: {row[col['question_id']]!r}", sheet,
                                row_no, str(row[col["question_id"]] or "") or None))
    return answers, problems


def _cell(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _check_meta(file: str, meta: dict[str, str], framework: Framework) -> list[Problem]:
    problems = []
    for key in ("framework_id", "framework_version", "institution_id", "checksum", "seal"):
        if not meta.get(key):
            hint_ja = "(古い kansa で作成された回答票か、メタデータが編集されています。回答票を作成し直してください)"
            hint_en = " (a workbook from an older kansa, or edited metadata: make the workbook again)"
            problems.append(Problem(file, f"メタデータ {key} がありません{hint_ja if key == 'seal' else ''}",
                                    f"metadata {key} missing{hint_en if key == 'seal' else ''}", META_SHEET))
    if problems:
        return problems
    if meta["framework_id"] != framework.id:
        problems.append(Problem(file, f"フレームワークが違います: {meta['framework_id']}(取込先 {framework.id})",
                                f"wrong framework: {meta['framework_id']} (expected {framework.id})", META_SHEET))
    elif meta["framework_version"] != framework.version:
        problems.append(Problem(file, f"フレームワークの版が違います: {meta['framework_version']}"
                                f"(取込先 {framework.version})",
                                f"wrong framework version: {meta['framework_version']} (expected {framework.version})",
                                META_SHEET))
    elif meta["checksum"] != question_set_checksum(framework):
        problems.append(Problem(file, "質問セットのチェックサムが一致しません(回答票が改変されたか別の質問セットです)",
                                "question-set checksum mismatch (the workbook was altered or is for another set)",
                                META_SHEET))
    elif meta["seal"] != metadata_seal(meta["framework_id"], meta["framework_version"], meta["institution_id"],
                                       meta["checksum"]):
        problems.append(Problem(file, "メタデータの封印が一致しません(メタデータが編集されています)。"
                                "配布された回答票で回答し直してください",
                                "metadata seal mismatch (the metadata was edited): answer on the workbook you were "
                                "sent", META_SHEET))
    return problems


# --- CSV / JSON -----------------------------------------------------------------------------------------

def _flat_records(path: Path, raw: bytes) -> list[tuple[int, dict[str, Any]]]:
    """(row number as the person sees it, record) from a CSV (UTF-8 or CP932) or JSON file."""
    if path.suffix.lower() == ".json":
        try:
            doc = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ValueError(f"JSON として読めません: {exc} / not valid JSON: {exc}") from exc
        if isinstance(doc, dict) and isinstance(doc.get("answers"), list):
            inst = doc.get("institution_id")
            records = [{"institution_id": inst, **r} if isinstance(r, dict) else r for r in doc["answers"]]
        elif isinstance(doc, list):
            records = doc
        else:
            raise ValueError("JSON は回答の配列か {institution_id, answers: [...]} が必要です / "
                             "JSON must be a list of answers or {institution_id, answers: [...]}")
        if not all(isinstance(r, dict) for r in records):
            raise ValueError("JSON の各回答はオブジェクトが必要です / every JSON answer must be an object")
        return [(i + 1, r) for i, r in enumerate(records)]
    for enc in ("utf-8-sig", "cp932"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError("文字コードが UTF-8 でも CP932 でもありません / encoding is neither UTF-8 nor CP932")
    reader = csv.DictReader(io.StringIO(text, newline=""))  # newline="": a CR inside a quoted cell stays text
    try:
        missing = [c for c in FLAT_COLUMNS[:3] if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"列がありません: {missing} / missing columns: {missing}")
        return [(i + 2, r) for i, r in enumerate(reader)]
    except csv.Error as exc:  # a broken CSV (an unclosed quote, NUL bytes): a problem with the file, not a crash
        raise ValueError(f"CSVとして読めません（{reader.line_num}行目）/ not a readable CSV (line "
                         f"{reader.line_num}): {exc}") from exc


def _check_flat(path: Path, records: Iterable[tuple[int, dict[str, Any]]], framework: Framework, digest: str,
                fmt: str) -> tuple[list[Submission], list[Problem]]:
    file = str(path)
    index = framework.question_index()
    by_inst: dict[str, dict[str, Answer]] = {}
    seen_rows: dict[tuple[str, str], int] = {}
    problems: list[Problem] = []
    for row_no, rec in records:
        inst = _cell(rec.get("institution_id"))
        qid = _cell(rec.get("question_id"))
        if not inst:
            problems.append(Problem(file, "institution_id がありません", "institution_id missing", row=row_no,
                                    question=qid))
            continue
        ref = index.get(qid)
        if ref is None:
            problems.append(Problem(file, f"フレームワークにない質問です: {qid!r}",
                                    f"question {qid!r} is not in {framework.id} {framework.version}",
                                    row=row_no, question=qid or None))
            continue
        if (inst, qid) in seen_rows:
            problems.append(Problem(file, f"同じ質問への回答が重複しています({seen_rows[(inst, qid)]} 行目と)",
                                    f"question answered twice (also row {seen_rows[(inst, qid)]})", row=row_no,
                                    question=qid))
            continue
        seen_rows[(inst, qid)] = row_no
        by_inst.setdefault(inst, {})        # an institution that left everything blank still submitted
        value, problem = _resolve_answer(ref, rec.get("answer"), file, None, row_no, "ja")
        if problem:
            problems.append(problem)
        elif value is not None:
            by_inst.setdefault(inst, {})[qid] = Answer(value, _cell(rec.get("comment")), _cell(rec.get("evidence")))
    checksum = question_set_checksum(framework)
    answered = {inst for inst, _ in seen_rows}
    for inst in sorted(answered):
        for ref in framework.refs():
            if (inst, ref.question.id) not in seen_rows:
                problems.append(Problem(file, f"{inst} の回答がありません", f"no answer from {inst}",
                                        question=ref.question.id))
    subs = [Submission(inst, framework.id, framework.version, checksum, ans, file, digest, fmt)
            for inst, ans in by_inst.items()]
    return subs, problems


def check_batch(results: list[FileResult]) -> None:
    """Reject every file of the batch that names an institution another file of the batch also names."""
    owners: dict[str, list[FileResult]] = {}
    for res in results:
        for sub in res.submissions:
            owners.setdefault(sub.institution_id, []).append(res)
    for inst, files in owners.items():
        if len(files) < 2:
            continue
        names = ", ".join(str(f.path) for f in files)
        for res in files:
            res.problems.append(Problem(str(res.path), f"同じ金融機関 {inst} の回答が同じ取込に複数あります: {names}",
                                        f"institution {inst} appears in more than one file of this batch: {names}"))
            res.submissions = []


def check_records(records: Iterable[tuple[int, dict[str, Any]]], framework: Framework, source: str,
                  digest: str, fmt: str) -> tuple[list[Submission], list[Problem]]:
    """Check answers given as records (`institution_id, question_id, answer, comment`), as the CSV importer does.

    For answers that arrive another way than a file (a web form): the same option, question and duplicate checks.
    """
    return _check_flat(Path(source), records, framework, digest, fmt)
