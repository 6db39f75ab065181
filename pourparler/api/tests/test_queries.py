"""The number of SQL queries of every list and detail operation is pinned, and a list's does
not grow with the number of rows it returns."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pourparler.api.tests.conftest import Varnia
from pourparler.api.tests.helpers import ApiClient
from pourparler.bearers.services import do_add_bearer_name, do_add_external_id, do_relate_bearers
from pourparler.dialogue.services import do_create_follow_up
from pourparler.geo.models import Country
from pourparler.geo.services import do_create_admin_area
from pourparler.people.services import do_add_person_name, do_create_relationship
from pourparler.testing.personas import (
    World,
    make_bearer,
    make_interaction,
    make_person,
    make_unit,
)

pytestmark = pytest.mark.django_db

# Every call pays 3 queries to know its caller (the token with its owner, then the owner's
# postings and grants), 1 for the rows and 1 for the users a restricted row names; the
# links an output shows cost 1 each (a bearer's countries; an interaction's bearers,
# people met, staff and topics); compartment records 3 more to audit what was shown (lock
# the chain's head, add the event, move the head). A detail costs what a list does.
QUERIES = {
    "countries": 5,
    "admin-areas": 5,
    "bearers": 6,
    "bearer-names": 5,
    "external-ids": 5,
    "bearer-relations": 5,
    "units": 5,
    "people": 8,
    "person-names": 8,
    "positions": 8,
    "relationships": 8,
    "topics": 5,
    "interactions": 12,
    "follow-ups": 8,
}


def add_one_of_each(world: World, number: int) -> None:
    """Record one more row of every kind in Varnia."""
    alice = world.alice
    country = Country.objects.get(iso2="AF")
    do_create_admin_area(actor=alice, country=country, pcode=f"AF{number:02d}", name="Area")
    army = make_bearer(alice, name=f"Force {number}", countries=[country])
    other = make_bearer(alice, name=f"Group {number}", kind="non_state_armed_group")
    do_add_bearer_name(army, actor=alice, name=f"F{number}", kind="acronym")
    do_add_external_id(army, actor=alice, scheme="wikidata", value=f"Q{number}")
    do_relate_bearers(other, "splinter_of", army, actor=alice)
    make_unit(alice, army)
    person = make_person(alice, world.varnia, full_name=f"Officer {number}", bearer=army)
    do_add_person_name(person, actor=alice, name=f"Nom {number}")
    do_create_relationship(person, actor=alice, holder=alice)
    meeting = make_interaction(
        alice, world.varnia, bearers=[army, other], their_participants=[person]
    )
    do_create_follow_up(meeting, actor=alice, action=f"Call back {number}")


def queries(api: ApiClient, path: str) -> tuple[int, int]:
    """Return (queries, rows) of one call."""
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path)
    assert response.status_code == 200, response.content
    body: Any = response.json()
    return len(captured.captured_queries), len(body.get("items", [body]))


@pytest.mark.parametrize("path", sorted(QUERIES))
def test_a_list_costs_the_same_for_one_row_or_many(
    path: str, world: World, varnia: Varnia, alice_api: ApiClient, django_assert_num_queries: Any
) -> None:
    add_one_of_each(world, 1)
    alice_api.get("/topics/")  # the token's first use is noted once; later calls only read
    few, rows_before = queries(alice_api, f"/{path}/")
    for number in range(2, 5):
        add_one_of_each(world, number)
    many, rows_after = queries(alice_api, f"/{path}/")
    assert rows_after > rows_before or path in {"countries", "topics"}
    assert many == few
    with django_assert_num_queries(QUERIES[path]):
        alice_api.get(f"/{path}/")


@pytest.mark.parametrize("path", sorted(QUERIES))
def test_a_detail_costs_a_fixed_number_of_queries(
    path: str, world: World, varnia: Varnia, alice_api: ApiClient, django_assert_num_queries: Any
) -> None:
    add_one_of_each(world, 1)
    first = alice_api.get(f"/{path}/").json()["items"][0]["id"]
    with django_assert_num_queries(QUERIES[path]):
        assert alice_api.get(f"/{path}/{first}/").status_code == 200
