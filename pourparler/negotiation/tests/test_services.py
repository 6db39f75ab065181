"""Negotiation files through the service layer: versions, sign-off, conflicts, isolation,
the influence graph and the handover."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from pourparler.core.choices import ChangeAction
from pourparler.core.models import ChangeLogEntry, Delegation, Record, User
from pourparler.core.services import EditConflict
from pourparler.negotiation.graph import centrality, influence_graph
from pourparler.negotiation.handover import transfer
from pourparler.negotiation.models import (
    IslandItem,
    NegotiationFile,
    NegotiationVersion,
    RedLine,
    Stakeholder,
    StakeholderLink,
)
from pourparler.negotiation.services import (
    do_add_to_file,
    do_change_in_file,
    do_delete_file,
    do_remove_from_file,
    do_sign_off_red_line,
    do_update_file,
)
from pourparler.negotiation.tests.helpers import fill, open_file
from pourparler.negotiation.versions import Names, content_of, diff, sections
from pourparler.testing.personas import World, make_person

pytestmark = pytest.mark.django_db


def _entries(obj: Record, action: str) -> list[ChangeLogEntry]:
    return list(
        ChangeLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)),
            object_id=obj.pk,
            action=action,
        )
    )


def test_every_change_keeps_a_version_and_a_diff_shows_it(world: World) -> None:
    file = open_file(world)
    rows = fill(world, file)
    versions = list(NegotiationVersion.objects.filter(file=file).order_by("number"))
    # Opened, then six rows added: seven versions numbered 1..7 by their author.
    assert [v.number for v in versions] == list(range(1, 8))
    assert {v.created_by for v in versions} == {world.alice}
    assert versions[0].summary == "File opened"
    assert versions[-1].summary == "Red line added"
    # The picture is encrypted at rest and whole when read.
    raw = NegotiationVersion.objects.filter(pk=versions[-1].pk).values_list("content", flat=True)
    assert "No armed escort" not in str(raw[0])
    content = content_of(versions[-1])
    assert [r["text"] for r in content["red_lines"]] == ["No armed escort"]
    assert content["counterparts"] == [str(file.counterparts.get().pk)]

    do_change_in_file(
        rows["island"], actor=world.bob, expected_version=1, changes={"text": "14 held"}
    )
    last_two = NegotiationVersion.objects.filter(file=file).order_by("-number")[:2]
    newer, older = (content_of(v) for v in last_two)
    names = Names(world.alice, [older, newer])
    changes = {s.title: s.lines for s in diff(sections(older, names), sections(newer, names))}
    assert ("-", "Agreed fact: 12 held") in changes["Island of agreements"]
    assert ("+", "Agreed fact: 14 held") in changes["Island of agreements"]
    assert all(mark == "" for mark, _ in changes["Red lines"])
    # The counterpart is named for a reader who may see them, and only then.
    file_lines = [line for _, line in sections(newer, names)[0].lines]
    assert "Counterpart: Col. Idris Maren" in file_lines
    hidden = Names(world.dave, [newer])
    assert "Counterpart: Col. Idris Maren" not in [
        line for _, line in sections(newer, hidden)[0].lines
    ]


def test_only_the_head_signs_off_and_a_new_text_clears_the_sign_off(world: World) -> None:
    file = open_file(world)
    red = do_add_to_file(file, RedLine, actor=world.alice, text="No armed escort")
    assert red.set_by == world.alice
    for not_head in (world.alice, world.bob):
        with pytest.raises(PermissionDenied):
            do_sign_off_red_line(red, actor=not_head, expected_version=red.version)
    signed = do_sign_off_red_line(red, actor=world.carol, expected_version=red.version)
    assert signed.signed_off_by == world.carol and signed.signed_off_at is not None
    # The same text again leaves the sign-off alone.
    same = do_change_in_file(
        signed,
        actor=world.alice,
        expected_version=signed.version,
        changes={"text": "No armed escort"},
    )
    assert same.is_signed_off
    changed = do_change_in_file(
        same, actor=world.alice, expected_version=same.version, changes={"text": "No escort at all"}
    )
    assert not changed.is_signed_off and changed.signed_off_by is None
    entry = _entries(red, ChangeAction.UPDATE)
    cleared = [
        e
        for e in entry
        if (e.before or {}).get("signed_off_by_id") and not (e.after or {}).get("signed_off_by_id")
    ]
    assert len(cleared) == 1 and cleared[0].actor == world.alice
    last = NegotiationVersion.objects.filter(file=file).order_by("-number").first()
    assert last is not None and last.summary == "Red line changed; its sign-off is cleared"


def test_stale_edit_is_a_conflict_and_a_delete_is_a_logged_tombstone(world: World) -> None:
    file = open_file(world)
    do_update_file(file, actor=world.alice, expected_version=1, changes={"status": "closed"})
    with pytest.raises(EditConflict):
        do_update_file(file, actor=world.bob, expected_version=1, changes={"status": "open"})
    assert NegotiationFile.objects.get(pk=file.pk).status == "closed"
    assert len(_entries(file, ChangeAction.CONFLICT)) == 1
    versions_before = NegotiationVersion.objects.filter(file=file).count()
    do_delete_file(file, actor=world.bob, expected_version=2)
    [entry] = _entries(file, ChangeAction.DELETE)
    assert entry.actor == world.bob
    assert not NegotiationFile.objects.visible_to(world.alice).exists()
    assert not NegotiationVersion.objects.visible_to(world.alice).exists()
    # The conflict rolled back: it left no version behind.
    assert NegotiationVersion.objects.filter(file=file).count() == versions_before


def test_other_delegations_and_restricted_files_see_nothing(world: World) -> None:
    shared = open_file(world)
    fill(world, shared)
    secret = open_file(
        world,
        bearer=shared.bearer,
        counterpart=shared.counterparts.get(),
        title="Secret talks",
        restricted=True,
    )
    fill(world, secret, tag=" (secret)")
    models = (
        NegotiationFile,
        IslandItem,
        Stakeholder,
        StakeholderLink,
        RedLine,
        NegotiationVersion,
    )
    for model in models:
        assert not model.objects.visible_to(world.dave).exists(), model
        assert not model.objects.visible_to(world.audrey).exists(), model
    assert set(NegotiationFile.objects.visible_to(world.alice)) == {shared, secret}
    for reader in (world.bob, world.carol, world.hana):
        assert list(NegotiationFile.objects.visible_to(reader)) == [shared]
        assert not RedLine.objects.visible_to(reader).filter(file=secret).exists()
        assert not NegotiationVersion.objects.visible_to(reader).filter(file=secret).exists()
    # Bob may not add under a file he cannot see.
    with pytest.raises(PermissionDenied):
        do_add_to_file(secret, RedLine, actor=world.bob, text="Sneaked in")
    with pytest.raises(PermissionDenied):
        do_add_to_file(shared, RedLine, actor=world.dave, text="From Kestria")


def test_a_stakeholder_needs_a_name_and_links_stay_in_their_file(world: World) -> None:
    file = open_file(world)
    other = open_file(world, bearer=file.bearer, counterpart=file.counterparts.get())
    with pytest.raises(ValidationError):
        do_add_to_file(file, Stakeholder, actor=world.alice, name="  ")
    here = do_add_to_file(file, Stakeholder, actor=world.alice, name="Elder")
    there = do_add_to_file(other, Stakeholder, actor=world.alice, name="Mayor")
    with pytest.raises(ValidationError):
        do_add_to_file(file, StakeholderLink, actor=world.alice, source=here, target=there)
    with pytest.raises(ValidationError):
        do_add_to_file(file, StakeholderLink, actor=world.alice, source=here, target=here)
    # A person of another delegation cannot be linked.
    stranger = make_person(world.dave, world.kestria, full_name="Kestrian officer")
    with pytest.raises(PermissionDenied):
        do_add_to_file(file, Stakeholder, actor=world.alice, person=stranger)


def test_influence_graph_weighs_ties_and_finds_the_broker(world: World) -> None:
    file = open_file(world)
    rows = fill(world, file)
    chief, cleric = rows["stakeholders"]
    minister = make_person(world.alice, world.varnia, full_name="Minister Oyelaran")
    third = do_add_to_file(file, Stakeholder, actor=world.alice, person=minister, influence=0)
    do_add_to_file(
        file, StakeholderLink, actor=world.alice, source=third, target=cleric, strength=3
    )
    graph = influence_graph(world.alice, file)
    counterpart = f"person:{file.counterparts.get().pk}"
    assert graph.nodes[counterpart]["counterpart"] is True
    assert graph[f"stakeholder:{chief.pk}"][counterpart]["weight"] == 3
    assert graph[f"stakeholder:{cleric.pk}"][counterpart]["weight"] == 1
    # Influence 0 adds no tie to the counterpart; the minister hangs on the imam only.
    assert not graph.has_edge(f"person:{minister.pk}", counterpart)
    assert graph[f"person:{minister.pk}"][f"stakeholder:{cleric.pk}"]["weight"] == 3
    ranking = centrality(graph)
    assert ranking[0]["label"] == "Imam of Kessel"
    # The same graph for the bearer; nothing for another delegation.
    assert set(influence_graph(world.alice, file.bearer).nodes) == set(graph.nodes)
    assert influence_graph(world.dave, file.bearer).number_of_nodes() == 0
    # A removed stakeholder takes its links along.
    do_remove_from_file(cleric, actor=world.alice, expected_version=cleric.version)
    assert not StakeholderLink.objects.visible_to(world.alice).filter(target=cleric).exists()
    assert f"stakeholder:{cleric.pk}" not in influence_graph(world.alice, file)


@dataclass
class StandInHandover:
    outgoing: User
    successor: User
    delegation: Delegation


def test_handover_passes_the_outgoing_holders_files_to_the_successor(world: World) -> None:
    shared = open_file(world)
    secret = open_file(
        world, bearer=shared.bearer, counterpart=shared.counterparts.get(), restricted=True
    )
    others = open_file(world, bearer=shared.bearer, counterpart=shared.counterparts.get())
    do_update_file(others, actor=world.alice, expected_version=1, changes={"holder": world.carol})
    handover = StandInHandover(world.alice, world.bob, world.varnia)
    assert transfer(handover, actor=world.alice) == {"negotiation files": 2}
    assert NegotiationFile.objects.get(pk=shared.pk).holder == world.bob
    assert NegotiationFile.objects.get(pk=others.pk).holder == world.carol
    # The successor now sees the restricted file they hold.
    assert NegotiationFile.objects.visible_to(world.bob).filter(pk=secret.pk).exists()
    last = NegotiationVersion.objects.filter(file=secret).order_by("-number").first()
    assert last is not None and last.summary == "Handed over to Bob"
    assert json.loads(last.content)["holder"] == "Bob"
    # Nothing of Varnia passes in a handover in Kestria.
    assert transfer(StandInHandover(world.bob, world.dave, world.kestria), actor=world.bob) == {
        "negotiation files": 0
    }


def test_a_file_stays_in_its_delegation(world: World) -> None:
    file = open_file(world)
    with pytest.raises(ValidationError):
        do_update_file(
            file, actor=world.alice, expected_version=1, changes={"compartment": world.hq}
        )
    assert NegotiationFile.objects.get(pk=file.pk).compartment == world.varnia
