"""Every URL in the URLconf x every role x own/other institution/anonymous answers as the matrix says."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver

from tests.web.matrix import ALL, ROLES, builders, merged
from tests.web.people import make_world, signed_in

DENIED = {403, 404}

MATRIX = merged()


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
        objects: dict[str, dict[str, dict[str, object]]] = {}
        for label, inst in (("own", w.own), ("other", w.other)):
            objects[label] = {}
            for build in builders():
                objects[label].update(build(inst))
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
