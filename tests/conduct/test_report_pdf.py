"""The conduct PDF (typeset by Typst) read back as text: every section, the charts, the planted cases' reasons."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from kansa.services import run_conduct_scan
from tests.conduct.institution import tables, write_csv


def _flat(path: Path) -> str:
    """The PDF's text with all white space removed (Typst spaces Japanese from Latin, as typesetters should)."""
    return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in PdfReader(path).pages))


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("pdf")
    data = write_csv(base / "data", tables())
    out = {}
    for lang in ("ja", "en"):
        run_conduct_scan(data, out=base / lang, as_of=date(2026, 3, 31), formats=("csv", "pdf"), lang=lang)
        out[lang] = base / lang / "report.pdf"
    return out


def test_the_japanese_pdf_has_every_section_in_order(scanned: dict[str, Path]) -> None:
    text = _flat(scanned["ja"])
    headings = ["顧客本位の業務運営モニタリング報告", "1.経営陣向けサマリー", "2.共通KPI", "3.ルール別の検出結果",
                "4.苦情", "5.使用したパラメータ", "6.データの出所"]
    positions = [text.find(h) for h in headings]
    assert -1 not in positions, dict(zip(headings, positions, strict=True))
    assert positions == sorted(positions)
    assert "2026-03-31（令和8年3月31日）" in text  # the evaluation date with its era


def test_the_pdf_names_the_planted_cases_with_their_reasons(scanned: dict[str, Path]) -> None:
    text = _flat(scanned["ja"])
    # T85: an 85-year-old sold a structured bond without a manager's approval (the planted case)
    assert "85歳の顧客に勧誘留意商品を勧誘して買付（1,000,000円）を受けたが、約定日までに役席者の事前承認がない" in text
    assert "T85" in text and "最も重大な事例" in text and "レビュー対象の案件" in text
    findings = text.split("3.ルール別の検出結果")[1].split("4.苦情")[0]
    assert "T852026-02-10" in findings  # a finding row: entity, then the trade date
    # the near-miss (an 85-year-old's fund, 19 years to wind-up, not a structured bond) is in no finding
    assert "TF2026-02-14" not in findings


def test_the_pdf_carries_the_charts_as_text(scanned: dict[str, Path]) -> None:
    text = _flat(scanned["ja"])
    assert "支店×ルール" in text  # the heat map's heading, and its cells' branch labels come from the SVG text
    assert "運用損益0%以上の顧客の割合" in text  # the line chart's own title, drawn inside the SVG


def test_a_rule_without_findings_says_what_it_evaluated(scanned: dict[str, Path]) -> None:
    text = _flat(scanned["ja"])
    assert re.search(r"該当なし—評価対象[\d,]+行", text)


def test_the_english_pdf_speaks_english(scanned: dict[str, Path]) -> None:
    text = _flat(scanned["en"])
    for heading in ("1.Summaryformanagement", "2.FSAcommonKPIs", "3.Findingsbyrule", "4.Complaints",
                    "5.Ruleparametersused", "6.Dataprovenance"):
        assert heading in text, heading
    assert "経営陣向けサマリー" not in text


def test_the_pdf_embeds_ipaex_and_no_font_from_the_system(scanned: dict[str, Path]) -> None:
    fonts = set()
    for page in PdfReader(scanned["ja"]).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    assert "IPAexGothic" in fonts
    # IPAex for the text, Typst's own DejaVu Sans Mono for identifiers: nothing picked up from the machine
    assert {f for f in fonts if not f.startswith("DejaVuSansMono")} <= {"IPAexGothic", "IPAexMincho"}, fonts


def test_a_workspace_scan_prints_each_files_sha256_whole(tmp_path: Path) -> None:
    from kansa.contract.load import load_directory
    from kansa.workspace import Workspace
    from tests.conduct.test_scan_conduct import write_institution

    loaded = load_directory(write_institution(tmp_path / "data"), domain="conduct")
    assert loaded.ok, loaded.issues
    Workspace(tmp_path / "ws").replace(loaded)
    run_conduct_scan(workspace=tmp_path / "ws", out=tmp_path / "out", lang="en", report=("pdf",))
    text = _flat(tmp_path / "out" / "report.pdf")
    for f in loaded.files:
        assert f"SHA-256{f.sha256}" in text, f.table  # on a line of its own, not cut at the page edge
