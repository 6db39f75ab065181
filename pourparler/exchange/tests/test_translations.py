"""Imports in French (language cookie) and Arabic (browser language): the list of runs and
the upload form with its column mapping."""

from __future__ import annotations

import html

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from pourparler.testing.http import sign_in
from pourparler.testing.personas import World

pytestmark = pytest.mark.django_db


def test_imports_speak_french_and_arabic(world: World) -> None:
    client = Client()
    sign_in(client, world.alice)

    # The middleware leaves the language of the last request active: restore English after.
    with translation.override(settings.LANGUAGE_CODE):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        listing = client.get(reverse("import_list"))
        upload = client.get(reverse("import_upload"))
        del client.cookies[settings.LANGUAGE_COOKIE_NAME]
        arabic = client.get(reverse("import_upload"), headers={"accept-language": "ar"})

    assert listing.status_code == upload.status_code == arabic.status_code == 200
    french_list = html.unescape(listing.content.decode())
    french = html.unescape(upload.content.decode())
    assert "File d'examen" in french_list and "Rien n'a encore été importé." in french_list
    assert "Importer une liste de porteurs d'armes" in french
    assert "Nom du porteur d'armes (obligatoire)" in french  # a column of the mapping
    assert "Aperçu de l'import" in french and "Preview the import" not in french
    assert "Review queue" not in french_list and "Nothing has been imported" not in french_list
    page = arabic.content.decode()
    assert 'dir="rtl"' in page
    assert "استيراد قائمة بحاملي السلاح" in page and "معاينة الاستيراد" in page
    assert "Import a list of bearers" not in page and "Preview the import" not in page


def test_a_refused_import_is_told_in_the_readers_language_later(world: World) -> None:
    """The run keeps each problem's sentence and values apart, not a sentence in English."""
    from pourparler.exchange.choices import RunStatus
    from pourparler.exchange.services import run_import

    text = "name,kind\nFront A,brigands\n,militia\n"
    run = run_import("generic", text.encode(), "liste.csv", actor=world.alice)
    assert run.status == RunStatus.REFUSED
    stored = run.report["errors"]
    assert [e["template"] for e in stored] == [
        "unknown kind “%(kind)s”: say armed forces, police, gendarmerie, armed group, militia, "
        "private security or peace operation",
        "the bearer has no name",
    ]
    assert stored[0]["values"] == {"kind": "brigands"}

    client = Client()
    sign_in(client, world.alice)
    page = reverse("import_detail", args=[run.pk])
    with translation.override(settings.LANGUAGE_CODE):
        english = html.unescape(client.get(page).content.decode())
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        french = html.unescape(client.get(page).content.decode())
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
        arabic = html.unescape(client.get(page).content.decode())

    assert "unknown kind “brigands”" in english and "the bearer has no name" in english
    assert "type inconnu « brigands »" in french
    assert "le porteur d’armes n’a pas de nom" in french
    assert "unknown kind" not in french and "the bearer has no name" not in french
    assert "نوع غير معروف «brigands»" in arabic and "حامل السلاح بلا اسم" in arabic
