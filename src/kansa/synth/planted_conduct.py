"""Planted cases and near-misses for every conduct rule, placed at the edges of each parameter."""

from __future__ import annotations

import itertools

from kansa.synth.background import DAY_US, HOUR_US
from kansa.synth.planted_base import Planted

CAUTION_FUND = "F006"  # risk 4, not complex: a caution product
PLAIN_FUND = "F001"  # risk 3, not a caution product
SB_SHORT = "S001"  # structured bond maturing about 3 years out
SB_OTHER = "S002"
SB_LONG = "S005"  # matures 12.5 years after the evaluation date


def elderly(p: Planted) -> None:
    """elderly_caution_no_approval, elderly80_same_day_order, elderly80_post_trade_contact, elderly_long_maturity."""
    r1, r2, r3, r4 = ("elderly_caution_no_approval", "elderly80_same_day_order", "elderly80_post_trade_contact",
                      "elderly_long_maturity")

    def aged(age: int, at: int, past: int = 40, **kw: object) -> int:
        return p.customer(birth=p.birth_for_age(age, at, past), **kw)  # type: ignore[arg-type]

    # r1 flags
    d = p.bday(200)
    p.expect(r1, "trade", True, trade=p.buy(aged(75, d, 0), CAUTION_FUND, d, approval=-1))  # 75th birthday
    d = p.bday(190)
    p.expect(r1, "trade", True, trade=p.buy(aged(77, d), CAUTION_FUND, d, approval=(d + 1) * DAY_US + 10 * HOUR_US))
    d = p.bday(180)
    c = aged(76, d, cognitive=d - 400)
    p.expect(r1, "trade", True, trade=p.buy(c, SB_SHORT, d, 2_000_000, approval=-1))
    d = p.bday(170)
    p.expect(r1, "trade", True, trade=p.buy(aged(78, d, cognitive=d + 20), CAUTION_FUND, d, approval=-1))
    d = p.bday(160)
    p.expect(r1, "trade", True, trade=p.buy(aged(76, d), CAUTION_FUND, d, channel="phone", solicited=-1, approval=-1))
    # r1 near-misses
    d = p.bday(150)
    p.expect(r1, "trade", False, trade=p.buy(aged(78, d), CAUTION_FUND, d))  # approved the day before
    d = p.bday(140)
    p.expect(r1, "trade", False, trade=p.buy(aged(74, d, -1), CAUTION_FUND, d, approval=-1))  # 75 tomorrow
    d = p.bday(130)
    p.expect(r1, "trade", False, trade=p.buy(aged(77, d, cognitive=d - 300), CAUTION_FUND, d, approval=-1))
    d = p.bday(120)
    p.expect(r1, "trade", False, trade=p.buy(aged(77, d), CAUTION_FUND, d, channel="online", solicited=0, approval=-1))
    d = p.bday(110)
    p.expect(r1, "trade", False, trade=p.buy(aged(79, d), PLAIN_FUND, d, approval=-1))

    # r2 flags: ordered on the day of the solicitation
    d = p.bday(250)
    p.expect(r2, "trade", True, trade=p.buy(aged(80, d, 0), CAUTION_FUND, d, solicitation=d,
                                            approval=p.prev_bday(d) * DAY_US + 15 * HOUR_US))
    d = p.bday(240)
    p.expect(r2, "trade", True, trade=p.buy(aged(86, d), SB_SHORT, d, 1_500_000, solicitation=d,
                                            approval=p.prev_bday(d) * DAY_US + 15 * HOUR_US))
    d = p.bday(230)
    p.expect(r2, "trade", True, trade=p.buy(aged(83, d), CAUTION_FUND, d, channel="phone", solicited=-1,
                                            solicitation=d, approval=p.prev_bday(d) * DAY_US + 15 * HOUR_US))
    # r2 near-misses
    d = p.bday(220)
    p.expect(r2, "trade", False, trade=p.buy(aged(85, d), CAUTION_FUND, d))  # solicited the day before
    d = p.bday(210)
    p.expect(r2, "trade", False, trade=p.buy(aged(79, d), CAUTION_FUND, d, solicitation=d,
                                             approval=p.prev_bday(d) * DAY_US + 15 * HOUR_US))
    d = p.bday(205)
    p.expect(r2, "trade", False, trade=p.buy(aged(88, d), PLAIN_FUND, d, solicitation=d))
    d = p.bday(100)
    online = p.buy(aged(84, d), CAUTION_FUND, d, channel="online", solicited=0)
    p.expect(r2, "trade", False, trade=online)
    p.expect(r3, "trade", False, trade=online)
    p.expect(r1, "trade", False, trade=online)

    # r3 flags: no contact, contact by the seller, contact after 9 days
    d = p.bday(90)
    p.expect(r3, "trade", True, trade=p.buy(aged(81, d), CAUTION_FUND, d, contact=-1))
    d = p.bday(80)
    c = aged(80, d, 0)
    seller = p.salesperson(0)
    p.expect(r3, "trade", True, trade=p.buy(c, SB_SHORT, d, 1_200_000, staff=seller,
                                            contact=(d + 1) * DAY_US + 11 * HOUR_US, contact_by=seller))
    d = p.bday(70)
    p.expect(r3, "trade", True, trade=p.buy(aged(90, d), CAUTION_FUND, d, contact=(d + 9) * DAY_US + 10 * HOUR_US))
    # r3 near-misses
    d = p.bday(60)
    c = aged(80, d)
    seller = p.salesperson(0)
    other = p.salesperson(0)
    p.expect(r3, "trade", False, trade=p.buy(c, CAUTION_FUND, d, staff=seller, contact_by=other,
                                             contact=(d + 6) * DAY_US + 10 * HOUR_US))
    d = p.bday(50)
    p.expect(r3, "trade", False, trade=p.buy(aged(79, d), CAUTION_FUND, d, contact=-1))
    d = p.bday(45)
    p.expect(r3, "trade", False, trade=p.buy(aged(85, d), PLAIN_FUND, d, contact=-1))

    # r4 flags: 80+ buying a product maturing 10+ years later
    d = p.bday(40)
    p.expect(r4, "trade", True, trade=p.buy(aged(80, d, 0, tolerance=5), SB_LONG, d, 1_000_000))
    d = p.bday(35)
    # near-miss: a 15-year bond, but one sold at market any day (bonds default to early_exit liquid): no lock-in
    p.expect(r4, "trade", False, trade=p.buy(aged(84, d), "B004", d, 1_000_000))
    d = p.bday(30)
    p.expect(r4, "trade", True, trade=p.buy(aged(91, d, tolerance=5), "S006", d, 1_000_000))
    # r4 near-misses: 79 with a long product; 85 with a product maturing 9 years 10 months later
    d = p.bday(25)
    p.expect(r4, "trade", False, trade=p.buy(aged(79, d, tolerance=5), SB_LONG, d, 1_000_000))
    d = p.bday(300)  # B002 matures as_of + 9 years: about 9 years 10 months after this trade
    p.expect(r4, "trade", False, trade=p.buy(aged(85, d), "B002", d, 1_000_000))
    d = p.bday(20)
    p.expect(r4, "trade", False, trade=p.buy(aged(85, d), SB_SHORT, d, 1_000_000))


def suitability(p: Planted) -> None:
    """suitability_mismatch and missing_explanation_record."""
    r5, r6 = "suitability_mismatch", "missing_explanation_record"
    d = p.bday
    p.expect(r5, "trade", True, trade=p.buy(p.customer(tolerance=2), CAUTION_FUND, d(400)))  # 4 vs 2
    p.expect(r5, "trade", True, trade=p.buy(p.customer(tolerance=1, purpose="income"), "F018", d(390)))
    p.expect(r5, "trade", True, trade=p.buy(p.customer(experience="none", tolerance=5), "S002", d(380), 1_000_000))
    p.expect(r5, "trade", True, trade=p.buy(p.customer(experience="under_1y"), SB_SHORT, d(370), 1_000_000))
    p.expect(r5, "trade", True, trade=p.buy(p.customer(purpose="preservation"), SB_SHORT, d(360), 1_000_000))
    p.expect(r5, "trade", True, trade=p.buy(p.customer(tolerance=2), CAUTION_FUND, d(350), channel="phone",
                                            solicited=-1))
    p.expect(r5, "trade", False, trade=p.buy(p.customer(tolerance=3), CAUTION_FUND, d(340)))  # one class above
    p.expect(r5, "trade", False, trade=p.buy(p.customer(tolerance=1, professional=True), CAUTION_FUND, d(330)))
    p.expect(r5, "trade", False, trade=p.buy(p.customer(tolerance=1, purpose="income"), "F014", d(320),
                                             channel="online", solicited=0))
    p.expect(r5, "trade", False, trade=p.buy(p.customer(experience="1_to_5y", tolerance=3, purpose="balanced"),
                                             SB_SHORT, d(310), 1_000_000))

    p.expect(r6, "trade", True, trade=p.buy(p.customer(), SB_SHORT, d(420), 1_000_000, explained=0))
    p.expect(r6, "trade", True, trade=p.buy(p.customer(), "I004", d(430), 1_000_000, explained=-1))
    p.expect(r6, "trade", True, trade=p.buy(p.customer(tolerance=5), "S002", d(440), 1_000_000, channel="phone",
                                            solicited=-1, explained=0))
    p.expect(r6, "trade", False, trade=p.buy(p.customer(), SB_SHORT, d(450), 1_000_000, channel="online",
                                             solicited=0, explained=0))
    p.expect(r6, "trade", False, trade=p.buy(p.customer(), PLAIN_FUND, d(460), explained=0))
    p.expect(r6, "trade", False, trade=p.buy(p.customer(), SB_SHORT, d(470), 1_000_000))


def households(p: Planted) -> dict[int, float]:
    """household_concentration: target structured-bond shares of planted households (set in positions)."""
    r = "household_concentration"
    targets: dict[int, float] = {}

    def family(members: int, share: float, sb_amounts: list[float], expected: bool) -> None:
        head = p.customer(age=70, tolerance=5)
        ids = [head] + [p.customer(age=67, tolerance=5, household=head) for _ in range(members - 1)]
        for k, amount in enumerate(sb_amounts):
            p.buy(ids[k % members], (SB_SHORT, SB_OTHER)[k % 2], p.bday(800 + 10 * k), amount)
        targets[head] = share
        p.expect(r, "household", expected, customer=head)

    family(2, 0.86, [2_000_000, 2_000_000, 1_500_000], True)
    family(1, 0.95, [1_000_000, 1_000_000, 1_000_000], True)
    family(3, 0.81, [1_500_000, 1_500_000], True)
    family(2, 0.75, [2_000_000, 2_000_000], False)  # 75%
    family(1, 0.92, [400_000, 400_000], False)  # 92% but under 1,000,000 JPY in total
    return targets


def switches(p: Planted) -> None:
    """short_term_switch and churning_customer."""
    r8, r9 = "short_term_switch", "churning_customer"

    def switch(c: int, sold: str, bought: str, buy_day: int, held: int, gap: int, *, group: bool = True) -> int:
        b = p.bday(buy_day)
        s_day = b + held
        while p.frame.calendar.snap(__import__("numpy").array([s_day]))[0] != s_day:
            b = p.prev_bday(b)
            s_day = b + held
        g = p.new_switch() if group else -1
        p.buy(c, sold, b, 1_000_000)
        sell = p.sell(c, sold, s_day, 1_020_000, switch=g)
        p.buy(c, bought, p.bday(p.frame.end - (s_day + gap)), 1_000_000, switch=g)
        return sell

    p.expect(r8, "trade", True, trade=switch(p.customer(), "F020", "F015", 500, 179, 10))
    p.expect(r8, "trade", True, trade=switch(p.customer(), "F020", "F004", 520, 60, 0))
    p.expect(r8, "trade", True, trade=switch(p.customer(), "F005", "F020", 540, 120, 25, group=False))
    p.expect(r8, "trade", False, trade=switch(p.customer(), "F020", "F015", 560, 181, 5))
    p.expect(r8, "trade", False, trade=switch(p.customer(), "F020", "F002", 580, 100, 5))  # fee-less buy
    p.expect(r8, "trade", False, trade=switch(p.customer(), "F020", "F004", 600, 100, 45))
    p.expect(r8, "trade", False, trade=switch(p.customer(), "F020", "B003", 620, 100, 5))  # into a bond
    # held 320 days since the first buy, 20 since a top-up: not short
    c = p.customer()
    b = p.bday(700)
    p.buy(c, "F020", b, 800_000)
    p.buy(c, "F020", p.bday(700 - 300), 300_000)
    s = p.sell(c, "F020", p.bday(700 - 320), 1_150_000)
    p.buy(c, "F004", p.bday(700 - 325), 1_000_000)
    p.expect(r8, "trade", False, trade=s)

    def chain(funds: list[str], first_buy: int, held: int, gap: int) -> list[int]:
        c = p.customer(age=58)
        sells = []
        b = p.bday(first_buy)
        p.buy(c, funds[0], b, 1_000_000)
        for old, new in itertools.pairwise(funds):
            sd = p.bday(p.frame.end - (b + held))
            g = p.new_switch()
            sells.append(p.sell(c, old, sd, 1_000_000, switch=g))
            b = p.bday(p.frame.end - (sd + gap))
            p.buy(c, new, b, 1_000_000, switch=g)
        return [c, *sells]

    for funds, first, held, expected in (
        (["F001", "F015", "F004", "F020"], 340, 100, True),
        (["F020", "F004", "F015", "F005", "F001"], 350, 75, True),
    ):
        c, *sells = chain(funds, first, held, 5)
        p.expect(r9, "customer", expected, customer=c)
        for s in sells:
            p.expect(r8, "trade", True, trade=s)
    # two switches in the last year, a third 500 days ago: every sell short, the customer not churning
    c = p.customer(age=61)
    b = p.bday(640)
    p.buy(c, "F001", b, 1_000_000)
    old_sell = p.sell(c, "F001", p.bday(640 - 140), 1_000_000)
    p.buy(c, "F015", p.bday(640 - 145), 1_000_000)
    p.expect(r8, "trade", True, trade=old_sell)
    p.buy(c, "F004", p.bday(300), 900_000)
    s1 = p.sell(c, "F004", p.bday(200), 900_000)
    p.buy(c, "F020", p.bday(195), 900_000)
    s2 = p.sell(c, "F020", p.bday(95), 900_000)
    p.buy(c, "F005", p.bday(90), 900_000)
    for s in (s1, s2):
        p.expect(r8, "trade", True, trade=s)
    p.expect(r9, "customer", False, customer=c)


def resolicitation(p: Planted) -> None:
    """structured_bond_resolicitation: a structured bond bought soon after another was redeemed."""
    r = "structured_bond_resolicitation"

    def case(first: str, second: str, bought: int, sold: int, rebought: int, expected: bool) -> None:
        c = p.customer(age=64, tolerance=5)
        p.buy(c, first, p.bday(bought), 1_000_000)
        p.sell(c, first, p.bday(sold), 1_050_000)
        p.expect(r, "trade", expected, trade=p.buy(c, second, p.bday(rebought), 1_000_000))

    case(SB_SHORT, SB_OTHER, 700, 200, 190, True)  # 10 days
    case(SB_OTHER, SB_SHORT, 650, 120, 91, True)  # 29 days
    case("S003", SB_SHORT, 600, 400, 397, True)  # 3 days
    case(SB_SHORT, SB_OTHER, 690, 300, 255, False)  # 45 days
    case(SB_OTHER, PLAIN_FUND, 660, 400, 395, False)  # into a fund
    # a structured bond bought 10 days before another was sold
    c = p.customer(age=66, tolerance=5)
    p.buy(c, SB_OTHER, p.bday(720), 1_000_000)
    early = p.buy(c, SB_SHORT, p.bday(500), 1_000_000)
    p.sell(c, SB_OTHER, p.bday(490), 1_000_000)
    p.expect(r, "trade", False, trade=early)


def complaints(p: Planted, branch: int, staff: list[int]) -> None:
    """complaint_cluster: complaints naming planted salespeople."""
    r = "complaint_cluster"
    plan = [
        (True, [("complaint", 300), ("complaint", 150), ("complaint", 2)]),
        (True, [("complaint", 200), ("dispute", 120), ("complaint", 40), ("inquiry", 20)]),
        (False, [("complaint", 250), ("complaint", 60), ("inquiry", 50), ("inquiry", 30), ("inquiry", 10)]),
        (False, [("complaint", 800), ("complaint", 420), ("complaint", 30)]),
    ]
    for s, (expected, items) in zip(staff, plan, strict=True):
        c = p.customer(branch=branch)
        for kind, ago in items:
            p.complaints.append({"kind": kind, "day": p.bday(ago), "cust": c, "staff": s, "branch": branch})
        p.expect(r, "staff", expected, entity_id=p.frame.staff_ids[s])
