"""How a synthetic writer writes: self-reference, customer word, polite or plain style, digits, era dates."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

_CUST = ("お客さま", "お客様", "顧客")
_STAFF = ("職員", "従業員", "社員", "役職員", "営業担当者")
_BULLETS = ("・", "●", "○", "－", "◇")
_PLAIN = (  # polite endings to plain ones, longest first
    ("いたします", "する"), ("してまいります", "していく"), ("まいります", "いく"), ("ております", "ている"),
    ("しております", "している"), ("ています", "ている"), ("行います", "行う"), ("努めます", "努める"),
    ("整えます", "整える"), ("考えます", "考える"), ("いただきます", "いただく"), ("いたしません", "しない"),
    ("しません", "しない"), ("ません", "ない"), ("しました", "した"), ("ました", "た"), ("します", "する"),
    ("ります", "る"), ("ぎます", "ぐ"), ("きます", "く"), ("みます", "む"), ("ます", "る"), ("です", "である"),
)
_FULL = str.maketrans("0123456789%", "０１２３４５６７８９％")


@dataclass
class Writer:
    """One writer's habits."""

    we: str
    cust: str
    staff: str
    plain: bool          # である調
    full_width: bool     # ２０２４年、１０％
    era: bool            # 令和6年
    bullet: str
    numbering: str       # how headings are numbered: arabic, paren, circled, kanji, hoshin, none

    def words(self) -> dict[str, str]:
        """The slot values for self-reference, customer and staff."""
        return {"we": self.we, "cust": self.cust, "staff": self.staff}


def new_writer(rng: random.Random, we_choices: tuple[str, ...], heldout_style: bool = False) -> Writer:
    """A writer; `heldout_style` gives one only held-out firms have (plain style, full-width digits, era dates)."""
    if heldout_style:
        return Writer(we=rng.choice(we_choices), cust=rng.choice(_CUST), staff=rng.choice(_STAFF), plain=True,
                      full_width=True, era=True, bullet="◆", numbering="kanji")
    return Writer(we=rng.choice(we_choices), cust=rng.choice(_CUST), staff=rng.choice(_STAFF), plain=False,
                  full_width=rng.random() < 0.3, era=rng.random() < 0.35, bullet=rng.choice(_BULLETS),
                  numbering=rng.choice(("arabic", "paren", "circled", "hoshin", "none")))


def era_years(text: str) -> str:
    """2024年 -> 令和6年 (2019 -> 令和元年)."""
    def to_era(m: re.Match[str]) -> str:
        n = int(m.group(1)) - 2018
        return f"令和{'元' if n == 1 else n}年"
    return re.sub(r"(20[1-3]\d)年", to_era, text)


def style(text: str, writer: Writer) -> str:
    """Apply the writer's habits to a sentence already filled in."""
    if writer.plain:
        for polite, plain in _PLAIN:
            text = re.sub(polite + r"(?=[。）)]|$)", plain, text)
    if writer.era:
        text = era_years(text)
    if writer.full_width:
        text = text.translate(_FULL)
    return text


def render(template: str, writer: Writer, slots: dict[str, str]) -> str:
    """Fill a bank template's slots and apply the writer's habits."""
    return style(template.format(**slots), writer)
