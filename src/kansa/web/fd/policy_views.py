"""An institution's screens: upload its policy documents, read their coverage, restatement, year on year and the
say-do table, where the auditor confirms or overrides each proposed verdict. Only that institution and the
supervisor see them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from kansa.fd.messages import FdError
from kansa.fd.principles import default_principles
from kansa.fd.report import firm_context
from kansa.fd.saydo import VERDICTS
from kansa.web.fd import reading
from kansa.web.fd.compare_views import lang_of
from kansa.web.fd.models import PolicyDocument, SayDoDecision
from kansa.web.org.models import AUDITOR, MANAGEMENT, RISK_COMPLIANCE, SUPERVISOR, Institution
from kansa.web.org.scoping import membership, require_write, scoped
from kansa.web.trail.chain import record

READERS = (AUDITOR, RISK_COMPLIANCE, MANAGEMENT)
UPLOADERS = READERS


class DocumentForm(forms.Form):
    """One document: its year and kind, and the file (PDF, DOCX, HTML, text; a correspondence table as .xlsx)."""

    year = forms.IntegerField(label=_("年度"), min_value=2017, max_value=2100)
    kind = forms.ChoiceField(label=_("種類"), choices=PolicyDocument.KINDS)
    document = forms.FileField(label=_("文書（PDF・DOCX・HTML・テキスト、対応表はxlsx）"))


class DecisionForm(forms.Form):
    """The auditor's decision on one promise: confirm the proposal, or override it with a reason."""

    promise_id = forms.CharField(max_length=200)
    verdict = forms.ChoiceField(choices=[(v, v) for v in ("confirm", *VERDICTS)])
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


def _institution(request: HttpRequest, code: str) -> Institution:
    """The institution if the user may read its documents: its own auditor, risk & compliance and management,
    or the supervisor; anyone else gets 404 for another institution and 403 for their own."""
    inst: Institution = get_object_or_404(scoped(request.user, Institution.objects.all()), code=code)
    if membership(request.user).role not in (*READERS, SUPERVISOR):
        raise PermissionDenied
    return inst


def _page(request: HttpRequest, inst: Institution, form: DocumentForm | None = None,
          problems: list[str] | None = None, status: int = 200) -> HttpResponse:
    lang = lang_of(request)
    principles = default_principles()
    m = membership(request.user)
    own = m.institution_id == inst.pk
    analysis = reading.analyse(inst, principles)
    ctx: dict[str, Any] = {"inst": inst, "documents": PolicyDocument.objects.filter(institution=inst),
                           "form": form or DocumentForm(), "problems": problems or [],
                           "can_upload": own and m.role in UPLOADERS, "can_decide": own and m.role == AUDITOR,
                           "firm": None, "scan": None, "verdicts": VERDICTS}
    if analysis is not None:
        ctx["scan"] = reading.with_scan(analysis, inst)
        ctx["firm"] = firm_context(analysis, principles, lang)
        latest = analysis.latest
        ctx["sections"] = latest.coverage.sections if latest is not None and latest.coverage is not None else []
    return render(request, "fd_web/policies.html", ctx, status=status)


@login_required
@require_GET
def policies(request: HttpRequest, code: str) -> HttpResponse:
    """The institution's documents and what they say against the principles."""
    return _page(request, _institution(request, code))


@login_required
@require_POST
def upload(request: HttpRequest, code: str) -> HttpResponse:
    """Store one checked document; a file of the wrong type, too large or unreadable is refused and nothing kept."""
    inst = _institution(request, code)
    require_write(request.user, inst, *UPLOADERS)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, inst, form, status=400)
    f = form.cleaned_data["document"]
    name, kind = f.name, form.cleaned_data["kind"]
    try:
        if f.size > reading.max_document_bytes():
            raise FdError("doc_unreadable", path=name, detail=f"{f.size} bytes > {reading.max_document_bytes()}")
        data = f.read()
        reading.check_document(name, kind, data)
    except FdError as exc:
        return _page(request, inst, form, [exc.message(lang_of(request))], status=400)
    with transaction.atomic():
        doc = PolicyDocument.objects.create(institution=inst, uploaded_by=request.user, year=form.cleaned_data["year"],
                                            kind=kind, name=name, stored="", sha256="", size=len(data))
        reading.store_document(inst, doc, data)
        doc.save(update_fields=["stored", "sha256"])
        record(request.user.username, "create", "policy_document", doc.pk, institution_code=inst.code,
               after={"name": name, "year": doc.year, "kind": kind, "sha256": doc.sha256})
    return redirect("fd_web:policies", code=inst.code)


@login_required
@require_POST
def decide(request: HttpRequest, code: str) -> HttpResponse:
    """The auditor confirms or overrides one proposed say-do verdict (an override needs a reason)."""
    inst = _institution(request, code)
    require_write(request.user, inst, AUDITOR)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("判定の入力が正しくありません"), status=400)
    analysis = reading.analyse(inst)
    scan = reading.with_scan(analysis, inst) if analysis is not None else None
    rows = {r.promise.id: r for r in (analysis.saydo if analysis is not None else [])}
    row = rows.get(form.cleaned_data["promise_id"])
    if row is None:
        return HttpResponse(_("この約束は見つかりません"), status=400)
    verdict, reason = form.cleaned_data["verdict"], form.cleaned_data["reason"].strip()
    verdict = row.proposed if verdict == "confirm" else verdict
    if verdict != row.proposed and not reason:
        return HttpResponse(_("提案と異なる判定には理由が必要です"), status=400)
    before = row.decision.verdict if row.decision is not None else None
    with transaction.atomic():
        d = SayDoDecision.objects.create(institution=inst, promise_id=row.promise.id, sentence=row.promise.sentence,
                                         proposed=row.proposed, verdict=verdict, reason=reason, scan=scan,
                                         author=request.user)
        record(request.user.username, "create", "saydo_decision", d.pk, institution_code=inst.code,
               before={"verdict": before} if before else None,
               after={"promise": row.promise.id, "proposed": row.proposed, "verdict": verdict, "reason": reason,
                      "scan": scan.pk if scan else None})
    return redirect("fd_web:policies", code=inst.code)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The supervisor goes to the comparison; an institution's member to its own documents."""
    m = membership(request.user)
    if m.role == SUPERVISOR:
        return redirect("fd_web:compare")
    if m.role not in READERS or m.institution is None:
        raise PermissionDenied
    return redirect("fd_web:policies", code=m.institution.code)
