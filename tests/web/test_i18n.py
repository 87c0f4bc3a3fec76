"""Japanese first, English per user: the compiled catalogue is complete and the user's choice sticks."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.test import TestCase

from tests.web.people import make_world, signed_in

WEB = Path(__file__).resolve().parents[2] / "src" / "kansa" / "web"
CATALOGUES = sorted([*WEB.glob("locale/en/LC_MESSAGES/django.po"), *WEB.glob("*/locale/en/LC_MESSAGES/django.po")])


def test_there_is_a_catalogue() -> None:
    assert WEB / "locale" / "en" / "LC_MESSAGES" / "django.po" in CATALOGUES


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(WEB)))
def test_every_message_is_translated_and_compiled(path: Path) -> None:
    po = path.read_text(encoding="utf-8")
    empty = re.findall(r'msgid "(.+)"\nmsgstr ""\n(?!")', po)
    assert "#, fuzzy" not in po
    assert empty == [], f"untranslated: {empty}"
    mo = gettext.GNUTranslations(path.with_suffix(".mo").open("rb"))
    for msgid in re.findall(r'^msgid "(.+)"$', po, flags=re.M):
        assert mo.gettext(msgid) != msgid, f"{msgid} not in the compiled .mo (run msgfmt)"


class LanguageTest(TestCase):
    """Pages follow the user's language."""

    def test_japanese_by_default_and_english_after_switching(self) -> None:
        w = make_world()
        c = signed_in(w.users["admin"])
        body = c.get(f"/institutions/{w.own.code}/").content.decode()
        assert "利用者と役割" in body and "People and roles" not in body
        assert c.post("/accounts/language/", {"language": "en", "next": "/"}).status_code == 302
        body = c.get(f"/institutions/{w.own.code}/").content.decode()
        assert "People and roles" in body and "Regional bank" in body and "利用者と役割" not in body
        w.users["admin"].refresh_from_db()  # type: ignore[attr-defined]
        assert w.users["admin"].membership.language == "en"  # type: ignore[attr-defined]

    def test_django_own_texts_are_japanese_too(self) -> None:
        from django.test import Client
        body = Client().get("/accounts/login/").content.decode()
        assert "ユーザー名" in body and "パスワード" in body

    def test_language_switch_never_redirects_off_site(self) -> None:
        w = make_world()
        r = signed_in(w.users["auditor"]).post("/accounts/language/", {"language": "en", "next": "https://evil.example/"})
        assert r["Location"] == "/"
