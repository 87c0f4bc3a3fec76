"""Coverage of the principle items by a small hand-written policy: each verdict, its evidence, the near misses."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from kansa.fd.correspondence import read_table
from kansa.fd.coverage import coverage
from kansa.fd.principles import default_principles
from kansa.fd.readers import TextBlock
from kansa.fd.sections import sectionise

POLICY = """顧客本位の業務運営に関する取組方針
1. お客さまの最善の利益の追求
当金庫は、高い専門性と職業倫理を保ち、お客さまに対して誠実かつ公正に業務を行い、お客さまの最善の利益を追求いたします。
2. 利益相反の適切な管理
「利益相反管理方針」に基づき、コンプライアンス統括部が利益相反のおそれのある取引を毎月モニタリングし、結果を取締役会に報告します。
3. 重要な情報の分かりやすい提供
パッケージ商品を取り扱っていないため、原則5（注2）は対象外です。今後取り扱う場合は、個別購入との比較資料を整備します。
原則6（注3）は該当しません。
4. お客さまにふさわしいサービスの提供
75歳以上のお客さまに勧誘留意商品をお勧めする場合は、役席者が事前に面談して承認します。"""


def _coverage(text: str, rows: list = []) -> object:  # noqa: B006 - read only
    _title, sections = sectionise([TextBlock("line", line) for line in text.splitlines()])
    return coverage(sections, default_principles(), rows)


def test_each_verdict_rests_on_its_sentences() -> None:
    cov = _coverage(POLICY)
    items = cov.items  # type: ignore[attr-defined]
    assert items["P2"].verdict == "restated"
    assert items["P2"].evidence == ["当金庫は、高い専門性と職業倫理を保ち、お客さまに対して誠実かつ公正に業務を行い、"
                                    "お客さまの最善の利益を追求いたします。"]
    assert items["P3"].verdict == "concrete" and "取締役会" in items["P3"].evidence[0]
    assert items["P5-N2"].verdict == "not_applicable" and items["P5-N2"].note == ""
    assert len(items["P5-N2"].evidence) == 2          # the declaration and its alternative
    assert items["P6-N4"].verdict == "concrete"
    assert items["P4"].verdict == "not_addressed"


def test_a_declaration_without_a_reason_is_not_accepted() -> None:
    items = _coverage(POLICY).items  # type: ignore[attr-defined]
    assert items["P6-N3"].verdict == "not_addressed"
    assert items["P6-N3"].note == "declared_without_reason"
    assert items["P6-N3"].evidence == ["原則6(注3)は該当しません。"]


def test_a_policy_that_mostly_restates_says_so() -> None:
    restating = """顧客本位の業務運営に関する取組方針
1. 顧客の最善の利益の追求
当社は、顧客の最善の利益を追求し、これを企業文化として定着させます。
2. 手数料等の明確化
顧客が負担する手数料その他の費用の詳細を、分かりやすく情報提供いたします。
3. 重要な情報の分かりやすい提供
顧客との情報の非対称性を踏まえ、重要な情報を分かりやすく提供します。"""
    cov = _coverage(restating)
    assert cov.mostly_restatement and cov.restating_share == 1.0  # type: ignore[attr-defined]
    assert all(s.restatement for s in cov.sections)  # type: ignore[attr-defined]
    assert not _coverage(POLICY).mostly_restatement  # type: ignore[attr-defined]


def test_a_table_that_claims_a_section_without_the_words_does_not_make_coverage(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["原則", "取組方針の該当箇所", "取組状況の該当箇所", "実施しない場合の理由等"])
    for label, where in (("原則2本文", "1"), ("原則3本文", "2"), ("原則4", "2"), ("原則6（注4）", "4")):
        ws.append([label, where, where, ""])
    wb.save(tmp_path / "table.xlsx")
    rows = read_table(tmp_path / "table.xlsx")
    assert [r.item for r in rows] == ["P2", "P3", "P4", "P6-N4"]
    items = _coverage(POLICY, rows).items  # type: ignore[attr-defined]
    assert items["P3"].verdict == "concrete"
    assert items["P4"].verdict == "not_addressed"   # section 2 speaks of conflicts, not of fees
    assert items["P6-N4"].verdict == "concrete"


def test_a_table_with_an_unreadable_item_names_its_cell(tmp_path: Path) -> None:
    import pytest

    from kansa.fd.messages import FdError

    wb = Workbook()
    ws = wb.active
    ws.title = "対応表"
    ws.append(["原則", "取組方針の該当箇所"])
    ws.append(["原則2本文", "1"])
    ws.append(["手数料の話", "2"])
    wb.save(tmp_path / "bad.xlsx")
    with pytest.raises(FdError) as err:
        read_table(tmp_path / "bad.xlsx")
    assert err.value.code == "corr_bad_item"
    assert "A3" in err.value.message("ja") and "対応表" in err.value.message("ja")
