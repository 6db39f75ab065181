"""Calling the API in tests as a script would: a personal token in the header."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from pourparler.api.models import TokenScope
from pourparler.api.tokens import issue_token
from pourparler.core.models import User

BASE = "/api/v1"


class ApiClient:
    """A test client that sends a user's token and speaks JSON."""

    def __init__(self, user: User, scope: str = TokenScope.READ_WRITE) -> None:
        self.user = user
        self.secret = issue_token(user, scope=scope, name="tests").secret
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {self.secret}")

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(BASE + path, params)

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(BASE + path, json.dumps(body), content_type="application/json")

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(BASE + path, json.dumps(body), content_type="application/json")

    def delete(self, path: str, **params: Any) -> Any:
        query = "&".join(f"{key}={value}" for key, value in params.items())
        return self.client.delete(f"{BASE}{path}?{query}")


def ids_of(response: Any) -> list[str]:
    """The ids of the rows of a list page."""
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["items"]]
