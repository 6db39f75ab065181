"""Who may call the API: a token or a session that passed both factors, nothing else; the
schema and the docs page behind the same wall; answers kept out of caches."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from pourparler.api.api import api
from pourparler.api.tests.conftest import Varnia
from pourparler.api.tests.helpers import BASE, ApiClient
from pourparler.testing.http import sign_in
from pourparler.testing.personas import World

pytestmark = pytest.mark.django_db

UNAUTHORIZED = {"detail": "Sign in: send a valid token as 'Authorization: Bearer …'."}


def bearer_body() -> str:
    return json.dumps({"name": "Coastal Guard", "kind": "other_law_enforcement"})


def test_without_credentials_the_api_answers_401_in_json(world: World) -> None:
    client = Client()
    for response in (
        client.get(f"{BASE}/bearers/"),
        client.post(f"{BASE}/bearers/", bearer_body(), content_type="application/json"),
    ):
        assert response.status_code == 401
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response.json() == UNAUTHORIZED
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_session_with_both_factors_reads_and_writes_with_the_csrf_token(
    world: World, varnia: Varnia
) -> None:
    browser = Client()
    sign_in(browser, world.alice)
    client = Client(enforce_csrf_checks=True)
    client.cookies = browser.cookies
    listed = client.get(f"{BASE}/interactions/")
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["items"]] == [str(varnia.meeting.pk)]

    refused = client.post(f"{BASE}/bearers/", bearer_body(), content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]

    client.get("/")  # any page sets the CSRF cookie, as the browser has it
    token = client.cookies["csrftoken"].value
    made = client.post(
        f"{BASE}/bearers/", bearer_body(), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert made.status_code == 201, made.content


def test_a_session_without_the_second_factor_is_refused(world: World, varnia: Varnia) -> None:
    client = Client()
    client.force_login(world.alice)  # the password step only
    response = client.get(f"{BASE}/interactions/")
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED
    # ... and the pages still send it to the code page, as before the API existed.
    page = client.get("/interactions/")
    assert page.status_code == 302
    assert page["Location"].startswith(("/login/verify/", "/account/two-factor/"))


def test_the_pages_stay_behind_the_login_wall(world: World) -> None:
    response = Client().get("/bearers/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_bad_token_never_falls_back_to_the_session(world: World) -> None:
    client = Client(HTTP_AUTHORIZATION="Bearer ppt_not-a-token")
    sign_in(client, world.alice)
    response = client.get(f"{BASE}/bearers/")
    assert response.status_code == 401


def test_a_token_call_starts_no_session(world: World, alice_api: ApiClient) -> None:
    from django.contrib.sessions.models import Session

    held = Session.objects.count()
    response = alice_api.get("/bearers/")
    assert response.status_code == 200
    assert not response.cookies
    assert Session.objects.count() == held


def test_api_answers_are_never_cached(world: World, alice_api: ApiClient) -> None:
    for response in (alice_api.get("/bearers/"), Client().get(f"{BASE}/bearers/")):
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


def test_an_unknown_path_answers_a_json_404(world: World, alice_api: ApiClient) -> None:
    for path in ("/no-such-thing/", "/bearers", "/bearers/a/b/"):
        response = alice_api.get(path)
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}


def test_the_schema_is_served_to_signed_in_callers_only(world: World, alice_api: ApiClient) -> None:
    anonymous = Client().get(f"{BASE}/openapi.json")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/login/")
    half = Client()
    half.force_login(world.alice)
    assert half.get(f"{BASE}/openapi.json").status_code == 302

    served = alice_api.get("/openapi.json")
    assert served.status_code == 200
    schema = served.json()
    assert schema == json.loads(json.dumps(api.get_openapi_schema()))
    assert schema["info"]["version"] == "1"
    assert set(schema["components"]["securitySchemes"]) == {"TokenAuth", "SessionAuth"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            answers = set(operation["responses"])
            assert {"401", "403"} <= answers, (method, path)
            if "{pk}" in path:
                assert "404" in answers, (method, path)
            if method == "patch" or method == "delete":
                assert "409" in answers, (method, path)
            for parameter in operation.get("parameters", []):
                # A query string has no null: an optional parameter is one left out.
                assert "null" not in json.dumps(parameter["schema"]), (path, parameter)


def test_the_docs_page_uses_local_files_only(world: World) -> None:
    client = Client()
    sign_in(client, world.alice)
    page = client.get(f"{BASE}/docs")
    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert all(source.startswith("/") and not source.startswith("//") for source in sources)
    assert "/static/ninja/swagger-ui-bundle.js" in sources
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
    for source in sources:
        if source.startswith("/static/"):
            assert finders.find(source.removeprefix("/static/")), source
    assert Client().get(f"{BASE}/docs").status_code == 302
