"""Matrix entries for the scans app's URLs added after core: the branch x rule heat map."""

from __future__ import annotations

from typing import Any

from kansa.web.scans.models import Case, Coverage, Flag, Scan
from tests.web.matrix import ALL, Entry

MATRIX: dict[str, Entry] = {
    "scans:heatmap": ("GET", "review_scan", ALL, {"supervisor"}, {200}, {302}),
}


def objects(inst: Any) -> dict[str, dict[str, object]]:
    """A finished scan with a case, its flag and a coverage row (so the pages draw what they draw)."""
    scan = Scan.objects.create(institution=inst, source_name="x.zip", status="done")
    case = Case.objects.create(scan=scan, institution=inst, case_id="branch:B1", subject_type="branch",
                               subject_id="B1", score=3.0, rank=1, rule_ids="r", flag_count=1)
    Flag.objects.create(scan=scan, institution=inst, case=case, rule_id="r", entity_type="branch", entity_id="B1",
                        branch="B1", severity="high", reason="-")
    Coverage.objects.create(scan=scan, institution=inst, rule_id="r", status="evaluated")
    return {"review_scan": {"pk": scan.pk}}
