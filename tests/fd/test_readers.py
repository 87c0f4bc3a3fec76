"""Reading policy documents: text (UTF-8, CP932), HTML, DOCX and PDF; bad files fail with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from kansa.fd.messages import FdError
from kansa.fd.readers import read_document
from kansa.fd.sections import sectionise
from kansa.fd.synth_files import write_document
from kansa.fd.synth_layout import Block

BLOCKS = [Block("title", "顧客本位の業務運営に関する取組方針"), Block("para", "みどり銀行"),
          Block("date", "2024年6月1日 改定"),
          Block("heading1", "1. お客さまの最善の利益の追求"
                            "【原則2、原則2（注）、原則5（注1）、原則5（注2）、原則5（注3）】"),
          Block("para", "当行は、2025年度末までに積立投資信託の契約件数を10,000件とすることを目標とします。"),
          Block("heading1", "2. 手数料等の明確化【原則4】"),
          Block("bullet", "・販売手数料は商品ごとに提案書の1ページ目に表示します。"),
          Block("bullet", "・重要情報シートを交付し、説明の記録を残します。")]


def _headings(path: Path) -> list[str]:
    _title, sections = sectionise(read_document(path))
    return [s.heading for s in sections]


@pytest.mark.parametrize("fmt", ["txt", "html", "docx", "pdf"])
def test_it_reads_every_format_into_the_same_sections(tmp_path: Path, fmt: str) -> None:
    path = write_document(BLOCKS, tmp_path / f"policy.{fmt}", fmt)
    title, sections = sectionise(read_document(path))
    assert title == "顧客本位の業務運営に関する取組方針"
    assert [s.heading for s in sections] == ["お客さまの最善の利益の追求", "手数料等の明確化"]
    assert sections[0].refs == ("P2", "P2-N", "P5-N1", "P5-N2", "P5-N3")   # the tag survives a wrapped PDF line
    assert [x.text for x in sections[1].sentences] == ["販売手数料は商品ごとに提案書の1ページ目に表示します。",
                                                       "重要情報シートを交付し、説明の記録を残します。"]
    text = " ".join(x.text for s in sections for x in s.sentences)
    assert "Copyright" not in text and "ホーム" not in text and "みどり銀行" not in text


def test_it_reads_cp932_text(tmp_path: Path) -> None:
    path = write_document(BLOCKS, tmp_path / "policy.txt", "txt", cp932=True)
    assert _headings(path) == ["お客さまの最善の利益の追求", "手数料等の明確化"]


def test_it_names_the_byte_of_a_file_neither_utf8_nor_cp932(tmp_path: Path) -> None:
    path = tmp_path / "broken.txt"
    path.write_bytes("方針".encode() + b"\x80\xff\xfe")
    with pytest.raises(FdError) as err:
        read_document(path)
    assert err.value.code == "doc_encoding"
    assert "broken.txt" in err.value.message("en") and "byte 6" in err.value.message("en")


def test_it_refuses_an_unknown_format_a_damaged_pdf_and_an_empty_file(tmp_path: Path) -> None:
    (tmp_path / "policy.rtf").write_text("x", encoding="utf-8")
    (tmp_path / "damaged.pdf").write_bytes(b"%PDF-1.7\nnot really a pdf")
    (tmp_path / "empty.html").write_text("<html><script>var a=1;</script></html>", encoding="utf-8")
    codes = {}
    for name in ("policy.rtf", "damaged.pdf", "empty.html", "missing.txt"):
        with pytest.raises(FdError) as err:
            read_document(tmp_path / name)
        codes[name] = err.value.code
        assert name in err.value.message("ja")
    assert codes == {"policy.rtf": "doc_unsupported", "damaged.pdf": "doc_unreadable", "empty.html": "doc_no_text",
                     "missing.txt": "doc_not_found"}


def test_it_reads_shift_jis_html_by_its_meta_charset(tmp_path: Path) -> None:
    html = '<html><head><meta charset="Shift_JIS"></head><body><h2>利益相反の管理</h2><p>管理します。</p></body></html>'
    path = tmp_path / "p.html"
    path.write_bytes(html.encode("cp932"))
    blocks = read_document(path)
    assert blocks[0].kind == "heading" and blocks[0].text == "利益相反の管理"
