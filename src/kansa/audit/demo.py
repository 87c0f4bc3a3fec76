"""A synthetic year of audit activity: plan, engagements, findings in every status, overdue ones, a recurrence."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from kansa.audit import engagement as eng
from kansa.audit import findings as fnd
from kansa.audit import plan as pln
from kansa.audit.model import Book, Engagement, Entity, Finding, TeamMember
from kansa.audit.store import JsonBookStore
from kansa.audit.universe import THEME_NAMES, build_universe, entity_id

PLANTED_TRUE_CAUSE = "支店の業績評価が手数料収入に偏り、顧客の損益や苦情が評価に反映されていない"
_FY = 2025


def _synthetic_entities(book: Book) -> None:
    """A universe like a regional bank's when no workspace is given."""
    names = ["本店営業部", "駅前支店", "北支店", "南支店", "港支店", "中央支店", "東支店", "西支店"]
    for i, name in enumerate(names, 1):
        book.entities.setdefault(f"branch:B{i:03d}", Entity(f"branch:B{i:03d}", "branch", name, "支店長", 36))
    for ptype in ("investment_trust", "structured_bond", "foreign_currency_insurance"):
        book.entities.setdefault(entity_id("product_type", ptype), Entity(entity_id("product_type", ptype),
                                                                          "product_type", ptype, "商品部", 36))
    for i, name in enumerate(["勘定系", "インターネットバンキング", "営業店端末"], 1):
        book.entities.setdefault(f"system:A{i:04d}", Entity(f"system:A{i:04d}", "system", name, "システム部", 24))
    for key, name in THEME_NAMES.items():
        book.entities.setdefault(entity_id("theme", key), Entity(entity_id("theme", key), "theme", name, "経営企画部"))


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)


def demo_book(institution: str = "demo", workspace: Path | None = None, cyber_data: Path | None = None,
              as_of: date = date(2026, 1, 15)) -> Book:
    """The audit book of fiscal year 2025 as of mid-January 2026 (Q3 just ended), ready for every screen."""
    book = Book(institution=institution)
    if workspace is not None:
        build_universe(workspace, book, who="demo", cyber_data=cyber_data)
    _synthetic_entities(book)
    b = sorted(e for e in book.entities if e.startswith("branch:"))
    systems = sorted(e for e in book.entities if e.startswith("system:"))
    for i, eid in enumerate(b):
        book.entities[eid].last_audited = date(2022 + i % 3, 6 + i % 6, 1)
    inhouse, partner, sysaud = TeamMember("佐藤"), TeamMember("監査法人A", "co_source"), TeamMember("田中",
                                                                                                 "system_auditor")
    plan = [
        Engagement("E-01", "高齢顧客取引の業務監査", "compliance", [b[0], b[1]], 40, 1, team=[inhouse]),
        Engagement("E-02", "支店営業の業務監査（前年度）", "compliance", [b[2]], 30, 1, team=[inhouse]),
        Engagement("E-03", "顧客本位の業務運営テーマ監査", "theme", ["theme:conduct", b[2]], 50, 2,
                   team=[inhouse, partner]),
        Engagement("E-04", "業績評価と企業文化の監査", "culture", ["theme:culture_incentives", b[2]], 45, 2,
                   team=[inhouse, partner]),
        Engagement("E-05", "特権ID管理のシステム監査", "system_audit", [systems[0], "theme:cyber"], 40, 3,
                   team=[inhouse, sysaud]),
        Engagement("E-06", "ビジネスモデル（有価証券運用）の監査", "business_model", ["theme:business_model"], 35, 4,
                   team=[inhouse, partner]),
    ]
    for e in plan:
        eng.new_engagement(book, e, "佐藤")
    pln.new_plan(book, _FY, 260, "監査部長")
    pln.change_plan(book, _FY, "監査部長", add=[e.id for e in plan])
    pln.submit_plan(book, _FY, "監査部長")
    pln.approve_plan(book, _FY, "代表取締役")
    book.plans[str(_FY)].approved_at = _at(date(2025, 3, 25))
    for eid, phases in (("E-01", 3), ("E-02", 3), ("E-03", 3), ("E-04", 2), ("E-05", 1)):
        for phase in ("fieldwork", "reporting", "closed")[:phases]:
            eng.advance_phase(book, eid, phase, "佐藤")
    _findings(book, b, systems, as_of)
    return book


def _finding(fid: str, eng_id: str, entity: str, title: str, severity: str, root: str, cause: str,
             due: date, identified: date) -> Finding:
    return Finding(fid, eng_id, entity, title, condition=f"{title}が認められた。", criteria="社内規程・監督指針",
                   cause="手続の形骸化", effect="顧客被害・信頼低下のおそれ", severity=severity, root_cause=root,
                   true_cause=cause, owner="営業統括部長", due=due, remediation="規程改定と研修、月次モニタリング",
                   identified_on=identified)


def _findings(book: Book, b: list[str], systems: list[str], as_of: date) -> None:
    rows = [
        # id, engagement, entity, title, severity, root cause, true cause, due, identified, final status
        ("F-01", "E-01", b[0], "80歳以上顧客の当日約定で事前承認なし", "high", "process",
         "承認手続が端末で強制されず、繁忙時に省略されている", date(2025, 9, 30), date(2025, 6, 20), "closed"),
        ("F-02", "E-02", b[2], "短期乗換えの勧誘が集中", "high", "culture_incentives", PLANTED_TRUE_CAUSE,
         date(2025, 10, 31), date(2025, 7, 10), "remediating"),
        ("F-03", "E-03", b[2], "手数料の高い商品への販売偏重", "high", "culture_incentives", PLANTED_TRUE_CAUSE,
         date(2025, 12, 15), date(2025, 9, 5), "agreed"),
        ("F-04", "E-03", "theme:conduct", "重要情報シートの交付記録漏れ", "medium", "people",
         "職員への研修が販売開始後に行われた", date(2026, 3, 31), date(2025, 9, 12), "identified"),
        ("F-05", "E-04", "theme:culture_incentives", "苦情件数が業績評価に反映されていない", "medium", "governance",
         "評価制度の見直しを所管する部署が定まっていない", date(2026, 2, 28), date(2025, 11, 20), "validated"),
        ("F-06", "E-05", systems[0], "特権IDの利用が申請なしで行われている", "high", "technology",
         "申請システムと認証基盤が連携していない", date(2025, 12, 31), date(2025, 12, 10), "remediating"),
        ("F-07", "E-01", b[1], "勧誘記録の保存期間の誤り", "low", "third_party",
         "委託先の記録保存設定が契約で定められていない", date(2026, 6, 30), date(2025, 6, 25), "agreed"),
    ]
    for fid, e_id, ent, title, sev, root, cause, due, found, final in rows:
        fnd.add_finding(book, _finding(fid, e_id, ent, title, sev, root, cause, due, found), "佐藤")
        path = ["agreed", "remediating", "validated", "closed"]
        for status in path[: path.index(final) + 1] if final != "identified" else []:
            if status == "validated":
                fnd.retest_finding(book, fid, "佐藤", True, min(as_of, due))
            else:
                fnd.move_finding(book, fid, status, "佐藤" if status == "closed" else "営業統括部長", on=due)
    del as_of


def write_demo_book(folder: Path, institution: str = "demo", workspace: Path | None = None,
                    cyber_data: Path | None = None) -> Path:
    """`kansa demo`'s audit step in one call: the demo book saved as <folder>/<institution>.json."""
    store = JsonBookStore(folder)
    store.save(demo_book(institution, workspace=workspace, cyber_data=cyber_data))
    return store.path(institution)
