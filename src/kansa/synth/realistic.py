"""The realistic background (the default of `kansa synth conduct`): the guarded background's customers,
products and seasons with its guards loosened to the rates an untidy real book shows, and branch campaigns.

Nothing here aims at a rule or away from one: a background trade meets a rule when its rates say so, and
the answer key for the background is whatever an independent reading of the rules finds (tests/independent).
The rates are assumptions a reviewer can read and change in one place.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from kansa.synth.dates import month_index
from kansa.synth.institution import TYPE_INDEX, Frame

Background = Literal["realistic", "guarded"]
BACKGROUNDS: tuple[Background, ...] = ("realistic", "guarded")

UNSUITABLE_ACCEPTED = 0.015     # a holding above the customer's profile is still sold (a weak suitability check)
LONG_MATURITY_ACCEPTED = 0.35   # a 78+ customer still buys a product maturing 9+ years ahead
SHORT_FUND_HOLD = 0.06          # fund sells within 30-179 days of the first buy (rebalancing, losses cut)
NO_APPROVAL = 0.04              # a 74+ caution sale solicited without the manager's prior approval
SAME_DAY_ORDER = 0.03           # a 74+ caution sale ordered on the day it was solicited
CONTACT_MISSED = 0.03           # the after-sale call not made, made by the seller, or made after 8-15 days
EXPLANATION_MISSING = 0.01      # a complex sale whose explanation record is missing
CAMPAIGNS_PER_BRANCH_YEAR = 0.5  # fund campaigns (キャンペーン) a branch runs a year
CAMPAIGN_PULL = 0.30            # share of the branch's fund purchases of the 3 months around it pulled into it


def accept(lax: np.ndarray, suitable: np.ndarray, short: np.ndarray) -> np.ndarray:
    """Which drawn (customer, product) pairs stand: both guards met, or one broken by a holding whose draw
    `lax` (uniform, one per holding) falls under that guard's rate."""
    return (suitable & short) | (~suitable & short & (lax < UNSUITABLE_ACCEPTED)) | (
        suitable & ~short & (lax < LONG_MATURITY_ACCEPTED))


def short_fund_holds(rng: np.random.Generator, hold: np.ndarray, is_fund: np.ndarray) -> np.ndarray:
    """Some fund sells come early (the guarded background waits 200+ days)."""
    early = is_fund & (hold >= 0) & (rng.random(len(hold)) < SHORT_FUND_HOLD / 0.5)
    return np.where(early, rng.integers(30, 180, len(hold)), hold)


def campaigns(frame: Frame, rng: np.random.Generator, branch: np.ndarray, type_: np.ndarray,
              day: np.ndarray) -> np.ndarray:
    """Fund purchase days with branch campaigns: each campaign month pulls in part of the branch's fund
    purchases of the month before and after it (seeded per institution, so every chunk sees the same ones)."""
    camp_rng = np.random.default_rng([int(frame.start), 77])
    months = month_index(np.array([frame.start, frame.end]))
    n_months = int(months[1] - months[0] + 1)
    n_b = frame.n_branches
    n_camp = camp_rng.poisson(CAMPAIGNS_PER_BRANCH_YEAR * n_b * n_months / 12)
    chosen = np.zeros((n_b, n_months), dtype=bool)
    chosen[camp_rng.integers(0, n_b, n_camp), camp_rng.integers(1, n_months - 1, n_camp)] = True
    m = month_index(day) - months[0]
    out = day.copy()
    fund = type_ == TYPE_INDEX["investment_trust"]
    for shift in (-1, 1):
        target = np.clip(m - shift, 0, n_months - 1)
        in_campaign = (branch < n_b) & chosen[np.minimum(branch, n_b - 1), target]
        pulled = fund & in_campaign & (rng.random(len(day)) < CAMPAIGN_PULL)
        out[pulled] = frame.calendar.snap(day[pulled] - shift * 30)
    return np.minimum(out, frame.end)
