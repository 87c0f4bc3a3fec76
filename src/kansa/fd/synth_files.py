"""Write a synthetic firm's documents as PDF, DOCX, HTML or text, and its correspondence table as Excel."""

from __future__ import annotations

import random
from html import escape
from pathlib import Path

from openpyxl import Workbook

from kansa.fd.principles import load_items
from kansa.fd.synth_layout import Block, PolicyYear, Section, policy_blocks, progress_blocks, ref_of
from kansa.fd.synth_model import Firm
from kansa.fd.synth_style import era_years
from kansa.reports.pdf import write_pdf

_CSS = ("html{font-family:'IPAexGothic',sans-serif;font-size:10pt;line-height:1.6}"
        "h1{font-size:15pt}h2{font-size:12pt}h3{font-size:10.5pt}.midashi{font-weight:bold;margin-top:1em}")


def write_firm(folder: Path, firm: Firm, years: list[PolicyYear]) -> None:
    """Every year's policy and progress report, and the correspondence table where the firm has one."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(firm.firm_id + "files")
    for k, (py, fmt) in enumerate(zip(years, firm.formats, strict=True)):
        month = int(py.slots["m"])
        source_year = py.year
        if py.unchanged:   # the same document as the year it was last revised: same date line
            source_year = next(p.year for p in reversed(years[:k]) if not p.unchanged)
        blocks = policy_blocks(firm, source_year, py.sections, month)
        named = py.unchanged or rng.random() < 0.8
        name = _file_name(firm, py.year, "policy", rng) if named else "顧客本位の業務運営に関する取組方針"
        if not named and any(p.stem == name for p in folder.iterdir()):
            name = _file_name(firm, py.year, "policy", rng)
        write_document(blocks, folder / f"{name}.{fmt}", fmt, cp932=rng.random() < 0.3, html_tags=rng.random() < 0.5)
        progress = progress_blocks(firm, py.year, py.sections, py.slots, random.Random(f"{firm.firm_id}{py.year}"))
        pfmt = rng.choice(("pdf", "docx", "html", "txt")) if fmt != "html" or rng.random() < 0.5 else "html"
        if pfmt == "pdf" and "pdf" not in firm.formats:
            pfmt = "html"
        write_document(progress, folder / f"{_file_name(firm, py.year, 'progress', rng)}.{pfmt}", pfmt,
                       cp932=False, html_tags=True)
        if firm.has_table:
            write_table(folder / f"{_file_name(firm, py.year, 'table', rng)}.xlsx", py.sections, py.plan, rng)


def _file_name(firm: Firm, year: int, kind: str, rng: random.Random) -> str:
    words = {"policy": ("取組方針", "policy", "顧客本位の業務運営に関する取組方針"),
             "progress": ("取組状況", "progress", "取組状況_KPI"),
             "table": ("対応表", "correspondence", "原則との対応関係")}[kind]
    word = words[rng.randrange(len(words))]
    y = era_years(f"{year}年") + "度" if firm.writer.era else str(year)
    return f"{y}_{word}" if rng.random() < 0.7 else f"{word}_{y}"


def write_document(blocks: list[Block], path: Path, fmt: str, *, cp932: bool = False, html_tags: bool = True) -> Path:
    """One document in one format."""
    if fmt == "txt":
        text = "\n".join(b.text for b in blocks) + "\n"
        path.write_bytes(text.encode("cp932", errors="replace") if cp932 else text.encode("utf-8"))
    elif fmt == "html":
        path.write_text(to_html(blocks, html_tags), encoding="utf-8")
    elif fmt == "pdf":
        write_pdf(to_html(blocks, True), path)
    elif fmt == "docx":
        _docx(blocks, path, styles=html_tags)
    else:
        raise ValueError(fmt)
    return path


def to_html(blocks: list[Block], tags: bool) -> str:
    """HTML as a firm's web page has it: navigation and footer around the text, headings as h2/h3 or bold."""
    body = ['<nav><a href="/">ホーム</a> &gt; <a href="/about/">会社情報</a> &gt; 顧客本位の業務運営</nav>', "<main>"]
    in_list = False
    for b in blocks:
        if b.kind != "bullet" and in_list:
            body.append("</ul>")
            in_list = False
        text = escape(b.text)
        if b.kind == "title":
            body.append(f"<h1>{text}</h1>")
        elif b.kind == "date":
            body.append(f'<p class="date">{text}</p>')
        elif b.kind in ("heading1", "heading2"):
            level = 2 if b.kind == "heading1" else 3
            body.append(f"<h{level}>{text}</h{level}>" if tags else f'<p class="midashi"><strong>{text}</strong></p>')
        elif b.kind == "bullet":
            if not in_list:
                body.append("<ul>")
                in_list = True
            body.append(f"<li>{escape(b.text[1:] if b.text[:1] in '・●○－◇◆' else b.text)}</li>")
        else:
            body.append(f"<p>{text}</p>")
    if in_list:
        body.append("</ul>")
    body.append("</main><footer>Copyright (C) All Rights Reserved.</footer>")
    return (f'<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>{escape(blocks[0].text)}</title>'
            f"<style>{_CSS}</style><script>var x = '顧客本位';</script></head><body>" + "".join(body)
            + "</body></html>")


def _docx(blocks: list[Block], path: Path, styles: bool) -> None:
    from docx import Document  # only when writing synthetic .docx policies

    doc = Document()
    for b in blocks:
        if b.kind == "title":
            doc.add_heading(b.text, level=0)
        elif b.kind in ("heading1", "heading2"):
            if styles:
                doc.add_heading(b.text, level=1 if b.kind == "heading1" else 2)
            else:
                doc.add_paragraph().add_run(b.text).bold = True
        elif b.kind == "bullet" and styles:
            doc.add_paragraph(b.text[1:] if b.text[:1] in "・●○－◇◆" else b.text, style="List Bullet")
        else:
            doc.add_paragraph(b.text)
    doc.save(str(path))


def write_table(path: Path, sections: list[Section], plan: dict[str, str], rng: random.Random) -> Path:
    """The firm's correspondence table: each report-required item to where the policy covers it."""


    wb = Workbook()
    ws = wb.active
    ws.title = "対応関係"
    ws.append(["原則との対応関係"])
    ws.append([])
    ws.append(["原則", "取組方針の該当箇所", "取組状況の該当箇所", "実施しない場合の理由等"])
    where: dict[str, str] = {}
    for sec in sections:
        top = sec.parent_label if sec.parent is not None else sec.label
        if top and any(c.isdigit() or c in "一二三四五六七八九十" for c in top):
            loc = f"{top}{sec.label}" if sec.parent is not None else top
        else:   # headings without numbers are named by their text
            sub = sec.label if sec.parent is not None and sec.label != "＜" else ""
            loc = f"「{sec.parent or sec.heading}」{sub}"
        for item_id in sec.items:
            where[item_id] = loc
    top_locs = list(dict.fromkeys(where.values()))
    for item in load_items():
        if not item.report_required:
            continue
        verdict = plan.get(item.id, "not_addressed")
        found = where.get(item.id)
        reason = ""
        if found is None and top_locs and rng.random() < 0.4:   # claimed in the table, not in the text
            found = rng.choice(top_locs)
        if verdict == "not_applicable":
            reason = "取り扱っていないため対象外"
        ws.append([ref_of(item.id), found or "－", found or "－", reason])
    wb.save(path)
    return path
