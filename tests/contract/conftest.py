"""A small valid conduct institution written as files, for tests to break one thing at a time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

CONDUCT: dict[str, str] = {
    "branches": "branch_id,name,region\nB01,本店,関東\nB02,髙島屋前支店,関西\n",
    "staff": "staff_id,branch_id,role,hired_on\nS1,B01,sales,2015-04-01\nS2,B02,manager,2008-04-01\n",
    "customers": (
        "customer_id,household_id,birth_date,branch_id,investment_experience,risk_tolerance,investment_purpose\n"
        "C1,H1,1945-01-02,B01,over_5y,3,income\n"
        "C2,,1990-05-06,B02,none,1,growth\n"
        "C3,H1,1948-03-04,B01,under_1y,2,preservation\n"
    ),
    "products": (
        "product_id,name,product_type,risk_class,is_complex,upfront_fee_rate\n"
        "P1,①グローバル株式ファンド,investment_trust,3,false,3.3\n"
        "P2,㈱髙木仕組債,structured_bond,5,true,1.1\n"
    ),
    "trades": (
        "trade_id,trade_date,customer_id,product_id,side,amount_jpy,fee_jpy,branch_id,staff_id,channel\n"
        "T1,2024-06-03,C1,P1,buy,1000000,33000,B01,S1,face_to_face\n"
        "T2,2024-06-04,C2,P2,buy,500000,,B02,,online\n"
        "T3,2024-06-05,C3,P1,sell,200000,0,B01,S2,phone\n"
    ),
    "positions": (
        "as_of_date,customer_id,product_id,market_value_jpy,cumulative_purchase_jpy\n"
        "2024-06-30,C1,P1,1100000,1033000\n"
        "2024-06-30,C2,P2,480000,500000\n"
    ),
}

WriteConduct = Callable[..., Path]


@pytest.fixture
def write_conduct(tmp_path: Path) -> WriteConduct:
    """Write the valid conduct set to a folder; keyword arguments replace a table's CSV text (None drops it)."""

    def write(folder: str = "data", encoding: str = "utf-8", **tables: str | None) -> Path:
        out = tmp_path / folder
        out.mkdir(parents=True, exist_ok=True)
        for name, text in {**CONDUCT, **tables}.items():
            if text is not None:
                (out / f"{name}.csv").write_bytes(text.encode(encoding))
        return out

    return write


def load_typed_and_text(folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any, list[bool]]:
    """Load the folder with the typed lane and with the text path only; which lane each trades attempt took."""
    import kansa.contract.validate as validate
    from kansa.contract.load import load_directory

    lanes: list[bool] = []
    create = validate._create_from_stream

    def spy(con: Any, raw: Any, spec: Any, present: Any, cells: Any, typed: dict[str, Any]) -> None:
        if spec.name == "trades":
            lanes.append(bool(typed))  # one entry per attempt: converted (True) or text (False)
        create(con, raw, spec, present, cells, typed)

    with monkeypatch.context() as m:
        m.setattr(validate, "_create_from_stream", spy)
        fast = load_directory(folder, lang="en")
    with monkeypatch.context() as m:
        m.setattr(validate, "_convertible", lambda *_: {})
        text = load_directory(folder, lang="en")
    return fast, text, lanes
