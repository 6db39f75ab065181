"""A need-to-know grant on a bearer opens the files about it that are not restricted, as
it does for interactions (docs/negotiation.md, docs/security.md): never a restricted one.
Found by the leak property test (pourparler/core/tests/test_leaks.py)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pourparler.core.services import do_grant_access
from pourparler.negotiation.models import IslandItem, NegotiationFile, NegotiationVersion
from pourparler.negotiation.tests.helpers import fill, open_file
from pourparler.testing.http import sign_in
from pourparler.testing.personas import World, make_bearer

pytestmark = pytest.mark.django_db


def test_a_bearer_grant_opens_the_open_files_about_the_bearer_and_no_restricted_one(
    world: World,
) -> None:
    bearer = make_bearer(world.alice)
    shared = open_file(world, bearer=bearer, title="Shared with the bearer's grant")
    secret = open_file(world, bearer=bearer, title="Held close", restricted=True)
    fill(world, secret)
    do_grant_access(
        actor=world.adam,
        grantee=world.dave,
        access="write",
        bearer=bearer,
        reason="Negotiating the release of detainees held by the bearer",
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    for action in ("view", "change"):
        assert list(NegotiationFile.objects.visible_to(world.dave, action)) == [shared]
    # Nor what is under the restricted file (a bearer grant opens no rows under a file).
    assert not IslandItem.objects.visible_to(world.dave).exists()
    assert not NegotiationVersion.objects.visible_to(world.dave).filter(file=secret).exists()
    client = Client()
    sign_in(client, world.dave)
    assert client.get(reverse("negotiation_file_detail", args=[shared.pk])).status_code == 200
    assert client.get(reverse("negotiation_file_detail", args=[secret.pk])).status_code == 404
    assert b"Held close" not in client.get(reverse("negotiation_file_list")).content
