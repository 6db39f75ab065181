"""Demo negotiation files for Varnia, written through the services.

One open file with the Front for the Liberation of the Hollow Hills about access to the
people they hold, with every tool filled in and a red line signed off by the head of
delegation; one restricted file with the Varnian Armed Forces about the evacuation of
the wounded from Kessel Ford, seen only by the delegate who holds it and the head.
"""

from __future__ import annotations

from typing import Any

from pourparler.dialogue.models import Interaction
from pourparler.negotiation.choices import FileStatus, IslandKind, Layer, Likelihood, Side
from pourparler.negotiation.models import (
    BottomLine,
    IcebergEntry,
    IslandItem,
    NegotiationFile,
    RedLine,
    Scenario,
    Stakeholder,
    StakeholderLink,
)
from pourparler.negotiation.services import (
    do_add_to_file,
    do_change_in_file,
    do_open_file,
    do_sign_off_red_line,
)

ISLAND = (
    (IslandKind.FACT, True, "Eleven soldiers are held by the Front since the fighting at Orun."),
    (IslandKind.FACT, False, "Whether two of them are wounded and need surgery."),
    (IslandKind.FACT, False, "Who shelled the Orun market on the day of the capture."),
    (IslandKind.NORM, True, "Captured fighters must be treated humanely."),
    (IslandKind.NORM, True, "Families have a right to know the fate of their relatives."),
    (IslandKind.NORM, False, "The Front says the captives are hostages for an exchange."),
)
ICEBERG = (
    (Side.US, Layer.POSITION, "Visit all the captives, in private, and repeat the visits."),
    (Side.US, Layer.REASONING, "Only private interviews tell us how they are treated."),
    (Side.US, Layer.MOTIVE, "The captives' life and dignity; news to their families."),
    (Side.COUNTERPART, Layer.POSITION, "One visit, in the presence of a commander."),
    (Side.COUNTERPART, Layer.REASONING, "A visit must not reveal where the captives are kept."),
    (Side.COUNTERPART, Layer.MOTIVE, "To be seen as a disciplined force; fear of an air strike."),
)
SCENARIOS = (
    (
        "One supervised visit now, private interviews from the second visit.",
        Likelihood.MEDIUM,
        "We accept a first visit below our standard.",
        "The wounded are seen within weeks; a pattern of visits starts.",
    ),
    (
        "No visit; Red Crescent messages only.",
        Likelihood.HIGH,
        "No view of the conditions of detention.",
        "Families get news; the channel stays open.",
    ),
)


def _people_of(world: Any, key: str, count: int) -> list[Any]:
    return [p.person for p in world.people["varnia"] if p.bearer.spec.key == key][:count]


def _contacts(world: Any, bearer: Any, count: int) -> list[Interaction]:
    ids = [i.pk for i in world.interactions["varnia"] if not i.restricted]
    return list(
        Interaction.objects.alive()
        .filter(pk__in=ids, bearers=bearer)
        .order_by("-occurred_at")[:count]
    )


def _hollow_hills(world: Any) -> NegotiationFile:
    delegate, head = world.users["varnia.delegate"], world.users["varnia.head"]
    bearer = world.bearers["flhh"].bearer
    commanders = _people_of(world, "flhh", 3)
    file = do_open_file(
        actor=delegate,
        compartment=world.delegations["varnia"],
        bearer=bearer,
        title="Visits to the soldiers held by the Front",
        objective=(
            "Regular private visits to the eleven soldiers captured at Orun; news to their "
            "families; surgery for the wounded."
        ),
        counterparts=commanders[:1],
        interactions=_contacts(world, bearer, 2),
        opened_on=world.days_ago(75),
    )
    for kind, agreed, text in ISLAND:
        do_add_to_file(file, IslandItem, actor=delegate, kind=kind, agreed=agreed, text=text)
    for side, layer, text in ICEBERG:
        do_add_to_file(file, IcebergEntry, actor=delegate, side=side, layer=layer, text=text)
    stakes = [
        do_add_to_file(
            file, Stakeholder, actor=delegate, person=person, influence=3 - n, proximity=n - 1
        )
        for n, person in enumerate(commanders[1:])
    ]
    elder = do_add_to_file(
        file,
        Stakeholder,
        actor=delegate,
        name="Council of elders of the Hollow Hills",
        influence=3,
        proximity=1,
        note="Families of fighters sit on it; the Front listens to it on captives.",
    )
    diaspora = do_add_to_file(
        file,
        Stakeholder,
        actor=delegate,
        name="Diaspora committee abroad",
        influence=2,
        proximity=-1,
        note="Funds the Front; wants an exchange of prisoners.",
    )
    for stake in stakes:
        do_add_to_file(file, StakeholderLink, actor=delegate, source=stake, target=elder)
    do_add_to_file(
        file,
        StakeholderLink,
        actor=delegate,
        source=elder,
        target=diaspora,
        strength=2,
        note="Kin",
    )
    signed = do_add_to_file(
        file, RedLine, actor=delegate, text="We do not carry messages about an exchange."
    )
    do_sign_off_red_line(signed, actor=head, expected_version=signed.version)
    draft = do_add_to_file(
        file, RedLine, actor=delegate, text="No visit without a list of the captives."
    )
    do_change_in_file(
        draft,
        actor=delegate,
        expected_version=draft.version,
        changes={"text": "No visit without the names of all the captives, before the visit."},
    )
    do_add_to_file(
        file,
        BottomLine,
        actor=delegate,
        text="A first visit with a commander present, if the wounded are seen by our doctor.",
    )
    for text, likelihood, costs, benefits in SCENARIOS:
        do_add_to_file(
            file,
            Scenario,
            actor=delegate,
            text=text,
            likelihood=likelihood,
            costs=costs,
            benefits=benefits,
        )
    return file


def _kessel_ford(world: Any) -> NegotiationFile:
    delegate, head = world.users["varnia.delegate"], world.users["varnia.head"]
    bearer = world.bearers["vaf"].bearer
    file = do_open_file(
        actor=delegate,
        compartment=world.delegations["varnia"],
        bearer=bearer,
        title="Evacuation of the wounded from Kessel Ford",
        objective="A pause of four hours for our ambulances to reach the ford.",
        counterparts=_people_of(world, "vaf", 1),
        opened_on=world.days_ago(20),
        restricted=True,
        restricted_to=[head],
        status=FileStatus.OPEN,
    )
    do_add_to_file(
        file,
        IslandItem,
        actor=delegate,
        kind=IslandKind.NORM,
        agreed=True,
        text="The wounded must be collected and cared for, whoever they are.",
    )
    do_add_to_file(
        file, RedLine, actor=delegate, text="Our ambulances are not escorted by armed units."
    )
    return file


def populate(world: Any) -> str:
    """Open the demo negotiation files; return a line saying what was added."""
    files = [_hollow_hills(world), _kessel_ford(world)]
    versions = sum(f.versions.count() for f in files)
    return f"{len(files)} negotiation files in Varnia (one restricted), {versions} versions"
