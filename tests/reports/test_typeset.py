"""Typst PDFs: Japanese text reads back, data is printed as text (never run as markup), fonts are ours or refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from kansa.messages import OutputError
from kansa.reports import typeset

TEMPLATE = """#let data = json(bytes(sys.inputs.data))
#set text(font: "IPAexGothic", lang: "ja")
= #data.title
#for r in data.rows [- #r]
"""


def _text(path: Path) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in PdfReader(path).pages))


def test_japanese_text_reads_back_from_the_pdf(tmp_path: Path) -> None:
    pdf = typeset.typeset_pdf(TEMPLATE, {"title": "内部監査報告書", "rows": ["令和8年3月31日", "1,000,000円"]},
                              tmp_path / "r.pdf")
    assert _text(pdf) == "内部監査報告書•令和8年3月31日•1,000,000円"  # list bullets included


def test_data_that_looks_like_typst_markup_is_printed_not_run(tmp_path: Path) -> None:
    hostile = ['#panic("x")', "*太字* _斜体_ $x^2$", "= 見出し", "[#read(\"/etc/passwd\")]", "\\ <label> @ref"]
    pdf = typeset.typeset_pdf(TEMPLATE, {"title": "#set page(width: 1cm)", "rows": hostile}, tmp_path / "r.pdf")
    text = _text(pdf)
    for s in hostile:
        assert re.sub(r"\s+", "", s) in text
    assert "root:" not in text


def test_only_the_ipaex_files_are_handed_to_typst() -> None:
    handed = [p.resolve() for folder in typeset.font_folders() for p in Path(folder).iterdir()]
    assert sorted(handed) == sorted(Path(p).resolve() for p in typeset.ipaex_fonts())
    assert {"IPAexGothic", "IPAexMincho"} <= set(typeset.typst_fonts().families())


def test_fonts_kept_among_others_are_linked_into_a_private_folder(monkeypatch: pytest.MonkeyPatch,
                                                                   tmp_path: Path) -> None:
    shared = tmp_path / "truetype"
    shared.mkdir()
    for name, real in (("gothic.ttf", typeset.ipaex_fonts()[0]), ("mincho.ttf", typeset.ipaex_fonts()[1])):
        (shared / name).symlink_to(real)
    (shared / "other.ttf").write_bytes(b"not handed to typst")
    monkeypatch.setattr(typeset, "IPAEX_FONTS", {"IPAexGothic": (str(shared / "gothic.ttf"),),
                                                 "IPAexMincho": (str(shared / "mincho.ttf"),)})
    typeset.ipaex_fonts.cache_clear()
    typeset.font_folders.cache_clear()
    try:
        (folder,) = typeset.font_folders()
        assert sorted(p.name for p in Path(folder).iterdir()) == ["gothic.ttf", "mincho.ttf"]
    finally:
        typeset.ipaex_fonts.cache_clear()
        typeset.font_folders.cache_clear()


def test_a_machine_without_ipaex_gets_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(typeset.IPAEX_FONTS, "IPAexMincho", (str(tmp_path / "ipaexm.ttf"),))
    typeset.ipaex_fonts.cache_clear()
    try:
        with pytest.raises(OutputError) as caught:
            typeset.ipaex_fonts()
        assert caught.value.code == "report_fonts_missing"
        assert "fonts-ipaexfont" in caught.value.render("ja") and "IPAexMincho" in caught.value.render("en")
    finally:
        typeset.ipaex_fonts.cache_clear()
