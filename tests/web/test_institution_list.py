"""The supervisor's institution list: every institution reachable, a hundred a page, the type filter kept."""

from __future__ import annotations

import re

from django.test import TestCase

from kansa.web.org.models import Institution
from tests.web.people import make_world, signed_in


class InstitutionListTest(TestCase):
    """Paging, counting and filtering of /institutions/."""

    def setUp(self) -> None:
        self.world = make_world()   # 0001 regional bank, 0002 shinkin
        Institution.objects.bulk_create([Institution(code=f"B{i:04d}", name=f"機関{i}",
                                                     type="shinkin" if i % 3 else "shinkumi") for i in range(248)])

    def _codes(self, html: str) -> list[str]:
        return re.findall(r'href="/institutions/([^/"]+)/"', html)

    def test_a_supervisor_pages_through_all_250_institutions_without_losing_one(self) -> None:
        c = signed_in(self.world.users["supervisor"])
        seen: list[str] = []
        for n in (1, 2, 3):
            html = c.get(f"/institutions/?page={n}").content.decode()
            assert "250 機関" in html
            seen += self._codes(html)
        assert len(seen) == 250 and len(set(seen)) == 250
        assert self._codes(c.get("/institutions/?page=1").content.decode())[:2] == ["0001", "0002"]

    def test_the_type_filter_counts_and_stays_in_the_page_links(self) -> None:
        c = signed_in(self.world.users["supervisor"])
        html = c.get("/institutions/?type=shinkin").content.decode()
        shinkin = 1 + sum(1 for i in range(248) if i % 3)
        assert f"{shinkin} 機関" in html and "?type=shinkin&amp;page=2" in html
        assert "0001" not in self._codes(html)

    def test_an_institution_user_still_sees_only_their_own(self) -> None:
        c = signed_in(self.world.users["auditor"])
        html = c.get("/institutions/").content.decode()
        assert self._codes(html) == ["0001"] and "1 機関" in html
