"""The one scoping helper: every query that returns institution data goes through `scoped`."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from kansa.web.org.models import SUPERVISOR, Institution, Membership

M = TypeVar("M", bound=Model)


def membership(user: Any) -> Membership:
    """The user's membership; users without one (or anonymous) are refused."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    try:
        m: Membership = user.membership
        return m
    except Membership.DoesNotExist as exc:
        raise PermissionDenied from exc


def is_supervisor(user: Any) -> bool:
    """True for the supervisor role (reads across institutions, writes none)."""
    return membership(user).role == SUPERVISOR


def scoped(user: Any, queryset: QuerySet[M], field: str = "institution") -> QuerySet[M]:
    """Restrict `queryset` to what `user` may read: their institution, or everything for a supervisor."""
    m = membership(user)
    if m.role == SUPERVISOR:
        return queryset
    if queryset.model is Institution and field == "institution":
        return queryset.filter(pk=m.institution_id)
    return queryset.filter(**{f"{field}_id": m.institution_id})


def scoped_get(user: Any, queryset: QuerySet[M], field: str = "institution", **lookup: Any) -> Any:
    """One object the user may read, else 404 (another institution's object is indistinguishable from none)."""
    try:
        return scoped(user, queryset, field).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def require_role(user: Any, *roles: str) -> Membership:
    """The user's membership if their role is among `roles`, else 403."""
    m = membership(user)
    if m.role not in roles:
        raise PermissionDenied
    return m


def require_write(user: Any, institution: Institution, *roles: str) -> Membership:
    """Writes: only members of that institution with one of `roles`; the supervisor writes into none."""
    m = require_role(user, *roles)
    if m.role == SUPERVISOR or m.institution_id != institution.pk:
        raise PermissionDenied
    return m


def context(request: HttpRequest) -> dict[str, Any]:
    """Template context: the signed-in user's membership (or None)."""
    user = getattr(request, "user", None)
    m = getattr(user, "membership", None) if user is not None and user.is_authenticated else None
    return {"membership": m}
