"""Builders for the negotiation tests, written through the service layer like real data."""

from __future__ import annotations

from typing import Any

from pourparler.bearers.models import WeaponBearer
from pourparler.negotiation.choices import IslandKind, Layer, Side
from pourparler.negotiation.models import (
    IcebergEntry,
    IslandItem,
    NegotiationFile,
    RedLine,
    Stakeholder,
    StakeholderLink,
)
from pourparler.negotiation.services import do_add_to_file, do_open_file
from pourparler.people.models import Person
from pourparler.testing.personas import World, make_bearer, make_person


def open_file(
    world: World,
    *,
    bearer: WeaponBearer | None = None,
    counterpart: Person | None = None,
    title: str = "Release of the Orun detainees",
    **fields: Any,
) -> NegotiationFile:
    """Open a file in Varnia held by alice, about a bearer, with one counterpart."""
    bearer = bearer or make_bearer(world.alice)
    counterpart = counterpart or make_person(world.alice, world.varnia, bearer=bearer)
    return do_open_file(
        actor=world.alice,
        compartment=world.varnia,
        bearer=bearer,
        title=title,
        objective="Access to the detainees held at Orun camp.",
        counterparts=[counterpart],
        **fields,
    )


def fill(world: World, file: NegotiationFile, tag: str = "") -> dict[str, Any]:
    """Add one row of each kind to the file (``tag`` makes the texts differ)."""
    actor = world.alice
    island = do_add_to_file(
        file, IslandItem, actor=actor, kind=IslandKind.FACT, agreed=True, text=f"12 held{tag}"
    )
    iceberg = do_add_to_file(
        file,
        IcebergEntry,
        actor=actor,
        side=Side.COUNTERPART,
        layer=Layer.MOTIVE,
        text=f"Fear of reprisals{tag}",
    )
    chief = do_add_to_file(file, Stakeholder, actor=actor, name=f"Elder of Orun{tag}", influence=3)
    cleric = do_add_to_file(
        file, Stakeholder, actor=actor, name=f"Imam of Kessel{tag}", influence=1, proximity=2
    )
    link = do_add_to_file(
        file, StakeholderLink, actor=actor, source=chief, target=cleric, strength=2
    )
    red = do_add_to_file(file, RedLine, actor=actor, text=f"No armed escort{tag}")
    return {
        "island": island,
        "iceberg": iceberg,
        "stakeholders": [chief, cleric],
        "link": link,
        "red_line": red,
    }
