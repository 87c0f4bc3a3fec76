"""Rounds and answers: the supervisor opens a round; an institution answers in the browser or by workbook."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from kansa.i18n import Lang, pick
from kansa.services import assessment_round as service
from kansa.web.assessments import rounds
from kansa.web.assessments.models import Round
from kansa.web.org.models import ADMIN, AUDITOR, MANAGEMENT, RISK_COMPLIANCE, SUPERVISOR, Institution
from kansa.web.org.scoping import membership, require_role, require_write, scoped
from kansa.web.trail.chain import record

WRITERS = (AUDITOR, RISK_COMPLIANCE, ADMIN)
READERS = (*WRITERS, MANAGEMENT, SUPERVISOR)
MAX_WORKBOOK_BYTES = 10 * 1024**2


def lang_of(request: HttpRequest) -> Lang:
    """The reader's language for texts made outside Django (library messages, reports)."""
    return "en" if getattr(request, "LANGUAGE_CODE", "ja") == "en" else "ja"


class RoundForm(forms.Form):
    """Open a round: framework, fiscal year, k; the institutions asked (all assessed types when none chosen)."""

    framework = forms.ChoiceField(label=_("フレームワーク"), choices=service.framework_choices)
    fiscal_year = forms.IntegerField(label=_("事業年度"), min_value=2000, max_value=2100)
    k = forms.IntegerField(label=_("最小公表件数 k"), min_value=2, max_value=50, initial=5)
    institutions = forms.ModelMultipleChoiceField(
        label=_("対象の金融機関(未選択なら該当業態のすべて)"), required=False,
        queryset=Institution.objects.filter(type__in=service.ASSESSED_TYPES))


class WorkbookForm(forms.Form):
    """An answer workbook (.xlsx) made by kansa for this institution."""

    workbook = forms.FileField(label=_("回答票(Excel)"))


@login_required
@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    """Rounds the user's institution is asked in (every round for the supervisor)."""
    m = require_role(request.user, *READERS)
    visible = rounds.rounds_for(scoped(request.user, Institution.objects.all()))
    return render(request, "assessments/round_list.html", {
        "rounds": visible, "form": RoundForm() if m.role == SUPERVISOR else None})


@login_required
@require_POST
def round_create(request: HttpRequest) -> HttpResponse:
    """The supervisor opens a round (on the trail)."""
    require_role(request.user, SUPERVISOR)
    form = RoundForm(request.POST)
    if not form.is_valid():
        visible = rounds.rounds_for(scoped(request.user, Institution.objects.all()))
        return render(request, "assessments/round_list.html", {"rounds": visible, "form": form}, status=400)
    chosen = form.cleaned_data["institutions"] or Institution.objects.filter(type__in=service.ASSESSED_TYPES)
    with transaction.atomic():
        rnd = Round.objects.create(framework=form.cleaned_data["framework"], k=form.cleaned_data["k"],
                                   fiscal_year=form.cleaned_data["fiscal_year"], opened_by=request.user)
        rnd.institutions.set(chosen)
        record(request.user.username, "create", "assessment_round", rnd.pk,
               after={"framework": rnd.framework, "fiscal_year": rnd.fiscal_year, "k": rnd.k,
                      "institutions": sorted(i.code for i in chosen)})
    return redirect("assessments:round_detail", pk=rnd.pk)


def visible_round(request: HttpRequest, pk: int) -> Round:
    """A round the user may read: the supervisor any; an institution only a round that asks it (else 404)."""
    require_role(request.user, *READERS)
    mine = scoped(request.user, Institution.objects.all())
    rnd = rounds.rounds_for(mine).filter(pk=pk).first()
    if rnd is None:
        raise Http404
    return rnd


@login_required
@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Supervisor: who has answered and who has not, and the benchmark runs. Institution: its own status."""
    rnd = visible_round(request, pk)
    m = membership(request.user)
    current = rounds.current_submissions(rnd)
    runs = rnd.runs.all()
    if m.role == SUPERVISOR:
        drafts = set(rnd.responses.values_list("institution__code", flat=True))
        rows = [{"inst": i, "submission": current.get(i.code), "draft": i.code in drafts}
                for i in rnd.institutions.order_by("code")]
        return render(request, "assessments/round_supervisor.html", {
            "round": rnd, "rows": rows, "runs": runs, "answered": len(current),
            "unanswered": len(rows) - len(current)})
    inst = m.institution
    assert inst is not None
    resp = rounds.response_for(rnd, inst)
    own_runs = [r for r in runs if r.submissions.filter(institution=inst).exists()]
    return render(request, "assessments/round_institution.html", {
        "round": rnd, "inst": inst, "response": resp,
        "history": resp.submissions.all() if resp.pk else [], "runs": own_runs,
        "can_write": m.role in WRITERS, "upload_form": WorkbookForm()})


def _own_response(request: HttpRequest, pk: int, *roles: str) -> tuple[Round, Any]:
    """The round and the user's institution's response; the supervisor answers for no one."""
    rnd = visible_round(request, pk)
    m = require_role(request.user, *roles)
    if m.role == SUPERVISOR or m.institution is None:
        raise PermissionDenied
    return rnd, rounds.response_for(rnd, m.institution)


def _questions(rnd: Round, answers: dict[str, dict[str, str]], lang: Lang,
               problems: dict[str, str]) -> list[dict[str, Any]]:
    """The framework's questions by domain, with the options and the answers so far."""
    fw = rounds.framework_of(rnd)
    out = []
    for d in fw.domains:
        items = []
        for req, q in d.questions():
            given = answers.get(q.id, {})
            items.append({"id": q.id, "text": pick(q.text, lang), "guidance": pick(q.guidance, lang),
                          "requirement": pick(req.title, lang), "tier": req.tier or "",
                          "options": [(o.value, pick(o.label, lang)) for o in q.answers.options],
                          "value": given.get("value", ""), "comment": given.get("comment", ""),
                          "problem": problems.get(q.id, "")})
        out.append({"id": d.id, "title": pick(d.title, lang), "questions": items})
    return out


@login_required
@require_GET
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The questionnaire of the user's institution (read-only for management)."""
    rnd, resp = _own_response(request, pk, *WRITERS, MANAGEMENT)
    m = membership(request.user)
    return _answer_page(request, rnd, resp, resp.draft or {}, [], m.role in WRITERS)


def _answer_page(request: HttpRequest, rnd: Round, resp: Any, answers: dict[str, dict[str, str]],
                 problems: list[Any], can_write: bool, status: int = 200) -> HttpResponse:
    lang = lang_of(request)
    by_q = {p.question: (p.ja if lang == "ja" else p.en) for p in problems if p.question}
    return render(request, "assessments/answer.html", {
        "round": rnd, "response": resp, "domains": _questions(rnd, answers, lang, by_q), "can_write": can_write,
        "problems": [p.message(lang) if not p.question else f"{p.question}: {by_q[p.question]}" for p in problems],
    }, status=status)


@login_required
@require_POST
def answer_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the draft or submit (a new version); answers outside the options are refused and nothing is stored."""
    rnd, resp = _own_response(request, pk, *WRITERS)
    require_write(request.user, resp.institution, *WRITERS)
    action = request.POST.get("action")
    if action not in ("draft", "submit"):
        return HttpResponse(gettext("保存か提出かを選んでください。"), status=400)
    fw = rounds.framework_of(rnd)
    answers = {}
    for ref in fw.refs():
        qid = ref.question.id
        value, comment = request.POST.get(f"a-{qid}", "").strip(), request.POST.get(f"c-{qid}", "").strip()
        if value or comment:
            answers[qid] = {"value": value, "comment": comment[:4000]}
    _sub, problems = service.check_answers(fw, resp.institution.code, answers, complete=action == "submit")
    if problems:
        return _answer_page(request, rnd, resp, answers, problems, True, status=400)
    if action == "draft":
        rounds.save_draft(request.user, resp, answers)
        return redirect("assessments:answer", pk=rnd.pk)
    rounds.submit(request.user, resp, answers, "web")
    return redirect("assessments:round_detail", pk=rnd.pk)


@login_required
@require_GET
def workbook(request: HttpRequest, pk: int) -> HttpResponse:
    """The answer workbook made for the user's institution (drop-downs, protected, sealed)."""
    rnd, resp = _own_response(request, pk, *WRITERS)
    inst = resp.institution
    body = service.blank_workbook(rounds.framework_of(rnd), inst.code, inst.name, lang_of(request))
    out = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    out["Content-Disposition"] = f'attachment; filename="assessment_FY{rnd.fiscal_year}_{inst.code}.xlsx"'
    return out


@login_required
@require_POST
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit by workbook: the importer's checks; a workbook for another institution is refused, nothing stored."""
    rnd, resp = _own_response(request, pk, *WRITERS)
    require_write(request.user, resp.institution, *WRITERS)
    form = WorkbookForm(request.POST, request.FILES)
    lang = lang_of(request)
    if not form.is_valid():
        return HttpResponse(gettext("回答票のファイルを選んでください。"), status=400)
    f = form.cleaned_data["workbook"]
    name = Path(f.name).name
    if f.size > MAX_WORKBOOK_BYTES or Path(name).suffix.lower() not in (".xlsx", ".xlsm"):
        return _upload_refused(request, rnd, [gettext("Excel の回答票(.xlsx、10MB まで)を選んでください。")])
    raw = b"".join(f.chunks())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(raw)
        result = service.read_workbook(path, rounds.framework_of(rnd), resp.institution.code, lang)
    if result.problems:
        return _upload_refused(request, rnd, [p.message(lang) for p in result.problems])
    sub = result.submissions[0]
    answers = {q: {"value": a.value, "comment": a.comment, "evidence": a.evidence} for q, a in sub.answers.items()}
    rounds.submit(request.user, resp, answers, "xlsx", name, hashlib.sha256(raw).hexdigest())
    return redirect("assessments:round_detail", pk=rnd.pk)


def _upload_refused(request: HttpRequest, rnd: Round, problems: list[str]) -> HttpResponse:
    return render(request, "assessments/upload_refused.html", {"round": rnd, "problems": problems}, status=400)


def round_or_404(pk: int) -> Round:
    """A round by id for the supervisor's views (they read every round)."""
    return get_object_or_404(Round, pk=pk)
