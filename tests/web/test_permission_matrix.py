"""Every URL in the URLconf x every role x own/other institution/anonymous answers as the matrix says."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver

from kansa.web.scans.models import Flag, Scan
from tests.web.people import make_world, signed_in

ROLES = ["auditor", "business_line", "risk_compliance", "management", "admin", "supervisor"]
ALL = set(ROLES)
DENIED = {403, 404}

# url name -> (method, the object it takes (False, code, scan, flag), roles allowed on own institution,
#              roles allowed on another's, status when allowed, status for anonymous)
MATRIX: dict[str, tuple[str, Any, set[str], set[str], set[int], set[int]]] = {
    "org:dashboard": ("GET", False, ALL, set(), {200}, {302}),
    "org:institution_list": ("GET", False, ALL, set(), {200}, {302}),
    "org:institution_detail": ("GET", "code", ALL, {"supervisor"}, {200}, {302}),
    "org:user_create": ("POST", "code", {"admin"}, set(), {400}, {302}),   # empty form: allowed -> 400
    "trail:event_list": ("GET", False, {"auditor", "admin", "supervisor"}, set(), {200}, {302}),
    "scans:scan_list": ("GET", False, ALL, set(), {200}, {302}),
    "scans:scan_detail": ("GET", "scan", ALL, {"supervisor"}, {200}, {302}),
    "scans:flag_list": ("GET", "scan", ALL, {"supervisor"}, {200}, {302}),
    "scans:flag_detail": ("GET", "flag", ALL, {"supervisor"}, {200}, {302}),
    "scans:compare": ("GET", "compare", ALL, {"supervisor"}, {200}, {302}),
    "scans:explain": ("POST", "flag", {"business_line"}, set(), {400}, {302}),   # empty form: allowed -> 400
    "scans:dispose": ("POST", "flag", {"auditor"}, set(), {400}, {302}),
    "accounts:login": ("GET", False, ALL, set(), {200}, {200}),
    "accounts:logout": ("POST", False, ALL, set(), {302}, {302}),
    "accounts:mfa": ("GET", False, ALL, set(), {302}, {302}),   # verified users go on to the dashboard
    "accounts:recovery_codes": ("POST", False, ALL, set(), {200}, {302}),
    "accounts:language": ("POST", False, ALL, set(), {302}, {302}),
}


def _names(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _names(p, f"{prefix}{p.namespace}:" if p.namespace else prefix)
        elif isinstance(p, URLPattern):
            assert p.name, f"unnamed URL pattern {p.pattern}: every URL needs a name and a matrix entry"
            yield prefix + p.name


def test_every_url_has_a_matrix_entry() -> None:
    names = set(_names(get_resolver()))
    assert names == set(MATRIX), f"missing: {names - set(MATRIX)}, stale: {set(MATRIX) - names}"


def _call(client: Client, name: str, kwargs: dict[str, object] | None) -> int:
    from django.urls import reverse
    method = MATRIX[name][0]
    url = reverse(name, kwargs=kwargs)
    resp: Any = client.post(url, {}) if method == "POST" else client.get(url)
    return int(resp.status_code)


class PermissionMatrixTest(TestCase):
    """Enumerated: URL x role x (own, other, anonymous)."""

    def test_matrix(self) -> None:
        w = make_world()
        objects = {}
        for label, inst in (("own", w.own), ("other", w.other)):
            scan = Scan.objects.create(institution=inst, source_name="x.zip", status="done")
            flag = Flag.objects.create(scan=scan, institution=inst, rule_id="r", entity_type="customer",
                                       entity_id="C1", severity="high", reason="-")
            objects[label] = {"code": {"code": inst.code}, "scan": {"pk": scan.pk}, "flag": {"pk": flag.pk},
                              "compare": {"pk": scan.pk, "base": scan.pk}}
        failures = []
        for name, (_m, kind, own_ok, other_ok, ok_status, anon_status) in MATRIX.items():
            targets: list[tuple[str, dict[str, object] | None]] = (
                [("own", objects["own"][kind]), ("other", objects["other"][kind])] if kind else [("-", None)])
            for role in ROLES:
                for label, code in targets:
                    allowed = role in (other_ok if label == "other" else own_ok)
                    got = _call(signed_in(w.users[role]), name, code)
                    want = ok_status if allowed else DENIED
                    if got not in want:
                        failures.append(f"{name} {role} {label}: {got}, want {sorted(want)}")
            for _label, code in targets:
                got = _call(Client(), name, code)
                if got not in anon_status:
                    failures.append(f"{name} anonymous: {got}, want {sorted(anon_status)}")
        assert not failures, "\n".join(failures)

    def test_admin_adds_user_only_to_own_institution(self) -> None:
        w = make_world()
        from django.contrib.auth import get_user_model
        form = {"username": "new_teller", "role": "business_line", "password": "Sakura-Mochi-2026!"}
        r = signed_in(w.users["admin"]).post(f"/institutions/{w.own.code}/users/", form)
        assert r.status_code == 302
        assert get_user_model().objects.get(username="new_teller").membership.institution == w.own
        r = signed_in(w.users["admin"]).post(f"/institutions/{w.other.code}/users/", {**form, "username": "x2"})
        assert r.status_code == 404
        r = signed_in(w.users["supervisor"]).post(f"/institutions/{w.own.code}/users/", {**form, "username": "x3"})
        assert r.status_code == 403
        assert not get_user_model().objects.filter(username__in=["x2", "x3"]).exists()

    def test_institution_list_shows_only_own_institution(self) -> None:
        w = make_world()
        body = signed_in(w.users["management"]).get("/institutions/").content.decode()
        assert w.own.name in body and w.other.name not in body
        body = signed_in(w.users["supervisor"]).get("/institutions/").content.decode()
        assert w.own.name in body and w.other.name in body


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix_entries_are_well_formed(name: str) -> None:
    method, _kind, own_ok, other_ok, ok_status, _anon = MATRIX[name]
    assert method in {"GET", "POST"} and own_ok <= ALL and other_ok <= own_ok and not (ok_status & DENIED)


class UploadPermissionTest(TestCase):
    """Only auditors, risk & compliance and admins start scans, and only for their own institution."""

    def test_upload_roles(self) -> None:
        w = make_world()
        for role in ROLES:
            got = signed_in(w.users[role]).post("/scans/", {}).status_code
            want = {400} if role in {"auditor", "risk_compliance", "admin"} else {403}
            assert got in want, (role, got)
