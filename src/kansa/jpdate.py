"""Japanese calendar: era (和暦) dates in and out, fiscal years (April-March) and supervisory years."""

from __future__ import annotations

import importlib.metadata
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from kansa import cache as machine_cache
from kansa.messages import InputError


@dataclass(frozen=True)
class Era:
    """One Japanese era: its names and its first day."""

    kanji: str
    letter: str
    romaji: str
    start: date


# Newest first: a date belongs to the first era whose start it does not precede.
ERAS: tuple[Era, ...] = (
    Era("令和", "R", "Reiwa", date(2019, 5, 1)),
    Era("平成", "H", "Heisei", date(1989, 1, 8)),
    Era("昭和", "S", "Showa", date(1926, 12, 25)),
    Era("大正", "T", "Taisho", date(1912, 7, 30)),
    Era("明治", "M", "Meiji", date(1868, 10, 23)),
)
_BY_NAME = {e.kanji: e for e in ERAS} | {e.letter: e for e in ERAS} | {e.letter.lower(): e for e in ERAS}

_ERA_RE = re.compile(
    r"^\s*(?P<era>令和|平成|昭和|大正|明治|[RHSTMrhstm])\s*\.?\s*(?P<year>元|\d{1,2})\s*"
    r"(?:年|[./\-])\s*(?P<month>\d{1,2})\s*(?:月|[./\-])\s*(?P<day>\d{1,2})\s*日?\s*$"
)
_FULLWIDTH = str.maketrans("０１２３４５６７８９／．－", "0123456789/.-")


class EraDateError(InputError, ValueError):
    """An era date that does not exist (bad era, month, day, or a year beyond the era's end).

    A message code with its fields (kansa.messages); str() is English, `.ja` the same in Japanese.
    """

    @property
    def ja(self) -> str:
        """The message in Japanese."""
        return self.render("ja")


def parse_era_date(text: str) -> date | None:
    """Parse 令和4年12月1日, R4.12.1, H31/4/30, 令和元年5月1日, ㋿4.12.1; None when not an era form.

    Raises EraDateError when the text is an era form but names no real date, for example
    平成32年 (Heisei ended in its 31st year) or 令和元年4月30日 (before Reiwa began).
    """
    # NFKC folds full-width digits and letters (Ｒ４．１２．１) and the era ligatures ㍻ and ㋿.
    m = _ERA_RE.match(unicodedata.normalize("NFKC", text).translate(_FULLWIDTH))
    if not m:
        return None
    era = _BY_NAME[m["era"]]
    year_in_era = 1 if m["year"] == "元" else int(m["year"])
    if year_in_era < 1:
        raise EraDateError("era_year_zero", text=text)
    try:
        d = date(era.start.year + year_in_era - 1, int(m["month"]), int(m["day"]))
    except ValueError as exc:
        raise EraDateError("era_no_such_date", text=text) from exc
    if d < era.start:
        raise EraDateError("era_before_start", text=text, era=era.kanji, start=era.start.isoformat(),
                           start_era=format_era(era.start))
    newer = [e for e in ERAS if e.start > era.start]
    if newer and d >= min(e.start for e in newer):
        last = min(e.start for e in newer) - timedelta(days=1)
        raise EraDateError("era_after_end", text=text, era=era.kanji, end=last.isoformat(), end_era=format_era(last))
    return d


def era_of(d: date) -> tuple[Era, int]:
    """Return the era of a date and the year within it (1 = 元年)."""
    for era in ERAS:
        if d >= era.start:
            return era, d.year - era.start.year + 1
    raise EraDateError("era_before_meiji", date=d.isoformat())


def format_era(d: date, style: str = "kanji") -> str:
    """Format a date as 令和8年11月25日 (style 'kanji') or R8.11.25 (style 'short')."""
    era, year = era_of(d)
    if style == "short":
        return f"{era.letter}{year}.{d.month}.{d.day}"
    y = "元" if year == 1 else str(year)
    return f"{era.kanji}{y}年{d.month}月{d.day}日"


def fiscal_year(d: date) -> int:
    """Japanese fiscal year (April to March), named by the calendar year it starts in."""
    return d.year if d.month >= 4 else d.year - 1


def format_fiscal_year(fy: int, lang: str = "ja") -> str:
    """Label a fiscal year: 2025年度 (令和7年度) in Japanese, FY2025 in English."""
    if lang == "en":
        return f"FY{fy}"
    era, year = era_of(date(fy, 4, 1))
    y = "元" if year == 1 else str(year)
    return f"{fy}年度（{era.kanji}{y}年度）"


def supervisory_year(d: date) -> int:
    """The FSA's supervisory year (事務年度, July to June), named by the year it starts in."""
    return d.year if d.month >= 7 else d.year - 1


@cache
def public_holidays(year: int) -> dict[date, str]:
    """Japan's public holidays of a year and their names (jpholiday), kept on disk per jpholiday version.

    jpholiday checks every day of the year against every holiday rule: 0.2-0.3 s a year, which a scan
    of five years of trades paid each time. The result depends only on the year and jpholiday's rules
    (its version), so it is computed once per machine; an unwritable cache folder only costs the time.
    """
    import jpholiday  # the few callers need it; the CLI's start-up does not

    name = f"holidays-jpholiday-{importlib.metadata.version('jpholiday')}.json"
    known = machine_cache.read(name)
    if str(year) not in known:
        known[str(year)] = {d.isoformat(): label for d, label in jpholiday.year_holidays(year)}
        machine_cache.write(name, known)
    return {date.fromisoformat(d): n for d, n in known[str(year)].items()}
