"""The rule SQL linter: one read-only SELECT over declared tables, in the subset both engines agree on."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from kansa.engine.macros import MACROS
from kansa.engine.spec import RESERVED_PARAMS, RuleSpec

REQUIRED_COLUMNS = ("entity_id", "score", "event_date")
# Format specs the reason template may use; the engine renders them in SQL exactly as Python would.
REASON_SPEC_RE = re.compile(r"^,?(\.\d)?[fd]?$")


@dataclass(frozen=True)
class LintIssue:
    """One thing wrong with a rule, with the reason and what to write instead."""

    code: str
    message: str


_WRITES: tuple[type[exp.Expression], ...] = (
    exp.Insert, exp.Update, exp.Delete, exp.Create, exp.Drop, exp.Alter, exp.Command, exp.Pragma, exp.Attach,
    exp.Detach, exp.Copy, exp.Use, exp.Set, exp.Merge, exp.Transaction, exp.Commit, exp.Rollback,
)

_DATE_ARITH = ("DuckDB date + INTERVAL gives a TIMESTAMP and Spark a DATE, and month steps clamp differently",
               "add_days(d, n)")
_DIFF = ("DuckDB counts calendar boundaries crossed while Spark counts whole units or fractions, so years and "
         "months disagree around anniversaries (an age is off by one near a birthday)",
         "days_between(a, b), or age_years(birth, at) for ages")
_NOW = ("depends on when the rule runs, so results cannot be reproduced", "the :as_of parameter")
_FORMAT = ("format codes differ (DuckDB %Y-%m, Spark yyyy-MM)",
           "compare dates directly, or year()/month()/year_month(d)")
_ORDER = ("the order (and NULL handling) of collected values differs between engines", "sorted_list(x)")
_PICK = ("which row it picks is not defined, so engines pick differently", "MIN/MAX, or a window with a full ORDER BY")
_REGEX = ("DuckDB uses RE2 and Spark Java regular expressions; they differ in syntax and escapes", "LIKE patterns")
_FILES = ("reads files or makes rows outside the declared tables", "one of the tables listed in `tables:`")

# Function classes (sqlglot) and unknown function names that are banned, with why and what to use.
BANNED_FUNCTIONS: dict[str, tuple[str, str]] = {
    "DateDiff": _DIFF, "DatetimeDiff": _DIFF, "TimestampDiff": _DIFF, "TsOrDsDiff": _DIFF, "MonthsBetween": _DIFF,
    "age": ("DuckDB age() returns an INTERVAL and Spark has no such function", "age_years(birth, at)"),
    "DateAdd": _DATE_ARITH, "DateSub": _DATE_ARITH, "TsOrDsAdd": _DATE_ARITH, "DatetimeAdd": _DATE_ARITH,
    "DatetimeSub": _DATE_ARITH, "TimestampAdd": _DATE_ARITH, "TimestampSub": _DATE_ARITH, "AddMonths": _DATE_ARITH,
    "date_sub": _DATE_ARITH, "date_add": _DATE_ARITH,
    "TimestampTrunc": ("DuckDB date_trunc keeps a DATE for dates, Spark returns a TIMESTAMP", "year_month(d)"),
    "DateTrunc": ("DuckDB date_trunc keeps a DATE for dates, Spark returns a TIMESTAMP", "year_month(d)"),
    "DayOfWeek": ("DuckDB numbers Sunday 0, Spark 1", "a date comparison; ask for a macro if needed"),
    "DayOfWeekIso": ("weekday numbering differs between engines", "a date comparison"),
    "Concat": ("DuckDB concat() skips NULLs but Spark concat() returns NULL", "a || b (NULL if a part is NULL on "
               "both engines), with COALESCE where a part may be missing"),
    "TimeToStr": _FORMAT, "StrToTime": _FORMAT, "StrToDate": _FORMAT, "ToChar": _FORMAT, "strftime": _FORMAT,
    "date_format": _FORMAT, "TimeStrToTime": _FORMAT,
    "CurrentDate": _NOW, "CurrentTimestamp": _NOW, "CurrentTime": _NOW, "CurrentDatetime": _NOW, "now": _NOW,
    "today": _NOW, "Rand": ("random results are not reproducible", "deterministic expressions"),
    "ArrayAgg": _ORDER, "GroupConcat": _ORDER, "ArrayUniqueAgg": _ORDER,
    "AnyValue": _PICK, "First": _PICK, "Last": _PICK, "FirstValue": _PICK, "LastValue": _PICK,
    "ArgMax": _PICK, "ArgMin": _PICK,
    "RegexpLike": _REGEX, "RegexpExtract": _REGEX, "RegexpReplace": _REGEX, "RegexpILike": _REGEX,
    "RegexpSplit": _REGEX,
    "ReadCSV": _FILES, "ReadParquet": _FILES, "ReadJSON": _FILES, "GenerateSeries": _FILES, "Explode": _FILES,
    "Unnest": _FILES, "glob": _FILES,
}


def _fname(node: exp.Func) -> str:
    return str(node.this) if isinstance(node, exp.Anonymous) else type(node).__name__


def _issue(code: str, what: str, why: str, instead: str) -> LintIssue:
    return LintIssue(code, f"{what}: {why}; use {instead} instead")


def lint_sql(sql: str, tables: tuple[str, ...] | list[str], params: tuple[str, ...] | list[str]) -> list[LintIssue]:
    """Problems of one rule SELECT: statement kind, tables, banned constructs, macros, parameters."""
    try:
        statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except ParseError as exc:
        return [LintIssue("parse", f"cannot parse the SQL: {str(exc).splitlines()[0]}")]
    if len(statements) != 1:
        return [LintIssue("one_select", f"exactly one SELECT statement is allowed, found {len(statements)}")]
    tree = statements[0]
    issues: list[LintIssue] = []
    if not isinstance(tree, exp.Query):
        return [LintIssue("one_select", f"only a SELECT (WITH allowed) may run, not {type(tree).__name__.upper()}")]
    for node in tree.find_all(*_WRITES):
        issues.append(LintIssue("write", f"{type(node).__name__.upper()} is not allowed: rules only read"))
    ctes = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
    allowed = {t.lower() for t in tables}
    for table in tree.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier):
            issues.append(_issue("table_function", f"table function {table.this.sql('duckdb')}", *_FILES))
            continue
        if table.args.get("db") or table.args.get("catalog"):
            issues.append(LintIssue("table", f"qualified table {table.sql('duckdb')}: name tables without a schema"))
        name = table.name.lower()
        if name not in allowed and name not in ctes:
            issues.append(LintIssue("table", f"table {table.name!r} is not listed in `tables:` {sorted(allowed)}"))
    for func in tree.find_all(exp.Func):
        name = _fname(func)
        ban = BANNED_FUNCTIONS.get(name) or BANNED_FUNCTIONS.get(name.lower())
        if ban:
            issues.append(_issue("banned", f"{func.sql('duckdb')[:60]}", *ban))
        elif isinstance(func, exp.Anonymous):
            macro = MACROS.get(name.lower())
            if macro is None:
                issues.append(LintIssue("unknown_function", f"{name}() is not in the portable subset (SQLGlot does "
                                        f"not know it, so it would reach Spark untranslated); macros: "
                                        f"{', '.join(sorted(MACROS))}"))
            elif len(func.expressions) != len(macro.args):
                issues.append(LintIssue("macro_args", f"{name}() takes {len(macro.args)} argument(s) "
                                        f"({', '.join(macro.args)}), got {len(func.expressions)}"))
    for node in tree.find_all(exp.Interval):
        issues.append(_issue("banned", f"interval {node.sql('duckdb')}", *_DATE_ARITH))
    for node in tree.find_all(exp.IntDiv):
        issues.append(_issue("banned", f"integer division {node.sql('duckdb')}",
                             "DuckDB // floors while Spark DIV truncates toward zero", "FLOOR(a / b)"))
    for node in tree.find_all(exp.Sub):
        if isinstance(node.this, exp.Year) and isinstance(node.expression, exp.Year):
            issues.append(_issue("banned", f"{node.sql('duckdb')}",
                                 "a difference of years ignores whether the birthday has passed",
                                 "age_years(birth, at)"))
    used = {p.name for p in tree.find_all(exp.Placeholder)}
    for name in sorted(used - set(params) - set(RESERVED_PARAMS)):
        issues.append(LintIssue("param", f":{name} is not declared under `params:`"))
    for name in sorted(set(params) - used):
        issues.append(LintIssue("param", f"parameter {name!r} is declared but the SQL never uses :{name}"))
    outer = tree if isinstance(tree, exp.Select) else next(tree.find_all(exp.Select), None)
    if outer is not None:
        if any(isinstance(e, exp.Star) for e in outer.expressions):
            issues.append(LintIssue("columns", "the outer SELECT must name its columns (no *): they become evidence"))
        names = set(outer.named_selects)
        missing = [c for c in REQUIRED_COLUMNS if c not in names]
        if missing:
            issues.append(LintIssue("columns", f"the outer SELECT must return {', '.join(missing)}"))
    return issues


def output_columns(sql: str) -> list[str]:
    """The column names of the rule's outer SELECT, in order."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    outer = tree if isinstance(tree, exp.Select) else next(tree.find_all(exp.Select))
    return list(outer.named_selects)


def reason_fields(template: str) -> list[tuple[str, str]]:
    """The (field, format spec) pairs of a reason template; ValueError for what SQL cannot render."""
    fields = []
    for _lit, name, spec, conv in string.Formatter().parse(template):
        if name is None:
            continue
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) or conv not in (None, "l"):
            raise ValueError(f"field {{{name}}}: only plain column names (and !l for a code's label), "
                             "no attributes, indexes or other !conversions")
        if conv == "l" and spec:
            raise ValueError(f"field {{{name}!l:{spec}}}: a label takes no format spec")
        if not REASON_SPEC_RE.match(spec or ""):
            raise ValueError(f"field {{{name}:{spec}}}: format spec must be one of '', 'd', ',d', '.1f', ',.0f' ...")
        fields.append((name, spec or ""))
    return fields


def lint_spec(spec: RuleSpec) -> list[LintIssue]:
    """Lint a rule: its SQL, and its reason templates against the columns the SQL returns."""
    issues = lint_sql(spec.sql, spec.tables, [p.name for p in spec.params])
    if any(i.code in ("parse", "one_select") for i in issues):
        return issues
    columns = set(output_columns(spec.sql))
    for lang, template in spec.reason.items():
        try:
            fields = reason_fields(template)
        except ValueError as exc:
            issues.append(LintIssue("reason", f"reason.{lang}: {exc}"))
            continue
        for name, _spec in fields:
            if name not in columns:
                issues.append(LintIssue("reason", f"reason.{lang}: {{{name}}} is not a column of the SELECT"))
    return issues
