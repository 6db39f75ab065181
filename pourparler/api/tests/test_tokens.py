"""Personal API tokens: stored as a hash, scoped, expiring, revocable, audited; made and
revoked with `pourparler token`."""

from __future__ import annotations

import datetime
import hashlib
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django.utils import timezone

from pourparler.api.models import ApiToken, TokenScope
from pourparler.api.tests.helpers import BASE, ApiClient
from pourparler.api.tokens import TokenRefused, issue_token, revoke_token
from pourparler.core.choices import AuditKind
from pourparler.core.models import AuditEvent, User
from pourparler.testing.personas import World

pytestmark = pytest.mark.django_db


def call(secret: str, method: str = "get", path: str = "/bearers/") -> tuple[int, bytes]:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    if method == "get":
        response = client.get(BASE + path)
    else:
        body = json.dumps({"name": "Coastal Guard", "kind": "other_law_enforcement"})
        response = client.post(BASE + path, body, content_type="application/json")
    return response.status_code, response.content


def test_the_database_holds_the_hash_and_prefix_never_the_token(world: World) -> None:
    issued = issue_token(world.alice, scope=TokenScope.READ, name="nightly export")
    secret = issued.secret
    assert secret.startswith("ppt_")
    assert len(secret) == 4 + 43
    row = ApiToken.objects.get(pk=issued.token.pk)
    assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert row.prefix == secret[:12]
    stored = " ".join(str(value) for value in ApiToken.objects.values().get(pk=row.pk).values())
    assert secret not in stored
    assert secret[12:] not in stored
    assert call(secret)[0] == 200


def test_a_token_expires_after_the_default_or_chosen_days(world: World) -> None:
    now = timezone.now()
    default = issue_token(world.alice).token
    assert now + datetime.timedelta(days=89) < default.expires_at
    assert default.expires_at <= now + datetime.timedelta(days=90, minutes=1)
    week = issue_token(world.alice, days=7).token
    assert week.expires_at <= now + datetime.timedelta(days=7, minutes=1)
    with pytest.raises(TokenRefused):
        issue_token(world.alice, days=366)
    with pytest.raises(TokenRefused):
        issue_token(world.alice, days=0)
    with override_settings(API_TOKEN_MAX_DAYS=30), pytest.raises(TokenRefused):
        issue_token(world.alice, days=31)


def test_an_expired_revoked_or_unknown_token_gets_one_and_the_same_401(world: World) -> None:
    expired = issue_token(world.alice, days=1)
    ApiToken.objects.filter(pk=expired.token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    revoked = issue_token(world.alice)
    revoke_token(revoked.token)
    inactive_owner = issue_token(world.bob)
    User.objects.filter(pk=world.bob.pk).update(is_active=False)
    unknown = "ppt_" + "A" * 43
    answers = {
        call(secret)
        for secret in (expired.secret, revoked.secret, inactive_owner.secret, unknown, "")
    }
    assert len(answers) == 1
    status, body = answers.pop()
    assert status == 401
    assert json.loads(body) == {
        "detail": "Sign in: send a valid token as 'Authorization: Bearer …'."
    }


def test_revoking_stops_a_token_at_once_and_is_audited(world: World) -> None:
    issued = issue_token(world.alice)
    assert call(issued.secret)[0] == 200
    revoked = revoke_token(issued.token, actor=world.carol)
    assert revoked.revoked_at is not None
    again = revoke_token(issued.token)
    assert again.revoked_at == revoked.revoked_at
    assert call(issued.secret)[0] == 401

    events = AuditEvent.objects.filter(object_id=issued.token.pk).order_by("seq")
    assert [(e.kind, e.detail.get("action")) for e in events] == [
        (AuditKind.PERMISSION_CHANGED, "api_token_created"),
        (AuditKind.PERMISSION_CHANGED, "api_token_revoked"),
        (AuditKind.LOGIN_FAILED, None),
    ]
    created, revoked_event, refused = events
    assert created.actor_name == "system" and revoked_event.actor == world.carol
    assert created.detail["token"] == issued.token.prefix
    assert issued.secret not in json.dumps([e.detail for e in events])
    assert refused.detail == {
        "username": "alice",
        "factor": "api_token",
        "token": issued.token.prefix,
        "reason": "revoked",
    }


def test_a_read_token_reads_and_may_not_write(world: World) -> None:
    reader = issue_token(world.alice, scope=TokenScope.READ).secret
    writer = issue_token(world.alice, scope=TokenScope.READ_WRITE).secret
    assert call(reader)[0] == 200
    status, body = call(reader, "post")
    assert (status, json.loads(body)) == (403, {"detail": "This token may read only."})
    assert call(writer, "post")[0] == 201


def test_a_token_acts_as_its_owner_and_no_one_else(world: World) -> None:
    mine = ApiClient(world.alice)
    assert (
        mine.post("/people/", {"compartment": str(world.kestria.pk), "full_name": "X"}).status_code
        == 403
    )
    assert (
        mine.post("/people/", {"compartment": str(world.varnia.pk), "full_name": "X"}).status_code
        == 201
    )
    auditor = ApiClient(world.audrey)
    assert auditor.get("/people/").json()["items"] == []


def test_last_use_is_noted_at_most_once_a_minute(world: World) -> None:
    issued = issue_token(world.alice)
    assert issued.token.last_used_at is None
    call(issued.secret)
    first = ApiToken.objects.get(pk=issued.token.pk).last_used_at
    assert first is not None
    call(issued.secret)
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at == first
    ApiToken.objects.filter(pk=issued.token.pk).update(
        last_used_at=first - datetime.timedelta(minutes=2)
    )
    call(issued.secret)
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at > first


def test_the_command_makes_lists_and_revokes_tokens(world: World) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "token",
        "create",
        "alice",
        "--scope",
        "read-write",
        "--days",
        "30",
        "--name",
        "sync",
        stdout=out,
        stderr=err,
    )
    secret = out.getvalue().strip()
    token = ApiToken.objects.get(user=world.alice)
    assert token.scope == TokenScope.READ_WRITE
    assert token.name == "sync"
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert "shown this once" in err.getvalue()
    assert call(secret, "post")[0] == 201

    listing = io.StringIO()
    call_command("token", "list", "alice", stdout=listing)
    assert token.prefix in listing.getvalue()
    assert "active" in listing.getvalue()
    assert secret not in listing.getvalue()

    call_command("token", "revoke", str(token.pk), stdout=io.StringIO())
    assert call(secret)[0] == 401
    listing = io.StringIO()
    call_command("token", "list", "alice", stdout=listing)
    assert "revoked" in listing.getvalue()

    with pytest.raises(CommandError):
        call_command("token", "create", "nobody", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("token", "create", "alice", "--days", "400", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("token", "revoke", "not-an-id", stdout=io.StringIO())
