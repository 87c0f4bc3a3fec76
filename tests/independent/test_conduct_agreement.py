"""The rules compute what they document: an independent pandas implementation agrees with the engine, on the
synthetic answer key and on an institution whose background is roughed up so that it is not guarded clean."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kansa.engine import load_catalog
from kansa.services import run_conduct_scan
from kansa.synth.conduct import generate_conduct
from tests.independent.conduct import RULES, flags

AS_OF = dt.date(2026, 3, 31)


def _engine_flags(out: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {r: set() for r in RULES}
    with (out / "flags.csv").open(encoding="utf-8-sig") as fh:
        for r in csv.DictReader(fh):
            found[r["rule_id"]].add(r["entity_id"])
    return found


def roughen(folder: Path, seed: int) -> None:
    """Break the background's guards the way real records are untidy: same-day orders, missing approvals,
    explanations and contacts, contacts by the seller, older customers, early-exit codes, complaints on staff."""
    rng = np.random.default_rng(seed)
    tr = pd.read_csv(folder / "trades.csv", dtype=str, keep_default_na=False)
    pick = rng.random(len(tr))
    tr.loc[pick < 0.05, "solicitation_date"] = tr.loc[pick < 0.05, "trade_date"]
    tr.loc[(pick >= 0.05) & (pick < 0.10), "manager_approval_at"] = ""
    tr.loc[(pick >= 0.10) & (pick < 0.13), "explanation_recorded"] = "false"
    tr.loc[(pick >= 0.13) & (pick < 0.16), "post_trade_contact_by"] = tr.loc[(pick >= 0.13) & (pick < 0.16),
                                                                              "staff_id"]
    tr.loc[(pick >= 0.16) & (pick < 0.18), "post_trade_contact_at"] = ""
    tr.loc[(pick >= 0.18) & (pick < 0.20), "solicited"] = ""
    tr.to_csv(folder / "trades.csv", index=False)
    cu = pd.read_csv(folder / "customers.csv", dtype=str, keep_default_na=False)
    older = rng.random(len(cu)) < 0.15
    cu.loc[older, "birth_date"] = (pd.to_datetime(cu.loc[older, "birth_date"]) - pd.DateOffset(years=18)).dt.strftime(
        "%Y-%m-%d")
    cu.loc[rng.random(len(cu)) < 0.05, "cognitive_check_date"] = "2025-12-01"
    cu.to_csv(folder / "customers.csv", index=False)
    pr = pd.read_csv(folder / "products.csv", dtype=str, keep_default_na=False)
    pr["early_exit"] = ""
    pr.loc[pr["product_type"] == "bond", "early_exit"] = rng.choice(["liquid", "at_cost", "none", ""],
                                                                    (pr["product_type"] == "bond").sum())
    pr.to_csv(folder / "products.csv", index=False)
    co = pd.read_csv(folder / "complaints.csv", dtype=str, keep_default_na=False)
    staff = pd.read_csv(folder / "staff.csv", dtype=str)["staff_id"].tolist()
    co.loc[co["staff_id"] == "", "staff_id"] = rng.choice(staff[:4], (co["staff_id"] == "").sum())
    co.to_csv(folder / "complaints.csv", index=False)


def test_the_independent_implementation_reproduces_the_answer_key(tmp_path: Path) -> None:
    generate_conduct(tmp_path, customers=600, seed=11, background="guarded")
    with (tmp_path / "answer_key.csv").open(encoding="utf-8") as fh:
        key = list(csv.DictReader(fh))
    found = flags(tmp_path, AS_OF)
    assert set(found) == {r.id for r in load_catalog("conduct")}
    for rule, entities in found.items():
        want = {k["entity_id"] for k in key if k["rule_id"] == rule and k["expected"] == "flag"}
        spared = {k["entity_id"] for k in key if k["rule_id"] == rule and k["expected"] == "no_flag"}
        assert want and entities == want, rule
        assert spared and not entities & spared, rule


@pytest.mark.parametrize("seed", [23, 29])   # held out: never used while writing the rules or the checker
def test_engine_and_independent_implementation_agree_on_an_unguarded_background(tmp_path: Path, seed: int) -> None:
    data = tmp_path / "data"
    generate_conduct(data, customers=700, seed=seed, background="guarded")
    (data / "answer_key.csv").unlink()
    roughen(data, seed)
    run_conduct_scan(data, out=tmp_path / "out", as_of=AS_OF, formats=("csv",))
    engine, independent = _engine_flags(tmp_path / "out"), flags(data, AS_OF)
    for rule in RULES:
        assert engine[rule] == independent[rule], (rule, sorted(engine[rule] ^ independent[rule])[:5])
    # not vacuous: the roughed-up background trips the trade rules by the dozen
    assert sum(len(v) for v in engine.values()) > 100
    assert all(engine[r] for r in ("elderly80_same_day_order", "elderly_caution_no_approval",
                                   "missing_explanation_record", "elderly80_post_trade_contact",
                                   "complaint_cluster"))
