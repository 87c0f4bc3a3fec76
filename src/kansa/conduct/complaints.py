"""Complaints analytics: categories from Japanese text, counts by fiscal year, rates per 1,000 customers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from kansa.engine.connection import SqlConnection, has_column, has_table
from kansa.outputs import write_csv_rows

CATEGORIES: tuple[str, ...] = (
    "explanation", "suitability", "fees", "unauthorized_trade", "churning", "service", "other",
)
CATEGORY_LABELS: dict[str, dict[str, str]] = {
    "explanation": {"ja": "説明不足", "en": "Explanation"},
    "suitability": {"ja": "適合性", "en": "Suitability"},
    "fees": {"ja": "手数料・コスト", "en": "Fees and costs"},
    "unauthorized_trade": {"ja": "無断売買", "en": "Unauthorized trade"},
    "churning": {"ja": "回転売買・乗換", "en": "Churning and switching"},
    "service": {"ja": "接客・事務対応", "en": "Service"},
    "other": {"ja": "その他", "en": "Other"},
}
KIND_LABELS: dict[str, dict[str, str]] = {
    "inquiry": {"ja": "相談", "en": "Inquiry"},
    "complaint": {"ja": "苦情", "en": "Complaint"},
    "dispute": {"ja": "紛争", "en": "Dispute"},
}
# Kinds that count as complaints in the per-1,000-customers rate (an inquiry is not a grievance).
RATE_KINDS: tuple[str, ...] = ("complaint", "dispute")

# First match wins, in this order: the graver conduct failure names the complaint. A sale without the
# customer's consent outranks everything; churning and suitability before a bare "not explained",
# because a complaint about an elderly parent sold a product "without explanation" is a suitability case.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (cat, re.compile("|".join(words), re.IGNORECASE)) for cat, words in (
        ("unauthorized_trade", [
            r"無断", r"勝手に", r"承諾(を得|も)?な", r"了承(を得|も)?な", r"同意(を得|も)?な", r"断りもなく",
            r"(指示|注文|依頼|お願い)(を)?して(い)?ない", r"頼んで(い)?ない", r"unauthori[sz]ed",
            r"without (my )?(consent|permission)",
        ]),
        ("churning", [
            r"回転売買", r"乗(り)?換", r"乗替",
            r"買い?替え?を(何度|繰り返|勧め)", r"売買を繰り返", r"頻繁(な|に)(売買|取引|乗)",
            r"短期(間)?で(の)?(売却|解約|乗|売買)", r"何度も(売買|乗|買い替)",
            r"churn", r"switch(ing)? (my )?fund",
        ]),
        ("suitability", [
            r"高齢", r"認知", r"物忘れ", r"適合性",
            r"年金(生活|暮らし)", r"投資(の)?経験(が|の)?(な|無|少)", r"経験(が)?ない",
            r"退職金", r"生活(資金|費)",
            r"元本保証(を|の商品を)?(希望|求め)", r"リスクの(高|大き)い(商品|もの)を",
            r"\d{2}歳の(母|父|祖母|祖父|親)", r"(母|父|祖母|祖父|親)(は|が)\d{2}歳",
            r"elderly", r"unsuitable",
        ]),
        ("fees", [
            r"手数料", r"信託報酬", r"コスト", r"費用",
            r"報酬(が|の)", r"料金", r"\bfees?\b", r"\bcharges?\b",
        ]),
        ("explanation", [
            r"説明", r"元本割れ", r"知らなかった", r"知らされ",
            r"聞いて(い)?ない", r"聞かされて(い)?ない", r"理解(でき|して)(い)?な",
            r"分から(な|ず)", r"わから(な|ず)", r"(分かり|わかり)(にく|づら)",
            r"ノックイン", r"重要事項", r"リスクの?(話|言及)",
            r"misled", r"not (explained|told|informed)",
            r"misrepresent",
        ]),
        ("service", [
            r"対応が(悪|遅|ひど|不誠実|雑)", r"態度", r"待たされ",
            r"(電話|連絡)が(つながら|来な|こな|ない)", r"窓口", r"不親切",
            r"失礼", r"言葉遣い", r"横柄", r"放置",
            r"たらい回し", r"rude", r"customer service", r"no response",
        ]),
    )
)


def normalize_text(text: str) -> str:
    """NFKC (full-width digits and letters to half-width) without spaces, so patterns see one spelling."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def classify(text: str | None) -> str:
    """The complaint category a free text most plausibly belongs to (keyword patterns, graver first)."""
    if not text or not text.strip():
        return "other"
    flat = normalize_text(text)
    spaced = unicodedata.normalize("NFKC", text)  # English patterns need their spaces
    for category, pattern in _PATTERNS:
        if pattern.search(flat) or pattern.search(spaced):
            return category
    return "other"


def register_categorized(con: SqlConnection, name: str = "complaints_categorized") -> str:
    """Register a view of complaints with `category` filled from the text where it was empty; return its name.

    Also adds `fiscal_year` (April to March, by its start year), `product_type_resolved` (the product's type
    when product_id is given, else the complaint's own product_type) and `branch_resolved` (the
    complaint's branch, else the customer's home branch).
    """
    missing = con.execute(
        "SELECT complaint_id, text FROM complaints WHERE category IS NULL OR trim(category) = ''"
    ).fetchall()
    derived = pa.table({
        "complaint_id": pa.array([r[0] for r in missing], pa.string()),
        "derived_category": pa.array([classify(r[1]) for r in missing], pa.string()),
    })
    con.register(f"_{name}_derived", derived)
    con.execute(f"""
        CREATE OR REPLACE TEMP VIEW {name} AS
        SELECT c.*,
               coalesce(nullif(trim(c.category), ''), x.derived_category, 'other') AS category_resolved,
               (x.derived_category IS NOT NULL) AS category_derived,
               year(c.received_date) - CASE WHEN month(c.received_date) < 4 THEN 1 ELSE 0 END AS fiscal_year,
               coalesce(p.product_type, c.product_type) AS product_type_resolved,
               coalesce(c.branch_id, cu.branch_id) AS branch_resolved
        FROM complaints c
        LEFT JOIN _{name}_derived x ON x.complaint_id = c.complaint_id
        LEFT JOIN products p ON p.product_id = c.product_id
        LEFT JOIN customers cu ON cu.customer_id = c.customer_id
    """)
    return name


def complaints_summary(con: SqlConnection) -> list[tuple[int, str, str | None, int]]:
    """Rows of complaints_summary.csv: (fiscal_year, kind, product_type, count), sorted."""
    view = register_categorized(con)
    rows = con.execute(f"""
        SELECT fiscal_year, kind, product_type_resolved, count(*) FROM {view}
        GROUP BY ALL ORDER BY 1, 2, 3 NULLS LAST
    """).fetchall()
    return [(int(fy), kind, ptype, int(n)) for fy, kind, ptype, n in rows]


def write_summary_csv(rows: Sequence[tuple[int, str, str | None, int]], path: Path) -> Path:
    """Write complaints_summary.csv (UTF-8 with BOM for Excel; product_type empty when unknown)."""
    return write_csv_rows(path, ["fiscal_year", "kind", "product_type", "count"],
                          ([fy, kind, ptype or "", n] for fy, kind, ptype, n in rows))


def by_category(con: SqlConnection) -> list[dict[str, Any]]:
    """Complaints and disputes per fiscal year and category, with how many categories came from the text."""
    view = register_categorized(con)
    kinds = ", ".join(f"'{k}'" for k in RATE_KINDS)
    rows = con.execute(f"""
        SELECT fiscal_year, category_resolved, count(*), count(*) FILTER (WHERE category_derived)
        FROM {view} WHERE kind IN ({kinds}) GROUP BY ALL ORDER BY 1, 3 DESC, 2
    """).fetchall()
    return [{"fiscal_year": int(r[0]), "category": r[1], "count": int(r[2]), "derived": int(r[3])} for r in rows]


def branch_rates(con: SqlConnection) -> list[dict[str, Any]]:
    """Complaints (and disputes) per 1,000 customers, per branch and fiscal year, with the change on the year before.

    Customers of a branch in a fiscal year: those whose home branch it is and who opened their account
    by the year's end (or whose opening date is unknown). Every branch appears in every fiscal year from
    the first complaint to the last, with 0 where it had none, so a fall to zero shows as a trend too.
    """
    view = register_categorized(con)
    kinds = ", ".join(f"'{k}'" for k in RATE_KINDS)
    has_branches = has_table(con, "branches")
    branch_src = "SELECT branch_id FROM branches" if has_branches else "SELECT DISTINCT branch_id FROM customers"
    opened = "c.opened_on" if has_column(con, "customers", "opened_on") else "NULL::DATE"
    rows = con.execute(f"""
        WITH years AS (
            SELECT unnest(range(min(fiscal_year), max(fiscal_year) + 1)) AS fiscal_year FROM {view}
        ), grid AS (
            SELECT b.branch_id, y.fiscal_year FROM ({branch_src}) b CROSS JOIN years y
        ), n AS (
            SELECT branch_resolved AS branch_id, fiscal_year, count(*) AS complaints
            FROM {view} WHERE kind IN ({kinds}) GROUP BY ALL
        ), cust AS (
            SELECT g.branch_id, g.fiscal_year, count(c.customer_id) AS customers
            FROM grid g LEFT JOIN customers c ON c.branch_id = g.branch_id
                 AND ({opened} IS NULL OR {opened} <= make_date(g.fiscal_year + 1, 3, 31))
            GROUP BY ALL
        ), r AS (
            SELECT g.branch_id, g.fiscal_year, coalesce(n.complaints, 0) AS complaints, cust.customers,
                   coalesce(n.complaints, 0) * 1000.0 / nullif(cust.customers, 0) AS per_1000
            FROM grid g
            JOIN cust USING (branch_id, fiscal_year)
            LEFT JOIN n USING (branch_id, fiscal_year)
        )
        SELECT branch_id, fiscal_year, complaints, customers, per_1000,
               lag(per_1000) OVER (PARTITION BY branch_id ORDER BY fiscal_year) AS prev_per_1000
        FROM r ORDER BY fiscal_year, per_1000 DESC NULLS LAST, branch_id
    """).fetchall()
    out = []
    for branch, fy, n, customers, rate, prev in rows:
        out.append({
            "branch_id": branch, "fiscal_year": int(fy), "complaints": int(n), "customers": int(customers),
            "per_1000": rate, "prev_per_1000": prev,
            "change_per_1000": rate - prev if rate is not None and prev is not None else None,
        })
    return out


def yearly_trend(rates: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Institution-wide complaints per 1,000 customers per fiscal year, and the change on the year before."""
    years: dict[int, list[int]] = {}
    for r in rates:
        acc = years.setdefault(r["fiscal_year"], [0, 0])
        acc[0] += r["complaints"]
        acc[1] += r["customers"]
    out: list[dict[str, Any]] = []
    prev: float | None = None
    for fy in sorted(years):
        n, customers = years[fy]
        rate = n * 1000 / customers if customers else None
        out.append({"fiscal_year": fy, "complaints": n, "customers": customers, "per_1000": rate,
                    "change_per_1000": rate - prev if rate is not None and prev is not None else None})
        prev = rate
    return out

