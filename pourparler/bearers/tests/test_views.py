"""Bearer list and profile."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from pourparler.core.choices import AuditKind
from pourparler.core.models import AuditEvent
from pourparler.geo.models import Country
from pourparler.testing.http import sign_in
from pourparler.testing.personas import World, make_bearer, make_interaction, make_person, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client: Client, world: World) -> Client:
    sign_in(client, world.alice)
    return client


def test_search_ignores_case_and_diacritics_and_finds_aliases(
    logged_in: Client, world: World
) -> None:
    make_bearer(
        world.alice,
        name="Forces armées varniennes",
        names=[
            {
                "name": "القوات المسلحة الفارنية",
                "kind": "translation",
                "language": "ar",
                "script": "Arab",
                "transliteration": "al-Quwwat al-Musallaha al-Farniya",
            }
        ],
    )
    make_bearer(world.alice, name="Kestrian National Police", kind="police")
    for query in ("FORCES ARMEES", "armées", "القوات", "quwwat"):
        body = logged_in.get(reverse("bearer_list"), {"q": query}).content.decode()
        assert "Forces armées varniennes" in body, query
        assert "Kestrian National Police" not in body, query


def test_list_filters_by_kind_country_and_delegation(logged_in: Client, world: World) -> None:
    varnia_country = Country.objects.get(iso2="FR")
    army = make_bearer(world.alice, name="Army of Somewhere", countries=[varnia_country])
    make_bearer(world.alice, name="Police of Elsewhere", kind="police")
    world.varnia.countries.add(varnia_country)
    assert army.countries.count() == 1
    by_kind = logged_in.get(reverse("bearer_list"), {"kind": "police"}).content
    assert b"Police of Elsewhere" in by_kind and b"Army of Somewhere" not in by_kind
    by_country = logged_in.get(reverse("bearer_list"), {"country": "fr"}).content
    assert b"Army of Somewhere" in by_country and b"Police of Elsewhere" not in by_country
    by_delegation = logged_in.get(reverse("bearer_list"), {"delegation": "varnia"}).content
    assert b"Army of Somewhere" in by_delegation and b"Police of Elsewhere" not in by_delegation


def test_profile_shows_structure_people_by_level_timeline_and_last_contact(
    logged_in: Client, world: World
) -> None:
    army = make_bearer(world.alice)
    division = make_unit(world.alice, army, name="2nd Division", echelon="division")
    make_unit(world.alice, army, name="21st Brigade", parent=division, echelon="brigade")
    make_person(
        world.alice, world.varnia, full_name="Gen. Tamsin Oro", bearer=army, level="strategic"
    )
    make_interaction(
        world.alice,
        world.varnia,
        bearers=[army],
        level="strategic",
        place_name="Ministry of Defence",
        follow_ups=[{"action": "Send the IHL handbook"}],
    )
    body = logged_in.get(reverse("bearer_detail", args=[army.pk])).content.decode()
    assert body.index("2nd Division") < body.index("21st Brigade")
    assert "Gen. Tamsin Oro" in body
    assert "Ministry of Defence" in body
    assert "Send the IHL handbook" in body
    assert "last contact: never" in body  # operational and tactical levels
    assert body.count("last contact: <time") == 1  # strategic only


def test_profile_hides_people_of_another_delegation(client: Client, world: World) -> None:
    army = make_bearer(world.alice)
    make_person(world.alice, world.varnia, full_name="Gen. Tamsin Oro", bearer=army)
    sign_in(client, world.dave)
    body = client.get(reverse("bearer_detail", args=[army.pk])).content
    assert b"Gen. Tamsin Oro" not in body


def test_profile_is_audited_as_a_read_of_the_people_and_interactions_it_shows(
    logged_in: Client, world: World
) -> None:
    army = make_bearer(world.alice)
    person = make_person(world.alice, world.varnia, full_name="Gen. Tamsin Oro", bearer=army)
    interaction = make_interaction(world.alice, world.varnia, bearers=[army])
    before = AuditEvent.objects.count()
    logged_in.get(reverse("bearer_detail", args=[army.pk]))
    events = AuditEvent.objects.filter(kind=AuditKind.LIST, actor=world.alice).order_by("seq")
    assert AuditEvent.objects.count() == before + 2
    shown = {event.content_type.model: event.detail["ids"] for event in events[:2]}
    assert shown == {"person": [str(person.pk)], "interaction": [str(interaction.pk)]}
