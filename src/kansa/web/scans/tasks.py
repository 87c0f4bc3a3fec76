"""The background scan: a django-tasks task on the database queue; progress written to the scan row."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django_tasks import task

from kansa.messages import KansaError
from kansa.web.scans.adapter import ScanOutcome, run_conduct
from kansa.web.scans.cyber import run_cyber
from kansa.web.scans.models import Case, Coverage, Flag, Scan
from kansa.web.trail.chain import record


class ScanTask:
    """One progress task of a scan (kansa.progress.Task), persisted so the browser can poll it."""

    def __init__(self, scan_id: int, total: float | None, label: str) -> None:
        self.scan_id, self.done_n = scan_id, 0.0
        Scan.objects.filter(pk=scan_id).update(progress_total=int(total) if total else None, progress_done=0,
                                               progress_label=label)

    def advance(self, n: float = 1, item: str | None = None) -> None:
        """One more unit done (a rule, a file)."""
        self.done_n += n
        Scan.objects.filter(pk=self.scan_id).update(progress_done=int(self.done_n),
                                                    progress_label=item or "")

    def done(self) -> None:
        """Nothing to do: the scan's status says when it ends."""


class ScanReporter:
    """kansa.progress.Reporter writing to the scan row."""

    def __init__(self, scan_id: int) -> None:
        self.scan_id = scan_id

    def task(self, code: str, total: float | None = None, **fields: Any) -> ScanTask:
        """Start a progress task."""
        return ScanTask(self.scan_id, total, str(fields.get("label", code)))


def upload_dir(scan_id: int) -> Path:
    """Where a scan's uploaded data folder is unpacked until the scan ends."""
    return Path(settings.KANSA_UPLOAD_DIR) / f"scan-{scan_id}"


@task()
def run_scan(scan_id: int) -> int:
    """Run the scan; store cases, flags, coverage, KPIs, manifest and versions in one transaction, or nothing."""
    scan = Scan.objects.select_related("institution").get(pk=scan_id)
    Scan.objects.filter(pk=scan_id).update(status=Scan.RUNNING)
    folder = upload_dir(scan_id)
    try:
        runner = run_cyber if scan.kind == Scan.CYBER else run_conduct
        outcome = runner(folder, ScanReporter(scan_id))
        with transaction.atomic():
            store(scan, outcome)
            Scan.objects.filter(pk=scan_id).update(status=Scan.DONE, as_of=outcome.as_of,
                                                   manifest=outcome.manifest, versions=outcome.versions,
                                                   kpis=outcome.kpis, details=outcome.details)
            record("worker", "run", "scan", scan_id, institution_code=scan.institution.code,
                   after={"status": "done", "flags": len(outcome.flags), "cases": len(outcome.cases),
                          "as_of": outcome.as_of, "manifest": outcome.manifest})
        return len(outcome.flags)
    except Exception as exc:
        msg = _failure_text(exc)
        with transaction.atomic():
            Scan.objects.filter(pk=scan_id).update(status=Scan.FAILED, error=msg[:4000])
            record("worker", "run", "scan", scan_id, institution_code=scan.institution.code,
                   after={"status": "failed", "error": msg[:500]})
        raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def store(scan: Scan, outcome: ScanOutcome) -> None:
    """Cases (ranked), their flags linked to them and the coverage rows; the caller holds the transaction."""
    inst = scan.institution
    cases = Case.objects.bulk_create([
        Case(scan=scan, institution=inst, case_id=c["case_id"], subject_type=c["subject_type"],
             subject_id=c["subject_id"], score=c["score"], rank=c["rank"], rule_ids=c["rule_ids"] or "",
             flag_count=c["flag_count"], reason_ja=c["reason_ja"] or "", reason_en=c["reason_en"] or "",
             branch=c.get("branch_id") or "") for c in outcome.cases], batch_size=2000)
    by_id = {c.case_id: c for c in cases}
    if len(cases) and cases[0].pk is None:   # backends that return no keys from bulk_create
        by_id = {c.case_id: c for c in Case.objects.filter(scan=scan)}
    Flag.objects.bulk_create([Flag(scan=scan, institution=inst, case=by_id.get(f.case_id), area=f.area,
                                   rule_id=f.rule_id, entity_type=f.entity_type, entity_id=f.entity_id,
                                   branch=f.branch, salesperson=f.salesperson, severity=f.severity,
                                   score=f.score, event_date=f.event_date, reason=f.reason, evidence=f.evidence)
                              for f in outcome.flags], batch_size=2000)
    Coverage.objects.bulk_create([
        Coverage(scan=scan, institution=inst, rule_id=c["rule_id"], status=c["status"], reason=c["reason"] or "",
                 detail=c["detail"] or "", rows_in_scope=c["rows_in_scope"], period_from=c["period_from"],
                 period_to=c["period_to"], rows_after_as_of=c["rows_after_as_of"]) for c in outcome.coverage])


def _failure_text(exc: Exception) -> str:
    """What the scan page shows when a scan fails: the message and its first problems (file, row, column, value)."""
    if not isinstance(exc, KansaError):
        return str(exc)
    lines = [exc.render("ja") + " / " + exc.render("en"), *exc.details("ja")[:20]]
    return "\n".join(lines)
