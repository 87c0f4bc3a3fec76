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

Grouping, scoring, the reasons and the ranking all run in DuckDB: Python never loops over flags or cases,
so the case list costs the same per flag at 100M trades as at 1M (tests/conduct/cases_oracle.py keeps
the per-flag Python version the SQL must agree with).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from kansa.conduct.indicators import age_sql
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
), who AS (
  SELECT f.*,
         CASE WHEN f.entity_type = 'customer' THEN f.entity_id
              WHEN f.entity_type = 'trade' THEN COALESCE(f.ev_customer, t.customer_id) END AS customer_id
  FROM f LEFT JOIN {trades} t ON f.entity_type = 'trade' AND f.ev_customer IS NULL AND t.trade_id = f.entity_id
), cust AS (
  -- only the flagged customers and the households they or a household flag name: at 100M trades the
  -- whole customer table (10M) grouped by household cost more than the flags themselves
  SELECT customer_id, COALESCE(household_id, customer_id) AS household_id, branch_id FROM {customers}
  WHERE customer_id IN (SELECT customer_id FROM who)
), wanted AS (
  SELECT household_id FROM cust UNION SELECT entity_id FROM who WHERE entity_type = 'household'
), hh AS (
  SELECT COALESCE(household_id, customer_id) AS household_id, count(*) AS members FROM {customers}
  WHERE COALESCE(household_id, customer_id) IN (SELECT household_id FROM wanted) GROUP BY 1
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


def _unnamed_trade_flags(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a registered trade flag lacks `customer_id` in its evidence."""
    row = con.execute("SELECT count(*) FROM _case_flags WHERE entity_type = 'trade' "
                      "AND json_extract_string(evidence, '$.customer_id') IS NULL").fetchall()[0]
    return bool(row[0])


def assign_subjects(con: duckdb.DuckDBPyConnection, flags: pa.Table) -> pa.Table:
    """Each flag's row number, rule, severity, amount and the case subject (type, id) and branch it goes to."""
    indexed = flags.select(["rule_id", "entity_type", "entity_id", "severity", "evidence"]).append_column(
        "_i", pa.array(range(flags.num_rows), pa.int64()))
    con.register("_case_flags", indexed)
    try:
        customers = "customers" if _exists(con, "customers") else _empty_customers()
        # The trades are read only for trade flags whose evidence does not name the customer (none of ours):
        # otherwise the join would scan every trade for nothing.
        trades = ("trades" if _exists(con, "trades") and _unnamed_trade_flags(con)
                  else "(SELECT CAST(NULL AS VARCHAR) AS trade_id, CAST(NULL AS VARCHAR) AS customer_id WHERE false)")
        return con.sql(_ASSIGN.format(customers=customers, trades=trades) + " ORDER BY w._i").to_arrow_table()
    finally:
        con.unregister("_case_flags")


def _vulnerability_sql(con: duckdb.DuckDBPyConnection) -> str:
    """Per customer and per household: the oldest member's age at $as_of and whether any member has no experience.

    Only the customers of a case are read past the filter: the engine groups just those.
    """
    if not _exists(con, "customers"):
        return "SELECT NULL::VARCHAR AS kind, NULL::VARCHAR AS id, -1 AS age, false AS novice WHERE false"
    exp = "investment_experience = 'none'" if _has_column(con, "customers", "investment_experience") else "false"
    return f"""
        WITH one AS (SELECT subject_id FROM _case_subjects WHERE subject_type = 'customer'),
        many AS (SELECT subject_id FROM _case_subjects WHERE subject_type = 'household'),
        c AS (
            SELECT customer_id, COALESCE(household_id, customer_id) AS household_id,
                   {age_sql("birth_date", "$as_of::DATE")} AS age, COALESCE({exp}, false) AS novice
            FROM customers
            WHERE customer_id IN (SELECT subject_id FROM one)
               OR COALESCE(household_id, customer_id) IN (SELECT subject_id FROM many)
        ), member AS (
            SELECT 'customer' AS kind, customer_id AS id, age, novice FROM c
            WHERE customer_id IN (SELECT subject_id FROM one)
            UNION ALL SELECT 'household', household_id, age, novice FROM c
            WHERE household_id IN (SELECT subject_id FROM many)
        )
        SELECT kind, id, max(COALESCE(age, -1)) AS age, bool_or(novice) AS novice FROM member GROUP BY ALL"""


def _complaints_sql(con: duckdb.DuckDBPyConnection) -> str:
    """Per (subject type, id): complaints and disputes in the year up to $as_of that name it."""
    if not _exists(con, "complaints"):
        return "SELECT NULL::VARCHAR AS kind, NULL::VARCHAR AS id, 0 AS n WHERE false"
    hh = ("LEFT JOIN customers c ON c.customer_id = k.customer_id" if _exists(con, "customers")
          else "LEFT JOIN (SELECT NULL::VARCHAR AS customer_id, NULL::VARCHAR AS household_id WHERE false) c "
               "ON c.customer_id = k.customer_id")
    return f"""
        WITH k AS (
            SELECT k.customer_id, COALESCE(c.household_id, k.customer_id) AS household_id, k.staff_id, k.branch_id
            FROM complaints k {hh}
            WHERE k.kind IN ('complaint', 'dispute') AND k.received_date <= $as_of::DATE
              AND k.received_date > $as_of::DATE - INTERVAL {COMPLAINT_WINDOW_DAYS} DAY
        ), named AS (
            SELECT 'customer' AS kind, customer_id AS id FROM k
            UNION ALL SELECT 'household', household_id FROM k
            UNION ALL SELECT 'staff', staff_id FROM k
            UNION ALL SELECT 'branch', branch_id FROM k
        )
        SELECT kind, id, count(*) AS n FROM named WHERE id IS NOT NULL GROUP BY ALL"""


# One row per case, grouped in the engine: no Python loop over flags (a 100M-trade book has ~10^6 of them).
_CASE_TOTALS = """
WITH s AS (
  SELECT _i, rule_id, amount, branch_id, subject_type, COALESCE(NULLIF(subject_id, ''), '-') AS subject_id,
         {weight} AS weight
  FROM _case_assigned
), per_rule AS (
  SELECT subject_type, subject_id, rule_id, max(weight) AS weight FROM s GROUP BY ALL
), sev AS (
  SELECT subject_type, subject_id, sum(weight) AS severity, list(rule_id ORDER BY rule_id) AS rules
  FROM per_rule GROUP BY ALL
), g AS (
  SELECT subject_type, subject_id, count(*) AS flag_count, sum(COALESCE(amount, 0)) AS amount_jpy,
         arg_min(branch_id, _i) FILTER (WHERE branch_id <> '') AS branch_id
  FROM s GROUP BY ALL
), _case_subjects AS (
  SELECT subject_type, subject_id FROM g WHERE subject_type IN ('customer', 'household')
), vul AS ({vulnerability}), comp AS ({complaints})
SELECT g.subject_type, g.subject_id, g.flag_count, g.amount_jpy,
       COALESCE(g.branch_id, CASE WHEN g.subject_type = 'branch' THEN g.subject_id END) AS branch_id,
       sev.severity, sev.rules, COALESCE(vul.age, -1) AS age, COALESCE(vul.novice, false) AS novice,
       COALESCE(comp.n, 0) AS complaints
FROM g JOIN sev USING (subject_type, subject_id)
LEFT JOIN vul ON vul.kind = g.subject_type AND vul.id = g.subject_id
LEFT JOIN comp ON comp.kind = g.subject_type AND comp.id = g.subject_id
"""

# The five parts of the score (module docstring), added in that order, and the reason: the parts that apply,
# largest contribution first (ties in the order listed), after the score to two decimals.
_CASE_SCORES = """
WITH t AS ({totals}), parts AS (
  SELECT *, log2(flag_count) AS repetition, log10(1 + amount_jpy / 1000000) AS amount_points,
         CASE WHEN age >= 80 THEN 2.0 WHEN age >= 75 THEN 1.0 ELSE 0.0 END::DOUBLE AS vulnerability,
         least({cap}, complaints)::DOUBLE AS complaint_points
  FROM t
), scored AS (
  SELECT *, round(severity + repetition + amount_points + vulnerability + CASE WHEN novice THEN 1.0 ELSE 0.0 END
                  + complaint_points, 2) AS score
  FROM parts
), explained AS (
  SELECT *, list_sort(list_filter([
      {{'w': -severity, 'i': 0,
        'ja': len(rules) || '種類のルールに該当（' || array_to_string(rules, '、') || '）',
        'en': len(rules) || ' rule(s): ' || array_to_string(rules, ', ')}},
      CASE WHEN flag_count > 1 THEN {{'w': -repetition, 'i': 1, 'ja': '指摘' || flag_count || '件の繰り返し',
                                      'en': flag_count || ' flags (repetition)'}} END,
      CASE WHEN amount_jpy > 0 THEN {{'w': -amount_points, 'i': 2,
                                     'ja': '金額計' || format('{{:,.0f}}', amount_jpy) || '円',
                                     'en': format('{{:,.0f}}', amount_jpy) || ' JPY in total'}} END,
      CASE WHEN age >= 75 THEN {{'w': -vulnerability, 'i': 3, 'ja': '高齢の顧客（' || age || '歳）',
                                 'en': 'elderly customer (aged ' || age || ')'}} END,
      CASE WHEN novice THEN {{'w': -1.0, 'i': 4, 'ja': '投資経験のない顧客',
                              'en': 'customer without investment experience'}} END,
      CASE WHEN complaints > 0 THEN {{'w': -complaint_points, 'i': 5,
                                      'ja': '直近1年の苦情・紛争' || complaints || '件',
                                      'en': complaints || ' complaint(s) or dispute(s) in the last year'}} END
    ], lambda x: x IS NOT NULL)) AS reasons
  FROM scored
)
SELECT subject_type || ':' || subject_id AS case_id, subject_type, subject_id, score,
       row_number() OVER (ORDER BY score DESC, subject_type, subject_id) AS rank,
       array_to_string(rules, ';') AS rule_ids, flag_count,
       'スコア' || format('{{:.2f}}', score) || ': ' || array_to_string(list_transform(reasons, lambda x: x.ja), '、')
         AS reason_ja,
       'Score ' || format('{{:.2f}}', score) || ': ' || array_to_string(list_transform(reasons, lambda x: x.en), '; ')
         AS reason_en,
       branch_id
FROM explained ORDER BY rank
"""


def _ranked_cases(con: duckdb.DuckDBPyConnection, assigned: pa.Table, as_of: date) -> pa.Table:
    """The cases, scored, explained and ranked in the engine (CASES_SCHEMA), from the flags' subjects."""
    weight = " ".join(f"WHEN '{name}' THEN {w}" for name, w in SEVERITY_WEIGHT.items())
    totals = _CASE_TOTALS.format(weight=f"CAST(CASE severity {weight} ELSE 1.0 END AS DOUBLE)",
                                 vulnerability=_vulnerability_sql(con), complaints=_complaints_sql(con))
    sql = _CASE_SCORES.format(totals=totals, cap=COMPLAINT_CAP)
    con.register("_case_assigned", assigned)
    try:
        ranked = con.sql(sql, params={"as_of": as_of}).to_arrow_table()
    finally:
        con.unregister("_case_assigned")
    return ranked.cast(CASES_SCHEMA)


def _case_ids(assigned: pa.Table) -> pa.Array:
    """Each flag's case id, `<subject_type>:<subject_id>` (a missing subject id reads `-`), in flag order."""
    subject = assigned.column("subject_id").combine_chunks()
    subject = pc.if_else(pc.equal(pc.fill_null(subject, ""), ""), "-", subject)
    return pc.binary_join_element_wise(assigned.column("subject_type").combine_chunks(), subject, ":")


def build_cases(con: duckdb.DuckDBPyConnection, flags: pa.Table, as_of: date) -> tuple[pa.Table, pa.Table]:
    """The cases table (CASES_SCHEMA, ranked) and the flags with a `case_id` column: every flag in one case."""
    if flags.num_rows == 0:
        return CASES_SCHEMA.empty_table(), flags.append_column("case_id", pa.array([], pa.string()))
    assigned = assign_subjects(con, flags)
    return _ranked_cases(con, assigned, as_of), flags.append_column("case_id", _case_ids(assigned))


def write_cases(cases: pa.Table, path: Path) -> Path:
    """cases.csv (UTF-8 with BOM so Excel reads Japanese; subject ids and reasons made inert for spreadsheets)."""
    return write_csv_table(path, cases)
