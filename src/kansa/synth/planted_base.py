"""A small builder for planted customers and trades with clean defaults, and the answer key rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from kansa.synth.background import DAY_US, HOUR_US, Customers, Trades
from kansa.synth.dates import add_years, day, to_date
from kansa.synth.institution import EXP, PURPOSE, Frame


@dataclass
class KeyRow:
    """One answer-key row; `ref` is a planted trade or customer index until ids are known."""

    rule_id: str
    entity_type: str
    expected: str  # flag | no_flag
    trade: int | None = None
    customer: int | None = None
    entity_id: str | None = None


@dataclass
class Planted:
    """Planted customers, trades and complaints, kept in lists until written."""

    frame: Frame
    first_customer: int
    cust: list[dict[str, object]] = field(default_factory=list)
    trades: list[dict[str, int | float]] = field(default_factory=list)
    complaints: list[dict[str, object]] = field(default_factory=list)
    key: list[KeyRow] = field(default_factory=list)
    _switch: int = 0
    _rr: int = 0

    # --- dates -------------------------------------------------------------------------------------
    def bday(self, days_before_end: int) -> int:
        """The business day on or after `as_of - days_before_end` (never after as_of)."""
        d = self.frame.end - days_before_end
        snapped = int(self.frame.calendar.snap(np.array([d]))[0])
        if snapped > self.frame.end:
            snapped = int(self.frame.calendar.previous(np.array([self.frame.end]), 0)[0])
            while snapped > self.frame.end:
                snapped -= 1
        return snapped

    def prev_bday(self, d: int, n: int = 1) -> int:
        """n business days before a business day."""
        return int(self.frame.calendar.previous(np.array([d]), n)[0])

    def birth_for_age(self, age: int, at: int, days_past_birthday: int = 30) -> int:
        """A birth day so that the customer is exactly `age` at `at` (birthday `days_past_birthday` ago;
        0 = the birthday is that very day, -1 = tomorrow, so one year younger)."""
        bday = to_date(at - days_past_birthday)
        return day(add_years(bday, -age)) if days_past_birthday >= 0 else day(add_years(to_date(at + 1), -(age + 1)))

    # --- people ------------------------------------------------------------------------------------
    def customer(self, *, birth: int | None = None, age: int = 52, branch: int = 0, household: int | None = None,
                 experience: str = "over_5y", tolerance: int = 4, purpose: str = "growth",
                 professional: bool = False, cognitive: int = -1) -> int:
        """A planted customer with suitable, unremarkable defaults; returns its planted index."""
        if birth is None:
            birth = day(add_years(self.frame.as_of, -age)) - 100
        i = len(self.cust)
        self.cust.append({"birth": birth, "branch": branch, "household": i if household is None else household,
                          "experience": EXP.index(experience), "tolerance": tolerance,
                          "purpose": PURPOSE.index(purpose), "professional": professional, "cognitive": cognitive})
        return i

    def salesperson(self, branch: int) -> int:
        """A background salesperson of the branch, taken in turn."""
        f = self.frame
        if branch < f.n_branches:
            self._rr += 1
            return int(f.sales_first[branch] + self._rr % f.sales_count[branch])
        sales = [i for i, b in enumerate(f.staff_branch) if b == branch and f.staff_role[i] == "sales"]
        self._rr += 1
        return sales[self._rr % len(sales)]

    def manager(self, branch: int) -> int:
        """The branch manager."""
        f = self.frame
        if branch < f.n_branches:
            return int(f.manager[branch])
        return next(i for i, b in enumerate(f.staff_branch) if b == branch and f.staff_role[i] == "manager")

    # --- trades ------------------------------------------------------------------------------------
    def buy(self, cust: int, product: str, date: int, amount: float = 800_000, *, channel: str = "face_to_face",
            solicited: int = 1, solicitation: int | None = None, approval: int | None = None,
            contact: int | None = None, contact_by: int | None = None, explained: int = 1,
            staff: int | None = None, fee: float | None = None, switch: int = -1) -> int:
        """A buy with clean defaults: solicited the business day before, approved that afternoon when
        the product is a caution product, confirmed two days after by the branch manager."""
        f = self.frame
        p = f.shelf.index(product)
        branch = int(self.cust[cust]["branch"])  # type: ignore[call-overload]
        online = channel == "online"
        if solicitation is None:
            solicitation = -1 if online or solicited == 0 else self.prev_bday(date)
        if approval is None:
            approval = (solicitation * DAY_US + 15 * HOUR_US) if (f.shelf.caution[p] and solicitation >= 0
                                                                  and solicitation < date) else -1
        if staff is None:
            staff = -1 if online else self.salesperson(branch)
        if contact is None:
            contact = -1 if online else (date + 2) * DAY_US + 11 * HOUR_US
        if contact_by is None:
            contact_by = -1 if contact < 0 else self.manager(branch)
        if fee is None:
            fee = round(amount * f.shelf.fee_rate[p] / 100)
        self.trades.append({
            "cust": cust, "prod": p, "buy": 1, "date": date, "amount": amount, "fee": fee, "branch": branch,
            "staff": staff, "channel": ("face_to_face", "phone", "online", "ifa").index(channel),
            "solicited": solicited, "solicitation": solicitation, "switch": switch, "approval": approval,
            "contact": contact, "contact_by": contact_by, "explained": explained,
        })
        return len(self.trades) - 1

    def sell(self, cust: int, product: str, date: int, amount: float = 850_000, *, switch: int = -1) -> int:
        """An unsolicited sell (or redemption) handled by a salesperson of the branch."""
        f = self.frame
        branch = int(self.cust[cust]["branch"])  # type: ignore[call-overload]
        self.trades.append({
            "cust": cust, "prod": f.shelf.index(product), "buy": 0, "date": date, "amount": amount, "fee": 0,
            "branch": branch, "staff": self.salesperson(branch), "channel": 0, "solicited": 0,
            "solicitation": -1, "switch": switch, "approval": -1, "contact": -1, "contact_by": -1, "explained": -1,
        })
        return len(self.trades) - 1

    def new_switch(self) -> int:
        """A fresh switch group number."""
        self._switch += 1
        return self._switch

    def expect(self, rule: str, entity: str, expected: bool, *, trade: int | None = None,
               customer: int | None = None, entity_id: str | None = None) -> None:
        """Add an answer-key row."""
        self.key.append(KeyRow(rule, entity, "flag" if expected else "no_flag", trade, customer, entity_id))

    # --- as arrays ---------------------------------------------------------------------------------
    def customers_arrays(self) -> Customers:
        """Planted customers as a chunk (numbers follow the background customers)."""
        n = len(self.cust)

        def col(k: str) -> np.ndarray:
            return np.array([c[k] for c in self.cust])

        first = self.first_customer
        return Customers(
            number=np.arange(first, first + n), household=col("household") + first, birth=col("birth"),
            branch=col("branch"), experience=col("experience"), tolerance=col("tolerance"), purpose=col("purpose"),
            assets=np.full(n, 12_000_000), income=np.full(n, 6_000_000), cognitive=col("cognitive"),
            professional=col("professional").astype(bool),
            opened=np.minimum(col("birth") + int(22 * 365.25), self.frame.start - 400),
        )

    def trades_arrays(self, start: int = 0) -> Trades:
        """Planted trades from index `start` as arrays; holdings are (customer, product) pairs."""
        rows = self.trades[start:]

        def col(k: str, dtype: type = np.int64) -> np.ndarray:
            return np.array([r[k] for r in rows], dtype=dtype)

        cust, prod = col("cust"), col("prod")
        _, holding = np.unique(cust * 1000 + prod, return_inverse=True)
        return Trades(
            cust=cust, prod=prod, buy=col("buy").astype(bool), date=col("date"), amount=col("amount", float),
            fee=col("fee", float), branch=col("branch"), staff=col("staff"), channel=col("channel"),
            solicited=col("solicited"), solicitation=col("solicitation"), switch_group=col("switch"),
            approval=col("approval"), contact=col("contact"), contact_by=col("contact_by"),
            explained=col("explained"), holding=holding.astype(np.int64),
        )


def year_ago(frame: Frame, years: int) -> dt.date:
    """The evaluation date `years` earlier."""
    return add_years(frame.as_of, -years)
