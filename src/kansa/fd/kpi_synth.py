"""Synthetic common-KPI submissions from many firms (realistic spreads by firm type), with planted bad ones."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from kansa.fd.kpi_template import build, fill
from kansa.fd.kpi_workbook import BANDS, FIRM_TYPES

# Median positive share by base date (%), roughly the industry series (DOMAIN.md), and spread by type.
_MARKET = {2022: 79.0, 2023: 68.0, 2024: 91.0, 2025: 72.0}
_TYPE_SHIFT = {"major_bank": 2.0, "regional_bank": 0.0, "cooperative": -5.0, "securities": 3.0,
               "online_securities": 1.0, "other": -2.0}


def _bands(rng: random.Random, positive: float) -> dict[str, float]:
    """Eight band shares (0.1 precision) adding up to 100 with the given share at 0% or better."""
    neg = 100.0 - positive
    w_neg = [rng.uniform(0.2, 1.0) * k for k in (0.2, 0.5, 1.5, 2.0)]
    w_pos = [rng.uniform(0.5, 1.5) * k for k in (2.0, 2.5, 1.2, 0.8)]
    shares = [neg * w / sum(w_neg) for w in w_neg] + [positive * w / sum(w_pos) for w in w_pos]
    rounded = [round(s, 1) for s in shares]
    rounded[-1] = round(rounded[-1] + 100.0 - sum(rounded), 1)   # what rounding left goes to the top band
    return dict(zip(BANDS, rounded, strict=True))


def write_submissions(out: Path, firms: int = 60, years: tuple[int, ...] = (2024, 2025), seed: int = 0,
                      bad: int = 2, lang: str = "ja") -> list[Path]:
    """One workbook per firm and base date; the first `bad` firms' last workbook has bands that miss 100%."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(firms):
        firm_type = FIRM_TYPES[i % (len(FIRM_TYPES) - 1)]
        firm = f"合成{['銀行', '地方銀行', '信用金庫', '証券', 'ネット証券'][i % 5]}{i + 1:03d}"
        skill = rng.gauss(0, 6)
        for y in years:
            positive = max(5.0, min(99.0, round(_MARKET.get(y, 75.0) + _TYPE_SHIFT[firm_type] + skill
                                                + rng.gauss(0, 3), 1)))
            bands = _bands(rng, positive)
            funds: list[tuple[str, float, float, float, float]] = []
            balance = rng.uniform(20_000, 90_000)
            for k in range(20):
                funds.append((f"ファンド{k + 1:02d}（{firm}）", round(balance), round(rng.uniform(0.2, 2.6), 2),
                              round(rng.gauss(8, 4), 2), round(rng.uniform(5, 22), 2)))
                balance *= rng.uniform(0.7, 0.97)
            total = sum(f[1] for f in funds)
            cost, ret, risk = (round(sum(float(f[c]) * f[1] for f in funds) / total, 2) for c in (2, 3, 4))
            if i < bad and y == years[-1]:
                bands["m10_0"] = round(bands["m10_0"] + 3.0, 1)   # planted: the bands now add up to 103
            wb = fill(build(lang, firm, firm_type, date(y, 3, 31)), lang, bands,
                      round(sum(bands[b] for b in BANDS[4:]), 1), funds, (cost, ret, risk))
            path = out / f"{firm}_{y}.xlsx"
            wb.save(path)
            paths.append(path)
    return paths
