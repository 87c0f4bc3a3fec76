"""The realistic background's untidy conduct fields, set once a chunk's trades have their salespeople
(rates in kansa.synth.realistic)."""

from __future__ import annotations

import numpy as np

from kansa.synth.background import DAY_US, Trades
from kansa.synth.institution import Frame
from kansa.synth.realistic import CONTACT_MISSED, EXPLANATION_MISSING, NO_APPROVAL, SAME_DAY_ORDER


def untidy_conduct(frame: Frame, rng: np.random.Generator, age: np.ndarray, tr: Trades) -> None:
    """Loosen the elderly and explanation guards at the rates in kansa.synth.realistic."""
    s = frame.shelf
    n = len(tr.cust)
    guarded = tr.buy & s.caution[tr.prod] & (tr.channel != 2) & (age >= 74)
    u = rng.random(n)
    no_approval = guarded & (u < NO_APPROVAL)
    tr.approval[no_approval] = -1
    same_day = guarded & (u >= NO_APPROVAL) & (u < NO_APPROVAL + SAME_DAY_ORDER)
    tr.solicitation[same_day] = tr.date[same_day]
    missed = guarded & (rng.random(n) < CONTACT_MISSED)
    kind = rng.integers(0, 3, n)
    tr.contact[missed & (kind == 0)] = -1
    tr.contact_by[missed & (kind == 0)] = -1
    tr.contact_by[missed & (kind == 1)] = tr.staff[missed & (kind == 1)]
    late = missed & (kind == 2)
    tr.contact[late] = tr.date[late] * DAY_US + rng.integers(8, 16, int(late.sum())) * DAY_US + 10 * 3_600_000_000
    gone = tr.buy & s.complex_[tr.prod] & (rng.random(n) < EXPLANATION_MISSING)
    tr.explained[gone] = rng.choice([0, -1], int(gone.sum()))


def assign_advisers(frame: Frame, c_number: np.ndarray, tr: Trades) -> None:
    """Each customer's non-online trades go to one adviser (担当者) of the branch, as accounts are kept."""
    idx = np.flatnonzero(tr.channel != 2)
    br = tr.branch[idx]
    tr.staff[idx] = frame.sales_first[br] + (c_number[tr.cust[idx]] * 7919) % frame.sales_count[br]
