"""The concern models: what they say, what they store, and who may see them."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from pourparler.concerns.choices import ResponseKind
from pourparler.concerns.models import (
    Concern,
    ConcernFollowUp,
    ConcernSource,
    ConcernStatusChange,
    Representation,
    Response,
    start_of_period,
)
from pourparler.concerns.services import (
    do_add_concern_source,
    do_delete_concern,
    do_schedule_concern_follow_up,
)
from pourparler.concerns.tests.helpers import fresh, open_concern, represent, respond
from pourparler.core import crypto
from pourparler.core.access import forget_clearance
from pourparler.core.services import do_grant_access
from pourparler.testing.personas import World, make_bearer

pytestmark = pytest.mark.django_db

CHILDREN = (ConcernSource, Representation, Response, ConcernStatusChange, ConcernFollowUp)


def stored(obj: Any, field: str) -> str:
    """What the database holds for one field of a record (not the plaintext)."""
    value: str = type(obj)._base_manager.filter(pk=obj.pk).values_list(field, flat=True).get()
    return value


def test_start_of_period_and_the_date_as_precise_as_we_know_it() -> None:
    day = datetime.date(2026, 3, 17)
    assert start_of_period(day, "day") == day
    assert start_of_period(day, "month") == datetime.date(2026, 3, 1)
    assert start_of_period(day, "year") == datetime.date(2026, 1, 1)
    concern = Concern(occurred_on=day, date_precision="day")
    assert concern.occurred_display == "17 March 2026"
    concern.date_precision = "month"
    assert concern.occurred_display == "March 2026"
    concern.date_precision = "year"
    assert concern.occurred_display == "2026"


def test_what_each_record_is_called(world: World) -> None:
    army = make_bearer(world.alice)
    concern = open_concern(world.alice, world.varnia, [army], summary="Strike on the bridge")
    assert str(concern) == "Strike on the bridge"
    source = do_add_concern_source(
        concern, actor=world.alice, kind="witness", reliability="B", credibility="3"
    )
    assert source.grading == "B3" and str(source) == "Eyewitness (B3)"
    representation = represent(world.alice, concern, 4)
    assert str(representation) == f"Oral representation, {representation.made_on:%Y-%m-%d}"
    answer = respond(world.alice, concern, 2, ResponseKind.DENIED)
    assert str(answer).startswith("Denied, ") and answer.counts_as_response
    assert not Response(kind=ResponseKind.NO_RESPONSE).counts_as_response
    change = ConcernStatusChange.objects.filter(concern=concern).last()
    assert change is not None and str(change).startswith("Responded on ")
    assert fresh(concern).is_active


def test_a_follow_up_is_overdue_only_while_open_and_late(world: World) -> None:
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert ConcernFollowUp(status="open", due_on=yesterday).is_overdue
    assert not ConcernFollowUp(status="done", due_on=yesterday).is_overdue
    assert not ConcernFollowUp(status="open", due_on=None).is_overdue


def test_what_happened_and_what_was_said_are_stored_encrypted(world: World) -> None:
    army = make_bearer(world.alice)
    concern = open_concern(
        world.alice,
        world.varnia,
        [army],
        summary="Beating of Amal Rifai at the Velmora station",
        description="Amal Rifai was beaten with batons during questioning.",
        sources=[
            {
                "kind": "witness",
                "reliability": "B",
                "credibility": "2",
                "description": "Her cousin Samir Rifai",
            }
        ],
    )
    representation = represent(
        world.alice, concern, 3, content="We named Amal Rifai to the station chief."
    )
    follow_up = do_schedule_concern_follow_up(
        concern, actor=world.alice, action="Visit Amal Rifai in custody"
    )
    for obj, field in (
        (concern, "summary"),
        (concern, "description"),
        (ConcernSource.objects.get(concern=concern), "description"),
        (representation, "content"),
        (follow_up, "action"),
    ):
        token = stored(obj, field)
        assert crypto.is_token(token) and "Rifai" not in token, (obj, field)
    assert fresh(concern).description == "Amal Rifai was beaten with batons during questioning."


def test_everything_under_a_concern_is_hidden_with_it(world: World) -> None:
    army = make_bearer(world.alice)
    concern = open_concern(
        world.alice,
        world.varnia,
        [army],
        sources=[{"kind": "media", "reliability": "C", "credibility": "3"}],
    )
    represent(world.alice, concern, 4)
    respond(world.alice, concern, 2)
    do_schedule_concern_follow_up(concern, actor=world.alice, action="Ask again")
    for model in CHILDREN:
        assert model.objects.visible_to(world.bob).filter(concern=concern).exists(), model
        assert not model.objects.visible_to(world.dave).exists(), model
        assert not model.objects.visible_to(world.audrey).exists(), model
        assert model.objects.visible_to(world.hana).filter(concern=concern).exists(), model
    do_delete_concern(fresh(concern), actor=world.alice, expected_version=fresh(concern).version)
    for model in CHILDREN:
        assert not model.objects.visible_to(world.alice).exists(), model
        assert not model.objects.visible_to(world.hana).exists(), model


def test_a_bearer_grant_opens_the_unrestricted_concerns_about_that_bearer(world: World) -> None:
    army = make_bearer(world.alice)
    about = open_concern(world.alice, world.varnia, [army], summary="About the army")
    secret = open_concern(
        world.alice,
        world.varnia,
        [army],
        summary="Restricted, about the army",
        restricted=True,
        restricted_to=[world.carol],
    )
    other = open_concern(
        world.alice,
        world.varnia,
        [make_bearer(world.alice, name="Varnian Police", kind="police")],
        summary="About the police",
    )
    do_grant_access(
        actor=world.adam,
        grantee=world.dave,
        access="read",
        bearer=army,
        reason="Regional analysis of the army's conduct",
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    forget_clearance(world.dave)
    visible = set(Concern.objects.visible_to(world.dave).values_list("pk", flat=True))
    assert visible == {about.pk}
    assert secret.pk not in visible and other.pk not in visible
    # A read grant never allows a change.
    assert not Concern.objects.visible_to(world.dave, "change").exists()
