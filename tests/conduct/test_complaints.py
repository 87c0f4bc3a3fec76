"""Complaints: categories from Japanese text, fiscal-year summary, rates per 1,000 customers and their trend."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import duckdb
import pytest

from kansa.conduct.complaints import (
    branch_rates,
    by_category,
    classify,
    complaints_summary,
    write_summary_csv,
    yearly_trend,
)

# Texts written for this test, in the way branch staff record what a customer said.
TEXTS = {
    "explanation": [
        "説明不足のまま購入させられた。",
        "元本割れするとは知らなかった。",
        "ノックイン条項について聞いていないと申出。",
        "商品の仕組みがよく分からないまま契約した",
        "重要事項の説明を受けた記憶がない",
    ],
    "suitability": [
        "高齢の母（85歳）に仕組債を勧めるのはおかしい。",
        "87歳の父が理解できないまま契約していた",
        "年金生活なのにリスクの高い商品を勧められた",
        "投資経験がないのに外貨建保険を勧められた",
        "元本保証を希望していたのに投資信託を買わされた",
    ],
    "fees": [
        "販売手数料が高すぎる",
        "信託報酬がこんなにかかるとは思わなかった",
        "外貨建保険のコストが分かりにくい",   # cost wins over "hard to understand"
        "為替の費用が明細に載っていない",
    ],
    "unauthorized_trade": [
        "無断売買があった",
        "勝手に解約された",
        "注文していない投資信託が口座にある",
        "私の承諾なしに売却された",
        "妻の同意を得ないまま乗換を行った",   # consent outranks the switch
    ],
    "churning": [
        "回転売買ではないか",
        "短期間での乗換を何度も勧められた",
        "半年で３回も乗り換えさせられ手数料ばかり取られた",   # full-width digit; switching before fees
        "売買を繰り返して損をした",
    ],
    "service": [
        "窓口の対応が悪い",
        "担当者の態度が横柄だった",
        "電話がつながらない",
        "一時間以上待たされた",
    ],
    "other": [
        "キャンペーンの景品が届かない",
        "",
        "   ",
        "住所変更の手続きについて",
    ],
}


@pytest.mark.parametrize(("expected", "text"), [(cat, t) for cat, texts in TEXTS.items() for t in texts])
def test_it_classifies_japanese_complaint_texts(expected: str, text: str) -> None:
    assert classify(text) == expected


def test_it_classifies_none_and_english_texts() -> None:
    assert classify(None) == "other"
    assert classify("The bank charged me fees I never agreed to") == "fees"
    assert classify("They made an unauthorized trade in my account") == "unauthorized_trade"
    assert classify("My elderly mother was sold an unsuitable product") == "suitability"


# ---- tables ---------------------------------------------------------------------------------------------

def _con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE products (product_id VARCHAR, product_type VARCHAR)")
    con.execute("INSERT INTO products VALUES ('SB1', 'structured_bond'), ('IT1', 'investment_trust')")
    con.execute("CREATE TABLE branches (branch_id VARCHAR, name VARCHAR)")
    con.execute("INSERT INTO branches VALUES ('B1', '本店'), ('B2', '駅前'), ('B3', '新店')")
    con.execute("CREATE TABLE customers (customer_id VARCHAR, branch_id VARCHAR, opened_on DATE)")
    rows = [(f"A{i}", "B1", None) for i in range(1000)] + [(f"B{i}", "B2", date(2020, 1, 1)) for i in range(500)]
    rows += [(f"N{i}", "B2", date(2025, 4, 1)) for i in range(500)]  # opened in FY2025: not in FY2024's base
    con.executemany("INSERT INTO customers VALUES (?, ?, ?)", rows)
    con.execute("""CREATE TABLE complaints (complaint_id VARCHAR, received_date DATE, kind VARCHAR,
        customer_id VARCHAR, product_id VARCHAR, product_type VARCHAR, branch_id VARCHAR, staff_id VARCHAR,
        category VARCHAR, text VARCHAR, closed_date DATE)""")
    con.executemany("INSERT INTO complaints VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, NULL)", [
        # fiscal year edges: 31 March belongs to the year before, 1 April starts the next
        ("K1", date(2025, 3, 31), "complaint", "A1", "SB1", "bond", None, None, "元本割れを知らなかった"),
        ("K2", date(2025, 4, 1), "complaint", "A2", "SB1", None, None, "fees", "説明不足"),  # column wins
        ("K3", date(2025, 4, 1), "complaint", "A3", None, "investment_trust", None, "", "乗換を勧められた"),
        ("K4", date(2026, 3, 31), "dispute", "B1", "IT1", None, "B2", None, "無断売買"),
        ("K5", date(2026, 1, 5), "inquiry", "B2", None, None, "B2", None, "手数料を教えて"),
        ("K6", date(2024, 6, 1), "complaint", None, None, None, "B2", None, "対応が悪い"),
        ("K7", date(2024, 7, 1), "complaint", None, None, None, None, None, "その他"),  # no branch at all
    ])
    return con


def test_summary_counts_by_fiscal_year_kind_and_the_products_type(tmp_path: Path) -> None:
    con = _con()
    rows = complaints_summary(con)
    assert rows == [
        (2024, "complaint", "structured_bond", 1),   # K1 (31 March 2025 = FY2024); product beats the column
        (2024, "complaint", None, 2),                # K6, K7
        (2025, "complaint", "investment_trust", 1),  # K3 from its own column
        (2025, "complaint", "structured_bond", 1),   # K2
        (2025, "dispute", "investment_trust", 1),    # K4 (31 March 2026 = FY2025)
        (2025, "inquiry", None, 1),
    ]
    path = write_summary_csv(rows, tmp_path / "complaints_summary.csv")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        got = list(csv.reader(fh))
    assert got[0] == ["fiscal_year", "kind", "product_type", "count"]
    assert got[1] == ["2024", "complaint", "structured_bond", "1"]
    assert got[2] == ["2024", "complaint", "", "2"]


def test_by_category_fills_empty_categories_from_text_and_leaves_out_inquiries() -> None:
    got = {(r["fiscal_year"], r["category"]): (r["count"], r["derived"]) for r in by_category(_con())}
    assert got == {
        (2024, "explanation"): (1, 1), (2024, "service"): (1, 1), (2024, "other"): (1, 1),
        (2025, "fees"): (1, 0), (2025, "churning"): (1, 1), (2025, "unauthorized_trade"): (1, 1),
    }


def test_branch_rates_per_1000_customers_with_the_change_on_the_year_before() -> None:
    rates = {(r["branch_id"], r["fiscal_year"]): r for r in branch_rates(_con())}
    assert set(rates) == {(b, fy) for b in ("B1", "B2", "B3") for fy in (2024, 2025)}
    b1_24, b1_25 = rates[("B1", 2024)], rates[("B1", 2025)]
    assert (b1_24["complaints"], b1_24["customers"], b1_24["per_1000"]) == (1, 1000, 1.0)  # K1 via home branch
    assert (b1_25["complaints"], b1_25["per_1000"]) == (2, 2.0)                            # K2, K3
    assert b1_25["change_per_1000"] == pytest.approx(1.0)
    b2_24, b2_25 = rates[("B2", 2024)], rates[("B2", 2025)]
    assert (b2_24["complaints"], b2_24["customers"], b2_24["per_1000"]) == (1, 500, 2.0)  # K6; N* not yet open
    assert (b2_25["complaints"], b2_25["customers"], b2_25["per_1000"]) == (1, 1000, 1.0)  # K4, not inquiry K5
    assert b2_25["change_per_1000"] == pytest.approx(-1.0)
    assert rates[("B3", 2025)]["customers"] == 0 and rates[("B3", 2025)]["per_1000"] is None
    assert rates[("B1", 2024)]["prev_per_1000"] is None


def test_yearly_trend_totals_the_branches() -> None:
    trend = yearly_trend(branch_rates(_con()))
    assert [(t["fiscal_year"], t["complaints"], t["customers"]) for t in trend] == [(2024, 2, 1500), (2025, 3, 2000)]
    assert trend[1]["change_per_1000"] == pytest.approx(3 * 1000 / 2000 - 2 * 1000 / 1500)


def test_it_classifies_real_english_narratives_without_failing(shared_data: Path) -> None:
    from kansa.conduct.complaints import CATEGORIES

    path = shared_data / "complaints" / "cfpb_consumer_complaints_sample_2023.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["Consumer complaint narrative"].strip()]
    got = [(r["Issue"], classify(r["Consumer complaint narrative"])) for r in rows]
    assert len(got) > 300 and {c for _i, c in got} <= set(CATEGORIES)
    fee_issues = [c for issue, c in got if "fee" in issue.lower()]
    assert fee_issues and fee_issues.count("fees") / len(fee_issues) >= 0.6
