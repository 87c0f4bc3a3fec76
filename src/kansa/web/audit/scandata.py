"""The institution's latest scan as kansa.audit reads it: a universe source and the risk signals it yields."""

from __future__ import annotations

import json
from typing import Any

import duckdb
import pyarrow as pa

from kansa.audit.events import record as book_event
from kansa.audit.model import Book, Entity, Event
from kansa.audit.risk import Signal, stored_scan_signals
from kansa.audit.universe import universe_from_connection
from kansa.web.scans.models import Flag, Scan


def latest_scan(scans: Any) -> Scan | None:
    """The newest finished scan of an already scoped Scan queryset."""
    scan: Scan | None = scans.filter(status=Scan.DONE).order_by("-id").first()
    return scan


def _branches(scan: Scan) -> list[str]:
    return sorted(b for b in Flag.objects.filter(scan=scan).values_list("branch", flat=True).distinct() if b)


def _product_types(scan: Scan) -> list[str]:
    latest = max(scan.kpis, key=lambda k: str(k.get("as_of_date", ""))) if scan.kpis else {}
    return sorted(k for k, v in latest.items() if isinstance(v, dict) and "return_bands" in v)


def scan_entities(scan: Scan) -> dict[str, Entity]:
    """kansa.audit.universe's entities from what the scan kept: branches of its flags, its KPI product types."""
    con = duckdb.connect()
    try:
        branches = _branches(scan)
        con.register("branches", pa.table({"branch_id": branches, "name": branches}))
        types = _product_types(scan)
        con.register("products", pa.table({"product_id": types, "name": types, "product_type": types,
                                           "is_complex": [False] * len(types),
                                           "is_caution_product": [False] * len(types)}))
        return universe_from_connection(con)
    finally:
        con.close()


def build_universe(book: Book, scan: Scan, who: str) -> list[Event]:
    """Add every entity the scan shows (and the fixed processes and themes); entities edited by hand are kept."""
    events = []
    for eid, entity in scan_entities(scan).items():
        if eid not in book.entities:
            book.entities[eid] = entity
            events.append(book_event(book, who, "entity.create", eid, None, entity))
    return events


def scan_signals(scan: Scan) -> list[Signal]:
    """The risk signals of a scan, computed by kansa.audit.risk from its stored flags and KPIs."""
    rows = [{"rule_id": r, "entity_id": e, "branch": b, "evidence": json.dumps(ev)}
            for r, e, b, ev in Flag.objects.filter(scan=scan).values_list("rule_id", "entity_id", "branch",
                                                                           "evidence")]
    return stored_scan_signals(rows, scan.kpis, f"scan #{scan.pk}")


def scan_flags(scan: Scan) -> list[dict[str, str]]:
    """The scan's flags as rows to sample on: key rule:entity, rule_id and branch for strata, severity and reason."""
    return [{"key": f"{r}:{e}", "rule_id": r, "branch": b or "-", "flag": str(pk), "severity": sev, "reason": why}
            for pk, r, e, b, sev, why in Flag.objects.filter(scan=scan).values_list(
                "pk", "rule_id", "entity_id", "branch", "severity", "reason")]
