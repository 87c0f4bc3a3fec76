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

from openpyxl import load_workbook

from kansa.assessment.errors import AnswerFileError, Problem
from kansa.assessment.loader import question_set_checksum
from kansa.assessment.model import Framework, QuestionRef
from kansa.assessment.template import COLUMNS, META_SHEET, metadata_seal
from kansa.assessment.workbook_guard import sheet_problems
from kansa.contract.xlsx_parts import check_sheet
from kansa.i18n import Lang, pick
from kansa.limits import check_archive
from kansa.messages import InputError

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
        return FileResult(path, [], [Problem(str(path), "assess_cannot_read", {"exc": str(exc)})])
    digest = hashlib.sha256(raw).hexdigest()
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        subs, problems = _read_xlsx(path, raw, framework, digest)
        problems = problems or _check_file_name(path, subs)
    elif suffix in (".csv", ".json"):
        try:
            records = _flat_records(path, raw)
        except AnswerFileError as exc:
            return FileResult(path, [], [Problem(str(path), exc.code, exc.message.fields)])
        subs, problems = _check_flat(path, records, framework, digest, suffix[1:])
    else:
        problems = [Problem(str(path), "assess_unsupported_file_type_xlsx", {"suffix": suffix})]
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
            notes.append(Problem(str(path), "assess_questions_answered_scored",
                                 {"institution_id": sub.institution_id, "count": len(blank), "shown": shown}))
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
            return [Problem(str(path), "assess_file_name_names_institution",
                            {"others": others[0], "iid": iid}, META_SHEET)]
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
        return None, Problem(file, "assess_answer_options", {"text": text, "allowed": allowed}, sheet, row, qid)
    return value, None


# --- xlsx --------------------------------------------------------------------------------------------

def _read_xlsx(path: Path, raw: bytes, framework: Framework, digest: str) -> tuple[list[Submission], list[Problem]]:
    file = str(path)
    try:
        check_archive(path)  # a zip bomb is refused before openpyxl inflates it
        wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken or foreign file
        return [], [Problem(file, "assess_readable_excel_workbook", {"exc": str(exc)})]
    try:
        if META_SHEET not in wb.sheetnames:
            return [], [Problem(file, "assess_kansa_answer_workbook_metadata", {}, META_SHEET)]
        meta = {str(r[0]): "" if r[1] is None else str(r[1])
                for r in wb[META_SHEET].iter_rows(values_only=True) if r and r[0] is not None and len(r) > 1}
        problems = _check_meta(file, meta, framework)
        if problems:
            return [], problems
        sheet = meta.get("answers_sheet", "")
        if sheet not in wb.sheetnames:
            return [], [Problem(file, "assess_answers_sheet_missing", {"sheet": sheet},
                                sheet)]
        guard = sheet_problems(path, wb, sheet)
        if guard:
            return [], [Problem(file, code, fields, sheet, None, None) for code, fields, _cells in guard]
        try:
            check_sheet(path, sheet)
        except InputError as exc:  # formulas without a saved value would score as blank answers
            return [], [Problem(file, exc.code, exc.message.fields, sheet)]
        header_text = meta.get("header_row", "3").strip()
        if not header_text.isdigit() or not 1 <= int(header_text) <= 1000:  # an edited metadata sheet
            return [], [Problem(file, "assess_metadata_bad", {"key": "header_row", "value": header_text}, META_SHEET)]
        header_row = int(header_text)
        heading = next(wb[sheet].iter_rows(min_row=1, max_row=1, max_col=1, values_only=True), (None,))[0]
        rows = list(wb[sheet].iter_rows(min_row=header_row + 1, max_col=len(COLUMNS), values_only=True))
    finally:
        wb.close()
    if not re.search(rf"— {re.escape(meta['institution_id'])}(\s|$)", str(heading or "")):
        return [], [Problem(file, "assess_institution_metadata_does_match",
                            {"institution_id": meta['institution_id'], "heading": heading}, sheet, 1)]
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
            problems.append(Problem(file, "assess_row_question_was_deleted",
                                    {"q_id": q.id, "where": where}, sheet, where, q.id))
            continue
        if j >= len(data_rows):
            break
        row_no, row = data_rows[j]
        j += 1
        qid = str(row[col["question_id"]] or "").strip()
        if qid != q.id:
            problems.append(Problem(file, "assess_question_id_edited_rows", {"qid": qid, "q_id": q.id}, sheet, row_no,
                                    q.id))
            continue
        if _norm(str(row[col["question"]] or "")) != _norm(pick(q.text, lang)):
            problems.append(Problem(file, "assess_question_text_was_edited", {}, sheet, row_no, q.id))
            continue
        value, problem = _resolve_answer(ref, row[col["answer"]], file, sheet, row_no, lang)
        if problem:
            problems.append(problem)
        elif value is not None:
            answers[q.id] = Answer(value, _cell(row[col["comment"]]), _cell(row[col["evidence"]]))
    for row_no, row in data_rows[j:]:
        problems.append(Problem(file, "assess_row_that_question_set", {"value": row[col['question_id']]}, sheet,
                                row_no, str(row[col["question_id"]] or "") or None))
    return answers, problems


def _cell(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _check_meta(file: str, meta: dict[str, str], framework: Framework) -> list[Problem]:
    problems = []
    for key in ("framework_id", "framework_version", "institution_id", "checksum", "seal"):
        if not meta.get(key):
            code = "assess_metadata_seal_missing" if key == "seal" else "assess_metadata_missing"
            problems.append(Problem(file, code, {"key": key}, META_SHEET))
    if problems:
        return problems
    if meta["framework_id"] != framework.id:
        problems.append(Problem(file, "assess_wrong_framework_expected",
                                {"framework_id": meta['framework_id'], "framework_id2": framework.id}, META_SHEET))
    elif meta["framework_version"] != framework.version:
        problems.append(Problem(file, "assess_wrong_framework_version_expected",
                                {"framework_version": meta['framework_version'], "version": framework.version},
                                META_SHEET))
    elif meta["checksum"] != question_set_checksum(framework):
        problems.append(Problem(file, "assess_question_set_checksum_mismatch", {},
                                META_SHEET))
    elif meta["seal"] != metadata_seal(meta["framework_id"], meta["framework_version"], meta["institution_id"],
                                       meta["checksum"]):
        problems.append(Problem(file, "assess_metadata_seal_mismatch_metadata", {}, META_SHEET))
    return problems


# --- CSV / JSON -----------------------------------------------------------------------------------------

def _flat_records(path: Path, raw: bytes) -> list[tuple[int, dict[str, Any]]]:
    """(row number as the person sees it, record) from a CSV (UTF-8 or CP932) or JSON file."""
    if path.suffix.lower() == ".json":
        try:
            doc = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise AnswerFileError("assess_json_unreadable", exc=str(exc)) from exc
        if isinstance(doc, dict) and isinstance(doc.get("answers"), list):
            inst = doc.get("institution_id")
            records = [{"institution_id": inst, **r} if isinstance(r, dict) else r for r in doc["answers"]]
        elif isinstance(doc, list):
            records = doc
        else:
            raise AnswerFileError("assess_json_shape")
        if not all(isinstance(r, dict) for r in records):
            raise AnswerFileError("assess_json_answer_not_object")
        return [(i + 1, r) for i, r in enumerate(records)]
    for enc in ("utf-8-sig", "cp932"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise AnswerFileError("assess_encoding")
    reader = csv.DictReader(io.StringIO(text, newline=""))  # newline="": a CR inside a quoted cell stays text
    try:
        missing = [c for c in FLAT_COLUMNS[:3] if c not in (reader.fieldnames or [])]
        if missing:
            raise AnswerFileError("assess_missing_columns", missing=missing)
        return [(i + 2, r) for i, r in enumerate(reader)]
    except csv.Error as exc:  # a broken CSV (an unclosed quote, NUL bytes): a problem with the file, not a crash
        raise AnswerFileError("assess_csv_unreadable", line=reader.line_num, exc=str(exc)) from exc


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
            problems.append(Problem(file, "assess_institution_id_missing", {}, row=row_no,
                                    question=qid))
            continue
        ref = index.get(qid)
        if ref is None:
            problems.append(Problem(file, "assess_unknown_question",
                                    {"qid": qid, "framework_id": framework.id, "version": framework.version},
                                    row=row_no, question=qid or None))
            continue
        if (inst, qid) in seen_rows:
            problems.append(Problem(file, "assess_question_answered_twice_also",
                                    {"seen_rows": seen_rows[inst, qid]}, row=row_no,
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
                problems.append(Problem(file, "assess_no_answer_from", {"inst": inst},
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
            res.problems.append(Problem(str(res.path), "assess_institution_appears_more_than",
                                        {"inst": inst, "names": names}))
            res.submissions = []


def check_records(records: Iterable[tuple[int, dict[str, Any]]], framework: Framework, source: str,
                  digest: str, fmt: str) -> tuple[list[Submission], list[Problem]]:
    """Check answers given as records (`institution_id, question_id, answer, comment`), as the CSV importer does.

    For answers that arrive another way than a file (a web form): the same option, question and duplicate checks.
    """
    return _check_flat(Path(source), records, framework, digest, fmt)
