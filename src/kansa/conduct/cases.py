"""The review queue: flags consolidated into cases per customer or household, salesperson and branch, ranked.

Every flag belongs to exactly one case:
- a trade, customer or household flag goes to the customer's household (subject `household` when the household
  has more than one customer, else `customer`; a customer without household_id is a household of one);
- a staff flag to that salesperson (`staff`), a branch flag to that branch (`branch`).

The ranking score is the sum of five parts, each shown in the case's reason:
1. severity: for each distinct rule in the case, 3 (high), 2 (medium) or 1 (low);
2. repetition: log2 of the number of flags (1 flag: 0, 2: 1, 4: 2, ...);
3. amount: log10(1 + amount / 1,000,000 JPY), the amount being the sum of the flags' `amount_jpy`
   (or `sell_amount_jpy`, `target_jpy`) evidence;
4. age and vulnerability (customer and household cases): 2 when the oldest member is 80 or over at the
   evaluation date, 1 when 75-79; plus 1 when a member's declared investment experience is `none`;
5. complaints: complaints and disputes received in the 365 days up to the evaluation date that name the
   subject (its customers, the salesperson or the branch), 1 each, at most 3.
Larger is reviewed first; ties are broken by subject type and id so the order is reproducible.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from kansa.outputs import write_csv_table

SEVERITY_WEIGHT = {"high": 3.0, "medium": 2.0, "low": 1.0}
COMPLAINT_CAP = 3
COMPLAINT_WINDOW_DAYS = 365

CASES_SCHEMA = pa.schema([
    pa.field("case_id", pa.string(), nullable=False),
    pa.field("subject_type", pa.string(), nullable=False),   # customer | household | staff | branch
    pa.field("subject_id", pa.string(), nullable=False),
    pa.field("score", pa.float64()),
    pa.field("rank", pa.int64()),
    pa.field("rule_ids", pa.string()),
    pa.field("flag_count", pa.int64()),
    pa.field("reason_ja", pa.string()),
    pa.field("reason_en", pa.string()),
    pa.field("branch_id", pa.string()),
])


def _exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchall()[0]
    return bool(row and row[0])


def _has_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    row = con.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = ? AND column_name = ?",
                      [table, column]).fetchall()[0]
    return bool(row and row[0])


_ASSIGN = """
WITH f AS (
  SELECT _i, rule_id, entity_type, entity_id, severity,
         json_extract_string(evidence, '$.customer_id') AS ev_customer,
         json_extract_string(evidence, '$.branch_id') AS ev_branch,
         COALESCE(TRY_CAST(json_extract_string(evidence, '$.amount_jpy') AS DOUBLE),
                  TRY_CAST(json_extract_string(evidence, '$.sell_amount_jpy') AS DOUBLE),
                  TRY_CAST(json_extract_string(evidence, '$.target_jpy') AS DOUBLE), 0) AS amount
  FROM _case_flags
), cust AS (
  SELECT customer_id, COALESCE(household_id, customer_id) AS household_id, branch_id FROM {customers}
), hh AS (
  SELECT household_id, count(*) AS members FROM cust GROUP BY household_id
), who AS (
  SELECT f.*,
         CASE WHEN f.entity_type = 'customer' THEN f.entity_id
              WHEN f.entity_type = 'trade' THEN COALESCE(f.ev_customer, t.customer_id) END AS customer_id
  FROM f LEFT JOIN {trades} t ON f.entity_type = 'trade' AND f.ev_customer IS NULL AND t.trade_id = f.entity_id
)
SELECT w._i, w.rule_id, w.severity, w.amount,
       CASE WHEN w.entity_type IN ('staff', 'branch') THEN w.entity_type
            WHEN COALESCE(hh.members, 1) > 1 THEN 'household'
            WHEN w.entity_type = 'household' AND hh.members IS NULL THEN 'household'
            ELSE 'customer' END AS subject_type,
       CASE WHEN w.entity_type IN ('staff', 'branch') THEN w.entity_id
            WHEN w.entity_type = 'household' THEN w.entity_id
            WHEN COALESCE(hh.members, 1) > 1 THEN c.household_id
            ELSE COALESCE(w.customer_id, w.entity_id) END AS subject_id,
       COALESCE(w.ev_branch, c.branch_id) AS branch_id
FROM who w
LEFT JOIN cust c ON c.customer_id = w.customer_id
LEFT JOIN hh ON hh.household_id = CASE WHEN w.entity_type = 'household' THEN w.entity_id ELSE c.household_id END
"""


def _empty_customers() -> str:
    return ("(SELECT CAST(NULL AS VARCHAR) AS customer_id, CAST(NULL AS VARCHAR) AS household_id, "
            "CAST(NULL AS VARCHAR) AS branch_id WHERE false)")


def assign_subjects(con: duckdb.DuckDBPyConnection, flags: pa.Table) -> pa.Table:
    """Each flag's row number, rule, severity, amount and the case subject (type, id) and branch it goes to."""
    indexed = flags.select(["rule_id", "entity_type", "entity_id", "severity", "evidence"]).append_column(
        "_i", pa.array(range(flags.num_rows), pa.int64()))
    con.register("_case_flags", indexed)
    try:
        customers = "customers" if _exists(con, "customers") else _empty_customers()
        trades = ("trades" if _exists(con, "trades")
                  else "(SELECT CAST(NULL AS VARCHAR) AS trade_id, CAST(NULL AS VARCHAR) AS customer_id WHERE false)")
        return con.sql(_ASSIGN.format(customers=customers, trades=trades) + " ORDER BY w._i").to_arrow_table()
    finally:
        con.unregister("_case_flags")


def _vulnerability(con: duckdb.DuckDBPyConnection, as_of: date) -> dict[tuple[str, str], tuple[int, bool]]:
    """(subject_type, id) -> (oldest member's age at the evaluation date, any member without experience)."""
    if not _exists(con, "customers"):
        return {}
    exp = "investment_experience = 'none'" if _has_column(con, "customers", "investment_experience") else "false"
    rows = con.execute(f"""
        SELECT customer_id, COALESCE(household_id, customer_id) AS household_id,
               date_diff('year', birth_date, ?::DATE)
                 - CASE WHEN strftime(birth_date, '%m%d') > strftime(?::DATE, '%m%d') THEN 1 ELSE 0 END AS age,
               COALESCE({exp}, false) AS no_experience
        FROM customers""", [as_of, as_of]).fetchall()
    out: dict[tuple[str, str], tuple[int, bool]] = {}
    for customer_id, household_id, age, novice in rows:
        for key in (("customer", customer_id), ("household", household_id)):
            old_age, old_novice = out.get(key, (-1, False))
            out[key] = (max(old_age, age if age is not None else -1), old_novice or bool(novice))
    return out


def _complaints(con: duckdb.DuckDBPyConnection, as_of: date) -> dict[tuple[str, str], int]:
    """(subject_type, id) -> complaints and disputes in the year up to the evaluation date that name it."""
    if not _exists(con, "complaints"):
        return {}
    hh = ("LEFT JOIN customers c ON c.customer_id = k.customer_id" if _exists(con, "customers")
          else "LEFT JOIN (SELECT NULL::VARCHAR AS customer_id, NULL::VARCHAR AS household_id WHERE false) c "
               "ON c.customer_id = k.customer_id")
    rows = con.execute(f"""
        SELECT k.customer_id, COALESCE(c.household_id, k.customer_id), k.staff_id, k.branch_id
        FROM complaints k {hh}
        WHERE k.kind IN ('complaint', 'dispute') AND k.received_date <= ?::DATE
          AND k.received_date > ?::DATE - INTERVAL {COMPLAINT_WINDOW_DAYS} DAY""", [as_of, as_of]).fetchall()
    out: dict[tuple[str, str], int] = {}
    for customer_id, household_id, staff_id, branch_id in rows:
        for key in (("customer", customer_id), ("household", household_id), ("staff", staff_id),
                    ("branch", branch_id)):
            if key[1] is not None:
                out[key] = out.get(key, 0) + 1
    return out


def _reason(parts: dict[str, Any]) -> tuple[str, str]:
    """Why the case ranks where it does, in Japanese and English, the largest contributions first."""
    ja: list[tuple[float, str]] = []
    en: list[tuple[float, str]] = []
    rules = parts["rules"]
    ja.append((parts["severity"], f"{len(rules)}種類のルールに該当（{'、'.join(rules)}）"))
    en.append((parts["severity"], f"{len(rules)} rule(s): {', '.join(rules)}"))
    if parts["flag_count"] > 1:
        ja.append((parts["repetition"], f"指摘{parts['flag_count']}件の繰り返し"))
        en.append((parts["repetition"], f"{parts['flag_count']} flags (repetition)"))
    if parts["amount_jpy"] > 0:
        ja.append((parts["amount"], f"金額計{parts['amount_jpy']:,.0f}円"))
        en.append((parts["amount"], f"{parts['amount_jpy']:,.0f} JPY in total"))
    if parts["age"] >= 75:
        ja.append((parts["vulnerability"], f"高齢の顧客（{parts['age']}歳）"))
        en.append((parts["vulnerability"], f"elderly customer (aged {parts['age']})"))
    if parts["novice"]:
        ja.append((1.0, "投資経験のない顧客"))
        en.append((1.0, "customer without investment experience"))
    if parts["complaints"]:
        ja.append((parts["complaint_points"], f"直近1年の苦情・紛争{parts['complaints']}件"))
        en.append((parts["complaint_points"], f"{parts['complaints']} complaint(s) or dispute(s) in the last year"))
    ordered_ja = [t for _, t in sorted(ja, key=lambda p: -p[0])]
    ordered_en = [t for _, t in sorted(en, key=lambda p: -p[0])]
    score = parts["score"]
    return (f"スコア{score:.2f}: " + "、".join(ordered_ja), f"Score {score:.2f}: " + "; ".join(ordered_en))


def build_cases(con: duckdb.DuckDBPyConnection, flags: pa.Table, as_of: date) -> tuple[pa.Table, pa.Table]:
    """The cases table (CASES_SCHEMA, ranked) and the flags with a `case_id` column: every flag in one case."""
    if flags.num_rows == 0:
        return CASES_SCHEMA.empty_table(), flags.append_column("case_id", pa.array([], pa.string()))
    assigned = assign_subjects(con, flags).to_pylist()
    vulnerable = _vulnerability(con, as_of)
    complaints = _complaints(con, as_of)
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in assigned:
        groups.setdefault((row["subject_type"], row["subject_id"] or "-"), []).append(row)
    cases = []
    for (kind, subject), rows in groups.items():
        per_rule: dict[str, float] = {}
        for r in rows:
            per_rule[r["rule_id"]] = max(per_rule.get(r["rule_id"], 0.0), SEVERITY_WEIGHT.get(r["severity"], 1.0))
        amount_jpy = sum(r["amount"] or 0.0 for r in rows)
        age, novice = vulnerable.get((kind, subject), (-1, False)) if kind in ("customer", "household") else (-1, False)
        n_complaints = complaints.get((kind, subject), 0)
        parts: dict[str, Any] = {
            "rules": sorted(per_rule), "flag_count": len(rows), "amount_jpy": amount_jpy, "age": age,
            "novice": novice, "complaints": n_complaints,
            "severity": sum(per_rule.values()), "repetition": math.log2(len(rows)),
            "amount": math.log10(1 + amount_jpy / 1_000_000),
            "vulnerability": 2.0 if age >= 80 else 1.0 if age >= 75 else 0.0,
            "complaint_points": float(min(COMPLAINT_CAP, n_complaints)),
        }
        parts["score"] = round(parts["severity"] + parts["repetition"] + parts["amount"] + parts["vulnerability"]
                               + (1.0 if novice else 0.0) + parts["complaint_points"], 2)
        reason_ja, reason_en = _reason(parts)
        branch = next((r["branch_id"] for r in rows if r["branch_id"]), subject if kind == "branch" else None)
        cases.append({"case_id": f"{kind}:{subject}", "subject_type": kind, "subject_id": subject,
                      "score": parts["score"], "rule_ids": ";".join(parts["rules"]), "flag_count": len(rows),
                      "reason_ja": reason_ja, "reason_en": reason_en, "branch_id": branch, "_rows": rows})
    cases.sort(key=lambda c: (-c["score"], c["subject_type"], c["subject_id"]))
    case_of = [""] * flags.num_rows
    for rank, case in enumerate(cases, start=1):
        case["rank"] = rank
        for r in case.pop("_rows"):
            case_of[r["_i"]] = case["case_id"]
    table = pa.Table.from_pylist(cases, schema=CASES_SCHEMA)
    return table, flags.append_column("case_id", pa.array(case_of, pa.string()))


def write_cases(cases: pa.Table, path: Path) -> Path:
    """cases.csv (UTF-8 with BOM so Excel reads Japanese; subject ids and reasons made inert for spreadsheets)."""
    return write_csv_table(path, cases)
