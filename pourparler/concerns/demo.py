"""Demo concerns for Varnia and Kestria, written through the services.

Varnia (a non-international armed conflict): the conduct of hostilities (shelling of
towns, strikes near schools, mines and explosive devices on roads), detention (people
held incommunicado, ill-treatment in custody, prisoners held by the armed groups) and
attacks on health care (ambulances stopped, clinics searched or occupied). Kestria
(unrest around the elections): the use of force at demonstrations and arrests.

Each concern lives a believable life over the last two years: opened a few days after the
facts, raised at the level the delegation chose (and raised again higher when nothing
moved), answered or met with silence, then addressed, persisting or closed. Some
representations were made during a contact already in the log. Two concerns about the
prisoners held by the HHRB are restricted to the head of delegation and the
armed-forces specialist, like the confidential thread with the HHRB commander.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pourparler.bearers.choices import Level
from pourparler.concerns.choices import (
    ApplicableLaw,
    ConcernStatus,
    ResponseKind,
    SourceKind,
)
from pourparler.concerns.models import Concern
from pourparler.concerns.services import (
    do_change_concern_status,
    do_complete_concern_follow_up,
    do_open_concern,
    do_record_representation,
    do_record_response,
    do_schedule_concern_follow_up,
)
from pourparler.core.choices import DatePrecision
from pourparler.core.models import User
from pourparler.dialogue.choices import Confidentiality, InteractionKind
from pourparler.dialogue.models import Interaction

# Our own generator, so the concerns do not change when other apps draw more numbers.
SEED = 1949_0812
STRAT, OPER, TACT = Level.STRATEGIC, Level.OPERATIONAL, Level.TACTICAL
S = ConcernStatus
R = ResponseKind
K = SourceKind


@dataclass(frozen=True)
class Kind:
    """A kind of concern: what happens, to which bearers, under which rule."""

    delegation: str
    bearers: tuple[str, ...]
    category: str
    law: str
    rule: str
    summary: str
    description: str
    sources: tuple[str, ...]
    # How many of this kind the world holds.
    count: int


KINDS: tuple[Kind, ...] = (
    Kind(
        "varnia",
        ("vaf",),
        "conduct-of-hostilities",
        ApplicableLaw.IHL,
        "Rules 11–14: indiscriminate attacks and proportionality",
        "Shelling of the market in {town}",
        "Several artillery rounds landed on the market of {town} in the morning, while it "
        "was crowded. Residents counted {dead} dead and more than {wounded} wounded; the "
        "nearest fighting positions were some two kilometres away.",
        (K.WITNESS, K.MEDICAL, K.DIRECT_OBSERVATION),
        4,
    ),
    Kind(
        "varnia",
        ("vaf",),
        "conduct-of-hostilities",
        ApplicableLaw.IHL,
        "Rule 15: precautions in attack",
        "Air strike on a residential block in {town}",
        "A strike hit a residential building in {town} at night. The army says fighters "
        "used the roof; neighbours say families were asleep inside. {dead} dead, among "
        "them children, according to the hospital.",
        (K.WITNESS, K.MEDICAL, K.MEDIA),
        3,
    ),
    Kind(
        "varnia",
        ("flhh", "erm"),
        "conduct-of-hostilities",
        ApplicableLaw.IHL,
        "Rules 22–23: precautions against the effects of attacks",
        "Fighters positioned in the school of {town}",
        "Fighters set up a position in and around the primary school of {town}; the school "
        "has been closed since and families fear it will be targeted.",
        (K.COMMUNITY, K.DIRECT_OBSERVATION),
        3,
    ),
    Kind(
        "varnia",
        ("erm", "flhh"),
        "conduct-of-hostilities",
        ApplicableLaw.IHL,
        "Rule 81: care in the use of landmines; common Article 3",
        "Explosive device on the road to {town}",
        "A minibus hit an explosive device on the road to {town}; {dead} passengers were "
        "killed. The road is the only way to the district hospital.",
        (K.WITNESS, K.ORGANISATION, K.MEDIA),
        3,
    ),
    Kind(
        "varnia",
        ("vaf", "vnp"),
        "detention",
        ApplicableLaw.MIXED,
        "Common Article 3; Rule 98 (enforced disappearance); Rule 105 (family life)",
        "Men held incommunicado after the sweep in {town}",
        "After a search operation in {town}, about {held} men were taken away. Families "
        "have had no news since and were told at the brigade that nobody was held.",
        (K.VICTIM, K.COMMUNITY),
        3,
    ),
    Kind(
        "varnia",
        ("vnp", "vg"),
        "detention",
        ApplicableLaw.IHRL,
        "Convention against Torture, art. 2 and 16; Nelson Mandela Rules",
        "Ill-treatment in custody in {town}",
        "Detainees we met described beatings during questioning in the first days of "
        "custody in {town}; two showed marks consistent with their accounts.",
        (K.DETAINEE, K.MEDICAL, K.DIRECT_OBSERVATION),
        3,
    ),
    Kind(
        "varnia",
        ("flhh",),
        "detention",
        ApplicableLaw.IHL,
        "Common Article 3; Rules 118–125 (treatment of persons deprived of liberty)",
        "Soldiers held by the FLHH without news to their families",
        "Soldiers captured near {town} are held by the FLHH; their families have had no "
        "news and the group has not allowed a visit.",
        (K.VICTIM, K.AUTHORITY),
        1,
    ),
    Kind(
        "varnia",
        ("vaf", "vg"),
        "health-care",
        ApplicableLaw.IHL,
        "Rules 25, 28 and 29: medical personnel, units and transports",
        "Ambulance held at the checkpoint outside {town}",
        "An ambulance carrying a wounded child was held for {hours} hours at the "
        "checkpoint outside {town}; the child died before reaching the hospital.",
        (K.MEDICAL, K.WITNESS),
        3,
    ),
    Kind(
        "varnia",
        ("vaf", "flhh", "erm"),
        "health-care",
        ApplicableLaw.IHL,
        "Rule 28: respect and protection of medical units; Rule 110",
        "Armed men searched the clinic in {town}",
        "Armed men entered the clinic of {town} looking for wounded fighters, searched the "
        "wards and took one patient away. Staff were threatened.",
        (K.MEDICAL, K.WITNESS),
        2,
    ),
    Kind(
        "kestria",
        ("knp",),
        "use-of-force",
        ApplicableLaw.IHRL,
        "Basic Principles on the Use of Force and Firearms, principles 9, 13 and 14",
        "Live ammunition fired at the demonstration in {town}",
        "During the demonstration in {town} after the results were announced, police fired "
        "live rounds; {dead} demonstrators died and {wounded} were treated for gunshot "
        "wounds.",
        (K.MEDICAL, K.WITNESS, K.MEDIA),
        3,
    ),
    Kind(
        "kestria",
        ("knp", "kg"),
        "use-of-force",
        ApplicableLaw.IHRL,
        "UN Guidance on less-lethal weapons in law enforcement, 6.3 and 7.5",
        "Tear gas fired into the metro station in {town}",
        "Tear gas canisters were fired into the metro entrance where demonstrators and "
        "passers-by had taken shelter in {town}; people were crushed on the stairs.",
        (K.WITNESS, K.MEDIA, K.MEDICAL),
        2,
    ),
    Kind(
        "kestria",
        ("kg",),
        "use-of-force",
        ApplicableLaw.IHRL,
        "Basic Principles on the Use of Force and Firearms, principle 4",
        "Rubber bullets fired at head height in {town}",
        "Gendarmes fired rubber bullets at close range and at head height to disperse a "
        "crowd in {town}; {wounded} people were hit in the face, two lost an eye.",
        (K.MEDICAL, K.VICTIM),
        2,
    ),
    Kind(
        "kestria",
        ("knp",),
        "detention",
        ApplicableLaw.IHRL,
        "ICCPR art. 9; Code of Criminal Procedure, custody limit of 48 hours",
        "Mass arrests after the election protest in {town}",
        "About {held} people were arrested in {town} after the protest and held for up to "
        "five days without seeing a lawyer or a judge; some were minors.",
        (K.DETAINEE, K.VICTIM, K.ORGANISATION),
        3,
    ),
    Kind(
        "kestria",
        ("knp",),
        "detention",
        ApplicableLaw.IHRL,
        "ICCPR art. 7 and 10; Nelson Mandela Rules 1 and 43",
        "Detainees beaten at the police station in {town}",
        "People released from the police station in {town} described being beaten on "
        "arrival and made to kneel for hours in the yard.",
        (K.DETAINEE, K.MEDICAL),
        2,
    ),
)

REPRESENTATION_TEXT: dict[str, tuple[str, ...]] = {
    TACT: (
        "Raised the facts with the {unit} commander on the spot; recalled the rule and "
        "asked for the instructions given to the {members} to be checked.",
        "Met the local commander; shared what we know of the facts and asked that those "
        "concerned be reminded of their obligations.",
    ),
    OPER: (
        "Bilateral meeting with the {unit} command: presented the facts, recalled {rule}, "
        "asked for an inquiry and for measures to prevent a repetition.",
        "Confidential note handed to the {unit} command with the facts and the "
        "recommendations; discussed it for an hour.",
    ),
    STRAT: (
        "Raised with the leadership of the {short}: the pattern, not only this case. "
        "Asked for clear orders down the chain of command and for accountability.",
        "Written representation to the leadership of the {short}, signed by the head of "
        "delegation, recalling {rule} and asking for a reply within a month.",
    ),
}

RESPONSE_TEXT: dict[str, str] = {
    R.ACKNOWLEDGED: "Took note; promised to look into it and come back to us.",
    R.DISPUTED: "Said the facts were different: the area was a combat zone at the time.",
    R.DENIED: "Denied any involvement of their {members}.",
    R.REFERRED: "Referred the matter to the prosecutor's office.",
    R.INVESTIGATION: "Announced an internal inquiry; the officer in charge was named.",
    R.MEASURES: "Issued an order recalling the rules; the unit concerned was rotated out.",
    R.NO_RESPONSE: "No reply by the date we gave.",
}

# Which responses each kind of bearer tends to give.
RESPONSES: dict[str, tuple[tuple[str, int], ...]] = {
    "state": (
        (R.ACKNOWLEDGED, 25),
        (R.INVESTIGATION, 30),
        (R.DENIED, 15),
        (R.REFERRED, 10),
        (R.MEASURES, 20),
    ),
    "group": ((R.ACKNOWLEDGED, 35), (R.DISPUTED, 25), (R.DENIED, 15), (R.MEASURES, 25)),
}

ADDRESSED_NOTES = (
    "Orders recalling the rule were issued and we saw them applied on our next visits.",
    "The unit concerned was rotated out and an inquiry opened; no repetition since.",
    "The people held were registered and their families informed; visits are now possible.",
    "Instructions were changed; checkpoint staff now let ambulances through on sight.",
)
PERSISTING_NOTES = (
    "Similar facts reported again this month; to be raised at a higher level.",
    "Nothing changed on the ground despite the assurances given.",
)
CLOSED_NOTES = (
    "The facts could not be confirmed by a second source; closed, to reopen if new "
    "information comes.",
    "Both sides deny responsibility and the facts remain unclear; closed after review.",
)

FOLLOW_UPS: dict[str, tuple[str, ...]] = {
    "conduct-of-hostilities": (
        "Ask the command for the findings of the inquiry",
        "Visit the place again and talk to the residents",
        "Raise the pattern at the next meeting with the leadership",
    ),
    "detention": (
        "Check with the families whether they have had news",
        "Ask for the list of people held and for access to them",
        "Visit the place of detention again and see the people concerned",
    ),
    "health-care": (
        "Check with the hospital whether ambulances now pass without delay",
        "Prepare a written note on the protection of health care for the command",
    ),
    "use-of-force": (
        "Ask for the orders given to the units before the next demonstration",
        "Follow the inquiry of the prosecutor's office",
        "Propose a session on the use of force to the public order units",
    ),
}

SOURCE_DETAILS: dict[str, str] = {
    K.WITNESS: "Account of a witness, met in person",
    K.VICTIM: "Account of a relative, met at our office",
    K.MEDICAL: "Hospital register and the doctor on duty",
    K.DIRECT_OBSERVATION: "Seen by our team the next day",
    K.COMMUNITY: "Village elders, by phone",
    K.DETAINEE: "Accounts of detainees met in private during a visit",
    K.ORGANISATION: "Report shared by a UN agency",
    K.MEDIA: "Local radio and pictures on social media",
    K.AUTHORITY: "Statement of the bearer itself",
}


# The kinds of contact at which a concern is raised.
RAISED_AT = frozenset(
    {
        InteractionKind.BILATERAL_MEETING,
        InteractionKind.CALL,
        InteractionKind.DETENTION_VISIT,
        InteractionKind.WRITTEN,
    }
)


def _state(bearer_kind: str) -> str:
    return "group" if bearer_kind == "non_state_armed_group" else "state"


class ConcernsBuilder:
    """Plans and records the demo concerns, oldest first."""

    def __init__(self, world: Any) -> None:
        self.world = world
        self.rng = random.Random(SEED)
        self.today: datetime.date = world.today
        self.counts: dict[str, int] = {}
        self.restricted = 0
        self.representations = 0
        self.responses = 0
        self.contacts: dict[tuple[str, Any], list[Interaction]] | None = None
        self.seen: set[tuple[str, str]] = set()

    def days_ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    def weighted(self, options: Sequence[tuple[str, int]]) -> str:
        return self.rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]

    def staff(self, delegation: str, level: str) -> list[User]:
        users = self.world.users
        if delegation == "kestria":
            names = ["kestria.specialist"] if level == STRAT else ["kestria.delegate"]
            if level == OPER:
                names.append("kestria.specialist")
        elif level == STRAT:
            names = ["varnia.head", "varnia.specialist"]
        elif level == OPER:
            names = ["varnia.specialist", "varnia.delegate"]
        else:
            names = ["varnia.delegate"]
        return [users[name] for name in names]

    def person_at(self, delegation: str, bearer_key: str, level: str) -> Any:
        people = [
            p
            for p in self.world.people[delegation]
            if p.bearer.spec.key == bearer_key and p.level == level
        ]
        return self.rng.choice(people) if people else None

    def contacts_with(self, delegation: str, bearer: Any) -> list[Interaction]:
        """The delegation's logged contacts with a bearer (not restricted), oldest first."""
        if self.contacts is None:
            self.contacts = {}
            for code, logged in self.world.interactions.items():
                ids = [i.pk for i in logged if not i.restricted and i.kind in RAISED_AT]
                for interaction in (
                    Interaction.objects.alive()
                    .filter(pk__in=ids)
                    .prefetch_related("bearers")
                    .order_by("occurred_at")
                ):
                    for linked in interaction.bearers.all():
                        self.contacts.setdefault((code, linked.pk), []).append(interaction)
        return self.contacts.get((delegation, bearer.pk), [])

    def contact_near(
        self, delegation: str, bearer: Any, day: datetime.date, since: datetime.date
    ) -> Interaction | None:
        """A logged contact with the bearer within a week of the day, not before ``since``."""
        for interaction in self.contacts_with(delegation, bearer):
            when = interaction.occurred_at.date()
            if since <= when <= self.today and abs((when - day).days) <= 7:
                return interaction
        return None

    # -- one concern ---------------------------------------------------------------------

    def build(self) -> str:
        plans: list[tuple[int, Kind, str]] = []
        for kind in KINDS:
            for _ in range(kind.count):
                plans.append((self.rng.randint(25, 715), kind, self.rng.choice(kind.bearers)))
        plans.sort(key=lambda plan: -plan[0])
        for opened, kind, bearer_key in plans:
            self.record(kind, bearer_key, opened)
        self.record_restricted()
        varnia, kestria = self.counts.get("varnia", 0), self.counts.get("kestria", 0)
        return (
            f"{varnia + kestria} concerns ({varnia} Varnia, {kestria} Kestria, "
            f"{self.restricted} restricted), {self.representations} representations, "
            f"{self.responses} responses"
        )

    def record(self, kind: Kind, bearer_key: str, opened_days: int) -> None:
        rng = self.rng
        world = self.world
        info = world.bearers[bearer_key]
        delegation = kind.delegation
        units = [u for u in info.units if u.spec.level in (TACT, OPER)] or info.units
        unit = rng.choice(units)
        for _ in range(6):
            if (kind.summary, unit.spec.town) not in self.seen:
                break
            unit = rng.choice(units)
        self.seen.add((kind.summary, unit.spec.town))
        town = unit.spec.town
        opened_on = self.days_ago(opened_days)
        occurred_on = opened_on - datetime.timedelta(days=rng.choice((0, 1, 2, 3, 5, 9, 20)))
        precision = DatePrecision.DAY
        if rng.random() < 0.12:
            precision = DatePrecision.MONTH
        values = {
            "town": town,
            "dead": rng.randint(2, 14),
            "wounded": rng.randint(6, 40),
            "held": rng.randint(8, 60),
            "hours": rng.randint(2, 7),
        }
        opener = world.users[f"{delegation}.delegate"]
        sources = [
            {
                "kind": source,
                "reliability": rng.choice("ABBCCCDF"),
                "credibility": rng.choice("122233346"),
                "description": SOURCE_DETAILS.get(source, ""),
                "received_on": opened_on,
            }
            for source in kind.sources[: rng.choice((1, 1, 2))]
        ]
        concern = do_open_concern(
            actor=opener,
            compartment=world.delegations[delegation],
            summary=kind.summary.format(**values),
            description=kind.description.format(**values),
            occurred_on=occurred_on,
            date_precision=precision,
            opened_on=opened_on,
            category=world.topics[kind.category],
            bearers=[info.bearer],
            unit=unit.unit if rng.random() < 0.7 else None,
            place_name=town,
            admin_area=unit.area,
            legal_framework=kind.law,
            rule=kind.rule,
            confidentiality=self.weighted(
                (
                    (Confidentiality.CONFIDENTIAL, 70),
                    (Confidentiality.STRICTLY_CONFIDENTIAL, 25),
                    (Confidentiality.INTERNAL, 5),
                )
            ),
            sources=sources,
        )
        self.counts[delegation] = self.counts.get(delegation, 0) + 1
        self.live(concern, kind, info, delegation, opener)

    def live(self, concern: Concern, kind: Kind, info: Any, delegation: str, opener: User) -> None:
        """Raise the concern, collect the bearer's answers, and settle it, as time allows."""
        rng = self.rng
        nsag = info.spec.kind == "non_state_armed_group"
        level_weights = (
            ((TACT, 20), (OPER, 40), (STRAT, 40)) if nsag else ((TACT, 40), (OPER, 40), (STRAT, 20))
        )
        # A few concerns are never raised: too recent, or closed for lack of evidence.
        if rng.random() < 0.08:
            if concern.opened_on < self.days_ago(120):
                self.move(concern, S.CLOSED, concern.opened_on + datetime.timedelta(days=45))
            return
        first_day = concern.opened_on + datetime.timedelta(days=rng.randint(1, 28))
        if first_day > self.today:
            return
        level = self.weighted(level_weights)
        made_on, level = self.represent(concern, info, delegation, level, first_day)
        answered = rng.random() < (0.6 if nsag else 0.75)
        reply_day = made_on + datetime.timedelta(days=rng.randint(4, 45))
        if reply_day > self.today:
            return
        if not answered:
            self.respond(concern, info, delegation, R.NO_RESPONSE, reply_day)
            # Silence: raise it again, one level higher.
            higher: str = {TACT: OPER, OPER: STRAT}.get(Level(level), STRAT)
            again = reply_day + datetime.timedelta(days=rng.randint(5, 30))
            if again > self.today:
                return
            made_on, _level = self.represent(concern, info, delegation, higher, again)
            if rng.random() < 0.5:
                return
            reply_day = max(made_on, reply_day) + datetime.timedelta(days=rng.randint(7, 40))
            if reply_day > self.today:
                return
        answer = self.weighted(RESPONSES[_state(info.spec.kind)])
        self.respond(concern, info, delegation, answer, reply_day)
        outcome_day = reply_day + datetime.timedelta(days=rng.randint(15, 160))
        if outcome_day > self.today:
            self.follow_up(concern, kind, delegation, reply_day)
            return
        good = answer in (R.MEASURES, R.INVESTIGATION, R.REFERRED)
        # What came of it: measures and inquiries are often followed by change, denials
        # seldom; some concerns still wait for a judgement.
        outcome = self.weighted(
            ((S.ADDRESSED, 45), (S.PERSISTING, 25), (S.CLOSED, 10), (S.RESPONDED, 20))
            if good
            else ((S.ADDRESSED, 15), (S.PERSISTING, 50), (S.CLOSED, 15), (S.RESPONDED, 20))
        )
        if outcome == S.RESPONDED:
            self.follow_up(concern, kind, delegation, reply_day)
            return
        self.move(concern, outcome, outcome_day)
        if outcome == S.PERSISTING:
            self.follow_up(concern, kind, delegation, outcome_day)

    def represent(
        self, concern: Concern, info: Any, delegation: str, level: str, day: datetime.date
    ) -> tuple[datetime.date, str]:
        """Record a representation about the day planned (or at a contact near it); return
        the day and level it was made at."""
        rng = self.rng
        contact = self.contact_near(delegation, info.bearer, day, concern.opened_on)
        if contact is not None and rng.random() < 0.6:
            day = contact.occurred_at.date()
            level = contact.level
        else:
            contact = None
        person = self.person_at(delegation, info.spec.key, level)
        ours = self.staff(delegation, level)
        unit_name = concern.unit.name if concern.unit else info.spec.name
        text = rng.choice(REPRESENTATION_TEXT[level]).format(
            unit=unit_name,
            members=info.spec.members,
            rule=concern.rule or "the rules",
            short=info.spec.short,
        )
        do_record_representation(
            concern,
            actor=ours[0],
            made_on=day,
            level=level,
            content=text,
            mode="written" if "note" in text or "Written" in text else "oral",
            to_person=person.person if person else None,
            to_whom="" if person else f"{info.spec.short} command",
            made_by=ours,
            interaction=contact,
        )
        self.representations += 1
        return day, level

    def respond(
        self, concern: Concern, info: Any, delegation: str, kind: str, day: datetime.date
    ) -> None:
        person = self.person_at(delegation, info.spec.key, OPER) if kind != R.NO_RESPONSE else None
        do_record_response(
            concern,
            actor=self.world.users[f"{delegation}.delegate"],
            received_on=day,
            kind=kind,
            mode="written" if kind in (R.REFERRED, R.MEASURES) else "oral",
            from_person=person.person if person else None,
            content=RESPONSE_TEXT[kind].format(members=info.spec.members),
        )
        self.responses += 1

    def move(self, concern: Concern, status: str, day: datetime.date) -> None:
        notes: dict[str, tuple[str, ...]] = {
            S.ADDRESSED: ADDRESSED_NOTES,
            S.PERSISTING: PERSISTING_NOTES,
        }
        current = Concern.objects.alive().select_related("compartment").get(pk=concern.pk)
        varnian = current.compartment is not None and current.compartment.code == "varnia"
        actor = self.world.users["varnia.head" if varnian else "kestria.specialist"]
        do_change_concern_status(
            current,
            actor=actor,
            expected_version=current.version,
            status=status,
            changed_on=day,
            note=self.rng.choice(notes.get(status, CLOSED_NOTES)),
        )

    def follow_up(
        self, concern: Concern, kind: Kind, delegation: str, since: datetime.date
    ) -> None:
        owner = self.world.users[f"{delegation}.delegate"]
        due = since + datetime.timedelta(days=self.rng.randint(14, 60))
        follow_up = do_schedule_concern_follow_up(
            concern,
            actor=owner,
            action=self.rng.choice(FOLLOW_UPS[kind.category]),
            owner=owner,
            due_on=due,
        )
        # Old follow-ups were nearly all done; recent ones are often still open.
        done = 0.95 if due < self.days_ago(45) else 0.5 if due < self.days_ago(5) else 0.0
        if self.rng.random() < done:
            do_complete_concern_follow_up(
                follow_up, actor=owner, expected_version=follow_up.version, done_on=due
            )

    # -- the restricted thread -----------------------------------------------------------

    def record_restricted(self) -> None:
        """Two concerns raised only with the HHRB commander, known to two colleagues."""
        world = self.world
        person = world.restricted_person
        head = world.users["varnia.head"]
        specialist = world.users["varnia.specialist"]
        hhrb = world.bearers["hhrb"]
        # The restricted interactions of the demo are the thread with the HHRB commander.
        thread = sorted(
            (i for i in world.interactions["varnia"] if i.restricted),
            key=lambda i: i.occurred_at,
        )
        first, _call, listed, medical = thread[0], thread[1], thread[2], thread[3]
        held = do_open_concern(
            actor=specialist,
            compartment=world.delegations["varnia"],
            summary="Soldiers held by the HHRB since the fighting near Kessel Ford",
            description=(
                "Soldiers captured near Kessel Ford are held by the HHRB at an undisclosed "
                "place. Families have had no news; the group has not accepted a visit."
            ),
            occurred_on=first.occurred_at.date() - datetime.timedelta(days=20),
            date_precision=DatePrecision.MONTH,
            opened_on=first.occurred_at.date() - datetime.timedelta(days=6),
            category=world.topics["detention"],
            bearers=[hhrb.bearer],
            place_name="Kessel Ford area",
            admin_area=world.areas["QV02"],
            legal_framework=ApplicableLaw.IHL,
            rule="Common Article 3; Rules 123 and 125 (registration, correspondence)",
            confidentiality=Confidentiality.STRICTLY_CONFIDENTIAL,
            restricted=True,
            restricted_to=[head, specialist],
            sources=[{"kind": K.VICTIM, "reliability": "B", "credibility": "2"}],
        )
        for contact, text in (
            (first, "Asked the commander to confirm who is held and to allow a visit."),
            (listed, "Received the list of people held; asked for family messages to pass."),
        ):
            do_record_representation(
                held,
                actor=specialist,
                made_on=contact.occurred_at.date(),
                level=STRAT,
                content=text,
                to_person=person.person,
                made_by=[specialist, head],
                interaction=contact,
            )
            self.representations += 1
        do_record_response(
            held,
            actor=specialist,
            received_on=listed.occurred_at.date(),
            kind=R.MEASURES,
            from_person=person.person,
            content="Handed over a list of 14 people held and agreed in principle to a visit.",
        )
        self.responses += 1
        care = do_open_concern(
            actor=specialist,
            compartment=world.delegations["varnia"],
            summary="Two people held by the HHRB in need of medical care",
            description="Two of the people held have untreated wounds, according to the list.",
            occurred_on=listed.occurred_at.date(),
            opened_on=listed.occurred_at.date(),
            category=world.topics["health-care"],
            bearers=[hhrb.bearer],
            legal_framework=ApplicableLaw.IHL,
            rule="Common Article 3 (the wounded and sick shall be cared for); Rule 118",
            confidentiality=Confidentiality.STRICTLY_CONFIDENTIAL,
            restricted=True,
            restricted_to=[head, specialist],
        )
        do_record_representation(
            care,
            actor=specialist,
            made_on=medical.occurred_at.date(),
            level=STRAT,
            content="Raised as a matter of urgency; offered our surgical team.",
            to_person=person.person,
            made_by=[specialist, head],
            interaction=medical,
        )
        self.representations += 1
        do_schedule_concern_follow_up(
            care,
            actor=specialist,
            action="Confirm with the intermediary whether the two were seen by a doctor",
            owner=specialist,
            due_on=self.today + datetime.timedelta(days=10),
        )
        self.counts["varnia"] = self.counts.get("varnia", 0) + 2
        self.restricted += 2


def populate(world: Any) -> str:
    """Add the demo concerns to the world; return a line saying what was added."""
    return ConcernsBuilder(world).build()
