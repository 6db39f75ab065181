"""Demo sessions for Varnia and Kestria, written through the services.

Varnia: pre-deployment briefings and courses for the armed forces, workshops with the
commanders of the armed groups, police and gendarmerie courses on the use of force.
Kestria: crowd-management courses for the police and the gendarmerie in the months before
the elections. Every briefing, course, exercise or conference already in the contact log
gets its session (with its audience counted); more sessions stand on their own, as many
are never logged as interactions.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import prefetch_related_objects

from pourparler.bearers.choices import BearerKind, Level
from pourparler.bearers.models import Unit
from pourparler.core.models import User
from pourparler.dialogue.choices import InteractionKind
from pourparler.dialogue.models import Interaction
from pourparler.training.choices import SessionKind
from pourparler.training.services import do_record_session

# Our own generator, so the sessions do not change when other apps draw more numbers.
SEED = 5_1949

K = InteractionKind
FROM_INTERACTION = {
    K.DISSEMINATION: SessionKind.BRIEFING,
    K.COURSE: SessionKind.COURSE,
    K.PRE_DEPLOYMENT: SessionKind.PRE_DEPLOYMENT,
    K.EXERCISE: SessionKind.EXERCISE,
    K.CONFERENCE: SessionKind.CONFERENCE,
}

# How many attend, (low, high), by kind of session.
HEADCOUNT: dict[str, tuple[int, int]] = {
    SessionKind.BRIEFING: (15, 60),
    SessionKind.PRE_DEPLOYMENT: (80, 420),
    SessionKind.COURSE: (14, 32),
    SessionKind.WORKSHOP: (8, 22),
    SessionKind.EXERCISE: (40, 160),
    SessionKind.CONFERENCE: (25, 90),
}
# The share of women, (low, high), by kind of bearer.
WOMEN: dict[str, tuple[float, float]] = {
    BearerKind.ARMED_FORCES: (0.02, 0.10),
    BearerKind.POLICE: (0.12, 0.30),
    BearerKind.GENDARMERIE: (0.05, 0.15),
    BearerKind.NON_STATE_ARMED_GROUP: (0.0, 0.08),
}
LANGUAGES = {"varnia": ("fr", "fr", "fr", "ar", "en"), "kestria": ("sr", "sr", "el", "en")}


@dataclass(frozen=True)
class Standalone:
    """A series of sessions that were never logged as interactions."""

    delegation: str
    bearer: str
    kind: str
    level: str
    topics: tuple[str, ...]
    count: int
    # Spread over the last ``within`` days, not before ``after`` days ago.
    within: int
    after: int
    tested: bool
    places: tuple[str, ...]
    facilitators: tuple[str, ...]
    external: str = ""


STANDALONE: tuple[Standalone, ...] = (
    Standalone(
        "varnia",
        "vaf",
        SessionKind.PRE_DEPLOYMENT,
        Level.TACTICAL,
        ("conduct-of-hostilities", "health-care", "detention"),
        9,
        520,
        3,
        False,
        ("Mirovane garrison", "Kessel Ford barracks", "Tarn Abbas camp", "Orlbridge barracks"),
        ("varnia.specialist",),
    ),
    Standalone(
        "varnia",
        "vaf",
        SessionKind.COURSE,
        Level.OPERATIONAL,
        ("conduct-of-hostilities", "detention", "sanctions"),
        5,
        500,
        10,
        True,
        ("Velmora Staff College", "Ennisvale divisional school"),
        ("varnia.specialist", "varnia.head"),
        "Legal adviser of the General Staff",
    ),
    Standalone(
        "varnia",
        "vnp",
        SessionKind.COURSE,
        Level.TACTICAL,
        ("use-of-force", "detention"),
        6,
        480,
        5,
        True,
        ("Velmora Police Academy", "Sarnmouth Police Station", "Port Selane training centre"),
        ("varnia.specialist", "varnia.delegate"),
        "Two police instructors trained as trainers",
    ),
    Standalone(
        "varnia",
        "vg",
        SessionKind.COURSE,
        Level.TACTICAL,
        ("use-of-force", "conduct-of-hostilities"),
        3,
        420,
        20,
        True,
        ("Lirac Gendarmerie Company", "Brannoch Gendarmerie Company"),
        ("varnia.specialist",),
    ),
    Standalone(
        "varnia",
        "flhh",
        SessionKind.WORKSHOP,
        Level.OPERATIONAL,
        ("conduct-of-hostilities", "detention", "health-care"),
        4,
        400,
        7,
        False,
        ("a village school above Brannoch", "Dunmarrow upland farm"),
        ("varnia.head", "varnia.delegate"),
    ),
    Standalone(
        "varnia",
        "erm",
        SessionKind.WORKSHOP,
        Level.STRATEGIC,
        ("conduct-of-hostilities", "mandate", "sanctions"),
        3,
        450,
        30,
        False,
        ("Halvick, ERM Central Command",),
        ("varnia.head", "varnia.specialist"),
    ),
    Standalone(
        "kestria",
        "knp",
        SessionKind.COURSE,
        Level.TACTICAL,
        ("use-of-force", "detention"),
        8,
        150,
        2,
        True,
        ("Aldmere Police Academy", "Aldmere Public Order Unit base", "Ruvelsk Police Station"),
        ("kestria.specialist",),
        "Public-order instructors of the KNP",
    ),
    Standalone(
        "kestria",
        "kg",
        SessionKind.COURSE,
        Level.TACTICAL,
        ("use-of-force", "equipment"),
        5,
        140,
        4,
        True,
        ("Vintra mobile gendarmerie base", "Aldmere, 2nd Mobile Company"),
        ("kestria.specialist",),
    ),
    Standalone(
        "kestria",
        "knp",
        SessionKind.WORKSHOP,
        Level.OPERATIONAL,
        ("use-of-force", "sanctions"),
        2,
        100,
        15,
        False,
        ("KNP General Directorate, Aldmere",),
        ("kestria.specialist", "kestria.delegate"),
    ),
)

NOTES = (
    "Participants asked many questions about what to do when a crowd turns violent.",
    "The commander attended the first hour and asked for a follow-up session.",
    "Case studies drawn from their own operations worked better than slides.",
    "Interpretation slowed the session; next time prepare the handouts in the language.",
    "Several participants had attended a briefing before; the session went deeper.",
    "",
    "",
)


class _Writer:
    """Draws the numbers of one session and writes it."""

    def __init__(self, world: Any) -> None:
        self.world = world
        self.rng = random.Random(SEED)
        self.unit_of_person: dict[Any, Unit] = {
            info.person.pk: info.unit.unit for infos in world.people.values() for info in infos
        }
        self.count = 0
        self.reached = 0

    def _numbers(self, kind: str, bearer_kind: str, tested: bool) -> dict[str, Any]:
        rng = self.rng
        low, high = HEADCOUNT[kind]
        participants = rng.randint(low, high)
        share_low, share_high = WOMEN.get(bearer_kind, (0.0, 0.1))
        women = round(participants * rng.uniform(share_low, share_high))
        fields: dict[str, Any] = {"participants": participants, "women": women}
        if tested:
            pre = Decimal(rng.randint(380, 620)) / 10
            post = min(Decimal(100), pre + Decimal(rng.randint(60, 260)) / 10)
            fields.update(
                tested=max(1, participants - rng.randint(0, 3)), pre_score=pre, post_score=post
            )
        return fields

    def write(
        self,
        *,
        delegation: str,
        actor: User,
        kind: str,
        bearer_key: str,
        held_on: datetime.date,
        level: str,
        place: str,
        topics: list[Any],
        units: list[Unit],
        facilitators: list[User],
        tested: bool,
        interaction: Interaction | None = None,
        external: str = "",
    ) -> None:
        info = self.world.bearers[bearer_key]
        numbers = self._numbers(kind, info.spec.kind, tested)
        days = 1 if kind != SessionKind.COURSE else self.rng.choice((2, 3, 5))
        do_record_session(
            actor=actor,
            compartment=self.world.delegations[delegation],
            kind=kind,
            bearer=info.bearer,
            held_on=held_on,
            ends_on=held_on + datetime.timedelta(days=days - 1) if days > 1 else None,
            place_name=place,
            level=level,
            units=units,
            topics=topics,
            facilitators=facilitators,
            external_facilitators=external,
            language=self.rng.choice(LANGUAGES[delegation]),
            interaction=interaction,
            notes=self.rng.choice(NOTES),
            **numbers,
        )
        self.count += 1
        self.reached += numbers["participants"]


def _bearer_key(world: Any, interaction: Interaction) -> str | None:
    bearer_ids = {b.pk for b in interaction.bearers.all()}
    for key, info in world.bearers.items():
        if info.bearer.pk in bearer_ids:
            return str(key)
    return None


def populate(world: Any) -> str:
    """Record the demo sessions; return a line saying what was added."""
    writer = _Writer(world)
    linked = 0
    for delegation, all_interactions in world.interactions.items():
        interactions = [
            i for i in all_interactions if i.kind in FROM_INTERACTION and not i.restricted
        ]
        prefetch_related_objects(
            interactions, "bearers", "our_participants", "their_participants", "topics"
        )
        for interaction in interactions:
            key = _bearer_key(world, interaction)
            if key is None:
                continue
            info = world.bearers[key]
            kind = FROM_INTERACTION[interaction.kind]
            nsag = info.spec.kind == BearerKind.NON_STATE_ARMED_GROUP
            if kind == SessionKind.BRIEFING and nsag and interaction.level != Level.TACTICAL:
                kind = SessionKind.WORKSHOP
            ours = list(interaction.our_participants.all())
            met = {
                writer.unit_of_person[p.pk]
                for p in interaction.their_participants.all()
                if p.pk in writer.unit_of_person
            }
            writer.write(
                delegation=delegation,
                actor=ours[0] if ours else interaction.created_by,
                kind=kind,
                bearer_key=key,
                held_on=interaction.occurred_at.date(),
                level=interaction.level,
                place=interaction.place_name,
                topics=list(interaction.topics.all()),
                units=sorted(
                    (u for u in met if u.bearer_id == info.bearer.pk), key=lambda u: u.name
                ),
                facilitators=ours,
                tested=kind == SessionKind.COURSE and writer.rng.random() < 0.6,
                interaction=interaction,
            )
            linked += 1
    for series in STANDALONE:
        info = world.bearers[series.bearer]
        units = [u.unit for u in info.units_at(series.level)] or [u.unit for u in info.units]
        staff = [world.users[name] for name in series.facilitators]
        for _ in range(series.count):
            days = writer.rng.randint(series.after, series.within)
            writer.write(
                delegation=series.delegation,
                actor=staff[0],
                kind=series.kind,
                bearer_key=series.bearer,
                held_on=world.days_ago(days),
                level=series.level,
                place=writer.rng.choice(series.places),
                topics=[world.topics[code] for code in series.topics],
                units=writer.rng.sample(units, min(len(units), writer.rng.randint(1, 2))),
                facilitators=staff,
                tested=series.tested,
                external=series.external,
            )
    return (
        f"{writer.count} sessions ({linked} recorded as interactions), "
        f"{writer.reached} people reached (attendances)"
    )
