"""complaint_cluster: three complaints or disputes naming a salesperson within 365 days."""

from __future__ import annotations

import json

from kansa.engine.testing import flagged, run_rule

RULE = "complaint_cluster"


def _c(cid: str, day: str, staff: str | None, kind: str = "complaint") -> dict:
    return {"complaint_id": cid, "received_date": day, "kind": kind, "staff_id": staff, "branch_id": "B01"}


def test_it_flags_three_complaints_and_disputes_and_ignores_inquiries_and_old_ones() -> None:
    world = {
        "staff": [{"staff_id": "S1", "branch_id": "B07", "role": "sales"}],
        "complaints": [
            _c("K1", "2025-04-01", "S1"), _c("K2", "2025-10-01", "S1", "dispute"), _c("K3", "2026-03-31", "S1"),
            _c("K4", "2025-04-01", "S2"), _c("K5", "2025-10-01", "S2"), _c("K6", "2026-03-01", "S2", "inquiry"),
            _c("K7", "2025-03-31", "S3"), _c("K8", "2025-10-01", "S3"), _c("K9", "2026-01-01", "S3"),
            _c("K10", "2026-01-01", None), _c("K11", "2026-01-02", None), _c("K12", "2026-01-03", None),
        ],
    }
    flags = run_rule(RULE, world, "2026-03-31")
    assert flagged(flags) == {"S1"}
    ev = json.loads(flags.to_pylist()[0]["evidence"])
    assert ev["complaint_ids"] == ["K1", "K2", "K3"] and ev["disputes"] == 1 and ev["branch_id"] == "B07"
