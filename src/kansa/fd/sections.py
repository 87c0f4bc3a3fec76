"""A document's sections: headings found by format, size or numbering, their principle references, sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kansa.fd.normalise import nfkc
from kansa.fd.readers import TextBlock

_KANJI_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九十", start=0)}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
# Numbering a heading starts with, in NFKC form; the class name decides the level by order of first use.
_LABELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("hoshin", re.compile(r"^((?:基本|取組)?方針\s*(\d+|[一二三四五六七八九十]+))\s*[.、:]?\s*")),
    ("dai", re.compile(r"^(第\s*(\d+|[一二三四五六七八九十]+)(?:章|節|条)?)\s*[.、:]?\s*")),
    ("paren", re.compile(r"^([(]\s*(\d{1,2})\s*[)])\s*")),
    ("num", re.compile(r"^((\d{1,2})\s*[.)、])(?!\d)\s*")),
    ("numdash", re.compile(r"^((\d{1,2})-\d{1,2})\s+")),
    ("circled", re.compile(rf"^([{_CIRCLED}])\s*")),
    ("kanji", re.compile(r"^(([一二三四五六七八九十]+)[、.])\s*")),
    ("mark", re.compile(r"^([■□◆◇▶▼◎])\s*")),
    ("angle", re.compile(r"^([<〈《＜])")),
)
_NUMBERED = ("hoshin", "dai", "paren", "num", "numdash", "circled", "kanji")
_BULLET = re.compile(r"^[・●○◆◇•‣\-－–—※✓✔]\s*")
_ORG = re.compile(r"^(株式会社)?\S{1,20}(銀行|信用金庫|信用組合|証券|金庫|組合|株式会社|生命保険|損害保険|保険|"
                  r"ホールディングス|フィナンシャルグループ)(株式会社)?$")
_DATE_LINE = re.compile(r"((19|20)\d\d|令和\s*(\d+|元))\s*年.*(改定|制定|策定|公表|更新|改正)")
_TAG = re.compile(r"[【\[(（<＜〔][^【】\[\]]*原則[^【】\[\]]*[】\]）)>＞〕]\s*$")
_REF = re.compile(r"原則\s*([1-7])((?:\s*(?:本文|及び|および|並びに|ならびに|・|、|,|と|\s)*"
                  r"[(（]?\s*注\s*\d?\s*(?:[～〜~\-－]\s*[(（]?\s*注?\s*\d\s*[)）]?)?\s*[)）]?)*)")


@dataclass
class Sentence:
    """A sentence of a document and where it stands."""

    text: str
    section: int
    bullet: bool = False


@dataclass
class Section:
    """A leaf section: its heading path, numbering, principle references and sentences."""

    index: int
    heading: str                    # the heading without numbering or tag ('' for the preamble)
    label: str                      # numbering as written: 1. / (2) / 方針3 / ①
    path: tuple[str, ...] = ()      # parents' headings
    labels: tuple[str, ...] = ()    # parents' labels and its own
    refs: tuple[str, ...] = ()      # item ids named in its or its parents' headings
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def key(self) -> str:
        """Numbering as digits, parents first: '1-2' for 1. then (2)."""
        return "-".join(d for d in (_digits(lb) for lb in self.labels) if d)

    def full_heading(self) -> str:
        """Parents' headings and its own, joined."""
        return " > ".join(h for h in (*self.path, self.heading) if h)


def _digits(label: str) -> str:
    label = nfkc(label)
    if label and label[0] in _CIRCLED:
        return str(_CIRCLED.index(label[0]) + 1)
    m = re.search(r"\d+", label)
    if m:
        return m.group(0)
    kanji = "".join(c for c in label if c in _KANJI_DIGITS)
    if not kanji:
        return ""
    if kanji.startswith("十"):
        return str(10 + _KANJI_DIGITS.get(kanji[1:2], 0))
    return str(_KANJI_DIGITS[kanji[0]])


def item_refs(text: str) -> list[str]:
    """Item ids named in text: 原則2 -> P2*, 原則5（注1）-> P5-N1, 原則6（注1～5）-> P6-N1..N5, 原則3本文 -> P3."""
    out: list[str] = []
    text = nfkc(text)
    matches = list(_REF.finditer(text))
    for k, m in enumerate(matches):
        p, tail = m.group(1), m.group(2) or ""
        # 原則3本文: the words up to the next reference say whether the body is meant
        tail += text[m.end(): matches[k + 1].start() if k + 1 < len(matches) else len(text)][:4]
        notes: list[str] = []
        for nm in re.finditer(r"注\s*(\d)?\s*(?:[)）]?\s*[～〜~\-－]\s*[(（]?\s*注?\s*(\d))?", tail):
            if nm.group(1) and nm.group(2):
                notes += [f"N{k}" for k in range(int(nm.group(1)), int(nm.group(2)) + 1)]
            else:
                notes.append(f"N{nm.group(1) or ''}")
        body = "本文" in tail or not notes
        if body:
            out.append(f"P{p}" if notes or "本文" in tail else f"P{p}*")
        out += [f"P{p}-{n}" for n in notes]
    # 【原則2、原則2（注）】: the bare 原則2 beside its own note means the body, not the whole principle
    noted = {r.split("-")[0] for r in out if "-" in r}
    return list(dict.fromkeys(r[:-1] if r.endswith("*") and r[:-1] in noted else r for r in out))


def _heading_parts(text: str) -> tuple[str, str, str, str]:
    """(label class, label, heading text, tag) of a heading line."""
    text = text.strip()
    first = text[:1]
    while text[:1] in _CIRCLED and text[1:].strip()[:1] in _CIRCLED and text[:1]:
        text = text[1:].strip()  # a run of ①②③ (only the last one's text matters): no deep recursion
    if first and text[:1] in _CIRCLED:   # NFKC would turn ① into 1
        text = first + text[1:] if first != text[:1] else text
        _cls, _label, rest, tag = _heading_parts(text[1:])
        return "circled", text[0], (_label + " " + rest).strip() if _cls == "plain" else rest, tag
    text = nfkc(text)
    tag = ""
    m = _TAG.search(text)
    if m:
        tag, text = m.group(0), text[: m.start()].strip()
    for cls, pattern in _LABELS:
        lm = pattern.match(text)
        if lm:
            rest = text[lm.end():].strip()
            if cls == "angle":
                rest = rest.rstrip(">〉》＞").strip()
            return cls, lm.group(1), rest, tag
    return "plain", "", text, tag


def _heading_like(block: TextBlock, numbered_doc: bool) -> bool:
    """Whether a line of unknown role is a heading: numbered, short, no full stop, no figures after the number."""
    text = nfkc(block.text)
    if text.endswith("。") or (_BULLET.match(text) and not text.startswith(("◆", "◇"))):
        return False
    cls, _label, rest, tag = _heading_parts(block.text)
    if len(rest) > 60:
        return False
    if re.search(r"\d", rest) or "KPI" in rest or re.search(r"[:：]", rest) or not rest:
        return False
    if cls == "plain":
        return not numbered_doc and len(rest) <= 40 and tag != text
    return len(rest) <= 45


def split_sentences(text: str) -> list[str]:
    """Sentences ending in 。 (a bracketed 。 does not end one); a tail without 。 is a sentence too."""
    out, buf, depth = [], [], 0
    for ch in text:
        buf.append(ch)
        if ch in "「『（(":
            depth += 1
        elif ch in "」』）)":
            depth = max(0, depth - 1)
        elif ch == "。" and depth == 0:
            out.append("".join(buf).strip())
            buf = []
    tail = "".join(buf).strip()
    if tail:
        out.append(tail)
    return [s for s in out if s]


def sectionise(blocks: list[TextBlock]) -> tuple[str, list[Section]]:
    """The document's title and its leaf sections in order (text before the first heading is the preamble)."""
    title = ""
    start = 0
    for i, b in enumerate(blocks[:4]):
        if re.search(r"方針|取組状況|取組み状況|取り組み状況|原則|顧客本位", b.text) and not b.text.endswith("。") \
                and not _heading_parts(b.text)[1]:
            title, start = nfkc(b.text), i + 1
            break
    while start < len(blocks) and start < 4 and _ORG.search(nfkc(blocks[start].text)):
        start += 1   # the firm's name under the title
    body = blocks[start:]
    numbered = sum(1 for b in body if b.kind in ("line", "heading") and _heading_parts(b.text)[0] in _NUMBERED
                   and not nfkc(b.text).endswith("。")) >= 2
    classes: list[str] = []
    stack: list[tuple[int, str, str, tuple[str, ...]]] = []   # (level, label, heading, refs)
    sections: list[Section] = [Section(0, "", "")]
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            for s in split_sentences("".join(buffer)):
                sections[-1].sentences.append(Sentence(s, sections[-1].index))
            buffer.clear()

    for b in body:
        text = nfkc(b.text)
        if _DATE_LINE.search(text) and len(text) < 40:
            continue
        is_heading = (b.kind == "heading" and not text.endswith("。")) or (
            b.kind == "line" and _heading_like(b, numbered))
        if is_heading:
            flush()
            cls, label, rest, tag = _heading_parts(b.text)
            if b.level:
                level = b.level
            else:
                if cls not in classes:
                    classes.append(cls)
                level = 10 + classes.index(cls)
            while stack and stack[-1][0] >= level:
                stack.pop()
            refs = tuple(item_refs(tag or rest))
            stack.append((level, label, rest, refs))
            sections.append(Section(len(sections), rest, label, path=tuple(s[2] for s in stack[:-1]),
                                    labels=tuple(s[1] for s in stack),
                                    refs=tuple(dict.fromkeys(r for s in stack for r in s[3]))))
        elif b.kind == "bullet" or _BULLET.match(text):
            flush()
            for s in split_sentences(_BULLET.sub("", text)):
                sections[-1].sentences.append(Sentence(s, sections[-1].index, bullet=True))
        else:
            buffer.append(text)
            flush()
    flush()
    return title, [s for s in sections if s.sentences]
