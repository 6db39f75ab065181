"""The core's pages and messages in four languages: the audit log and the message that
says why a session ended."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.test import Client

from pourparler.core.middleware import LAST_SEEN
from pourparler.testing.http import sign_in
from pourparler.testing.personas import World

pytestmark = pytest.mark.django_db


def test_the_audit_log_in_french_and_arabic(client: Client, world: World) -> None:
    sign_in(client, world.audrey)
    french = client.get("/audit/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "<h1>Journal d'audit</h1>" in french and "Nom d'utilisateur" in french
    assert "Connexion" in french  # the kind of the auditor's own sign-in, translated
    assert "<h1>Audit log</h1>" not in french and ">Record id<" not in french
    arabic = client.get("/audit/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert '<html lang="ar" dir="rtl">' in arabic and "<h1>سجل التدقيق</h1>" in arabic
    assert "<h1>Audit log</h1>" not in arabic


def test_the_idle_sign_out_is_explained_in_the_reader_s_language(
    client: Client, world: World
) -> None:
    sign_in(client, world.alice)
    session = client.session
    session[LAST_SEEN] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 1
    session.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    response = client.get("/bearers/")
    page = client.get(response["Location"]).content.decode()
    assert "Sesión cerrada tras 30 minutos sin actividad." in page
