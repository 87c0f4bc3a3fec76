"""Dashboard, institutions and their people; every read goes through `scoped`."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import validate_password
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from kansa.web.org.models import ADMIN, INSTITUTION_ROLES, ROLES, SUPERVISOR, Institution, Membership, Role
from kansa.web.org.scoping import is_supervisor, membership, require_role, require_write, scoped, scoped_get
from kansa.web.trail.chain import record

READERS = ROLES
INSTITUTIONS_PER_PAGE = 100   # a supervisor may watch hundreds; a page stays quick to render and to read


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Home: one's own institution, or for the supervisor an overview across institutions."""
    m = membership(request.user)
    institutions = scoped(request.user, Institution.objects.all())
    by_type = list(institutions.values("type").annotate(n=Count("id")).order_by("type"))
    return render(request, "org/dashboard.html", {
        "m": m, "supervisor": m.role == SUPERVISOR, "institution_count": institutions.count(),
        "by_type": by_type, "own": m.institution})


@login_required
@require_GET
def institution_list(request: HttpRequest) -> HttpResponse:
    """Institutions the user may read (their own; all for the supervisor), filterable by type."""
    require_role(request.user, *READERS)
    qs = scoped(request.user, Institution.objects.all())
    kind = request.GET.get("type", "")
    if kind:
        qs = qs.filter(type=kind)
    page = Paginator(qs.order_by("code"), INSTITUTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "org/institution_list.html", {
        "institutions": page.object_list, "page": page, "total": page.paginator.count, "kind": kind,
        "query": urlencode({"type": kind} if kind else {}), "types": Institution._meta.get_field("type").choices})


@login_required
@require_GET
def institution_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One institution and its people (404 for an institution the user may not read)."""
    inst = scoped_get(request.user, Institution.objects.all(), code=code)
    members = scoped(request.user, Membership.objects.select_related("user")).filter(institution=inst)
    can_admin = (not is_supervisor(request.user) and membership(request.user).role == ADMIN)
    return render(request, "org/institution_detail.html",
                  {"inst": inst, "members": members, "can_admin": can_admin, "form": UserForm()})


class UserForm(forms.Form):
    """A new person at the admin's own institution."""

    username = forms.CharField(label=_("ユーザー名"), max_length=150)
    role = forms.ChoiceField(label=_("役割"), choices=[(r, Role(r).label) for r in INSTITUTION_ROLES])
    password = forms.CharField(label=_("初期パスワード"), widget=forms.PasswordInput, strip=False)

    def clean_username(self) -> str:
        """Usernames are unique."""
        name: str = self.cleaned_data["username"]
        if get_user_model().objects.filter(username=name).exists():
            raise forms.ValidationError(_("このユーザー名は使われています。"))
        return name

    def clean(self) -> dict[str, object]:
        """Apply Django's password validators."""
        data = super().clean() or {}
        if data.get("password"):
            try:
                validate_password(str(data["password"]))
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


@login_required
@require_http_methods(["POST"])
def user_create(request: HttpRequest, code: str) -> HttpResponse:
    """An institution's admin adds a person with a role (recorded on the trail)."""
    inst = scoped_get(request.user, Institution.objects.all(), code=code)
    require_write(request.user, inst, ADMIN)
    form = UserForm(request.POST)
    if not form.is_valid():
        members = Membership.objects.filter(institution=inst).select_related("user")
        return render(request, "org/institution_detail.html",
                      {"inst": inst, "members": members, "can_admin": True, "form": form}, status=400)
    with transaction.atomic():
        user = get_user_model().objects.create_user(form.cleaned_data["username"],
                                                    password=form.cleaned_data["password"])
        Membership.objects.create(user=user, institution=inst, role=form.cleaned_data["role"])
        record(request.user.username, "create", "user", user.pk, institution_code=inst.code,
               after={"username": user.username, "role": form.cleaned_data["role"]})
    return redirect("org:institution_detail", code=inst.code)
