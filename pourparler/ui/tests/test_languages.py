"""The language switcher, the page direction and localised dates (four languages)."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation
from django.utils.formats import date_format

from pourparler.dialogue.services import do_create_follow_up
from pourparler.testing.http import sign_in
from pourparler.testing.personas import World

pytestmark = pytest.mark.django_db


def test_a_signed_out_visitor_switches_the_sign_in_page_to_arabic(client: Client) -> None:
    page = client.get("/login/").content.decode()
    assert '<html lang="en" dir="ltr">' in page
    assert 'name="language" value="ar"' in page
    response = client.post("/i18n/setlang/", {"language": "ar", "next": "/login/"})
    assert response.status_code == 302 and response["Location"] == "/login/"
    page = client.get("/login/").content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "تسجيل الدخول" in page
    # Each language keeps its own name on the switcher, whatever the page's language.
    for code, name in (("en", "English"), ("fr", "Français"), ("es", "Español")):
        assert f'value="{code}" lang="{code}">{name}</button>' in page
    assert 'lang="ar" aria-current="true" disabled>العربيّة</button>' in page


def test_the_switcher_keeps_csrf(client: Client) -> None:
    checked = Client(enforce_csrf_checks=True)
    response = checked.post("/i18n/setlang/", {"language": "fr", "next": "/login/"})
    assert response.status_code == 403


def test_the_switcher_will_not_send_anyone_off_site(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "https://evil.example/"})
    assert response.status_code == 302 and "evil" not in response["Location"]


def test_the_navigation_follows_the_browser_language(client: Client, world: World) -> None:
    sign_in(client, world.alice)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="fr" dir="ltr">' in page
    assert "Mon travail" in page and "Enregistrer une interaction" in page
    assert ">My work<" not in page
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Mi trabajo" in page and "Registrar una interacción" in page


def test_a_date_is_written_the_way_each_language_writes_it(client: Client, world: World) -> None:
    do_create_follow_up(
        None,
        actor=world.alice,
        owner=world.alice,
        compartment=world.varnia,
        action="Send the summary of the rules",
        due_on=datetime.date(2030, 3, 14),
    )
    sign_in(client, world.alice)
    pages = {
        lang: client.get("/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
        for lang in ("en", "fr", "es", "ar")
    }
    assert "14 Mar 2030" in pages["en"]
    assert "14/03/2030" in pages["fr"] and "14 Mar 2030" not in pages["fr"]
    assert "14/03/2030" in pages["es"]
    assert "14\u200f/03\u200f/2030" in pages["ar"] and "14 Mar 2030" not in pages["ar"]


def test_every_language_has_a_day_first_date_and_time() -> None:
    moment = datetime.datetime(2030, 3, 14, 16, 5, tzinfo=datetime.UTC)
    for lang in ("en", "fr", "es", "ar"):
        with translation.override(lang):
            written = date_format(moment, "SHORT_DATETIME_FORMAT")
        assert written.startswith("14") and "16:05" in written, (lang, written)


PHYSICAL_SIDES = re.compile(
    r"\b(?:margin|padding|border|inset)-(?:left|right)\b|(?<![-\w])(?:left|right)\s*:"
    r"|text-align\s*:\s*(?:left|right)|float\s*:\s*(?:left|right)"
)


@pytest.mark.parametrize(
    "stylesheet", ["ui/static/ui/pourparler.css", "people/static/people/subject_access.css"]
)
def test_stylesheets_use_logical_sides_so_arabic_mirrors(stylesheet: str) -> None:
    css = (Path(__file__).resolve().parents[2] / stylesheet).read_text(encoding="utf-8")
    assert PHYSICAL_SIDES.findall(css) == []
    assert PHYSICAL_SIDES.search(".x { margin-left: 1rem }")
    assert PHYSICAL_SIDES.search(".x { left: 0 }")
    assert not PHYSICAL_SIDES.search(".x { inset-inline-start: 0; margin-inline-end: 1px }")
