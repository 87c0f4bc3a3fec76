"""Board (audit committee) and engagement reports: Japanese or English PDF and Excel on the shared report path."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from kansa import __version__
from kansa.audit.findings import OPEN, escalations, overdue, recurrences
from kansa.audit.model import Book, Engagement, Finding
from kansa.audit.plan import get_plan, plan_engagements
from kansa.i18n import Lang
from kansa.reports.excel import Sheet, write_workbook
from kansa.reports.html import make_env
from kansa.reports.pdf import write_pdf

AGE_BANDS = ((90, "0-90"), (180, "91-180"), (365, "181-365"), (10**6, "365+"))
LABELS: dict[str, dict[str, str]] = {
    "ja": {"phase.planning": "計画", "phase.fieldwork": "往査", "phase.reporting": "報告", "phase.closed": "完了",
           "identified": "指摘", "agreed": "合意", "remediating": "改善中", "validated": "検証済", "closed": "完了",
           "high": "高", "medium": "中", "low": "低", "people": "人", "process": "プロセス",
           "technology": "技術", "governance": "ガバナンス", "culture_incentives": "企業文化・インセンティブ",
           "third_party": "外部委託先"},
    "en": {"phase.planning": "planning", "phase.fieldwork": "fieldwork", "phase.reporting": "reporting",
           "phase.closed": "closed"},
}


def label(key: str, lang: Lang) -> str:
    """A domain word in the report's language (the code itself in English when there is no label)."""
    return LABELS[lang].get(key, key.split(".")[-1])


def quarter_end(fiscal_year: int, quarter: int | None) -> date:
    """The last day of a fiscal quarter (Q1 = April-June); the fiscal year's end for the annual report."""
    ends = {1: date(fiscal_year, 6, 30), 2: date(fiscal_year, 9, 30), 3: date(fiscal_year, 12, 31),
            4: date(fiscal_year + 1, 3, 31)}
    return ends[quarter or 4]


@dataclass(frozen=True)
class Posture:
    """The latest scans and self-assessment as the board sees them: flag counts by severity, worst domains."""

    conduct_flags: dict[str, int]
    cyber_flags: dict[str, int]
    assessment_gaps: dict[str, float]


def _severity_counts(scan_dir: Path | None) -> dict[str, int]:
    if scan_dir is None or not (scan_dir / "flags.csv").exists():
        return {}
    with (scan_dir / "flags.csv").open(encoding="utf-8-sig", newline="") as fh:
        return dict(Counter(row.get("severity", "") for row in csv.DictReader(fh)))


def posture(conduct_scan: Path | None = None, cyber_scan: Path | None = None,
            assessment_gaps: dict[str, float] | None = None) -> Posture:
    """The posture section's figures from scan output folders (missing ones are left empty)."""
    return Posture(_severity_counts(conduct_scan), _severity_counts(cyber_scan), dict(assessment_gaps or {}))


def _age_band(f: Finding, as_of: date) -> str:
    age = (as_of - (f.identified_on or as_of)).days
    return next(name for limit, name in AGE_BANDS if age <= limit)


def board_context(book: Book, fiscal_year: int, quarter: int | None, lang: Lang = "ja",
                  posture_: Posture | None = None) -> dict[str, Any]:
    """Everything the board report shows, as plain data (the web app can render it too)."""
    as_of = quarter_end(fiscal_year, quarter)
    plan = get_plan(book, fiscal_year)
    engagements = plan_engagements(book, plan)
    upto = quarter or 4
    due_by_now = [e for e in engagements if e.quarter <= upto]
    found = [f for f in book.findings.values() if (f.identified_on or as_of) <= as_of]
    open_ = [f for f in found if f.status in OPEN]
    sev_age = {s: {band: 0 for _, band in AGE_BANDS} for s in ("high", "medium", "low")}
    for f in open_:
        sev_age[f.severity][_age_band(f, as_of)] += 1
    late = overdue(book, as_of)
    return {
        "ja": lang == "ja", "lang": lang, "kansa_version": __version__, "institution": book.institution,
        "fiscal_year": fiscal_year, "quarter": quarter, "as_of": as_of, "plan": plan,
        "engagements": [{"id": e.id, "title": e.title, "type": e.type, "quarter": e.quarter, "days": e.days,
                         "phase": label(f"phase.{e.phase}", lang)} for e in engagements],
        "planned_to_date": len(due_by_now), "closed_to_date": sum(e.phase == "closed" for e in due_by_now),
        "status_counts": {label(s, lang): sum(f.status == s for f in found)
                          for s in ("identified", "agreed", "remediating", "validated", "closed")},
        "sev_age": {label(s, lang): row for s, row in sev_age.items()}, "age_bands": [b for _, b in AGE_BANDS],
        "overdue": [{"id": f.id, "title": f.title, "severity": label(f.severity, lang), "owner": f.owner,
                     "due": f.due, "days": (as_of - f.due).days, "true_cause": f.true_cause} for f in late],
        "overdue_count": len(late), "notices": len(escalations(book, as_of)),
        "findings": sorted(found, key=lambda f: f.id), "label": lambda k: label(k, lang),
        "recurrences": [{"root_cause": label(r.root_cause, lang), "entity": book.entities[r.entity_id].name,
                         "engagements": ", ".join(r.engagement_ids), "findings": ", ".join(r.finding_ids),
                         "true_cause": r.true_causes[-1]} for r in recurrences(found)],
        "posture": posture_ or Posture({}, {}, {}),
    }


def _sheets(ctx: dict[str, Any]) -> list[Sheet]:
    ja = ctx["ja"]
    lab = ctx["label"]
    return [
        Sheet("計画進捗" if ja else "Plan", ["ID", "title", "type", "quarter", "days", "phase"],
              [[e["id"], e["title"], e["type"], e["quarter"], e["days"], e["phase"]] for e in ctx["engagements"]]),
        Sheet("指摘事項" if ja else "Findings",
              ["ID", "engagement", "entity", "title", "severity", "root_cause", "true_cause", "owner", "due", "status"],
              [[f.id, f.engagement_id, f.entity_id, f.title, lab(f.severity), lab(f.root_cause), f.true_cause, f.owner,
                f.due.isoformat(), lab(f.status)] for f in ctx["findings"]]),
        Sheet("期限超過" if ja else "Overdue", ["ID", "title", "severity", "owner", "due", "days", "true_cause"],
              [[o["id"], o["title"], o["severity"], o["owner"], o["due"].isoformat(), o["days"], o["true_cause"]]
               for o in ctx["overdue"]]),
        Sheet("再発" if ja else "Recurring", ["root_cause", "entity", "engagements", "findings", "true_cause"],
              [[r["root_cause"], r["entity"], r["engagements"], r["findings"], r["true_cause"]]
               for r in ctx["recurrences"]]),
    ]


def write_board_report(book: Book, out: Path, fiscal_year: int, quarter: int | None = None, lang: Lang = "ja",
                       posture_: Posture | None = None, pdf: bool = True) -> dict[str, Path]:
    """Write board_report.html, .pdf and .xlsx for a fiscal quarter (or the year when quarter is None)."""
    ctx = board_context(book, fiscal_year, quarter, lang, posture_)
    html = make_env("kansa.audit").get_template("board_report.html.j2").render(**ctx)
    stem = f"board_report_FY{fiscal_year}" + (f"Q{quarter}" if quarter else "")
    out.mkdir(parents=True, exist_ok=True)
    files = {"html": out / f"{stem}.html", "xlsx": out / f"{stem}.xlsx"}
    files["html"].write_text(html, encoding="utf-8")
    write_workbook(files["xlsx"], _sheets(ctx))
    if pdf:
        files["pdf"] = write_pdf(html, out / f"{stem}.pdf")
    return files


def _engagement_sheets(e: Engagement, found: list[Finding], lang: Lang) -> list[Sheet]:
    ja = lang == "ja"
    return [
        Sheet("指摘事項" if ja else "Findings", ["ID", "title", "severity", "root_cause", "true_cause", "status"],
              [[f.id, f.title, f.severity, f.root_cause, f.true_cause, f.status] for f in found]),
        Sheet("監査手続" if ja else "Work program", ["step", "title", "rules", "questions", "done", "conclusion"],
              [[s.id, s.title, ", ".join(s.rule_ids), ", ".join(s.question_ids), s.done, s.conclusion]
               for s in e.steps]),
        Sheet("サンプル" if ja else "Samples", ["sample", "source", "method", "seed", "confidence", "tolerable_rate",
                                              "population", "item", "stratum", "result", "note"],
              [[s.id, s.source, s.method, s.seed, s.confidence, s.tolerable_rate, s.population, i.key, i.stratum,
                i.result, i.note] for s in e.samples for i in s.items]),
    ]


def write_engagement_report(book: Book, engagement_id: str, out: Path, lang: Lang = "ja",
                            pdf: bool = True) -> dict[str, Path]:
    """Write the report of one engagement: scope, team, work program, samples and its findings."""
    e = book.engagements[engagement_id]
    found = sorted((f for f in book.findings.values() if f.engagement_id == engagement_id), key=lambda f: f.id)
    ctx = {"ja": lang == "ja", "lang": lang, "kansa_version": __version__, "e": e, "findings": found,
           "entities": [book.entities[x].name for x in e.entity_ids if x in book.entities],
           "label": lambda k: label(k, lang), "institution": book.institution}
    html = make_env("kansa.audit").get_template("engagement_report.html.j2").render(**ctx)
    out.mkdir(parents=True, exist_ok=True)
    files = {"html": out / f"engagement_{engagement_id}.html", "xlsx": out / f"engagement_{engagement_id}.xlsx"}
    files["html"].write_text(html, encoding="utf-8")
    write_workbook(files["xlsx"], _engagement_sheets(e, found, lang))
    if pdf:
        files["pdf"] = write_pdf(html, out / f"engagement_{engagement_id}.pdf")
    return files
