"""Date arithmetic on numpy day numbers (days since 1970-01-01): business days, seasons, ages."""

from __future__ import annotations

import datetime as dt

import numpy as np

from kansa.jpdate import public_holidays

EPOCH = dt.date(1970, 1, 1)

# Retail sales of risk products peak at the half-year ends (March, September) when branches close
# their targets; August and the New Year are quiet.
SEASON = {1: 0.85, 2: 0.95, 3: 1.45, 4: 0.9, 5: 0.95, 6: 1.05, 7: 1.0, 8: 0.8, 9: 1.35, 10: 0.95, 11: 1.0, 12: 1.1}


def day(d: dt.date) -> int:
    """The day number of a date."""
    return (d - EPOCH).days


def to_date(n: int) -> dt.date:
    """The date of a day number."""
    return EPOCH + dt.timedelta(days=int(n))


def ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day of each day number."""
    d64 = days.astype("datetime64[D]")
    months = d64.astype("datetime64[M]")
    y = months.astype("int64") // 12 + 1970
    m = months.astype("int64") % 12 + 1
    d = (d64 - months).astype("int64") + 1
    return y, m, d


def age_years(birth: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Whole years from birth to at (a 29 February birthday counts on 1 March in common years)."""
    by, bm, bd = ymd(birth)
    ay, am, ad = ymd(at)
    before = (am < bm) | ((am == bm) & (ad < bd))
    return (ay - by - before.astype("int64")).astype("int64")


def month_index(days: np.ndarray) -> np.ndarray:
    """Months since January 1970 (a key for monthly totals)."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype("int64")


def add_years(d: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later (29 February -> 28 February)."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def is_bank_holiday(d: dt.date) -> bool:
    """Weekends, Japanese public holidays and the banks' New Year closure (31 Dec - 3 Jan)."""
    if d.weekday() >= 5 or d in public_holidays(d.year):
        return True
    return (d.month == 12 and d.day == 31) or (d.month == 1 and d.day <= 3)


class BusinessCalendar:
    """Business days between two dates, with seasonal sampling and next-business-day snapping."""

    def __init__(self, first: dt.date, last: dt.date) -> None:
        self.first = day(first)
        self.last = day(last)
        all_days = np.arange(self.first, self.last + 1)
        open_ = np.array([not is_bank_holiday(to_date(int(n))) for n in all_days])
        self.days = all_days[open_]
        # next_open[i] = the first business day on or after first + i
        idx = np.searchsorted(self.days, all_days)
        idx = np.minimum(idx, len(self.days) - 1)
        self._next = self.days[idx]

    def snap(self, days: np.ndarray) -> np.ndarray:
        """Each day moved to the next business day (days beyond the range are returned unchanged)."""
        out = days.copy()
        inside = (days >= self.first) & (days <= self.last)
        out[inside] = self._next[days[inside] - self.first]
        return out

    def previous(self, days: np.ndarray, n: np.ndarray | int) -> np.ndarray:
        """The business day n business days before each day (each day must be a business day)."""
        pos = np.searchsorted(self.days, days) - n
        return self.days[np.clip(pos, 0, len(self.days) - 1)]

    def sample(self, rng: np.random.Generator, n: int, start: int, end: int) -> np.ndarray:
        """n business days in [start, end], weighted by the season of their month."""
        sel = self.days[(self.days >= start) & (self.days <= end)]
        _, months, _ = ymd(sel)
        weights = np.array([SEASON[int(m)] for m in range(1, 13)])[months - 1]
        cum = np.cumsum(weights)
        pick = np.searchsorted(cum, rng.random(n) * cum[-1], side="right")
        return sel[np.minimum(pick, len(sel) - 1)]
