"""What negotiation files add to the bearer profile, person page and interaction page."""

from __future__ import annotations

import pytest

from pourparler.negotiation import profile
from pourparler.negotiation.models import RedLine, Stakeholder
from pourparler.negotiation.services import (
    do_add_to_file,
    do_remove_from_file,
    do_sign_off_red_line,
)
from pourparler.negotiation.tests.helpers import open_file
from pourparler.testing.personas import World, make_interaction, make_person

pytestmark = pytest.mark.django_db


def test_timelines_and_the_bearer_panel_show_only_visible_files(world: World) -> None:
    file = open_file(world)
    contact = make_interaction(world.alice, world.varnia, bearers=[file.bearer])
    secret = open_file(
        world,
        bearer=file.bearer,
        counterpart=file.counterparts.get(),
        title="Secret talks",
        restricted=True,
        interactions=[contact],
    )
    for text in ("No escort", "No exchange"):
        do_add_to_file(file, RedLine, actor=world.alice, text=text)
    first = RedLine.objects.filter(file=file).order_by("created_at").first()
    assert first is not None
    do_sign_off_red_line(first, actor=world.carol, expected_version=first.version)
    person = file.counterparts.get()

    def titles(entries: list[profile.TimelineEntry]) -> set[str]:
        return {entry.title for entry in entries}

    assert titles(profile.bearer_timeline(world.alice, file.bearer, 10)) == {
        file.title,
        "Secret talks",
    }
    assert titles(profile.bearer_timeline(world.bob, file.bearer, 10)) == {file.title}
    assert titles(profile.person_timeline(world.bob, person, 10)) == {file.title}
    minister = make_person(world.alice, world.varnia, full_name="Minister Oyelaran")
    stake = do_add_to_file(secret, Stakeholder, actor=world.alice, person=minister)
    assert titles(profile.person_timeline(world.alice, minister, 10)) == {"Secret talks"}
    assert profile.person_timeline(world.bob, minister, 10) == []
    do_remove_from_file(stake, actor=world.alice, expected_version=stake.version)
    assert profile.person_timeline(world.alice, minister, 10) == []
    assert titles(profile.interaction_links(world.alice, contact)) == {"Secret talks"}
    assert profile.interaction_links(world.bob, contact) == []
    assert profile.bearer_timeline(world.dave, file.bearer, 10) == []
    [panel] = profile.bearer_panels(world.bob, file.bearer)
    assert list(panel.records) == [file]
    [row] = panel.context["rows"]
    assert (row["red_lines"], row["unsigned"]) == (2, 1)
    [hidden] = profile.bearer_panels(world.dave, file.bearer)
    assert hidden.context["rows"] == [] and secret not in hidden.records
