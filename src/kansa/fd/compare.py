"""Firms side by side on the common KPIs: counts and distributions by firm type and base date, each firm's
place within its type, year-on-year change, and top-20 cost against return. Never one league table across
types or dates: markets move the positive-return share for everyone (66% in 2019, ~30% in 2020, 91% in 2024)."""

from __future__ import annotations

import csv
import itertools
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kansa.fd.kpi_workbook import Submission
from kansa.fd.messages import FdError

# The published file's institution_type -> kansa's firm types ('aggregate' rows are reference lines).
PUBLISHED_TYPES = {"major bank": "major_bank", "regional bank": "regional_bank", "cooperative": "cooperative",
                   "securities": "securities", "online securities": "online_securities", "aggregate": "aggregate"}


@dataclass(frozen=True)
class KpiRecord:
    """One firm's figure at one base date from one source (two sources may disagree: both are kept)."""

    firm: str
    firm_type: str
    as_of: date
    positive_share: float | None
    top20_cost: float | None = None
    top20_return: float | None = None
    top20_risk: float | None = None
    band: str = ""
    band_share: float | None = None
    source: str = ""


def from_submissions(subs: Iterable[Submission]) -> list[KpiRecord]:
    """Records from checked submission workbooks."""
    return [KpiRecord(s.firm, s.firm_type, s.as_of, s.positive_share, s.weighted.get("cost"),
                      s.weighted.get("return"), s.weighted.get("risk"), source=s.source) for s in subs]


def read_published(path: Path) -> list[KpiRecord]:
    """The published figures (shared/data/fd/common_kpi_published.csv); an error names the row and column."""
    out = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            def num(col: str, row: dict[str, str] = row, n: int = n) -> float | None:
                text = (row.get(col) or "").strip()
                if not text:
                    return None
                try:
                    return float(text)
                except ValueError:
                    raise FdError("published_bad", path=str(path), row=n, column=col, value=text) from None
            try:
                as_of = date.fromisoformat((row.get("as_of_date") or "").strip())
            except ValueError:
                raise FdError("published_bad", path=str(path), row=n, column="as_of_date",
                              value=row.get("as_of_date")) from None
            kind = (row.get("institution_type") or "").strip()
            if kind not in PUBLISHED_TYPES:
                raise FdError("published_bad", path=str(path), row=n, column="institution_type", value=kind)
            out.append(KpiRecord(row["institution"].strip(), PUBLISHED_TYPES[kind], as_of, num("positive_share_pct"),
                                 num("top20_cost"), num("top20_return"), num("top20_risk"),
                                 (row.get("band") or "").strip(), num("share_pct"), (row.get("source") or "").strip()))
    return out


@dataclass(frozen=True)
class TypeStats:
    """The positive-return share of one firm type at one base date."""

    firm_type: str
    as_of: date
    firms: int
    rows: int
    minimum: float
    q1: float
    median: float
    q3: float
    maximum: float


def _firm_values(records: Sequence[KpiRecord]) -> dict[tuple[str, str, date], list[float]]:
    """(type, firm, date) -> every positive share given for it (two when sources disagree)."""
    out: dict[tuple[str, str, date], list[float]] = defaultdict(list)
    for r in records:
        if r.positive_share is not None and r.firm_type != "aggregate":
            out[(r.firm_type, r.firm, r.as_of)].append(r.positive_share)
    return out


def type_stats(records: Sequence[KpiRecord]) -> list[TypeStats]:
    """Counts and quartiles of the positive share per type and date (a firm with two figures counts once, at
    their mean, in the quartiles; both stay in the firm table)."""
    groups: dict[tuple[str, date], list[float]] = defaultdict(list)
    rows: dict[tuple[str, date], int] = defaultdict(int)
    for (t, _f, d), values in _firm_values(records).items():
        groups[(t, d)].append(sum(values) / len(values))
        rows[(t, d)] += len(values)
    out = []
    for (t, d), values in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        q = statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else [values[0]] * 3
        out.append(TypeStats(t, d, len(values), rows[(t, d)], min(values), q[0], q[1], q[2], max(values)))
    return out


@dataclass(frozen=True)
class FirmPlace:
    """A firm's figure at one date and its place among firms of its type then (1 = highest)."""

    firm: str
    firm_type: str
    as_of: date
    value: float
    source: str
    rank: int
    of: int
    percentile: float
    type_median: float
    disagreement: bool


def places(records: Sequence[KpiRecord]) -> list[FirmPlace]:
    """Every firm figure with its rank within its type and date (each source's row kept)."""
    values = _firm_values(records)
    by_group: dict[tuple[str, date], list[float]] = defaultdict(list)
    for (t, _f, d), vs in values.items():
        by_group[(t, d)].append(sum(vs) / len(vs))
    out = []
    for r in records:
        if r.positive_share is None or r.firm_type == "aggregate":
            continue
        group = by_group[(r.firm_type, r.as_of)]
        own = values[(r.firm_type, r.firm, r.as_of)]
        others = list(group)
        others.remove(sum(own) / len(own))   # the firm against the other firms of its type
        rank = 1 + sum(1 for v in others if v > r.positive_share)
        below = sum(1 for v in others if v < r.positive_share)
        out.append(FirmPlace(r.firm, r.firm_type, r.as_of, r.positive_share, r.source, rank, len(group),
                             round(100.0 * below / len(others), 1) if others else 100.0, statistics.median(group),
                             len(own) > 1))
    return sorted(out, key=lambda p: (p.as_of, p.firm_type, p.rank, p.firm, p.source))


@dataclass(frozen=True)
class YearOnYear:
    """A firm's positive share at two consecutive base dates."""

    firm: str
    firm_type: str
    previous: date
    as_of: date
    before: float
    after: float

    @property
    def change(self) -> float:
        """Points of change."""
        return round(self.after - self.before, 2)


def year_on_year(records: Sequence[KpiRecord]) -> list[YearOnYear]:
    """Changes between a firm's consecutive base dates (means where sources disagree)."""
    series: dict[tuple[str, str], dict[date, float]] = defaultdict(dict)
    for (t, f, d), vs in _firm_values(records).items():
        series[(t, f)][d] = sum(vs) / len(vs)
    out = []
    for (t, f), points in series.items():
        dates = sorted(points)
        for a, b in itertools.pairwise(dates):
            out.append(YearOnYear(f, t, a, b, round(points[a], 2), round(points[b], 2)))
    return sorted(out, key=lambda y: (y.as_of, y.firm_type, y.firm))


def cost_return(records: Sequence[KpiRecord]) -> list[KpiRecord]:
    """Records with both a top-20 cost and return (for the scatter)."""
    return [r for r in records if r.top20_cost is not None and r.top20_return is not None]


def aggregates(records: Sequence[KpiRecord]) -> list[KpiRecord]:
    """Industry and survey averages (reference lines, never firms)."""
    return sorted((r for r in records if r.firm_type == "aggregate" and r.positive_share is not None),
                  key=lambda r: (r.as_of, r.firm))
