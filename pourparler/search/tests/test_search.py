"""Full-text search: accents and scripts, confidential words by their blind tokens, and
nothing found that the searcher may not see (visibility inside the one query)."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pourparler.bearers.models import WeaponBearer
from pourparler.bearers.services import do_add_bearer_name
from pourparler.concerns.models import Concern
from pourparler.core.choices import AuditKind
from pourparler.core.models import AuditEvent
from pourparler.dialogue.models import Interaction
from pourparler.dialogue.services import do_delete_interaction, do_update_interaction
from pourparler.people.models import Person
from pourparler.people.services import do_add_person_name
from pourparler.search.models import SearchEntry
from pourparler.search.query import matching
from pourparler.testing.http import count_queries, sign_in
from pourparler.testing.personas import World, make_bearer, make_interaction, make_person

pytestmark = pytest.mark.django_db


def found(model: Any, user: Any, query: str) -> set[str]:
    return {
        str(pk)
        for pk in matching(model.objects.visible_to(user), query, user).values_list("pk", flat=True)
    }


@pytest.fixture
def records(world: World) -> dict[str, Any]:
    army = make_bearer(world.alice, name="Forces armées de Varnia")
    do_add_bearer_name(army, actor=world.alice, name="القوات المسلحة الفارنية", kind="alias")
    colonel = make_person(world.alice, world.varnia, "Col. Idris Maren", bearer=army)
    do_add_person_name(colonel, actor=world.alice, name="العقيد إدريس مارين", language="ar")
    met = make_interaction(
        world.alice,
        world.varnia,
        bearers=[army],
        summary="Réunion sur les ambulances au poste de Kalvo.",
        notes="Le colonel promet un couloir sûr pour l'hôpital.",
        place_name="Kalvo-Nord",
    )
    hidden = make_interaction(
        world.alice,
        world.varnia,
        summary="Discussion confidentielle sur les détenus.",
        restricted=True,
        restricted_to=[world.alice],
    )
    kestria = make_interaction(
        world.dave, world.kestria, summary="Patrouille et ambulances à Sorn."
    )
    return {"army": army, "colonel": colonel, "met": met, "hidden": hidden, "kestria": kestria}


def test_plaintext_names_ignore_accents_case_and_match_beginnings(
    world: World, records: dict[str, Any]
) -> None:
    army = str(records["army"].pk)
    for query in ("armees", "ARMÉES", "forces arm", "Varnia", "الفارنية", "المسلحة"):
        assert found(WeaponBearer, world.bob, query) == {army}, query
    # Arabic with its short vowels and a hamza written or not reads the same.
    assert found(WeaponBearer, world.bob, "الْمُسَلَّحَة") == {army}
    assert found(WeaponBearer, world.bob, "armées marines") == set()


def test_confidential_names_and_words_are_found_by_their_blind_tokens(
    world: World, records: dict[str, Any]
) -> None:
    colonel, met = str(records["colonel"].pk), str(records["met"].pk)
    for query in ("maren", "Idris Maren", "mar", "ادريس", "إدريس", "مارين"):
        assert found(Person, world.bob, query) == {colonel}, query
    for query in ("ambulances", "AMBULANCES kalvo", "couloir sur", "hopital", "kalvo-nord"):
        assert found(Interaction, world.bob, query) == {met}, query
    # Long texts match whole words only; names also by their beginnings.
    assert found(Interaction, world.bob, "ambul") == set()
    # The index holds no word of the confidential texts, only keyed hashes.
    entry = SearchEntry.objects.get(object_id=records["met"].pk)
    assert re.fullmatch(r"[0-9a-f ]+", entry.blind)
    assert "ambulances" not in entry.blind + entry.plain and "kalvo" in entry.plain
    person_entry = SearchEntry.objects.get(object_id=records["colonel"].pk)
    assert "maren" not in person_entry.blind + person_entry.plain


def test_nothing_is_found_that_the_searcher_may_not_see(
    world: World, records: dict[str, Any]
) -> None:
    # Kestria's delegate: Varnia's words find nothing, his own do.
    assert found(Interaction, world.dave, "ambulances") == {str(records["kestria"].pk)}
    assert found(Person, world.dave, "maren") == set()
    # A restricted interaction: its author finds it, a colleague of the delegation does not.
    assert found(Interaction, world.alice, "detenus") == {str(records["hidden"].pk)}
    assert found(Interaction, world.bob, "detenus") == set()
    # Headquarters reads non-restricted records of every delegation.
    assert found(Interaction, world.hana, "ambulances") == {
        str(records["met"].pk),
        str(records["kestria"].pk),
    }


def test_the_match_and_the_visibility_are_one_query(world: World, records: dict[str, Any]) -> None:
    with CaptureQueriesContext(connection) as captured:
        rows = list(matching(Interaction.objects.visible_to(world.bob), "ambulances", world.bob))
    assert [r.pk for r in rows] == [records["met"].pk]
    last = captured.captured_queries[-1]["sql"]
    assert ("MATCH" in last or "@@" in last) and "restricted" in last
    # What the searcher may reach (postings, grants), then the search itself: as many
    # queries for one word as for five, for ten rows as for a million.
    assert len(captured.captured_queries) == 3


def test_a_word_is_hashed_only_for_the_compartments_the_searcher_reaches(
    world: World, records: dict[str, Any]
) -> None:
    from pourparler.core.access import forget_clearance
    from pourparler.core.services import do_grant_access
    from pourparler.search.query import compartments_of

    assert compartments_of(world.bob) == [None, world.varnia.pk]
    assert set(compartments_of(world.hana)) >= {None, world.varnia.pk, world.kestria.pk}
    # A record of Varnia granted to Kestria's delegate brings Varnia's key into his searches.
    met = records["met"]
    assert found(Interaction, world.dave, "couloir") == set()
    do_grant_access(
        actor=world.carol,
        grantee=world.dave,
        access="read",
        record=met,
        reason="Joint visit to the hospital",
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    forget_clearance(world.dave)
    assert compartments_of(world.dave) == [None, *sorted([world.varnia.pk, world.kestria.pk])]
    assert found(Interaction, world.dave, "couloir") == {str(met.pk)}


def test_changes_and_deletions_reach_the_index_and_a_rebuild_remakes_it(
    world: World, records: dict[str, Any]
) -> None:
    met = records["met"]
    met = do_update_interaction(
        met,
        actor=world.alice,
        expected_version=met.version,
        changes={"summary": "Réunion sur les évacuations sanitaires."},
    )
    assert found(Interaction, world.bob, "evacuations") == {str(met.pk)}
    assert found(Interaction, world.bob, "reunion ambulances") == set()
    do_delete_interaction(met, actor=world.alice, expected_version=met.version)
    assert not SearchEntry.objects.filter(object_id=met.pk).exists()
    assert found(Interaction, world.hana, "evacuations") == set()

    SearchEntry.objects.all().delete()
    assert found(Person, world.bob, "maren") == set()
    call_command("search", "rebuild", stdout=open_sink(), stderr=open_sink())
    assert found(Person, world.bob, "maren") == {str(records["colonel"].pk)}
    assert found(WeaponBearer, world.bob, "armees") == {str(records["army"].pk)}
    assert SearchEntry.objects.count() == (
        WeaponBearer.objects.alive().count()
        + Person.objects.alive().count()
        + Interaction.objects.alive().count()
        + Concern.objects.alive().count()
    )


def open_sink() -> Any:
    import io

    return io.StringIO()


def test_the_search_page_shows_each_kind_audits_what_it_showed_and_keeps_its_count(
    world: World, records: dict[str, Any], django_assert_num_queries: Any
) -> None:
    client = Client()
    sign_in(client, world.bob)
    page = reverse("search") + "?q=ambulances"
    before = AuditEvent.objects.filter(kind=AuditKind.LIST).count()
    response = client.get(page)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Réunion sur les ambulances" in text and "Patrouille" not in text
    assert AuditEvent.objects.filter(kind=AuditKind.LIST).count() == before + 4
    listed = AuditEvent.objects.filter(kind=AuditKind.LIST).order_by("-seq")[:4]
    shown = [i for e in listed for i in e.detail["ids"]]
    assert str(records["met"].pk) in shown
    assert all("ambulances" not in str(e.detail) for e in listed)  # the words are not logged

    dave = Client()
    sign_in(dave, world.dave)
    other = dave.get(page).content.decode()
    assert "Patrouille et ambulances" in other and "Réunion sur les ambulances" not in other

    # Session, user, postings and grants, the compartments, one search per kind, the
    # audit of what was shown: the same for one row as for many.
    first = count_queries(lambda: client.get(page))
    for n in range(3):
        make_interaction(world.alice, world.varnia, summary=f"Ambulances, réunion {n}.")
    with django_assert_num_queries(12):
        assert client.get(page).status_code == 200
    assert first == 12


def test_bearers_written_in_bulk_by_an_import_are_found_with_their_other_names(
    world: World,
) -> None:
    from pourparler.exchange.services import run_import

    text = "name,aliases\nFront populaire du Mbomou,Mouvement de l'Est;FPM\n"
    run = run_import("generic", text.encode(), "list.csv", actor=world.alice)
    assert run.created >= 1
    front = WeaponBearer.objects.get(name="Front populaire du Mbomou")
    for query in ("mbomou", "populaire", "mouvement l'est", "fpm"):
        assert found(WeaponBearer, world.bob, query) == {str(front.pk)}, query
