"""Sessions expire after 30 idle minutes, slid forward by activity, written at most once a minute."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from unittest import mock

from django.contrib.sessions.models import Session
from django.test import TestCase

from tests.web.people import make_world, signed_in


class IdleExpiryTest(TestCase):
    """IdleExpiryMiddleware: activity extends the session; repeated pages within a minute do not write it."""

    def _expiry(self, key: str) -> datetime:
        return Session.objects.get(session_key=key).expire_date

    def test_activity_slides_the_expiry_forward_and_idle_pages_within_a_minute_do_not_write(self) -> None:
        w = make_world()
        c = signed_in(w.users["auditor"])
        key = c.session.session_key
        t0 = float(int(time.time()))
        with mock.patch("kansa.web.accounts.middleware.time.time", return_value=t0), \
                mock.patch("django.utils.timezone.now") as now:
            now.return_value = datetime.fromtimestamp(t0, UTC)
            assert c.get("/").status_code == 200
            first = self._expiry(key)
            now.return_value = datetime.fromtimestamp(t0 + 30, UTC)
            with mock.patch("kansa.web.accounts.middleware.time.time", return_value=t0 + 30):
                assert c.get("/").status_code == 200
            assert self._expiry(key) == first          # 30 s later: no write
            now.return_value = datetime.fromtimestamp(t0 + 120, UTC)
            with mock.patch("kansa.web.accounts.middleware.time.time", return_value=t0 + 120):
                assert c.get("/").status_code == 200
            later = self._expiry(key)
        assert (later - first).total_seconds() == 120  # 2 min later: expiry moved by 2 min
        assert (first - datetime.fromtimestamp(t0, UTC)).total_seconds() == 30 * 60

    def test_a_session_idle_past_thirty_minutes_is_signed_out(self) -> None:
        w = make_world()
        c = signed_in(w.users["auditor"])
        Session.objects.filter(session_key=c.session.session_key).update(
            expire_date=Session.objects.get(session_key=c.session.session_key).expire_date.replace(year=2000))
        r = c.get("/")
        assert r.status_code == 302 and "/accounts/login/" in r["Location"]
