"""The institution's fixed frame: dates, branches, staff and the product shelf as numpy arrays."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from kansa.synth.catalog import NEW_BRANCH, PRODUCTS, branch_names
from kansa.synth.dates import BusinessCalendar, add_years, day

TYPES = (
    "investment_trust", "structured_bond", "foreign_currency_insurance", "bond", "equity", "etf", "deposit", "other",
)
TYPE_INDEX = {t: i for i, t in enumerate(TYPES)}
EXP = ("none", "under_1y", "1_to_5y", "over_5y")
PURPOSE = ("preservation", "income", "balanced", "growth", "speculation")


@dataclass
class Shelf:
    """Product attributes as arrays indexed like `PRODUCTS`."""

    ids: list[str]
    type_: np.ndarray
    risk: np.ndarray
    complex_: np.ndarray
    caution: np.ndarray
    affiliated: np.ndarray
    fee_rate: np.ndarray
    maturity: np.ndarray  # day number, or a far future day when none
    inception: np.ndarray
    online: np.ndarray
    weight: np.ndarray

    def index(self, code: str) -> int:
        """Position of a product code."""
        return self.ids.index(code)


@dataclass
class Frame:
    """Dates, branches, staff and products shared by every chunk and the planted cases."""

    as_of: dt.date
    seed: int
    n_customers: int
    start: int  # first trade day (four fiscal years before as_of)
    end: int  # as_of as a day number
    eval_days: list[int]
    calendar: BusinessCalendar
    shelf: Shelf
    branch_names: list[tuple[str, str]]
    branch_weight: np.ndarray
    sales_first: np.ndarray  # per background branch: index of its first salesperson in `staff_ids`
    sales_count: np.ndarray
    manager: np.ndarray  # per branch: index of its manager in `staff_ids`
    staff_ids: list[str] = field(default_factory=list)
    staff_branch: list[int] = field(default_factory=list)
    staff_role: list[str] = field(default_factory=list)
    staff_hired: list[int] = field(default_factory=list)

    @property
    def n_branches(self) -> int:
        """Background branches (planted branches come after them)."""
        return len(self.sales_count)

    def branch_id(self, b: int) -> str:
        """Branch code."""
        return f"B{b + 1:03d}"

    def add_staff(self, branch: int, role: str, hired: int) -> int:
        """A new staff member; returns its index."""
        self.staff_ids.append(f"S{len(self.staff_ids) + 1:06d}")
        self.staff_branch.append(branch)
        self.staff_role.append(role)
        self.staff_hired.append(hired)
        return len(self.staff_ids) - 1

    def add_branch(self, name: str, region: str) -> int:
        """A planted branch after the background ones; returns its index."""
        self.branch_names.append((name, region))
        return len(self.branch_names) - 1


def _shelf(as_of: dt.date) -> Shelf:
    far = day(dt.date(2200, 1, 1))
    return Shelf(
        ids=[p.code for p in PRODUCTS],
        type_=np.array([TYPE_INDEX[p.product_type] for p in PRODUCTS]),
        risk=np.array([p.risk_class for p in PRODUCTS]),
        complex_=np.array([p.is_complex for p in PRODUCTS]),
        caution=np.array([p.is_caution_product for p in PRODUCTS]),
        affiliated=np.array([p.is_affiliated for p in PRODUCTS]),
        fee_rate=np.array([p.upfront_fee_rate or 0.0 for p in PRODUCTS]),
        maturity=np.array([day(m) if (m := p.maturity(as_of)) else far for p in PRODUCTS]),
        inception=np.array([day(p.inception(as_of)) for p in PRODUCTS]),
        online=np.array([p.online for p in PRODUCTS]),
        weight=np.array([p.weight for p in PRODUCTS]),
    )


def build_frame(n_customers: int, seed: int, as_of: dt.date) -> Frame:
    """Branches sized to the customer base, their staff, the shelf and the business calendar."""
    rng = np.random.default_rng([seed, 0])
    start = day(add_years(as_of, -4)) + 1
    end = day(as_of)
    calendar = BusinessCalendar(add_years(as_of, -5), add_years(as_of, 12))
    n_branches = int(np.clip(round(n_customers / 250), 8, 150))
    names = branch_names(n_branches)
    weight = rng.uniform(0.6, 1.4, n_branches)
    weight[0] = 3.0  # 本店営業部 is the largest
    weight /= weight.sum()
    frame = Frame(
        as_of=as_of, seed=seed, n_customers=n_customers, start=start, end=end,
        eval_days=[day(add_years(as_of, -k)) for k in (2, 1, 0)], calendar=calendar, shelf=_shelf(as_of),
        branch_names=list(names), branch_weight=weight, sales_first=np.zeros(n_branches, dtype=np.int64),
        sales_count=np.zeros(n_branches, dtype=np.int64), manager=np.zeros(n_branches, dtype=np.int64),
    )
    # about one salesperson per 60 customers, so most sell 30+ times a year (the skew rules' population)
    for b in range(n_branches):
        frame.manager[b] = frame.add_staff(b, "manager", start - int(rng.integers(3000, 9000)))
        k = max(2, round(n_customers * weight[b] / 60))
        frame.sales_first[b] = len(frame.staff_ids)
        frame.sales_count[b] = k
        for _ in range(k):
            frame.add_staff(b, "sales", start - int(rng.integers(200, 8000)))
        frame.add_staff(b, "back_office", start - int(rng.integers(200, 8000)))
    return frame


def new_branch_name() -> tuple[str, str]:
    """The name of the recently opened branch."""
    return NEW_BRANCH
