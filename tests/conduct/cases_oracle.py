"""The case list as first written: per-flag Python over assign_subjects, kept as the oracle for the SQL version."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa

from kansa.conduct.cases import (
    CASES_SCHEMA,
    COMPLAINT_CAP,
    COMPLAINT_WINDOW_DAYS,
    SEVERITY_WEIGHT,
    _exists,
    _has_column,
    assign_subjects,
)


def _vulnerability(con: duckdb.DuckDBPyConnection, as_of: date,
                   subjects: set[tuple[str, str]]) -> dict[tuple[str, str], tuple[int, bool]]:
    """(subject_type, id) -> (oldest member's age at the evaluation date, any member without experience).

    Only for the customers and households that have a case: grouped in the engine, not over every customer.
    """
    wanted = [s for s in subjects if s[0] in ("customer", "household")]
    if not wanted or not _exists(con, "customers"):
        return {}
    exp = "investment_experience = 'none'" if _has_column(con, "customers", "investment_experience") else "false"
    con.register("_case_subjects", pa.table({"kind": [k for k, _ in wanted], "id": [i for _, i in wanted]}))
    try:
        rows = con.execute(f"""
            WITH c AS (
                SELECT customer_id, COALESCE(household_id, customer_id) AS household_id,
                       date_diff('year', birth_date, ?::DATE)
                         - CASE WHEN strftime(birth_date, '%m%d') > strftime(?::DATE, '%m%d') THEN 1 ELSE 0 END AS age,
                       COALESCE({exp}, false) AS novice
                FROM customers
            ), member AS (
                SELECT 'customer' AS kind, customer_id AS id, age, novice FROM c
                UNION ALL SELECT 'household', household_id, age, novice FROM c
            )
            SELECT m.kind, m.id, max(COALESCE(m.age, -1)), bool_or(m.novice)
            FROM member m JOIN _case_subjects s ON s.kind = m.kind AND s.id = m.id
            GROUP BY m.kind, m.id""", [as_of, as_of]).fetchall()
    finally:
        con.unregister("_case_subjects")
    return {(kind, ident): (int(age), bool(novice)) for kind, ident, age, novice in rows}


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


def oracle_cases(con: duckdb.DuckDBPyConnection, flags: pa.Table, as_of: date) -> tuple[pa.Table, pa.Table]:
    """The cases table (CASES_SCHEMA, ranked) and the flags with a `case_id` column: every flag in one case."""
    if flags.num_rows == 0:
        return CASES_SCHEMA.empty_table(), flags.append_column("case_id", pa.array([], pa.string()))
    assigned = assign_subjects(con, flags).to_pylist()
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in assigned:
        groups.setdefault((row["subject_type"], row["subject_id"] or "-"), []).append(row)
    vulnerable = _vulnerability(con, as_of, set(groups))
    complaints = _complaints(con, as_of)
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
