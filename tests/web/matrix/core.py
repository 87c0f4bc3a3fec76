"""Matrix entries for the first apps: org, accounts, trail, scans and flags."""

from __future__ import annotations

from typing import Any

from kansa.web.scans.models import Flag, Scan
from tests.web.matrix import ALL, Entry

MATRIX: dict[str, Entry] = {
    "org:dashboard": ("GET", False, ALL, set(), {200}, {302}),
    "org:institution_list": ("GET", False, ALL, set(), {200}, {302}),
    "org:institution_detail": ("GET", "code", ALL, {"supervisor"}, {200}, {302}),
    "org:user_create": ("POST", "code", {"admin"}, set(), {400}, {302}),   # empty form: allowed -> 400
    "trail:event_list": ("GET", False, {"auditor", "admin", "supervisor"}, set(), {200}, {302}),
    "scans:scan_list": ("GET", False, ALL, set(), {200}, {302}),
    "scans:scan_detail": ("GET", "scan", ALL, {"supervisor"}, {200}, {302}),
    "scans:flag_list": ("GET", "scan", ALL, {"supervisor"}, {200}, {302}),
    "scans:flag_detail": ("GET", "flag", ALL, {"supervisor"}, {200}, {302}),
    "scans:compare": ("GET", "compare", ALL, {"supervisor"}, {200}, {302}),
    "scans:explain": ("POST", "flag", {"business_line"}, set(), {400}, {302}),   # empty form: allowed -> 400
    "scans:dispose": ("POST", "flag", {"auditor"}, set(), {400}, {302}),
    "accounts:login": ("GET", False, ALL, set(), {200}, {200}),
    "accounts:logout": ("POST", False, ALL, set(), {302}, {302}),
    "accounts:mfa": ("GET", False, ALL, set(), {302}, {302}),   # verified users go on to the dashboard
    "accounts:recovery_codes": ("POST", False, ALL, set(), {200}, {302}),
    "accounts:language": ("POST", False, ALL, set(), {302}, {302}),
}


def objects(inst: Any) -> dict[str, dict[str, object]]:
    """A scan and a flag of this institution, as URL kwargs."""
    scan = Scan.objects.create(institution=inst, source_name="x.zip", status="done")
    flag = Flag.objects.create(scan=scan, institution=inst, rule_id="r", entity_type="customer",
                               entity_id="C1", severity="high", reason="-")
    return {"code": {"code": inst.code}, "scan": {"pk": scan.pk}, "flag": {"pk": flag.pk},
            "compare": {"pk": scan.pk, "base": scan.pk}}
