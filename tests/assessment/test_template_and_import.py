"""The answer workbook and the import: filled as a person would, and every way a file is rejected."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
import yaml

from kansa.assessment.importing import import_answers
from kansa.assessment.loader import load_framework, question_set_checksum
from kansa.assessment.model import Framework
from kansa.assessment.store import AnswerStore
from kansa.assessment.template import META_SHEET, write_template

LABELS = {"GOV-01-1": "はい", "GOV-01-2": "一部", "GOV-02-1": "いいえ", "PRO-01-1": "段階3", "PRO-02-1": "該当なし"}


def _fill(template: Path, out: Path, answers: dict[str, str | None] | None = None) -> Path:
    """Fill the workbook with openpyxl the way a person would: labels from the drop-down, a comment."""
    wb = openpyxl.load_workbook(template)
    ws = wb["回答"]
    for row in range(4, ws.max_row + 1):
        qid = ws.cell(row, 2).value
        if qid:
            ws.cell(row, 8).value = (answers or LABELS).get(qid, LABELS.get(qid))
    ws.cell(4, 9).value = "取締役会で承認済み"
    ws.cell(4, 10).value = "2026年度経営計画 p.12"
    wb.save(out)
    return out


@pytest.fixture
def template(tmp_path: Path, small: Framework) -> Path:
    return write_template(small, "B001", tmp_path / "B001.xlsx", institution_name="テスト銀行")


def test_the_workbook_has_instructions_dropdowns_protection_and_hidden_metadata(template: Path,
                                                                              small: Framework) -> None:
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames[:2] == ["記入方法", "回答"]
    assert "ドロップダウン" in "".join(str(c.value) for c in wb["記入方法"]["A"] if c.value)
    meta_ws = wb[META_SHEET]
    assert meta_ws.sheet_state == "veryHidden"
    meta = {r[0]: r[1] for r in meta_ws.iter_rows(values_only=True)}
    assert (meta["framework_id"], meta["framework_version"], meta["institution_id"]) == ("test-fw", "2026.1", "B001")
    assert meta["checksum"] == question_set_checksum(small)
    ws = wb["回答"]
    headers = [ws.cell(3, c).value for c in range(1, 11)]
    assert headers[5:] == ["質問", "解説・着眼点", "回答(選択)", "コメント", "根拠資料"]
    assert ws.cell(4, 2).value == "GOV-01-1" and ws.cell(4, 5).value == "基本"
    assert ws.protection.sheet and wb.security.lockStructure
    assert ws.cell(4, 6).protection.locked and not ws.cell(4, 8).protection.locked
    assert not ws.cell(4, 9).protection.locked and not ws.cell(4, 10).protection.locked
    assert ws.cell(4, 6).alignment.wrap_text and ws.column_dimensions["F"].width >= 50
    formulas = {dv.formula1: str(dv.sqref) for dv in ws.data_validations.dataValidation}
    assert formulas['"はい,一部,いいえ,該当なし"'] == "H4 H5 H6 H8"
    assert formulas['"段階1,段階2,段階3,段階4"'] == "H7"


def test_a_workbook_filled_by_a_person_imports(tmp_path: Path, template: Path, small: Framework) -> None:
    store = AnswerStore(tmp_path / "store")
    report = import_answers([_fill(template, tmp_path / "filled.xlsx")], store, small)
    assert report.ok, [p.message() for r in report.results for p in r.problems]
    sub = store.current()["B001"]
    assert sub.values() == {"GOV-01-1": "yes", "GOV-01-2": "partial", "GOV-02-1": "no", "PRO-01-1": "t3",
                            "PRO-02-1": "na"}
    assert sub.answers["GOV-01-1"].comment == "取締役会で承認済み"
    assert sub.answers["GOV-01-1"].evidence == "2026年度経営計画 p.12"
    assert load_framework(store.framework_file).id == "test-fw"


def test_a_resubmission_replaces_the_earlier_one_and_both_stay(tmp_path: Path, template: Path,
                                                              small: Framework) -> None:
    store = AnswerStore(tmp_path / "store")
    import_answers([_fill(template, tmp_path / "first.xlsx")], store, small)
    import_answers([_fill(template, tmp_path / "second.xlsx", {"GOV-01-2": "はい"})], store, small)
    history = store.history("B001")
    assert [r.current for r in history] == [False, True]
    assert store.current()["B001"].values()["GOV-01-2"] == "yes"
    assert store.load(history[0]).values()["GOV-01-2"] == "partial"


def _rejected(tmp_path: Path, files: list[Path], fw: Framework) -> list[str]:
    store = AnswerStore(tmp_path / "store")
    report = import_answers(files, store, fw)
    assert not report.ok
    assert store.current() == {} and not (tmp_path / "store" / "submissions").exists()   # nothing stored
    return [p.message("en") for r in report.results for p in r.problems]


def test_an_edited_question_is_rejected_naming_sheet_row_and_question(tmp_path: Path, template: Path,
                                                                     small: Framework) -> None:
    filled = _fill(template, tmp_path / "f.xlsx")
    wb = openpyxl.load_workbook(filled)
    wb["回答"].cell(5, 6).value = "計画を策定している(一部の部署のみ)"
    wb.save(filled)
    (message,) = _rejected(tmp_path, [filled], small)
    assert "sheet 回答" in message and "row 5" in message and "GOV-01-2" in message and "edited" in message


def test_an_answer_outside_the_options_is_rejected_and_a_blank_one_is_not_answered(
        tmp_path: Path, template: Path, small: Framework) -> None:
    filled = _fill(template, tmp_path / "f.xlsx", {"GOV-02-1": "たぶん", "PRO-02-1": None})
    messages = _rejected(tmp_path, [filled], small)
    assert len(messages) == 1 and "row 6" in messages[0] and "GOV-02-1" in messages[0] and "'たぶん'" in messages[0]
    blank = _fill(template, tmp_path / "g.xlsx", {"PRO-02-1": None})
    store = AnswerStore(tmp_path / "ok")
    report = import_answers([blank], store, small)
    assert report.ok and "PRO-02-1" not in store.current()["B001"].answers
    (note,) = report.results[0].notes
    assert "1 questions not answered" in note.en and "PRO-02-1" in note.en and "未回答 1 問" in note.ja


def test_a_wrong_version_or_a_tampered_checksum_is_rejected(tmp_path: Path, template: Path, small_doc: dict,
                                                           small: Framework) -> None:
    small_doc["version"] = "2027.1"
    path = tmp_path / "v2.yaml"
    path.write_text(yaml.safe_dump(small_doc, allow_unicode=True), encoding="utf-8")
    newer = load_framework(path)
    filled = _fill(template, tmp_path / "f.xlsx")
    (message,) = _rejected(tmp_path, [filled], newer)
    assert "wrong framework version: 2026.1 (expected 2027.1)" in message and META_SHEET in message
    wb = openpyxl.load_workbook(filled)
    wb[META_SHEET]["B4"].value = "0" * 64
    wb.save(filled)
    (message,) = _rejected(tmp_path / "again", [filled], small)
    assert "checksum mismatch" in message


def test_one_institution_twice_in_a_batch_rejects_both_files(tmp_path: Path, template: Path,
                                                            small: Framework) -> None:
    a = _fill(template, tmp_path / "a.xlsx")
    b = tmp_path / "b.csv"
    b.write_text("institution_id,question_id,answer,comment\n" +
                 "".join(f"B001,{q},{v},\n" for q, v in LABELS.items()), encoding="utf-8")
    messages = _rejected(tmp_path, [a, b], small)
    assert len(messages) == 2 and all("B001" in m and "more than one file" in m for m in messages)


def test_csv_in_cp932_and_json_answers_import(tmp_path: Path, small: Framework) -> None:
    csv_file = tmp_path / "answers.csv"
    csv_file.write_bytes(("institution_id,question_id,answer,comment\n" + "".join(
        f"S001,{q},{v},㈱委託先と協議中\n" for q, v in LABELS.items())).encode("cp932"))
    json_file = tmp_path / "answers.json"
    json_file.write_text(json.dumps({"institution_id": "S002", "answers": [
        {"question_id": q, "answer": v} for q, v in
        {"GOV-01-1": "yes", "GOV-01-2": "Yes", "GOV-02-1": "no", "PRO-01-1": "Tier 4", "PRO-02-1": "na"}.items()]},
        ensure_ascii=False), encoding="utf-8")
    store = AnswerStore(tmp_path / "store")
    report = import_answers([csv_file, json_file], store, small)
    assert report.ok, [p.message() for r in report.results for p in r.problems]
    current = store.current()
    assert current["S001"].answers["GOV-01-1"].comment == "㈱委託先と協議中"
    assert current["S002"].values()["PRO-01-1"] == "t4" and current["S002"].fmt == "json"


def test_a_csv_missing_a_question_names_it(tmp_path: Path, small: Framework) -> None:
    csv_file = tmp_path / "answers.csv"
    csv_file.write_text("institution_id,question_id,answer,comment\nS001,GOV-01-1,yes,\nS001,NOPE,yes,\n",
                        encoding="utf-8")
    messages = _rejected(tmp_path, [csv_file], small)
    assert any("row 3" in m and "NOPE" in m for m in messages)
    assert any("GOV-02-1" in m and "no answer from S001" in m for m in messages)


def test_a_store_refuses_answers_to_another_framework(tmp_path: Path, template: Path, small: Framework,
                                                     small_doc: dict) -> None:
    store = AnswerStore(tmp_path / "store")
    assert import_answers([_fill(template, tmp_path / "f.xlsx")], store, small).ok
    small_doc["id"] = "other"
    path = tmp_path / "other.yaml"
    path.write_text(yaml.safe_dump(small_doc, allow_unicode=True), encoding="utf-8")
    from kansa.assessment.errors import AssessmentError

    with pytest.raises(AssessmentError, match=r"test-fw 2026\.1"):
        import_answers([tmp_path / "f.xlsx"], store, load_framework(path))


def test_a_csv_with_blank_answers_stores_them_as_not_answered(tmp_path: Path, small: Framework) -> None:
    csv_file = tmp_path / "answers.csv"
    csv_file.write_text("institution_id,question_id,answer,comment\n" + "".join(
        f"S001,{q},{'' if q != 'GOV-01-1' else 'はい'},\n" for q in LABELS) + "".join(
        f"S002,{q},,\n" for q in LABELS), encoding="utf-8")
    store = AnswerStore(tmp_path / "store")
    report = import_answers([csv_file], store, small)
    assert report.ok and len(report.results[0].notes) == 2
    current = store.current()
    assert current["S001"].values() == {"GOV-01-1": "yes"} and current["S002"].values() == {}
