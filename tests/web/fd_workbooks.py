"""Filled common-KPI submission workbooks for the web tests (written by kansa's own template)."""

from __future__ import annotations

import io
from datetime import date

from kansa.fd.kpi_template import build, fill
from kansa.fd.kpi_workbook import BANDS

GOOD = dict(zip(BANDS, (1.0, 2.5, 8.0, 12.5, 30.0, 28.0, 10.0, 8.0), strict=True))   # positive share 76.0
FUNDS = [(f"ファンド{k}", 1000.0 - k * 40, 1.0 + k * 0.05, 6.0 + k * 0.1, 12.0) for k in range(20)]


def workbook(firm: str, firm_type: str = "regional_bank", as_of: date = date(2025, 3, 31),
             bands: dict[str, float] | None = None, positive: float = 76.0) -> bytes:
    """One filled workbook as bytes; bands that do not add up make it one the reader refuses."""
    total = sum(f[1] for f in FUNDS)
    weighted = tuple(round(sum(f[c] * f[1] for f in FUNDS) / total, 2) for c in (2, 3, 4))
    wb = fill(build("ja", firm, firm_type, as_of), "ja", GOOD if bands is None else bands, positive, FUNDS, weighted)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
