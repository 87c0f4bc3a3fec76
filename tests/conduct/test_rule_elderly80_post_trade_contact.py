"""elderly80_post_trade_contact: missing, self-made or late contacts after a sale to an 80+ customer."""

from __future__ import annotations

import json

from kansa.engine.testing import customer, flagged, product, run_rule, trade

RULE = "elderly80_post_trade_contact"


def _world(*trades: dict) -> dict:
    return {
        "customers": [customer("C85", "1940-01-10"), customer("C70", "1955-01-10")],
        "products": [product("SB", "structured_bond", is_complex=True, is_caution_product=True)],
        "trades": list(trades),
    }


def test_it_flags_no_contact_a_contact_by_the_seller_and_a_late_contact() -> None:
    world = _world(
        trade("NONE", "2025-05-01", "C85", "SB"),
        trade("SELF", "2025-05-01", "C85", "SB", post_trade_contact_at="2025-05-02T10:00:00",
              post_trade_contact_by="S01"),
        trade("LATE", "2025-05-01", "C85", "SB", post_trade_contact_at="2025-05-09T10:00:00",
              post_trade_contact_by="M01"),
        trade("OK", "2025-05-01", "C85", "SB", post_trade_contact_at="2025-05-08T18:00:00",
              post_trade_contact_by="M01"),
        trade("YOUNG", "2025-05-01", "C70", "SB"),
    )
    flags = run_rule(RULE, world, "2026-03-31")
    assert flagged(flags) == {"NONE", "SELF", "LATE"}
    problems = {r["entity_id"]: json.loads(r["evidence"])["problem"] for r in flags.to_pylist()}
    assert problems == {"NONE": "none", "SELF": "same_staff", "LATE": "late"}
    late = next(r for r in flags.to_pylist() if r["entity_id"] == "LATE")
    assert "8日後" in late["reason"]


def test_a_sale_still_inside_the_contact_window_is_not_yet_late() -> None:
    world = _world(trade("RECENT", "2026-03-27", "C85", "SB"), trade("OLD", "2026-03-23", "C85", "SB"))
    assert flagged(run_rule(RULE, world, "2026-03-31")) == {"OLD"}


def test_the_window_is_a_parameter() -> None:
    world = _world(trade("LATE", "2025-05-01", "C85", "SB", post_trade_contact_at="2025-05-09T10:00:00",
                         post_trade_contact_by="M01"))
    assert flagged(run_rule(RULE, world, "2026-03-31", params={"max_days": 10})) == set()
