"""The audit universe: auditable entities built from a workspace in one step, then edited by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from kansa.audit.errors import AuditUsageError
from kansa.audit.events import record
from kansa.audit.model import ENTITY_KINDS, Book, Entity, Event
from kansa.workspace import Workspace

# processes every institution has; cycles are a starting point the head of audit edits
PROCESSES: tuple[tuple[str, str], ...] = (
    ("suitability", "適合性確認・勧誘"), ("complaints_handling", "苦情処理"),
    ("privileged_access", "特権ID管理"), ("backup_recovery", "バックアップ・復旧"),
    ("vulnerability_management", "脆弱性管理"), ("incident_response", "インシデント対応"),
)
THEME_NAMES = {"conduct": "顧客本位の業務運営", "culture_incentives": "企業文化・業績評価",
               "business_model": "ビジネスモデル・経営管理", "cyber": "サイバーセキュリティ"}
DEFAULT_CYCLE = {"branch": 36, "business_line": 36, "product": 48, "product_type": 36, "process": 24,
                 "system": 24, "third_party": 36, "theme": 24}
EDITABLE = ("name", "owner", "cycle_months", "last_audited", "inherent_judgement", "control_judgement")


def _has(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    rows = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]).fetchall()
    return bool(rows[0][0])


def _rows(con: duckdb.DuckDBPyConnection, table: str, sql: str) -> list[tuple[Any, ...]]:
    return con.execute(sql).fetchall() if _has(con, table) else []


def entity_id(kind: str, key: str) -> str:
    """The stable id of an entity: kind and source key ('branch:B01', 'system:A-0003', 'theme:cyber')."""
    return f"{kind}:{key}"


def _add(out: dict[str, Entity], kind: str, key: str, name: str, owner: str = "") -> None:
    eid = entity_id(kind, key)
    out.setdefault(eid, Entity(id=eid, kind=kind, name=name or key, owner=owner,
                               cycle_months=DEFAULT_CYCLE[kind]))


def universe_from_connection(con: duckdb.DuckDBPyConnection) -> dict[str, Entity]:
    """Entities from whatever contract tables the connection holds, plus the fixed processes and themes."""
    out: dict[str, Entity] = {}
    for bid, name in _rows(con, "branches", "SELECT branch_id, name FROM branches ORDER BY 1"):
        _add(out, "branch", str(bid), str(name or bid), owner="支店長")
    for (role,) in _rows(con, "staff", "SELECT DISTINCT role FROM staff WHERE role IS NOT NULL ORDER BY 1"):
        _add(out, "business_line", str(role), str(role))
    for (ptype,) in _rows(con, "products", "SELECT DISTINCT product_type FROM products ORDER BY 1"):
        _add(out, "product_type", str(ptype), str(ptype), owner="商品部")
    for pid, name in _rows(con, "products", "SELECT product_id, name FROM products "
                           "WHERE is_complex OR is_caution_product ORDER BY 1"):
        _add(out, "product", str(pid), str(name), owner="商品部")
    for aid, name, owner in _rows(con, "assets", "SELECT asset_id, name, owner FROM assets "
                                  "WHERE decommissioned_on IS NULL ORDER BY 1"):
        _add(out, "system", str(aid), str(name), owner=str(owner or ""))
    for (vendor,) in _rows(con, "software", "SELECT DISTINCT s.vendor FROM software s JOIN assets a USING (asset_id) "
                           "WHERE a.vendor_managed AND s.vendor IS NOT NULL ORDER BY 1"
                           if _has(con, "assets") else "SELECT NULL WHERE false"):
        _add(out, "third_party", str(vendor), str(vendor))
    for key, name in PROCESSES:
        _add(out, "process", key, name)
    for key, name in THEME_NAMES.items():
        _add(out, "theme", key, name, owner="経営企画部")
    return out


def _attach_assets(con: duckdb.DuckDBPyConnection, cyber_data: Path | None) -> None:
    """Make a cyber data folder's assets and software visible as tables (the workspace holds conduct data)."""
    if cyber_data is None:
        return
    for table in ("assets", "software"):
        csv = Path(cyber_data) / f"{table}.csv"
        if csv.exists() and not _has(con, table):
            quoted = str(csv).replace("'", "''")
            data = con.sql(f"SELECT * FROM read_csv_auto('{quoted}', header=true)").to_arrow_table()
            con.register(table, data)


def build_universe(workspace: Path | str, book: Book, *, who: str = "system",
                   cyber_data: Path | None = None) -> list[Event]:
    """Add every entity found in the workspace (and a cyber data folder) to the book; keeps edited entities."""
    ws = Workspace(workspace)
    if not ws.exists():
        raise AuditUsageError("audit_no_workspace", path=str(workspace))
    con = ws.connect(read_only=True)
    try:
        _attach_assets(con, cyber_data)
        found = universe_from_connection(con)
    finally:
        con.close()
    events = []
    for eid, entity in found.items():
        if eid not in book.entities:
            book.entities[eid] = entity
            events.append(record(book, who, "entity.create", eid, None, entity))
    return events


def _check_values(changes: dict[str, Any]) -> None:
    """Limits a hand edit must keep: a positive cycle, judgements on the 1..5 scale, a name."""
    cycle = changes.get("cycle_months")
    if cycle is not None and (isinstance(cycle, bool) or not isinstance(cycle, int) or not 1 <= cycle <= 120):
        raise AuditUsageError("audit_bad_value", field="cycle_months", value=cycle, allowed="1..120")
    for key in ("inherent_judgement", "control_judgement"):
        value = changes.get(key)
        if value is not None and not 1 <= float(value) <= 5:
            raise AuditUsageError("audit_bad_value", field=key, value=value, allowed="1..5")
    if "name" in changes and not str(changes["name"]).strip():
        raise AuditUsageError("audit_bad_value", field="name", value="", allowed="a name")


def get_entity(book: Book, entity_id_: str) -> Entity:
    """An entity by id (a usage error when unknown)."""
    entity = book.entities.get(entity_id_)
    if entity is None:
        raise AuditUsageError("audit_unknown_id", kind="entity", id=entity_id_)
    return entity


def edit_entity(book: Book, entity_id_: str, who: str, **changes: Any) -> Event:
    """Change an entity's editable fields (owner, cycle, last audited, judgement) and return the trail event."""
    entity = get_entity(book, entity_id_)
    bad = sorted(set(changes) - set(EDITABLE))
    if bad:
        raise AuditUsageError("audit_bad_value", field=bad[0], value=changes[bad[0]], allowed=", ".join(EDITABLE))
    _check_values(changes)
    before = {k: getattr(entity, k) for k in changes}
    for key, value in changes.items():
        setattr(entity, key, value)
    return record(book, who, "entity.edit", entity_id_, before, {k: getattr(entity, k) for k in changes})


def add_entity(book: Book, entity: Entity, who: str) -> Event:
    """Add an entity by hand (a third party or process the data does not show); an id already taken is refused."""
    if entity.kind not in ENTITY_KINDS:
        raise AuditUsageError("audit_bad_value", field="kind", value=entity.kind, allowed=", ".join(ENTITY_KINDS))
    if entity.id in book.entities:
        raise AuditUsageError("audit_bad_value", field="id", value=entity.id, allowed="an id not yet in the universe")
    _check_values({k: getattr(entity, k) for k in EDITABLE})
    book.entities[entity.id] = entity
    return record(book, who, "entity.create", entity.id, None, entity)


def retire_entity(book: Book, entity_id_: str, who: str, on: date, reason: str) -> Event:
    """Retire an entity (a closed branch, a decommissioned system): kept with its history, no longer scored."""
    entity = get_entity(book, entity_id_)
    if entity.retired_on is not None:
        raise AuditUsageError("audit_bad_value", field="retired_on", value=entity.retired_on.isoformat(),
                              allowed="an entity not yet retired")
    if not reason.strip():
        raise AuditUsageError("audit_retire_reason", id=entity_id_)
    entity.retired_on, entity.retired_reason = on, reason.strip()
    return record(book, who, "entity.retire", entity_id_, {"retired_on": None},
                  {"retired_on": on, "reason": entity.retired_reason})


def active(book: Book) -> dict[str, Entity]:
    """The entities not retired: the universe that is scored and planned."""
    return {k: e for k, e in book.entities.items() if e.retired_on is None}
