"""Synthetic policies (written for these tests, no real firm's text) and a finished conduct scan whose planted
flags contradict some of the promises, stored in the web app's real database and upload folder."""

from __future__ import annotations

from datetime import date

from kansa.web.fd import reading
from kansa.web.fd.models import PolicyDocument
from kansa.web.org.models import Institution
from kansa.web.scans.models import Flag, Scan

POLICY_2024 = """顧客本位の業務運営に関する取組方針
1. お客さまの最善の利益の追求
当行は、お客さまの最善の利益を追求し、誠実かつ公正に業務を行います。
2. 利益相反の適切な管理
当行は、利益相反の可能性を正確に把握し、適切に管理します。
3. 重要な情報の分かりやすい提供
当行は、お客さまに重要な情報を分かりやすく提供します。
"""

POLICY_2025 = """顧客本位の業務運営に関する取組方針（2025年4月改訂）
1. お客さまの最善の利益の追求
当行は、お客さまの最善の利益を追求し、誠実かつ公正に業務を行います。
2. 利益相反の適切な管理
2025年度より、グループ会社商品の販売額を営業店の業績評価から除外し、系列商品に偏った推奨を行いません。
3. 重要な情報の分かりやすい提供
リスク性商品の販売時は重要情報シートを必ず交付し、説明した内容を営業支援システムに記録します。
4. お客さまにふさわしいサービスの提供
80歳以上のお客さまへの勧誘は役席者が事前に面談して承認し、ご注文は翌日以降にお受けします。
【KPI】運用損益がプラスのお客さまの割合：2025年度目標 70%以上
"""

NO_INHOUSE = "グループ会社商品"
EXPLAINED = "重要情報シート"


def add_document(inst: Institution, year: int, text: str, kind: str = PolicyDocument.POLICY,
                 name: str | None = None) -> PolicyDocument:
    """Store a text document for the institution as an upload would (file on disk, row in the database)."""
    data = text.encode("utf-8")
    doc = PolicyDocument.objects.create(institution=inst, year=year, kind=kind, name=name or f"方針{year}.txt",
                                        stored="", sha256="", size=len(data))
    reading.store_document(inst, doc, data)
    doc.save(update_fields=["stored", "sha256"])
    return doc


def add_scan(inst: Institution) -> Scan:
    """A finished scan: in-house skew flagged at two staff (contradicts the in-house promise), no explanation-record
    flags over 420 buys (the explanation promise is kept), the positive share at 64% (below the 70% target)."""
    kpis = [{"as_of_date": "2025-03-31", "monitoring": {"buys": 420, "affiliated_share": 0.58},
             "investment_trust": {"positive_share": 0.64}}]
    scan = Scan.objects.create(institution=inst, source_name="conduct.zip", status=Scan.DONE,
                               as_of=date(2025, 3, 31), kpis=kpis)
    for staff in ("S014", "S027"):
        Flag.objects.create(scan=scan, institution=inst, rule_id="staff_affiliated_skew", entity_type="staff",
                            entity_id=staff, severity="high", reason=f"{staff}: グループ会社商品の比率 61%")
    return scan
