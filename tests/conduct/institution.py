"""A small institution for coverage and case tests, written as CSV files or as one workbook."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

import openpyxl

Rows = list[dict[str, object]]


def _customer(cid: str, birth: str, branch: str = "B1", household: str = "", **kw: object) -> dict[str, object]:
    row: dict[str, object] = {"customer_id": cid, "household_id": household or cid, "birth_date": birth,
                              "branch_id": branch, "investment_experience": "over_5y", "risk_tolerance": 3,
                              "investment_purpose": "balanced"}
    row.update(kw)
    return row


def _buy(tid: str, day: str, cid: str, pid: str, amount: int = 1_000_000, **kw: object) -> dict[str, object]:
    row: dict[str, object] = {"trade_id": tid, "trade_date": day, "customer_id": cid, "product_id": pid,
                              "side": "buy", "amount_jpy": amount, "fee_jpy": 0, "branch_id": "B1", "staff_id": "S1",
                              "channel": "face_to_face", "solicited": "true", "solicitation_date": day,
                              "explanation_recorded": "true"}
    row.update(kw)
    return row


def tables() -> dict[str, Rows]:
    """Branches, staff, customers (a two-person household among them), products, trades, positions, complaints."""
    return {
        "branches": [{"branch_id": "B1", "name": "本店"}, {"branch_id": "B2", "name": "駅前支店"}],
        "staff": [{"staff_id": "S1", "branch_id": "B1", "role": "sales"},
                  {"staff_id": "M1", "branch_id": "B1", "role": "manager"}],
        "customers": [
            _customer("C85", "1940-06-01"),                       # 85: elderly
            _customer("C40", "1985-06-01"),                       # 40
            _customer("H1A", "1944-01-01", household="H1"),       # a household of two, both 80+
            _customer("H1B", "1945-01-01", household="H1"),
        ],
        "products": [
            {"product_id": "SB1", "name": "日経平均連動債", "product_type": "structured_bond", "risk_class": 5,
             "is_complex": "true", "is_affiliated": "false", "upfront_fee_rate": "0",
             "maturity_date": "2040-01-01"},
            {"product_id": "F1", "name": "グローバル株式ファンド", "product_type": "investment_trust", "risk_class": 3,
             "is_complex": "false", "is_affiliated": "false", "upfront_fee_rate": "3.3",
             "maturity_date": "2045-01-01"},
        ],
        "trades": [
            # the same trade for an 85- and a 40-year-old: no manager approval, a suitability gap (5 vs 3)
            _buy("T85", "2026-02-10", "C85", "SB1"),
            _buy("T40", "2026-02-10", "C40", "SB1"),
            _buy("TH1", "2026-02-12", "H1A", "SB1"),
            _buy("TH2", "2026-02-13", "H1B", "SB1"),
            # near-miss for lock-in: an 85-year-old buys a fund whose wind-up date is 19 years out
            _buy("TF", "2026-02-14", "C85", "F1", fee_jpy=33_000),
        ],
        "positions": [
            {"as_of_date": "2026-03-31", "customer_id": "C85", "product_id": "SB1", "market_value_jpy": 900_000,
             "cumulative_purchase_jpy": 1_000_000},
            {"as_of_date": "2026-03-31", "customer_id": "C40", "product_id": "SB1", "market_value_jpy": 900_000,
             "cumulative_purchase_jpy": 1_000_000},
        ],
        "complaints": [
            {"complaint_id": "K1", "received_date": "2026-03-01", "kind": "complaint", "customer_id": "H1A",
             "branch_id": "B1", "staff_id": "S1", "text": "説明がなかった"},
        ],
    }


def write_csv(folder: Path, data: dict[str, Rows], skip: Iterable[str] = ()) -> Path:
    """One UTF-8 CSV per table, leaving out the tables named in `skip`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in data.items():
        if name in skip:
            continue
        cols = list(dict.fromkeys(k for r in rows for k in r))
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=cols)
            w.writeheader()
            w.writerows(rows)
    return folder


def write_workbook(folder: Path, data: dict[str, Rows], skip: Iterable[str] = ()) -> Path:
    """One workbook with a sheet per table, leaving out the tables named in `skip`."""
    folder.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in data.items():
        if name in skip:
            continue
        sheet = book.create_sheet(name)
        cols = list(dict.fromkeys(k for r in rows for k in r))
        sheet.append(cols)
        for r in rows:
            sheet.append([str(r.get(c, "")) if r.get(c) is not None else None for c in cols])
    book.save(folder / "institution.xlsx")
    return folder
