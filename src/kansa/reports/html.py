"""Jinja2 environment for reports: the shared base template and filters for yen, percent and era dates."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import jinja2

from kansa.jpdate import format_era


def yen(value: Any, unit: str = "") -> str:
    """1234567 -> '1,234,567円' (unit '万' -> '123万円'); blank for missing values."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if unit == "万":
        return f"{float(value) / 10_000:,.0f}万円"
    if unit == "億":
        return f"{float(value) / 100_000_000:,.1f}億円"
    return f"{float(value):,.0f}円"


def num(value: Any, digits: int = 0) -> str:
    """Thousands separators, fixed digits; an em dash for missing values."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{float(value):,.{digits}f}"


def pct(value: Any, digits: int = 1, ratio: bool = True) -> str:
    """0.123 -> '12.3%' (ratio=True) or 12.3 -> '12.3%' (ratio=False)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    v = float(value) * (100 if ratio else 1)
    return f"{v:.{digits}f}%"


def era(value: Any, style: str = "kanji") -> str:
    """A date as 令和8年3月31日 (or R8.3.31 with style='short')."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return format_era(value, style)


def iso(value: Any) -> str:
    """A date or datetime in ISO form; an em dash when missing."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def make_env(*packages: str) -> jinja2.Environment:
    """A Jinja2 environment over the given packages' `templates/` folders and the shared base."""
    loaders: list[jinja2.BaseLoader] = [jinja2.PackageLoader(p, "templates") for p in packages]
    loaders.append(jinja2.PackageLoader("kansa.reports", "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(["html", "j2", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(yen=yen, num=num, pct=pct, era=era, date=iso)
    return env
