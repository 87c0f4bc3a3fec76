"""Text out of policy documents: PDF (pypdf), DOCX (python-docx), HTML (the standard library) and text files.

Each reader returns blocks: headings where the format says so (HTML h1-h6, Word heading styles, larger or bold
lines of a PDF), bullets, paragraphs, and plain lines that the sectioner judges by their numbering.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

from kansa.fd.messages import FdError

SUFFIXES = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".txt": "txt", ".text": "txt",
            ".md": "txt"}
# A web page's breadcrumb and copyright line, a PDF's page number: no part of what the policy says.
_BOILERPLATE = re.compile(r"copyright|all rights reserved|©|^\s*[-－ー]?\s*\d{1,3}\s*(/\s*\d{1,3})?\s*[-－ー]?\s*$|"
                          r"^(ホーム|トップ|TOP|HOME)\s*[>＞]", re.IGNORECASE)
_HEADING_START = re.compile(r"^(\(?\d{1,2}[.)）]|[（(]\d{1,2}[)）]|[①-⑳]|第.|方針\s*\d|[【■□◆◇＜<])")
_ITEM_START = re.compile(r"^([・●○◆◇■□▪▫•‣\-－–—※✓✔【＜<]|\(?\d{1,2}[.)）]|[（(]\d{1,2}[)）]|[①-⑳]|第.|方針\s*\d)")


@dataclass(frozen=True)
class TextBlock:
    """A block of a document: kind heading (with level 1-6), bullet, para or line (a line of unknown role)."""

    kind: str
    text: str
    level: int = 0


def decode(data: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM), else CP932; a clear error naming the first bad byte otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError:
        raise FdError("doc_encoding", path=str(path), offset=first_bad) from None
    if re.search("[\x80-\x9f\ue000-\uf8ff]", text):   # undefined or private-use: neither encoding
        raise FdError("doc_encoding", path=str(path), offset=first_bad)
    return text


def read_document(path: Path) -> list[TextBlock]:
    """The blocks of one document; FdError for a missing, unsupported, unreadable or empty file."""
    if not path.is_file():
        raise FdError("doc_not_found", path=str(path))
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise FdError("doc_unsupported", path=str(path), suffix=path.suffix or "(none)")
    try:
        blocks = {"pdf": _pdf, "docx": _docx, "html": _html, "txt": _txt}[kind](path)
    except FdError:
        raise
    except Exception as exc:   # a damaged file: every library raises its own kind of error
        raise FdError("doc_unreadable", path=str(path), detail=f"{type(exc).__name__}: {exc}"[:200]) from exc
    blocks = [b for b in blocks if b.text.strip() and not _BOILERPLATE.search(b.text)]
    if not blocks:
        raise FdError("doc_no_text", path=str(path))
    return blocks


def read_text(path: Path) -> str:
    """The plain text of a document, one block a line."""
    return "\n".join(b.text for b in read_document(path))


def _txt(path: Path) -> list[TextBlock]:
    lines = decode(path.read_bytes(), path).splitlines()
    return _pdf_blocks([(0.0, False, line.strip()) for line in lines])   # hard-wrapped lines joined


class _HtmlBlocks(HTMLParser):
    """Blocks from HTML: headings, list items and paragraphs; scripts, styles, navigation and footers skipped."""

    SKIP: ClassVar[set[str]] = {"script", "style", "nav", "footer", "header", "noscript", "template", "aside",
                                "title", "head"}
    BLOCK: ClassVar[set[str]] = {"p", "div", "li", "td", "th", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6",
                                 "section", "article", "blockquote", "pre", "tr", "br", "ul", "ol", "table", "main",
                                 "body"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[TextBlock] = []
        self._buf: list[str] = []
        self._bold: list[str] = []
        self._skip = 0
        self._kind = "para"
        self._level = 0
        self._bold_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skip += 1
        elif tag in self.BLOCK:
            self._flush()
            if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self._kind, self._level = "heading", int(tag[1])
            elif tag == "li":
                self._kind = "bullet"
        elif tag in ("strong", "b"):
            self._bold_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in self.BLOCK:
            self._flush()
        elif tag in ("strong", "b"):
            self._bold_depth = max(0, self._bold_depth - 1)

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self._buf.append(data)
        if self._bold_depth:
            self._bold.append(data)

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self._buf)).strip()
        bold = re.sub(r"\s+", " ", "".join(self._bold)).strip()
        if text:
            kind, level = self._kind, self._level
            if kind == "para" and bold == text and not text.endswith("。") and len(text) <= 120:
                kind, level = "heading", 0     # a paragraph that is all bold: a heading without a tag
            self.blocks.append(TextBlock(kind, text, level))
        self._buf, self._bold = [], []
        self._kind, self._level = "para", 0


def _html(path: Path) -> list[TextBlock]:
    data = path.read_bytes()
    m = re.search(rb"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", data[:2048])
    charset = m.group(1).decode("ascii").lower() if m else ""
    if charset in ("shift_jis", "shift-jis", "sjis", "x-sjis", "windows-31j", "cp932"):
        text = data.decode("cp932", errors="replace")
    elif charset == "euc-jp":
        text = data.decode("euc_jp", errors="replace")
    else:
        text = decode(data, path)
    parser = _HtmlBlocks()
    parser.feed(text)
    parser.close()
    parser._flush()
    return parser.blocks


def _docx(path: Path) -> list[TextBlock]:
    from docx import Document  # only for .docx policies: loads lxml parts

    doc = Document(str(path))
    out: list[TextBlock] = []
    for p in doc.paragraphs:
        text = p.text.strip()
        if not text:
            continue
        style = (p.style.name if p.style is not None else "") or ""
        m = re.match(r"Heading (\d)", style)
        runs = [r for r in p.runs if r.text.strip()]
        if style == "Title":
            out.append(TextBlock("heading", text, 1))
        elif m:
            out.append(TextBlock("heading", text, int(m.group(1)) + 1))
        elif "List" in style:
            out.append(TextBlock("bullet", text))
        elif runs and all(r.bold for r in runs) and not text.endswith("。") and len(text) <= 120:
            out.append(TextBlock("heading", text, 0))
        else:
            out.append(TextBlock("line", text))
    for table in doc.tables:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells if c.text.strip()]
            if cells:
                out.append(TextBlock("para", " ".join(dict.fromkeys(cells))))
    return out


def _pdf(path: Path) -> list[TextBlock]:
    from pypdf import PdfReader  # only for PDF policies: pypdf's import is slow

    reader = PdfReader(str(path))
    lines: list[tuple[float, bool, str]] = []   # (font size, bold, text) in reading order
    for page in reader.pages:
        chunks: list[tuple[float, float, float, bool, str]] = []

        def visit(text: str, cm: Any, tm: Any, font: Any, size: float, chunks: list[Any] = chunks) -> None:
            if text.strip():
                name = str(font.get("/BaseFont", "")) if font else ""
                scale = abs(float(tm[0]) * float(cm[0])) or 1.0
                chunks.append((round(float(tm[5]) * float(cm[3] or 1), 0), float(tm[4]), size * scale,
                               "Bold" in name or "bold" in name, text))

        plain = page.extract_text(visitor_text=visit) or ""
        if not chunks:
            lines += [(0.0, False, ln) for ln in plain.splitlines()]
            continue
        by_y: dict[float, list[tuple[float, float, bool, str]]] = {}
        for y, x, size, bold, text in chunks:
            by_y.setdefault(y, []).append((x, size, bold, text))
        descending = chunks[0][0] > chunks[-1][0]  # PDF y grows upwards unless the producer flipped it
        for y in sorted(by_y, reverse=descending):
            parts = sorted(by_y[y])
            text = "".join(p[3] for p in parts).replace("\n", "")
            lines.append((max(p[1] for p in parts), all(p[2] for p in parts), text.strip()))
    return _pdf_blocks(lines)


def _pdf_blocks(lines: list[tuple[float, bool, str]]) -> list[TextBlock]:
    """PDF lines to blocks: larger or bold lines are headings; wrapped lines of a paragraph are joined."""
    sizes: Counter[float] = Counter()
    for size, _bold, text in lines:
        sizes[round(size, 1)] += len(text)
    body = sizes.most_common(1)[0][0] if sizes else 0.0
    widths = sorted(len(t) for s, b, t in lines if round(s, 1) == body and not b)
    full = widths[int(len(widths) * 0.9)] if widths else 0
    out: list[TextBlock] = []
    for size, bold, text in lines:
        if not text:
            continue
        if body and (size >= body * 1.08 or bold) and not text.endswith("。"):
            prev = out[-1] if out else None
            if prev is not None and prev.kind == "heading" and _unclosed(prev.text):
                out[-1] = TextBlock("heading", prev.text + text, 0)   # a heading wrapped inside its bracket
            else:
                out.append(TextBlock("heading", text, 0))
            continue
        prev = out[-1] if out else None
        wrapped = (prev is not None and prev.kind == "line" and not _ITEM_START.match(text)
                   and not prev.text.endswith(("。", "：", ":", "】", "）", ")"))
                   and not (_HEADING_START.match(prev.text) and "。" not in prev.text)   # a numbered heading
                   and len(prev.text) >= full * 0.8)
        if wrapped and prev is not None:
            out[-1] = TextBlock(prev.kind, prev.text + text)
        else:
            out.append(TextBlock("line", text))
    return out


def _unclosed(text: str) -> bool:
    """Whether a bracket opened in the text is still open at its end (【原則5、原則5（注1）、…)."""
    return any(text.count(a) > text.count(b) for a, b in ("【】", "（）", "()", "「」"))
