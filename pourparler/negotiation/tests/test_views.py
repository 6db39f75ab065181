"""Negotiation pages through HTTP, as a delegate and the head of delegation use them."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from pourparler.core.choices import AuditKind
from pourparler.core.models import AuditEvent, User
from pourparler.negotiation.models import (
    IslandItem,
    NegotiationFile,
    NegotiationVersion,
    RedLine,
    Stakeholder,
)
from pourparler.negotiation.services import do_add_to_file, do_change_in_file, do_update_file
from pourparler.negotiation.tests.helpers import fill, open_file
from pourparler.testing.http import count_queries, page_body, sign_in
from pourparler.testing.pdf import pdf_text
from pourparler.testing.personas import World, make_bearer, make_person

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def test_a_delegate_opens_a_file_and_fills_its_tools(world: World) -> None:
    bearer = make_bearer(world.alice)
    person = make_person(world.alice, world.varnia, bearer=bearer)
    alice = client_for(world.alice)
    response = alice.post(
        reverse("negotiation_file_create"),
        {
            "compartment": str(world.varnia.pk),
            "title": "Access to Orun camp",
            "objective": "Visit the detainees.",
            "bearer": str(bearer.pk),
            "holder": str(world.alice.pk),
            "status": "open",
            "opened_on": "2026-11-01",
            "counterparts": [str(person.pk)],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    file = NegotiationFile.objects.get()
    assert file.counterparts.get() == person
    add = reverse("negotiation_item_create", args=[file.pk, "island"])
    response = alice.post(add, {"kind": "norm", "agreed": "on", "text": "Wounded are cared for"})
    assert response.status_code == 302
    assert IslandItem.objects.get().quadrant == "Convergent norm"
    stake = reverse("negotiation_item_create", args=[file.pk, "stakeholder"])
    response = alice.post(stake, {"name": "", "influence": "2", "proximity": "0"})
    assert response.status_code == 200 and b"Name the stakeholder" in response.content
    detail = alice.get(reverse("negotiation_file_detail", args=[file.pk]))
    assert b"Wounded are cared for" in detail.content
    assert b"Col. Idris Maren" in detail.content
    assert NegotiationVersion.objects.filter(file=file).count() == 2
    # Reading the file is audited.
    assert AuditEvent.objects.filter(kind=AuditKind.READ, object_id=file.pk).exists()


def test_another_delegation_gets_the_404_of_a_missing_file(world: World) -> None:
    file = open_file(world)
    rows = fill(world, file)
    dave = client_for(world.dave)
    missing = uuid.uuid4()
    pages: list[Callable[[uuid.UUID], str]] = [
        lambda pk: reverse("negotiation_file_detail", args=[pk]),
        lambda pk: reverse("negotiation_file_edit", args=[pk]),
        lambda pk: reverse("negotiation_file_print", args=[pk]),
        lambda pk: reverse("negotiation_file_pdf", args=[pk]),
        lambda pk: reverse("negotiation_version_list", args=[pk]),
        lambda pk: reverse("negotiation_version_detail", args=[pk, 1]),
        lambda pk: reverse("negotiation_item_create", args=[pk, "red-line"]),
    ]
    for page in pages:
        hidden = dave.get(page(file.pk))
        absent = dave.get(page(missing))
        assert hidden.status_code == absent.status_code == 404, page(file.pk)
        assert page_body(hidden.content) == page_body(absent.content).replace(
            str(missing).encode(), str(file.pk).encode()
        )
    red = rows["red_line"]
    sign_off = reverse("negotiation_red_line_sign_off", args=[file.pk, red.pk])
    assert dave.post(sign_off, {"version": red.version}).status_code == 404
    listing = dave.get(reverse("negotiation_file_list"))
    assert file.title.encode() not in listing.content


def test_only_the_head_signs_off_through_the_page(world: World) -> None:
    file = open_file(world)
    red = do_add_to_file(file, RedLine, actor=world.alice, text="No armed escort")
    url = reverse("negotiation_red_line_sign_off", args=[file.pk, red.pk])
    alice = client_for(world.alice)
    assert (
        b"Sign off</button>"
        not in alice.get(reverse("negotiation_file_detail", args=[file.pk])).content
    )
    assert alice.post(url, {"version": red.version}).status_code == 403
    carol = client_for(world.carol)
    page = carol.get(reverse("negotiation_file_detail", args=[file.pk]))
    assert b"Sign off</button>" in page.content
    assert carol.post(url, {"version": red.version}).status_code == 302
    red.refresh_from_db()
    assert red.signed_off_by == world.carol
    page = carol.get(reverse("negotiation_file_detail", args=[file.pk]))
    assert b"signed off by Carol" in page.content


def test_a_stale_edit_shows_both_versions(world: World) -> None:
    file = open_file(world)
    item = do_add_to_file(file, IslandItem, actor=world.alice, kind="fact", text="12 held")
    do_change_in_file(item, actor=world.bob, expected_version=1, changes={"text": "13 held"})
    alice = client_for(world.alice)
    url = reverse("negotiation_item_edit", args=[file.pk, "island", item.pk])
    response = alice.post(url, {"version": "1", "kind": "fact", "text": "14 held"})
    assert response.status_code == 409
    assert b"13 held" in response.content and b"14 held" in response.content
    item.refresh_from_db()
    assert item.text == "13 held"


def test_versions_and_their_differences(world: World) -> None:
    file = open_file(world)
    rows = fill(world, file)
    do_change_in_file(
        rows["red_line"], actor=world.alice, expected_version=1, changes={"text": "No escort"}
    )
    alice = client_for(world.alice)
    listing = alice.get(reverse("negotiation_version_list", args=[file.pk]))
    assert b"Red line changed" in listing.content and b"Version 8" in listing.content
    diff = alice.get(reverse("negotiation_version_diff", args=[file.pk]) + "?from=7&to=8")
    assert diff.status_code == 200
    assert b'class="diff-del">No armed escort [not signed off]' in diff.content
    assert b'class="diff-add">No escort [not signed off]' in diff.content
    one = alice.get(reverse("negotiation_version_detail", args=[file.pk, 1]))
    assert b"Release of the Orun detainees" in one.content
    assert b"No armed escort" not in one.content
    assert alice.get(reverse("negotiation_version_detail", args=[file.pk, 99])).status_code == 404


def test_the_pdf_says_what_the_file_says(world: World) -> None:
    file = open_file(world)
    fill(world, file)
    response = client_for(world.alice).get(reverse("negotiation_file_pdf", args=[file.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for words in (
        "Release of the Orun detainees",
        "No armed escort",
        "Fear of reprisals",
        "Elder of Orun",
        "Agreed facts",
    ):
        assert words in text, words


def test_query_counts_do_not_grow_with_rows(
    world: World, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    file = open_file(world)
    fill(world, file)
    alice = client_for(world.alice)
    pages = {
        "list": reverse("negotiation_file_list"),
        "detail": reverse("negotiation_file_detail", args=[file.pk]),
        "versions": reverse("negotiation_version_list", args=[file.pk]),
    }
    before = {name: count_queries(lambda url=url: alice.get(url)) for name, url in pages.items()}
    second = open_file(world, bearer=file.bearer, counterpart=file.counterparts.get())
    fill(world, second, tag=" again")
    fill(world, file, tag=" more")
    after = {name: count_queries(lambda url=url: alice.get(url)) for name, url in pages.items()}
    assert after == before
    for name, pinned in (("list", 10), ("detail", 25), ("versions", 10)):
        with django_assert_num_queries(pinned):
            alice.get(pages[name])


def test_an_edit_keeps_the_counterparts_the_editor_may_not_see(world: World) -> None:
    bearer = make_bearer(world.alice)
    known = make_person(world.alice, world.varnia, full_name="Cmdr. Anselm Roy", bearer=bearer)
    secret = make_person(
        world.alice, world.varnia, full_name="Source Lila", restricted=True, restricted_to=[]
    )
    file = open_file(world, bearer=bearer, counterpart=known)
    # Alice links both; Bob may not see Lila.
    file = do_update_file(
        file,
        actor=world.alice,
        expected_version=1,
        changes={},
        links={"counterparts": [known, secret]},
    )
    bob = client_for(world.bob)
    url = reverse("negotiation_file_edit", args=[file.pk])
    page = bob.get(url)
    assert page.status_code == 200 and b"Source Lila" not in page.content
    assert b'name="compartment"' not in page.content
    response = bob.post(
        url,
        {
            "version": str(file.version),
            "title": "Release of the Orun detainees",
            "objective": "Now also the wounded.",
            "bearer": str(bearer.pk),
            "holder": str(world.alice.pk),
            "status": "closed",
            "opened_on": "2026-11-01",
            "counterparts": [str(known.pk)],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    file.refresh_from_db()
    assert file.status == "closed" and file.objective == "Now also the wounded."
    assert set(file.counterparts.all()) == {known, secret}


def test_a_stakeholder_keeps_a_person_the_editor_may_not_see(world: World) -> None:
    file = open_file(world)
    secret = make_person(
        world.alice, world.varnia, full_name="Source Lila", restricted=True, restricted_to=[]
    )
    stake = do_add_to_file(file, Stakeholder, actor=world.alice, person=secret, influence=1)
    bob = client_for(world.bob)
    detail = bob.get(reverse("negotiation_file_detail", args=[file.pk]))
    assert b"Source Lila" not in detail.content
    assert b"(a person you may not see)" in detail.content
    url = reverse("negotiation_item_edit", args=[file.pk, "stakeholder", stake.pk])
    page = bob.get(url)
    assert b"Source Lila" not in page.content and b'name="person"' not in page.content
    response = bob.post(url, {"version": "1", "name": "", "influence": "3", "proximity": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    stake.refresh_from_db()
    assert (stake.person, stake.influence, stake.proximity) == (secret, 3, 1)


def test_every_form_and_the_print_page_open(world: World) -> None:
    file = open_file(world)
    rows = fill(world, file)
    alice = client_for(world.alice)
    items = {
        "island": rows["island"],
        "iceberg": rows["iceberg"],
        "stakeholder": rows["stakeholders"][0],
        "link": rows["link"],
        "red-line": rows["red_line"],
    }
    for kind in ("island", "iceberg", "stakeholder", "link", "red-line", "bottom-line", "scenario"):
        add = alice.get(reverse("negotiation_item_create", args=[file.pk, kind]))
        assert add.status_code == 200, kind
        if kind in items:
            url = reverse("negotiation_item_edit", args=[file.pk, kind, items[kind].pk])
            assert alice.get(url).status_code == 200, kind
    assert alice.get(reverse("negotiation_item_create", args=[file.pk, "other"])).status_code == 404
    # A row is edited only under its own file.
    other = open_file(world, bearer=file.bearer, counterpart=file.counterparts.get())
    wrong = reverse("negotiation_item_edit", args=[other.pk, "island", rows["island"].pk])
    assert alice.get(wrong).status_code == 404
    printed = alice.get(reverse("negotiation_file_print", args=[file.pk]))
    assert b"No armed escort" in printed.content and b"Elder of Orun" in printed.content
    assert alice.get(reverse("negotiation_file_create")).status_code == 200
    assert alice.get(reverse("negotiation_file_edit", args=[file.pk])).status_code == 200
    # Removing a row is a tombstone, named by its version; a stale one is not forced.
    island = rows["island"]
    remove = reverse("negotiation_item_delete", args=[file.pk, "island", island.pk])
    alice.post(remove, {"version": "7"})
    assert IslandItem.objects.visible_to(world.alice).filter(pk=island.pk).exists()
    alice.post(remove, {"version": str(island.version)})
    assert not IslandItem.objects.visible_to(world.alice).filter(pk=island.pk).exists()
    assert IslandItem.objects.filter(pk=island.pk, deleted_by=world.alice).exists()
    last = NegotiationVersion.objects.filter(file=file).order_by("-number").first()
    assert last is not None and last.summary == "Island item removed"
