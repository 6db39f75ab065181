"""Demo access records for Varnia and Kestria, written through the services.

Varnia: our teams cross checkpoints on the roads of the conflict area, held by the army,
the gendarmerie, the police and the three armed groups. The army delays us often but
rarely turns us back; the FLHH refused our presence at first and came round after months
of dialogue (refused, then partly, then accepted: its checkpoints turn us back less and
less); the ERM, with written orders, lets us through; the HHRB splinter stops us, taxes
us and once held two of our staff. Constraints follow the same story (road closures,
fighting, mines, interference, visas held up in the capital).
Kestria: police and gendarmerie cordons around the demonstrations before the elections,
more of them as polling day nears, and one tense afternoon on Republic Square.

Dates are relative to the world's today; choices come from our own seeded generator,
so these records do not change when other apps draw more numbers.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from pourparler.access.choices import (
    AcceptanceStatus,
    ConstraintEffect,
    IncidentKind,
    PassageOutcome,
    Severity,
)
from pourparler.access.models import CheckpointPassage
from pourparler.access.services import (
    do_record_acceptance,
    do_record_constraint,
    do_record_incident,
    do_record_passage,
)
from pourparler.bearers.choices import Level
from pourparler.bearers.models import Unit
from pourparler.dialogue.choices import InteractionKind
from pourparler.dialogue.models import Interaction

SEED = 1_949_0812

# Outcome odds (passed, delayed, turned back) by the bearer's stance towards us.
ODDS = {
    "hostile": (35, 30, 35),
    "wary": (55, 33, 12),
    "slow": (62, 34, 4),
    "open": (88, 11, 1),
}
DELAYS = (10, 15, 15, 20, 20, 30, 30, 45, 60, 90, 120, 180)


@dataclass(frozen=True)
class Checkpoint:
    """A checkpoint our teams cross, whose it is, and how often we use the road."""

    delegation: str
    place: str
    bearer: str
    unit: str
    pcode: str | None
    latitude: str
    longitude: str
    weight: int
    # (days ago from which it applies, stance): the stance changes over time.
    stances: tuple[tuple[int, str], ...]
    # Only in these last days (a checkpoint set up later, or cordons before the vote).
    within: int = 540


CHECKPOINTS: tuple[Checkpoint, ...] = (
    Checkpoint(
        "varnia",
        "Kessel Ford bridge",
        "vaf",
        "n211",
        "QV02",
        "44.21840",
        "21.40215",
        14,
        ((540, "slow"),),
    ),
    Checkpoint(
        "varnia",
        "Dunmarrow northern entrance",
        "vaf",
        "n212",
        "QV02",
        "44.30512",
        "21.28870",
        10,
        ((540, "slow"), (200, "wary")),
    ),
    Checkpoint(
        "varnia",
        "Orlbridge ring road",
        "vaf",
        "n321",
        "QV04",
        "43.87120",
        "21.71954",
        8,
        ((540, "open"),),
    ),
    Checkpoint(
        "varnia",
        "Tarn Abbas river crossing",
        "vaf",
        "n312",
        "QV03",
        "44.02288",
        "22.10510",
        6,
        ((540, "slow"),),
    ),
    Checkpoint(
        "varnia",
        "Lirac gendarmerie post",
        "vg",
        "c12",
        "QV04",
        "43.80245",
        "21.55102",
        6,
        ((540, "open"),),
    ),
    Checkpoint(
        "varnia",
        "Sarnmouth harbour gate",
        "vnp",
        "s4",
        "QV04",
        "43.70110",
        "21.90433",
        4,
        ((540, "open"),),
    ),
    Checkpoint(
        "varnia",
        "Brannoch heights road",
        "flhh",
        "ln1",
        "QV02",
        "44.40017",
        "21.16540",
        9,
        ((540, "hostile"), (330, "wary"), (120, "open")),
    ),
    Checkpoint(
        "varnia",
        "Mirovane hill track",
        "flhh",
        "ln2",
        "QV05",
        "44.61302",
        "21.30118",
        5,
        ((540, "hostile"), (330, "wary"), (120, "slow")),
    ),
    Checkpoint(
        "varnia",
        "Halvick ridge checkpoint",
        "erm",
        "lr1",
        "QV03",
        "44.12760",
        "22.31871",
        7,
        ((540, "wary"), (400, "open")),
    ),
    Checkpoint(
        "varnia",
        "Qasr Meriden junction",
        "erm",
        "lv1",
        "QV03",
        "43.98711",
        "22.20044",
        5,
        ((540, "slow"), (400, "open")),
    ),
    Checkpoint(
        "varnia",
        "Kessel Ford market road",
        "hhrb",
        "g1",
        "QV02",
        "44.22561",
        "21.41590",
        6,
        ((330, "hostile"), (60, "wary")),
        within=330,
    ),
    Checkpoint(
        "kestria",
        "Republic Square cordon, Aldmere",
        "knp",
        "po",
        None,
        "45.81230",
        "17.20415",
        9,
        ((540, "open"), (120, "slow"), (40, "wary")),
        within=300,
    ),
    Checkpoint(
        "kestria",
        "Old Town police cordon, Aldmere",
        "knp",
        "s2",
        None,
        "45.81702",
        "17.19520",
        6,
        ((540, "open"), (90, "slow")),
    ),
    Checkpoint(
        "kestria",
        "Ruvelsk road checkpoint",
        "knp",
        "s3",
        None,
        "46.10230",
        "17.55210",
        4,
        ((540, "open"),),
    ),
    Checkpoint(
        "kestria",
        "Drevan border crossing",
        "kg",
        "b1",
        None,
        "46.30544",
        "16.80322",
        5,
        ((540, "slow"),),
    ),
    Checkpoint(
        "kestria",
        "Vintra road gendarmerie post",
        "kg",
        "m1",
        None,
        "45.95410",
        "17.60755",
        3,
        ((540, "open"), (60, "slow")),
    ),
)

PASSAGES = {"varnia": 220, "kestria": 75}

NOTES = {
    PassageOutcome.DELAYED: (
        "The post commander asked for the movement notification again and phoned his superior.",
        "Vehicles searched one by one; the soldiers were polite but slow.",
        "Held while a convoy of the {short} went through first.",
        "The list of passengers did not match the notification; sorted out by phone.",
        "Asked about our mandate; we explained it and were let through.",
    ),
    PassageOutcome.TURNED_BACK: (
        "No authorisation from the command for this road today; told to come back tomorrow.",
        "Fighting reported further up the road; the post would not let anyone through.",
        "The commander said he had no orders about us and sent us back.",
        "Told that the area is closed to all organisations until further notice.",
    ),
}


@dataclass(frozen=True)
class IncidentPlan:
    """A security incident of the demo, at a checkpoint or elsewhere."""

    delegation: str
    days_ago: int
    kind: str
    severity: str
    bearers: tuple[str, ...]
    staff: int
    place: str
    description: str
    checkpoint: str | None = None
    restricted: bool = False


INCIDENTS: tuple[IncidentPlan, ...] = (
    IncidentPlan(
        "varnia",
        430,
        IncidentKind.WARNING_SHOTS,
        Severity.SERIOUS,
        ("flhh",),
        3,
        "Brannoch heights road",
        "Warning shots fired over our two vehicles as they slowed for the checkpoint; nobody "
        "hurt. The local commander said his men had not been told we were coming.",
        checkpoint="Brannoch heights road",
    ),
    IncidentPlan(
        "varnia",
        150,
        IncidentKind.DETENTION,
        Severity.SERIOUS,
        ("hhrb",),
        2,
        "Kessel Ford market road",
        "Two national staff taken from the vehicle and held for six hours in a house near "
        "the market; questioned about our contacts with the army, then released unharmed.",
        checkpoint="Kessel Ford market road",
        restricted=True,
    ),
    IncidentPlan(
        "varnia",
        95,
        IncidentKind.LOOTING,
        Severity.MODERATE,
        ("hhrb",),
        0,
        "Our warehouse, Dunmarrow",
        "Men who said they were HHRB took forty food parcels and two generators from the "
        "warehouse at night; the guard was threatened but not hurt.",
    ),
    IncidentPlan(
        "kestria",
        28,
        IncidentKind.INTIMIDATION,
        Severity.MODERATE,
        ("knp",),
        4,
        "Republic Square cordon, Aldmere",
        "Public-order officers held our first-aid team at the cordon for an hour during the "
        "demonstration, filmed them and took their names; one officer shouted that we "
        "were helping the protesters.",
        checkpoint="Republic Square cordon, Aldmere",
    ),
)


# (delegation, days ago, category, subcategory, effect, bearer, place, days it lasted, text)
CONSTRAINTS: tuple[tuple[str, int, str, str, str, str | None, str, int | None, str], ...] = (
    (
        "varnia",
        520,
        "entry",
        "entry_visa",
        "delayed",
        None,
        "Velmora",
        75,
        "Work permits of two expatriate delegates held up at the Ministry of the Interior "
        "for ten weeks.",
    ),
    (
        "varnia",
        505,
        "movement",
        "movement_authorisation",
        "delayed",
        "vaf",
        "Hollow Hills",
        40,
        "The General Staff asked for forty-eight hours' notice of every movement into the "
        "Hollow Hills.",
    ),
    (
        "varnia",
        470,
        "violence",
        "violence_threat",
        "suspended",
        "flhh",
        "Brannoch heights road",
        14,
        "Threats against our drivers relayed by village elders; movements above Brannoch "
        "suspended for two weeks.",
    ),
    (
        "varnia",
        430,
        "violence",
        "violence_people",
        "suspended",
        "flhh",
        "Brannoch heights road",
        21,
        "Warning shots over our vehicles at the checkpoint (see the incident).",
    ),
    (
        "varnia",
        400,
        "hostilities",
        "",
        "suspended",
        None,
        "Dunmarrow",
        9,
        "Shelling around Dunmarrow; all field movements in the district stopped for nine days.",
    ),
    (
        "varnia",
        360,
        "explosives",
        "",
        "reduced",
        None,
        "Brannoch heights road",
        None,
        "Anti-vehicle mines reported on the upper road; we use the valley track only.",
    ),
    (
        "varnia",
        330,
        "movement",
        "movement_closure",
        "reduced",
        "vaf",
        "Kessel Ford",
        30,
        "Army curfew in Kessel Ford from 18:00; distributions cut to mornings.",
    ),
    (
        "varnia",
        300,
        "interference",
        "interference_diversion",
        "suspended",
        "hhrb",
        "Kessel Ford market road",
        25,
        "The HHRB asked for a 'passage fee' per truck; we refused and suspended the food convoys.",
    ),
    (
        "varnia",
        260,
        "movement",
        "movement_checkpoint",
        "delayed",
        "vaf",
        "Dunmarrow northern entrance",
        None,
        "New searches of every vehicle at the northern entrance; two-hour queues.",
    ),
    (
        "varnia",
        240,
        "interference",
        "interference_selection",
        "delayed",
        "flhh",
        "Mirovane hills",
        20,
        "A local commander wanted his own list of families for the seed distribution; "
        "settled with the front command.",
    ),
    (
        "varnia",
        210,
        "entry",
        "entry_goods",
        "delayed",
        None,
        "Port Selane",
        35,
        "Surgical kits held at customs in Port Selane for five weeks.",
    ),
    (
        "varnia",
        180,
        "hostilities",
        "",
        "suspended",
        None,
        "Qasr Meriden",
        6,
        "Fighting between the army and the ERM on the Qasr Meriden road.",
    ),
    (
        "varnia",
        150,
        "violence",
        "violence_people",
        "suspended",
        "hhrb",
        "Kessel Ford market road",
        30,
        "Two staff held for six hours (see the incident); the road is closed to our teams.",
    ),
    (
        "varnia",
        120,
        "movement",
        "movement_authorisation",
        "delayed",
        "vaf",
        "Tarn Abbas",
        None,
        "Movement notifications for the Eastern Ridge now go through the 3rd Division; "
        "answers take three days.",
    ),
    (
        "varnia",
        95,
        "violence",
        "violence_property",
        "reduced",
        "hhrb",
        "Dunmarrow",
        None,
        "Warehouse looted (see the incident); stocks moved to Kessel Ford.",
    ),
    (
        "varnia",
        70,
        "interference",
        "interference_staff",
        "none",
        "vaf",
        "Kessel Ford",
        None,
        "Officers asked for the names and home villages of our national staff; we declined.",
    ),
    (
        "varnia",
        40,
        "explosives",
        "",
        "reduced",
        None,
        "Mirovane hill track",
        None,
        "Unexploded shells along the track after the fighting; clearance requested.",
    ),
    (
        "varnia",
        25,
        "movement",
        "movement_checkpoint",
        "delayed",
        "vaf",
        "Kessel Ford bridge",
        None,
        "Bridge checkpoint reinforced; long searches again.",
    ),
    (
        "varnia",
        12,
        "hostilities",
        "",
        "suspended",
        None,
        "Dunmarrow",
        None,
        "Renewed fighting west of Dunmarrow.",
    ),
    (
        "kestria",
        150,
        "movement",
        "movement_closure",
        "delayed",
        "knp",
        "Aldmere city centre",
        1,
        "City centre closed for the opposition rally; our first-aid teams let in after two hours.",
    ),
    (
        "kestria",
        95,
        "interference",
        "interference_staff",
        "none",
        "knp",
        "Aldmere",
        None,
        "Police asked for the list of our first-aid volunteers before the next demonstration.",
    ),
    (
        "kestria",
        60,
        "movement",
        "movement_checkpoint",
        "delayed",
        "kg",
        "Vintra road",
        None,
        "Gendarmerie checkpoints on every road into the capital before the march.",
    ),
    (
        "kestria",
        28,
        "violence",
        "violence_threat",
        "reduced",
        "knp",
        "Republic Square, Aldmere",
        1,
        "First-aid team held and filmed at the cordon (see the incident).",
    ),
    (
        "kestria",
        10,
        "movement",
        "movement_closure",
        "delayed",
        "knp",
        "Aldmere",
        None,
        "Ban on gatherings in the city centre until the results are announced.",
    ),
)

# (bearer, days ago, status, note): acceptance changing over time, linked to the nearest
# earlier contact with the bearer when there is one.
ACCEPTANCE: tuple[tuple[str, int, str, str], ...] = (
    (
        "vaf",
        530,
        "accepted",
        "The General Staff confirmed in writing that our teams may work in the conflict "
        "area with notice.",
    ),
    (
        "vaf",
        200,
        "accepted",
        "Confirmed again by the new chief of operations; notice still required.",
    ),
    ("vnp", 480, "accepted", "The Director-General welcomed visits to custody cells."),
    (
        "vg",
        470,
        "partly",
        "Rural companies let us through; companies under army command ask for army clearance.",
    ),
    ("vg", 160, "accepted", "The legion commanders circulated our identity cards to every post."),
    (
        "flhh",
        520,
        "refused",
        "The council sees us as close to the government and will not let us work above Brannoch.",
    ),
    (
        "flhh",
        330,
        "partly",
        "After three meetings the council accepts our medical work in the villages, not on "
        "the front line.",
    ),
    (
        "flhh",
        120,
        "accepted",
        "The council's order to all fronts: let our teams through with notice. Front "
        "commanders confirm.",
    ),
    ("erm", 500, "partly", "The ERM accepts us in Halvick but not near its positions."),
    (
        "erm",
        400,
        "accepted",
        "Written order from the Central Command: our teams are to be let through.",
    ),
    ("hhrb", 320, "unknown", "Splinter of the FLHH; no contact yet, stance unknown."),
    ("hhrb", 250, "refused", "The HHRB leadership says our presence serves the army."),
    (
        "hhrb",
        60,
        "partly",
        "Contacts through elders: the HHRB would let medical teams into Kessel Ford town.",
    ),
    (
        "knp",
        500,
        "accepted",
        "The General Directorate accepts our first-aid presence at demonstrations.",
    ),
    (
        "knp",
        90,
        "partly",
        "Public-order commanders now keep our teams outside the cordons on demonstration days.",
    ),
    (
        "knp",
        15,
        "accepted",
        "After the meeting with the Director-General, first-aid teams are let inside the "
        "cordons again.",
    ),
    ("kg", 450, "accepted", "The Gendarmerie Command agreed to our visits and first-aid presence."),
)


def _stance(checkpoint: Checkpoint, days: int) -> str:
    stance = checkpoint.stances[0][1]
    for since, value in checkpoint.stances:
        if days <= since:
            stance = value
    return stance


def _unit(world: Any, bearer: str, key: str) -> Unit:
    return next(info.unit for info in world.bearers[bearer].units if info.spec.key == key)


def _moment(world: Any, rng: random.Random, days: int) -> datetime.datetime:
    hour = rng.randint(7, 17)
    return timezone.make_aware(
        datetime.datetime.combine(
            world.days_ago(days), datetime.time(hour, rng.choice((0, 10, 20, 30, 40, 50)))
        )
    )


def _passages(world: Any, rng: random.Random) -> dict[str, list[CheckpointPassage]]:
    """Record the passages; return those of each checkpoint, oldest first."""
    by_place: dict[str, list[CheckpointPassage]] = defaultdict(list)
    for delegation, total in PASSAGES.items():
        checkpoints = [c for c in CHECKPOINTS if c.delegation == delegation]
        skew = 1.25 if delegation == "varnia" else 1.8
        plans = []
        for _ in range(total):
            checkpoint = rng.choices(checkpoints, weights=[c.weight for c in checkpoints])[0]
            days = 1 + int((checkpoint.within - 1) * rng.random() ** skew)
            plans.append((days, checkpoint))
        plans.sort(key=lambda plan: -plan[0])
        actors = [world.users[f"{delegation}.delegate"]] * 5 + [
            world.users[f"{delegation}.specialist"]
        ]
        for days, checkpoint in plans:
            info = world.bearers[checkpoint.bearer]
            odds = ODDS[_stance(checkpoint, days)]
            outcome = rng.choices(
                (PassageOutcome.PASSED, PassageOutcome.DELAYED, PassageOutcome.TURNED_BACK),
                weights=odds,
            )[0]
            note = ""
            if outcome != PassageOutcome.PASSED and rng.random() < 0.6:
                note = rng.choice(NOTES[outcome]).format(short=info.spec.short)
            convoy = rng.random() < 0.12
            passage = do_record_passage(
                actor=rng.choice(actors),
                compartment=world.delegations[delegation],
                bearer=info.bearer,
                unit=_unit(world, checkpoint.bearer, checkpoint.unit),
                place_name=checkpoint.place,
                admin_area=world.areas.get(checkpoint.pcode) if checkpoint.pcode else None,
                latitude=Decimal(checkpoint.latitude),
                longitude=Decimal(checkpoint.longitude),
                occurred_at=_moment(world, rng, days),
                outcome=outcome,
                delay_minutes=rng.choice(DELAYS) if outcome == PassageOutcome.DELAYED else None,
                team_size=rng.randint(4, 9) if convoy else rng.randint(2, 4),
                vehicle_count=rng.randint(3, 8) if convoy else rng.randint(1, 2),
                note=note,
            )
            by_place[checkpoint.place].append(passage)
    return by_place


def _incidents(world: Any, rng: random.Random) -> int:
    """Record each planned incident, with the passage it happened at when there was one."""
    places = {c.place: c for c in CHECKPOINTS}
    for plan in INCIDENTS:
        compartment = world.delegations[plan.delegation]
        head = world.users[f"{plan.delegation}.head"] if plan.delegation == "varnia" else None
        actor = head or world.users[f"{plan.delegation}.delegate"]
        occurred = _moment(world, rng, plan.days_ago)
        passage = None
        checkpoint = places.get(plan.checkpoint or "")
        if checkpoint is not None:
            info = world.bearers[checkpoint.bearer]
            passage = do_record_passage(
                actor=world.users[f"{plan.delegation}.delegate"],
                compartment=compartment,
                bearer=info.bearer,
                unit=_unit(world, checkpoint.bearer, checkpoint.unit),
                place_name=checkpoint.place,
                admin_area=world.areas.get(checkpoint.pcode) if checkpoint.pcode else None,
                latitude=Decimal(checkpoint.latitude),
                longitude=Decimal(checkpoint.longitude),
                occurred_at=occurred,
                outcome=PassageOutcome.INCIDENT,
                team_size=max(2, plan.staff),
                vehicle_count=2,
            )
        restricted_to = (
            [world.users["varnia.head"], world.users["varnia.specialist"]]
            if plan.restricted
            else []
        )
        do_record_incident(
            actor=actor,
            compartment=compartment,
            kind=plan.kind,
            severity=plan.severity,
            bearers=[world.bearers[key].bearer for key in plan.bearers],
            staff_affected=plan.staff,
            occurred_at=occurred,
            place_name=plan.place,
            admin_area=passage.admin_area if passage else None,
            latitude=passage.latitude if passage else None,
            longitude=passage.longitude if passage else None,
            description=plan.description,
            passage=passage,
            restricted=plan.restricted,
            restricted_to=restricted_to,
        )
    return len(INCIDENTS)


def _constraints(world: Any) -> int:
    for delegation, days, category, sub, effect, bearer, place, lasted, text in CONSTRAINTS:
        do_record_constraint(
            actor=world.users[f"{delegation}.delegate"],
            compartment=world.delegations[delegation],
            category=category,
            subcategory=sub,
            effect=ConstraintEffect(effect),
            occurred_on=world.days_ago(days),
            ended_on=world.days_ago(days - lasted) if lasted is not None else None,
            bearer=world.bearers[bearer].bearer if bearer else None,
            place_name=place,
            description=text,
        )
    return len(CONSTRAINTS)


# A bearer's stance shows in talks with its leaders and commanders, not at a checkpoint.
SHOWING_KINDS = (
    InteractionKind.BILATERAL_MEETING,
    InteractionKind.CALL,
    InteractionKind.WRITTEN,
)


def _contacts_by_bearer(world: Any) -> dict[Any, list[Interaction]]:
    """Talks at strategic or operational level about each bearer, oldest first (one query)."""
    interactions = {
        i.pk: i
        for delegation in world.interactions.values()
        for i in delegation
        if not i.restricted and i.kind in SHOWING_KINDS and i.level != Level.TACTICAL
    }
    through = Interaction.bearers.through
    links = through.objects.filter(interaction_id__in=list(interactions)).values_list(
        "interaction_id", "weaponbearer_id"
    )
    about: dict[Any, list[Interaction]] = defaultdict(list)
    for interaction_id, bearer_id in links:
        about[bearer_id].append(interactions[interaction_id])
    for series in about.values():
        series.sort(key=lambda i: i.occurred_at)
    return about


def _acceptance(world: Any) -> int:
    """Record each bearer's acceptance over time, each change shown by a talk with it.

    The talk nearest the planned day (two months either side) shows the change and
    dates it; it must come after the bearer's previous assessment, so the series keeps
    its order. Without such a talk the assessment stands on its own.
    """
    about = _contacts_by_bearer(world)
    previous: dict[str, datetime.date] = {}
    window = datetime.timedelta(days=60)
    for key, days, status, note in ACCEPTANCE:
        info = world.bearers[key]
        delegation = info.spec.delegation
        day = world.days_ago(days)
        after = previous.get(key, datetime.date.min)
        near = [
            i
            for i in about.get(info.bearer.pk, [])
            if after < timezone.localdate(i.occurred_at) <= world.today
            and abs(timezone.localdate(i.occurred_at) - day) <= window
        ]
        shown_by = min(
            near, key=lambda i: abs(timezone.localdate(i.occurred_at) - day), default=None
        )
        previous[key] = timezone.localdate(shown_by.occurred_at) if shown_by else day
        do_record_acceptance(
            actor=world.users[f"{delegation}.head"]
            if delegation == "varnia"
            else world.users[f"{delegation}.specialist"],
            compartment=world.delegations[delegation],
            bearer=info.bearer,
            status=AcceptanceStatus(status),
            assessed_on=timezone.localdate(shown_by.occurred_at) if shown_by else day,
            interaction=shown_by,
            note=note,
        )
    return len(ACCEPTANCE)


def populate(world: Any) -> str:
    """Add checkpoint passages, constraints, incidents and acceptance to the demo world."""
    rng = random.Random(SEED)
    by_place = _passages(world, rng)
    incidents = _incidents(world, rng)
    constraints = _constraints(world)
    assessments = _acceptance(world)
    passages = sum(len(series) for series in by_place.values()) + sum(
        1 for plan in INCIDENTS if plan.checkpoint
    )
    return (
        f"{passages} checkpoint passages, {constraints} access constraints, "
        f"{incidents} security incidents, {assessments} acceptance assessments"
    )
