"""The review queue: a person decides what an imported name designates, through the pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pourparler.bearers.choices import IdScheme, NameKind
from pourparler.bearers.models import BearerName, ExternalId, WeaponBearer
from pourparler.bearers.services import do_create_bearer, do_update_bearer
from pourparler.core.models import ChangeLogEntry
from pourparler.exchange.choices import ReviewStatus
from pourparler.exchange.models import ImportRun, ReviewItem
from pourparler.exchange.services import run_import
from pourparler.exchange.tests.helpers import actors_csv, client_for
from pourparler.testing.http import count_queries
from pourparler.testing.personas import World, make_bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(world: World) -> dict[str, ReviewItem]:
    """Two UCDP actors the matcher was not sure of, waiting for a decision."""
    make_bearer(world.alice, name="Supporters of the Awami League", kind="militia")
    make_bearer(
        world.alice,
        name="East Bengal communists",
        kind="non_state_armed_group",
        names=[{"name": "PBCP", "kind": NameKind.ACRONYM}],
    )
    run_import("ucdp-actors", actors_csv(["372", "805"]), "bgd.csv", actor=world.alice)
    return {item.key: item for item in ReviewItem.objects.all()}


def decide(world: World, item: ReviewItem, user: str = "alice", **data: str) -> int:
    response = client_for(getattr(world, user)).post(
        reverse("review_decide", args=[item.pk]), {"version": str(item.version), **data}
    )
    return response.status_code


def test_the_queue_lists_names_and_the_page_shows_candidates(
    world: World, queued: dict[str, ReviewItem]
) -> None:
    client = client_for(world.alice)
    listing = client.get(reverse("review_list"))
    assert listing.status_code == 200
    assert b"Supporters of Awami League" in listing.content
    assert b"PBCP" in listing.content
    page = client.get(reverse("review_detail", args=[queued["805"].pk]))
    assert page.status_code == 200
    assert b"East Bengal communists" in page.content
    assert b"It is this bearer" in page.content
    assert b"Register" in page.content


def test_linking_gives_the_bearer_the_identifier_and_the_next_import_uses_it(
    world: World, queued: dict[str, ReviewItem]
) -> None:
    party = WeaponBearer.objects.get(name="East Bengal communists")
    item = queued["805"]
    assert decide(world, item, action="link", bearer=str(party.pk), note="Same party") == 302
    item.refresh_from_db()
    assert (item.status, item.bearer, item.note) == (ReviewStatus.LINKED, party, "Same party")
    assert ExternalId.objects.get(scheme=IdScheme.UCDP_ACTOR, value="805").bearer == party
    assert BearerName.objects.filter(bearer=party, name="Purbo Banglar Communist Party").exists()
    # The decision is in the change log under the person who made it.
    entry = ChangeLogEntry.objects.filter(object_id=item.pk, action="update").get()
    assert (entry.actor, entry.after["status"]) == (world.alice, "linked")
    # Importing again links by id: no second bearer, nothing queued.
    run = run_import("ucdp-actors", actors_csv(["805"]), "bgd.csv", actor=world.alice)
    assert (run.created, run.queued) == (0, 0)
    assert WeaponBearer.objects.filter(external_ids__value="805").get() == party


def test_registering_makes_a_new_bearer_with_the_file_s_names(
    world: World, queued: dict[str, ReviewItem]
) -> None:
    item = queued["372"]
    assert decide(world, item, action="register", kind="militia") == 302
    item.refresh_from_db()
    assert item.status == ReviewStatus.CREATED
    assert item.bearer is not None
    assert (item.bearer.name, item.bearer.kind) == ("Supporters of Awami League", "militia")
    assert item.bearer.organisation_level == "party_supporters"
    assert [c.iso2 for c in item.bearer.countries.all()] == ["BD"]
    assert ExternalId.objects.get(value="372").bearer == item.bearer
    assert WeaponBearer.objects.filter(name__icontains="awami").count() == 2


def test_dismissing_records_the_reason(world: World, queued: dict[str, ReviewItem]) -> None:
    item = queued["372"]
    assert decide(world, item, action="dismiss", note="supporters, not an armed group") == 302
    item.refresh_from_db()
    assert (item.status, item.note) == (ReviewStatus.DISMISSED, "supporters, not an armed group")
    assert not ExternalId.objects.filter(value="372").exists()


def test_a_decision_made_from_a_stale_page_is_refused(
    world: World, queued: dict[str, ReviewItem]
) -> None:
    item = queued["372"]
    assert decide(world, item, action="dismiss") == 302
    # Bob's page still shows version 1: his decision must not overwrite Alice's.
    assert decide(world, item, user="bob", action="register", kind="militia") == 302
    item.refresh_from_db()
    assert item.status == ReviewStatus.DISMISSED
    assert not ExternalId.objects.filter(value="372").exists()


def test_staff_without_a_content_role_read_the_queue_but_may_not_decide(
    world: World, queued: dict[str, ReviewItem]
) -> None:
    item = queued["372"]
    client = client_for(world.audrey)
    page = client.get(reverse("review_detail", args=[item.pk]))
    assert page.status_code == 200
    assert b"It is this bearer" not in page.content
    assert decide(world, item, user="audrey", action="dismiss") == 403
    item.refresh_from_db()
    assert item.status == ReviewStatus.PENDING


def test_a_restricted_bearer_is_never_a_candidate(world: World) -> None:
    do_create_bearer(
        actor=world.alice,
        name="Supporters of the Awami League",
        kind="militia",
        restricted=True,
        restricted_to=[world.alice],
    )
    run_import("ucdp-actors", actors_csv(["372"]), "bgd.csv", actor=world.alice)
    # Nothing about it lands in the queue every member of staff may read.
    assert not ReviewItem.objects.exists()
    assert "Supporters of the Awami League" not in str(ImportRun.objects.get().report)
    listing = client_for(world.dave).get(reverse("review_list") + "?status=pending")
    assert b"Awami" not in listing.content


def test_a_candidate_hidden_from_the_viewer_is_not_shown(
    world: World, queued: dict[str, ReviewItem]
) -> None:
    party = WeaponBearer.objects.get(name="East Bengal communists")
    do_update_bearer(
        party,
        actor=world.alice,
        expected_version=party.version,
        changes={"restricted": True},
    )
    item = queued["805"]
    for user, shown in (("alice", True), ("bob", False), ("dave", False)):
        client = client_for(getattr(world, user))
        page = client.get(reverse("review_detail", args=[item.pk]))
        listing = client.get(reverse("review_list"))
        assert (b"East Bengal communists" in page.content) is shown, user
        assert (b"East Bengal communists" in listing.content) is shown, user
    # Nor may Bob link to it by posting its id.
    assert decide(world, item, user="bob", action="link", bearer=str(party.pk)) == 302
    item.refresh_from_db()
    assert item.status == ReviewStatus.PENDING


def test_the_import_and_review_pages_cost_the_same_queries_however_long(
    world: World, queued: dict[str, ReviewItem]
) -> None:
    client = client_for(world.alice)
    pages = [reverse("import_list"), reverse("review_list")]
    pages += [reverse("import_detail", args=[ImportRun.objects.get().pk])]
    pages += [reverse("review_detail", args=[queued["805"].pk])]
    before = [count_queries(lambda url=url: client.get(url)) for url in pages]
    make_bearer(world.alice, name="Supporters of the BNP", kind="militia")
    make_bearer(world.alice, name="Jamaatul Mujahideen Bangladesh")
    run = run_import("ucdp-actors", actors_csv(["374", "1218", "285"]), "m.csv", actor=world.alice)
    assert run.queued == 2  # the queue and the list of runs are longer now
    after = [count_queries(lambda url=url: client.get(url)) for url in pages]
    assert after == before
    # Session, user, postings and grants, then the page's own queries.
    assert before == [7, 7, 6, 9]
