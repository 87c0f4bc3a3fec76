"""A tampered workbook is rejected naming file, sheet, row and question (ja and en); a person's workbook imports."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from kansa.assessment.importing import ImportReport, import_answers
from kansa.assessment.model import Framework
from kansa.assessment.store import AnswerStore
from kansa.assessment.template import META_SHEET, write_template

LABELS = {"GOV-01-1": "はい", "GOV-01-2": "一部", "GOV-02-1": "いいえ", "PRO-01-1": "段階3", "PRO-02-1": "該当なし"}
SHEET = "回答"


@pytest.fixture
def filled(tmp_path: Path, small: Framework) -> Path:
    """B001's workbook with every answer picked from the drop-down labels."""
    path = write_template(small, "B001", tmp_path / "B001_回答票.xlsx", institution_name="テスト銀行")
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    for row in range(4, ws.max_row + 1):
        if ws.cell(row, 2).value:
            ws.cell(row, 8).value = LABELS[ws.cell(row, 2).value]
    wb.save(path)
    return path


def _edit(path: Path, edit: object, sheet: str = SHEET, unprotect: bool = False) -> Path:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    if unprotect:
        ws.protection.sheet = False
        wb.security.lockStructure = False
    edit(ws)  # type: ignore[operator]
    wb.save(path)
    return path


def _import(tmp_path: Path, files: list[Path], fw: Framework, store: str = "store") -> tuple[ImportReport, AnswerStore]:
    s = AnswerStore(tmp_path / store)
    return import_answers(files, s, fw), s


def _rejected(tmp_path: Path, path: Path, fw: Framework) -> list[tuple[str, str]]:
    report, store = _import(tmp_path, [path], fw)
    assert not report.ok
    assert not (tmp_path / "store").exists() or store.current() == {}           # nothing stored
    return [(p.message("ja"), p.message("en")) for r in report.results for p in r.problems]


def _swap_ids(ws: object) -> None:
    a, b = ws.cell(5, 2), ws.cell(6, 2)  # type: ignore[attr-defined]
    a.value, b.value = b.value, a.value


def test_a_deleted_row_names_the_missing_question_only(tmp_path: Path, filled: Path, small: Framework) -> None:
    _edit(filled, lambda ws: ws.delete_rows(5), unprotect=True)
    ((ja, en),) = _rejected(tmp_path, filled, small)
    assert str(filled) in en and "sheet 回答" in en and "row 5" in en and "GOV-01-2" in en and "deleted" in en
    assert "GOV-01-2" in ja and "削除" in ja


def test_swapped_question_ids_name_both_rows(tmp_path: Path, filled: Path, small: Framework) -> None:
    _edit(filled, _swap_ids)
    messages = _rejected(tmp_path, filled, small)
    assert len(messages) == 2
    assert "row 5" in messages[0][1] and "'GOV-02-1' (expected GOV-01-2)" in messages[0][1]
    assert "row 6" in messages[1][1] and "question GOV-02-1" in messages[1][1] and "入れ替わ" in messages[1][0]


def test_an_added_row_is_named(tmp_path: Path, filled: Path, small: Framework) -> None:
    _edit(filled, lambda ws: ws.append([6, "GOV-99", "", "", "", "追加の質問", "", "はい"]))
    ((_, en),) = _rejected(tmp_path, filled, small)
    assert "row 9" in en and "GOV-99" in en


@pytest.mark.parametrize("typed, value", [("はい ", "yes"), ("Ｙｅｓ", "yes"), ("yes", "yes"),
                                          ("一部\u3000", "partial")])
def test_an_answer_typed_for_an_option_reads_as_that_option(tmp_path: Path, filled: Path, small: Framework,
                                                            typed: str, value: str) -> None:
    _edit(filled, lambda ws: setattr(ws.cell(4, 8), "value", typed))
    report, store = _import(tmp_path, [filled], small)
    assert report.ok and store.current()["B001"].values()["GOV-01-1"] == value


def test_an_answer_typed_outside_the_list_is_rejected(tmp_path: Path, filled: Path, small: Framework) -> None:
    _edit(filled, lambda ws: setattr(ws.cell(4, 8), "value", "○"))
    ((ja, en),) = _rejected(tmp_path, filled, small)
    assert "row 4" in en and "GOV-01-1" in en and "'○'" in en and "はい / 一部 / いいえ / 該当なし" in ja


def test_metadata_edited_in_an_unprotected_copy_is_rejected(tmp_path: Path, filled: Path, small: Framework) -> None:
    _edit(filled, lambda ws: setattr(ws["B3"], "value", "B002"), sheet=META_SHEET, unprotect=True)
    ((ja, en),) = _rejected(tmp_path, filled, small)
    assert "seal mismatch" in en and META_SHEET in en and "封印" in ja


def test_metadata_and_seal_rewritten_still_disagree_with_the_sheet_title(tmp_path: Path, filled: Path,
                                                                       small: Framework) -> None:
    from kansa.assessment.template import metadata_seal

    def rewrite(ws: object) -> None:
        rows = {r[0].value: r[1] for r in ws.iter_rows()}  # type: ignore[attr-defined]
        rows["institution_id"].value = "B002"
        rows["seal"].value = metadata_seal("test-fw", "2026.1", "B002", rows["checksum"].value)

    _edit(filled, rewrite, sheet=META_SHEET, unprotect=True)
    ((ja, en),) = _rejected(tmp_path, filled, small)
    assert "B002" in en and "title" in en and "sheet 回答" in en and "row 1" in en and "表題" in ja


def test_another_institutions_workbook_under_a_new_name_is_rejected(tmp_path: Path, filled: Path,
                                                                    small: Framework) -> None:
    renamed = filled.with_name("B002_回答票.xlsx")
    shutil.copy(filled, renamed)
    ((ja, en),) = _rejected(tmp_path, renamed, small)
    assert "names institution B002" in en and "B001" in en and str(renamed) in en and "B002" in ja
    # a neutral name, or the right one, is fine
    assert _import(tmp_path, [filled], small, "ok")[0].ok


def test_after_a_rejection_a_correct_resubmission_is_stored_and_history_keeps_both(
        tmp_path: Path, filled: Path, small: Framework) -> None:
    first, store = _import(tmp_path, [filled], small)
    assert first.ok
    bad = filled.with_name("B001_v2.xlsx")
    shutil.copy(filled, bad)
    _edit(bad, lambda ws: setattr(ws.cell(5, 6), "value", "計画を策定している(予定)"))
    report = import_answers([bad], store, small)
    assert not report.ok and len(store.history("B001")) == 1                # the rejected file left no trace
    good = filled.with_name("B001_v3.xlsx")
    shutil.copy(filled, good)
    _edit(good, lambda ws: setattr(ws.cell(5, 8), "value", "はい"))
    assert import_answers([good], store, small).ok
    history = store.history("B001")
    assert [r.current for r in history] == [False, True] and history[1].source == str(good)
    assert store.current()["B001"].values()["GOV-01-2"] == "yes"
    assert store.load(history[0]).values()["GOV-01-2"] == "partial"


def test_a_workbook_filled_and_resaved_as_a_person_would_imports(tmp_path: Path, small: Framework) -> None:
    path = write_template(small, "S010", tmp_path / "S010.xlsx", institution_name="さくら信用金庫")
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    ws.cell(4, 8).value = "はい"
    ws.cell(4, 9).value = "取締役会で承認(2026年4月)\n次回見直し: 2027年3月"
    ws.cell(4, 10).value = "情報セキュリティ基本方針 第３版(ＰＤＦ)"
    ws.cell(5, 8).value = "一部"
    ws.cell(7, 8).value = "段階4"               # GOV-02-1 (row 6) and PRO-02-1 (row 8) left blank
    ws.column_dimensions["I"].width = 50          # a person widens the comment column
    wb.save(path)
    wb = openpyxl.load_workbook(path)             # and opens and saves it once more (styles rewritten)
    wb.save(path)
    report, store = _import(tmp_path, [path], small)
    assert report.ok, [p.message("en") for r in report.results for p in r.problems]
    sub = store.current()["S010"]
    assert sub.values() == {"GOV-01-1": "yes", "GOV-01-2": "partial", "PRO-01-1": "t4"}
    assert sub.answers["GOV-01-1"].comment == "取締役会で承認(2026年4月)\n次回見直し: 2027年3月"
    assert sub.answers["GOV-01-1"].evidence == "情報セキュリティ基本方針 第３版(ＰＤＦ)"
    assert "GOV-02-1, PRO-02-1" in report.results[0].notes[0].en


def test_a_workbook_without_a_seal_says_to_make_it_again(tmp_path: Path, filled: Path, small: Framework) -> None:
    def drop_seal(ws: object) -> None:
        for row in ws.iter_rows():  # type: ignore[attr-defined]
            if row[0].value == "seal":
                row[1].value = None

    _edit(filled, drop_seal, sheet=META_SHEET, unprotect=True)
    ((ja, en),) = _rejected(tmp_path, filled, small)
    assert "metadata seal missing" in en and "older kansa" in en and "作成し直して" in ja
