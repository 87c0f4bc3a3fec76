"""What audit hands to management: board and engagement reports (PDF or Excel) and overdue-finding escalation."""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kansa.audit.report import Posture
from kansa.services.audit import ReportFormat, book_board_report, book_engagement_report
from kansa.web.audit import book as books
from kansa.web.audit.access import READERS, institution, lang, writer
from kansa.web.audit.escalation import escalate as escalate_overdue
from kansa.web.audit.models import AuditEngagement
from kansa.web.org.models import AUDITOR, Membership
from kansa.web.org.scoping import scoped, scoped_get
from kansa.web.scans.models import Flag, Scan

MEDIA = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _format(request: HttpRequest) -> ReportFormat | None:
    fmt = request.GET.get("fmt", "pdf")
    return "xlsx" if fmt == "xlsx" else "pdf" if fmt == "pdf" else None


def _download(write: Callable[[Path], Path], fmt: ReportFormat) -> HttpResponse:
    """Write the report into a private temporary folder and send it as an attachment."""
    out = Path(tempfile.mkdtemp(prefix="kansa-audit-report-"))
    try:
        path = write(out)
        body, name = path.read_bytes(), path.name
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return HttpResponse(body, content_type=MEDIA[fmt],
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


@login_required
@require_GET
def board_report(request: HttpRequest) -> HttpResponse:
    """The board / audit-committee report of a fiscal quarter (PDF, or Excel with fmt=xlsx)."""
    inst = institution(request, *READERS)
    fmt = _format(request)
    try:
        fy, quarter = int(request.GET.get("fiscal_year", "")), int(request.GET.get("quarter", "0")) or None
    except ValueError:
        return HttpResponse("fiscal_year and quarter must be numbers", status=400)
    book = books.load(inst)
    if fmt is None or str(fy) not in book.plans or (quarter is not None and quarter not in (1, 2, 3, 4)):
        return HttpResponse("no plan for that fiscal year (or fmt not pdf/xlsx)", status=400)
    scan = scoped(request.user, Scan.objects).filter(institution=inst, status=Scan.DONE).order_by("-id").first()
    counts = Counter(Flag.objects.filter(scan=scan).values_list("severity", flat=True)) if scan else Counter()
    return _download(lambda out: book_board_report(book, out, fy, quarter, posture_=Posture(dict(counts), {}, {}),
                                                   lang=lang(request), fmt=fmt), fmt)


@login_required
@require_GET
def engagement_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The engagement report (PDF, or Excel with fmt=xlsx: findings, work program, samples with results)."""
    row: AuditEngagement = scoped_get(request.user, AuditEngagement.objects, pk=pk)
    institution(request, *READERS)
    fmt = _format(request)
    if fmt is None:
        return HttpResponse("fmt must be pdf or xlsx", status=400)
    book = books.load(row.institution)
    return _download(lambda out: book_engagement_report(book, row.key, out, lang=lang(request), fmt=fmt), fmt)


@login_required
@require_POST
def escalate(request: HttpRequest) -> HttpResponse:
    """Escalate overdue findings now (the same idempotent step `kansa web escalate` runs from cron)."""
    inst = writer(request, AUDITOR)
    done = escalate_overdue(inst, scoped(request.user, Membership.objects), request.user.get_username(),
                            date.today())
    messages.success(request, _("通知 %(new)d 件（うち既送 %(old)d 件は再送せず）、メール %(mails)d 通")
                     % {"new": done.created, "old": done.already, "mails": done.mails})
    return redirect("audit:home")
