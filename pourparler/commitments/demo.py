"""Demo commitments for Varnia and Kestria, written through the services.

Varnia: the General Staff accepted our offer of services early on and later ordered that
detainees be registered and their families told; the police opened their custody cells
to our visits. The FLHH council declared publicly that it would not recruit children or
use schools, and its front commander granted our medical teams safe passage on the
Brannoch heights road, which its checkpoints honoured more and more. The ERM signed a
deed of commitment on health care before elders. The HHRB splinter guaranteed the
security of our food convoys through Kessel Ford, then breached it twice (two staff held,
the warehouse looted) before partly keeping it. The army and the FLHH exchanged remains
and wounded prisoners through us. The HHRB commander's agreement to a visit to the
soldiers it holds is known only to the head of delegation and the armed-forces
specialist.
Kestria: the police accepted our first-aid presence at demonstrations, the
Director-General's instruction on the use of force was breached at the Republic Square
cordon a month ago, the gendarmerie opened its places of detention, and a safe passage
for our first-aid teams on march days has not been put to the test yet.

Compliance is observed over the two years of the world, each observation with the
evidence the other apps recorded: checkpoint passages, security incidents, concerns.
Dates are relative to the world's today; nothing here draws random numbers, so the
register is the same on every run.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from pourparler.access.models import CheckpointPassage, SecurityIncident
from pourparler.bearers.choices import Level
from pourparler.commitments.choices import Capacity, Compliance, Disclosure, Instrument
from pourparler.commitments.models import Commitment
from pourparler.commitments.services import do_record_compliance, do_register_commitment
from pourparler.concerns.models import Concern
from pourparler.dialogue.choices import InteractionKind
from pourparler.dialogue.models import Interaction

KEPT, PARTLY, BREACHED = Compliance.KEPT, Compliance.PARTLY_KEPT, Compliance.BREACHED
POLITICAL, MILITARY, OTHER = Capacity.POLITICAL, Capacity.MILITARY, Capacity.OTHER


@dataclass(frozen=True)
class Passages:
    """Checkpoint passages as evidence: where, with which outcomes, between which days."""

    place: str
    outcomes: tuple[str, ...]
    since: int
    until: int
    limit: int = 3


@dataclass(frozen=True)
class Concerns:
    """Concerns as evidence: about which bearers, of which category, with which words."""

    bearers: tuple[str, ...]
    category: str
    words: str
    limit: int = 2


@dataclass(frozen=True)
class Observation:
    """What was seen, so many days ago, and the evidence for it."""

    days: int
    assessment: str
    note: str
    passages: Passages | None = None
    incidents: tuple[tuple[str, str], ...] = ()  # (kind, place)
    concerns: Concerns | None = None


@dataclass(frozen=True)
class Signer:
    """Who signed for a party: a person of the register holding one of these titles,
    or a name as signed."""

    bearer: str
    capacity: str
    titles: tuple[str, ...] = ()
    name_as_signed: str = ""
    signed_as: str = ""


@dataclass(frozen=True)
class Plan:
    """A commitment of the demo world, with its signatories and observations."""

    delegation: str
    instrument: str
    bearers: tuple[str, ...]
    days: int
    title: str
    scope: str
    disclosure: str = Disclosure.CONFIDENTIAL
    terms: str = ""
    place: str = ""
    witness: str = ""
    signers: tuple[Signer, ...] = ()
    observations: tuple[Observation, ...] = field(default_factory=tuple)
    precision: str = "day"


PLANS: tuple[Plan, ...] = (
    Plan(
        "varnia",
        Instrument.ACCEPTANCE,
        ("vaf",),
        530,
        "General Staff accepts our offer of services in the conflict area",
        "Our teams may work throughout the conflict area, the Hollow Hills included, with "
        "forty-eight hours' notice of every movement to the General Staff: medical teams, "
        "relief convoys and visits to people deprived of their liberty.",
        terms="The Armed Forces take note of the offer of services of the organisation and "
        "will facilitate its humanitarian activities, subject to prior notification of "
        "movements.",
        place="General Staff, Velmora",
        signers=(
            Signer("vaf", MILITARY, ("Chief of the General Staff", "Director of Operations")),
        ),
        observations=(
            Observation(
                440,
                KEPT,
                "Teams moved in the Hollow Hills with notice; the army's checkpoints let them "
                "through.",
                passages=Passages("Orlbridge ring road", ("passed",), 470, 440),
            ),
            Observation(
                255,
                PARTLY,
                "New searches of every vehicle at the Dunmarrow northern entrance although "
                "notice had been given; two-hour queues, some teams sent back.",
                passages=Passages(
                    "Dunmarrow northern entrance", ("delayed", "turned_back"), 290, 255
                ),
            ),
            Observation(
                60,
                KEPT,
                "Movements notified through the 3rd Division go through; delays are short.",
                passages=Passages("Tarn Abbas river crossing", ("passed",), 110, 60, 2),
            ),
        ),
    ),
    Plan(
        "varnia",
        Instrument.ORDER,
        ("vaf",),
        400,
        "Chief of the General Staff's order on the treatment of detainees",
        "Every person captured or arrested by the army is registered within 24 hours, "
        "handed over to the police or a judge within 48 hours, and allowed to tell the "
        "family. No ill-treatment. Our delegates may consult the registers.",
        terms="Order of the day to all units: persons deprived of their liberty shall be "
        "treated humanely in all circumstances (common Article 3).",
        place="General Staff, Velmora",
        signers=(Signer("vaf", MILITARY, ("Chief of the General Staff",)),),
        observations=(
            Observation(
                250,
                PARTLY,
                "Registration is now done at brigade level, but men taken in a sweep were "
                "held for days without their families being told.",
                concerns=Concerns(("vaf", "vnp"), "detention", "incommunicado"),
            ),
            Observation(
                120,
                KEPT,
                "Registers at the 21st and 22nd Brigades checked during our visits: every "
                "detainee recorded, families informed.",
            ),
        ),
    ),
    Plan(
        "varnia",
        Instrument.DETAINEE_ACCESS,
        ("vaf",),
        300,
        "Access to the people held by the army in the Hollow Hills",
        "Regular visits to every place where the 2nd Division holds people, with private "
        "interviews and repeated visits, on our usual terms.",
        signers=(
            Signer("vaf", MILITARY, ("Head of Military Legal Affairs", "Division Commander")),
        ),
        observations=(
            Observation(
                200,
                KEPT,
                "Visits to the holding places of the 21st and 22nd Brigades took place as "
                "agreed; private interviews allowed.",
            ),
            Observation(
                45,
                BREACHED,
                "Turned back twice from the Kessel Ford holding place 'for security "
                "reasons'; the people held there were moved before our next visit.",
                passages=Passages("Kessel Ford bridge", ("turned_back", "delayed"), 60, 40, 2),
            ),
        ),
    ),
    Plan(
        "varnia",
        Instrument.DETAINEE_ACCESS,
        ("vnp",),
        480,
        "Access to people in police custody",
        "Visits to custody cells in every police station of Varnia, announced or not, "
        "with private interviews.",
        signers=(Signer("vnp", OTHER, ("Director-General of Police",)),),
        observations=(
            Observation(380, KEPT, "Unannounced visits to four stations went ahead."),
            Observation(
                150,
                PARTLY,
                "Visits go ahead, but detainees describe beatings in the first days of "
                "custody, before we can see them.",
                concerns=Concerns(("vnp", "vg"), "detention", "Ill-treatment"),
            ),
            Observation(30, KEPT, "The cells we saw in Sarnmouth and Velmora are now open to us."),
        ),
    ),
    Plan(
        "varnia",
        Instrument.UNILATERAL_DECLARATION,
        ("flhh",),
        350,
        "FLHH declaration: no children in its ranks, no military use of schools",
        "The FLHH will not recruit or use anyone under eighteen, will release any child "
        "found in its ranks to their family, and will not use schools for military "
        "purposes, in all the areas it controls.",
        disclosure=Disclosure.PUBLIC,
        terms="Read out by the council's spokesperson and broadcast on local radio.",
        place="Brannoch",
        witness="The Hollow Hills elders' council; a copy handed to our head of delegation.",
        signers=(
            Signer("flhh", POLITICAL, ("Member of the leadership council", "Spokesperson")),
            Signer("flhh", MILITARY, ("Front Commander",)),
        ),
        observations=(
            Observation(
                230,
                PARTLY,
                "No child seen at FLHH positions, but fighters set up in a school; raised "
                "with the front commander.",
                concerns=Concerns(("flhh",), "conduct-of-hostilities", "school"),
            ),
            Observation(
                90,
                KEPT,
                "The fighters left the school, which reopened; no report of children in the ranks.",
            ),
        ),
    ),
    Plan(
        "varnia",
        Instrument.SAFE_PASSAGE,
        ("flhh",),
        300,
        "Safe passage for our medical teams on the Brannoch heights road",
        "Our marked vehicles with medical teams may use the Brannoch heights road to the "
        "villages above, on notice given the day before to the front command.",
        place="Village near Brannoch",
        witness="Two elders of Brannoch.",
        signers=(Signer("flhh", MILITARY, ("Front Commander", "Local Commander")),),
        observations=(
            Observation(
                200,
                PARTLY,
                "Some posts on the road had not been told: teams delayed or turned back.",
                passages=Passages("Brannoch heights road", ("delayed", "turned_back"), 300, 200),
            ),
            Observation(
                100,
                KEPT,
                "Teams pass on sight; the posts have the front command's list.",
                passages=Passages("Brannoch heights road", ("passed",), 125, 100),
            ),
            Observation(
                20,
                KEPT,
                "Still passing without delay.",
                passages=Passages("Brannoch heights road", ("passed",), 45, 20, 2),
            ),
        ),
    ),
    Plan(
        "varnia",
        Instrument.DEED_OF_COMMITMENT,
        ("erm",),
        380,
        "ERM deed of commitment for the protection of health care",
        "The ERM will respect and protect the wounded and sick, health staff, clinics and "
        "ambulances; it will not search health facilities with weapons, and will let "
        "ambulances through its checkpoints on sight.",
        disclosure=Disclosure.PUBLIC,
        place="Halvick",
        witness="Our head of delegation and two elders of Halvick.",
        signers=(
            Signer("erm", POLITICAL, ("Member of the leadership council",)),
            Signer("erm", MILITARY, ("Front Commander",)),
        ),
        observations=(
            Observation(280, KEPT, "Ambulances pass the ERM's posts on sight."),
            Observation(
                125,
                PARTLY,
                "Armed men searched a clinic for wounded fighters; the ERM says they were "
                "not its own.",
                concerns=Concerns(("erm", "flhh", "vaf"), "health-care", "clinic"),
            ),
            Observation(50, KEPT, "No further search of a health facility reported."),
        ),
    ),
    Plan(
        "varnia",
        Instrument.ACCEPTANCE,
        ("erm",),
        400,
        "ERM Central Command order: our teams are to be let through",
        "The ERM accepts our presence in all the areas it controls; its Central Command "
        "ordered all posts to let our teams through.",
        terms="Written order of the Central Command to all fronts.",
        signers=(Signer("erm", MILITARY, ("Front Commander", "Local Commander")),),
        observations=(
            Observation(
                300,
                KEPT,
                "The order is applied at the Halvick ridge checkpoint.",
                passages=Passages("Halvick ridge checkpoint", ("passed",), 390, 300),
            ),
            Observation(
                120,
                KEPT,
                "And at the Qasr Meriden junction.",
                passages=Passages("Qasr Meriden junction", ("passed",), 160, 120, 2),
            ),
        ),
    ),
    Plan(
        "varnia",
        Instrument.SECURITY_GUARANTEE,
        ("hhrb",),
        200,
        "HHRB security guarantee for our food convoys and premises in Kessel Ford",
        "The HHRB guarantees the security of our staff, convoys and premises on the Kessel "
        "Ford market road and in the district; no 'passage fee' will be asked.",
        place="Kessel Ford",
        witness="Two elders of Kessel Ford, who carried the guarantee to us.",
        signers=(
            Signer(
                "hhrb",
                MILITARY,
                name_as_signed="The HHRB local commander for Kessel Ford",
                signed_as="Local commander",
            ),
        ),
        observations=(
            Observation(
                150,
                BREACHED,
                "Two national staff taken from a convoy vehicle on the market road and held "
                "for six hours.",
                passages=Passages("Kessel Ford market road", ("incident",), 152, 148, 1),
                incidents=(("detention", "Kessel Ford market road"),),
            ),
            Observation(
                95,
                BREACHED,
                "Our Dunmarrow warehouse looted by men who said they were HHRB; the "
                "guarantee covered our premises.",
                incidents=(("looting", "Our warehouse, Dunmarrow"),),
            ),
            Observation(
                40,
                PARTLY,
                "Convoys pass the market road again, but are held for hours at the HHRB post.",
                passages=Passages("Kessel Ford market road", ("delayed", "passed"), 60, 40),
            ),
        ),
    ),
    Plan(
        "varnia",
        Instrument.OTHER,
        ("vaf", "flhh"),
        240,
        "Handover of remains and wounded prisoners between the army and the FLHH",
        "Both sides hand over, through us as neutral intermediary, the remains of fighters "
        "killed near Brannoch and the wounded prisoners they hold.",
        place="Brannoch crossing",
        witness="Our delegation, acting as neutral intermediary.",
        signers=(
            Signer("vaf", MILITARY, ("Head of Military Legal Affairs", "Division Commander")),
            Signer("flhh", POLITICAL, ("Head of Humanitarian Affairs", "Spokesperson")),
        ),
        observations=(
            Observation(
                225,
                KEPT,
                "Seven sets of remains and four wounded fighters handed over on each side, "
                "as agreed.",
            ),
        ),
    ),
    Plan(
        "kestria",
        Instrument.ACCEPTANCE,
        ("knp",),
        500,
        "KNP accepts our first-aid presence at demonstrations",
        "Our first-aid teams, marked, may work at demonstrations, inside the cordons, and "
        "take the wounded to hospital.",
        signers=(Signer("knp", OTHER, ("Director-General of Police", "Director of Public Order")),),
        observations=(
            Observation(400, KEPT, "Teams worked inside the cordons at the spring rallies."),
            Observation(
                90,
                PARTLY,
                "Public-order commanders keep our teams outside the cordons on demonstration days.",
                passages=Passages("Republic Square cordon, Aldmere", ("delayed",), 130, 90),
            ),
            Observation(15, KEPT, "After the meeting with the Director-General, teams are let in."),
        ),
    ),
    Plan(
        "kestria",
        Instrument.ORDER,
        ("knp",),
        160,
        "Director-General's instruction on the use of force at demonstrations",
        "No firearms to disperse a crowd; tear gas never fired into enclosed spaces; "
        "first-aid teams let through the cordons; anyone arrested brought before a judge "
        "within 48 hours.",
        disclosure=Disclosure.PUBLIC,
        terms="Instruction to all public-order units, announced on national television.",
        place="General Directorate of Police, Aldmere",
        signers=(Signer("knp", OTHER, ("Director-General of Police", "Director of Public Order")),),
        observations=(
            Observation(
                135,
                BREACHED,
                "Live rounds fired at a demonstration a month after the instruction.",
                concerns=Concerns(("knp",), "use-of-force", "live ammunition"),
            ),
            Observation(
                70,
                PARTLY,
                "No firearms seen at the marches since; our teams still wait at the cordons.",
            ),
            Observation(
                28,
                BREACHED,
                "Our first-aid team held and filmed at the Republic Square cordon; officers "
                "said we were helping the protesters.",
                passages=Passages("Republic Square cordon, Aldmere", ("incident",), 30, 26, 1),
                incidents=(("intimidation", "Republic Square cordon, Aldmere"),),
            ),
        ),
    ),
    Plan(
        "kestria",
        Instrument.DETAINEE_ACCESS,
        ("kg",),
        450,
        "Access to people held by the gendarmerie",
        "Visits to the gendarmerie's custody cells and its detention centre at Drevan.",
        signers=(Signer("kg", MILITARY, ("Commander of the Gendarmerie", "Chief of Staff")),),
        observations=(
            Observation(300, KEPT, "First visit to the Drevan centre; private interviews held."),
            Observation(60, KEPT, "Custody cells on the Vintra road visited without notice."),
        ),
    ),
    Plan(
        "kestria",
        Instrument.SAFE_PASSAGE,
        ("kg",),
        20,
        "Safe passage for first-aid teams through the Vintra road checkpoints on march days",
        "Our marked vehicles go through the gendarmerie's checkpoints into the capital on "
        "march days without search, on a list sent the day before.",
        signers=(Signer("kg", MILITARY, ("Commander", "Commander of the Gendarmerie")),),
    ),
)


def _contacts_by_bearer(world: Any) -> dict[Any, list[Interaction]]:
    """Talks with each bearer's leaders and commanders (not restricted), oldest first."""
    talks = (
        InteractionKind.BILATERAL_MEETING,
        InteractionKind.CALL,
        InteractionKind.WRITTEN,
    )
    interactions = {
        i.pk: i
        for logged in world.interactions.values()
        for i in logged
        if not i.restricted and i.kind in talks and i.level != Level.TACTICAL
    }
    through = Interaction.bearers.through
    about: dict[Any, list[Interaction]] = {}
    for interaction_id, bearer_id in through.objects.filter(
        interaction_id__in=list(interactions)
    ).values_list("interaction_id", "weaponbearer_id"):
        about.setdefault(bearer_id, []).append(interactions[interaction_id])
    for series in about.values():
        series.sort(key=lambda i: i.occurred_at)
    return about


class CommitmentsBuilder:
    """Records the demo commitments, their signatories and observations."""

    def __init__(self, world: Any) -> None:
        self.world = world
        self.contacts = _contacts_by_bearer(world)
        self.observations = 0
        self.signatories = 0

    def days_ago(self, days: int) -> datetime.date:
        return self.world.days_ago(days)

    def actor(self, delegation: str) -> Any:
        users = self.world.users
        return users["varnia.head"] if delegation == "varnia" else users["kestria.specialist"]

    def signatory(self, signer: Signer, delegation: str, made_on: datetime.date) -> dict[str, Any]:
        info = self.world.bearers[signer.bearer]
        people = [p for p in self.world.people[delegation] if p.bearer.spec.key == signer.bearer]
        person = None
        for title in signer.titles:
            person = next((p for p in people if p.title == title), None)
            if person is not None:
                break
        self.signatories += 1
        if person is None:
            return {
                "capacity": signer.capacity,
                "bearer": info.bearer,
                "name_as_signed": signer.name_as_signed or f"The {info.spec.short} command",
                "signed_as": signer.signed_as,
                "signed_on": made_on,
            }
        # The name stays on the person's record only, where retention and subject-access
        # requests find it.
        return {
            "capacity": signer.capacity,
            "bearer": info.bearer,
            "person": person.person,
            "signed_as": person.title,
            "signed_on": made_on,
        }

    def led_to(self, plan: Plan, made_on: datetime.date) -> list[Interaction]:
        """Up to two talks with the parties in the two months before the commitment."""
        window = made_on - datetime.timedelta(days=60)
        found: list[Interaction] = []
        for key in plan.bearers:
            for talk in self.contacts.get(self.world.bearers[key].bearer.pk, []):
                if window <= talk.occurred_at.date() <= made_on and talk not in found:
                    found.append(talk)
        return found[-2:]

    def evidence(
        self, commitment: Commitment, observation: Observation, day: datetime.date
    ) -> dict[str, list[Any]]:
        compartment = commitment.compartment_id
        found: dict[str, list[Any]] = {"concerns": [], "incidents": [], "passages": []}
        spec = observation.passages
        if spec is not None:
            found["passages"] = list(
                CheckpointPassage.objects.alive()
                .filter(
                    compartment_id=compartment,
                    place_name=spec.place,
                    outcome__in=spec.outcomes,
                    occurred_at__date__gte=self.days_ago(spec.since),
                    occurred_at__date__lte=self.days_ago(spec.until),
                )
                .order_by("occurred_at")[: spec.limit]
            )
        for kind, place in observation.incidents:
            found["incidents"] += list(
                SecurityIncident.objects.alive().filter(
                    compartment_id=compartment, kind=kind, place_name=place
                )
            )
        about = observation.concerns
        if about is not None:
            bearers = [self.world.bearers[key].bearer for key in about.bearers]
            candidates = (
                Concern.objects.alive()
                .filter(
                    Q(bearers__in=bearers),
                    compartment_id=compartment,
                    category__code=about.category,
                    opened_on__gte=commitment.made_on,
                    opened_on__lte=day,
                )
                .distinct()
                .order_by("opened_on")
            )
            matching = [c for c in candidates if about.words.lower() in c.summary.lower()]
            found["concerns"] = matching[: about.limit]
        return found

    def record(self, plan: Plan) -> Commitment:
        world = self.world
        actor = self.actor(plan.delegation)
        made_on = self.days_ago(plan.days)
        commitment = do_register_commitment(
            actor=actor,
            compartment=world.delegations[plan.delegation],
            instrument=plan.instrument,
            title=plan.title,
            scope=plan.scope,
            terms=plan.terms,
            bearers=[world.bearers[key].bearer for key in plan.bearers],
            made_on=made_on,
            date_precision=plan.precision,
            place_name=plan.place,
            witness=plan.witness,
            disclosure=plan.disclosure,
            interactions=self.led_to(plan, made_on),
            signatories=[self.signatory(s, plan.delegation, made_on) for s in plan.signers],
        )
        for observation in plan.observations:
            day = self.days_ago(observation.days)
            do_record_compliance(
                commitment,
                actor=actor,
                observed_on=day,
                assessment=observation.assessment,
                note=observation.note,
                **self.evidence(commitment, observation, day),
            )
            self.observations += 1
        return commitment

    def record_restricted(self) -> Commitment:
        """The HHRB commander's agreement to a visit, known to two colleagues only."""
        world = self.world
        person = world.restricted_person
        assert person is not None
        head = world.users["varnia.head"]
        specialist = world.users["varnia.specialist"]
        thread = sorted(
            (i for i in world.interactions["varnia"] if i.restricted),
            key=lambda i: i.occurred_at,
        )
        first, listed = thread[0], thread[2]
        made_on = first.occurred_at.date()
        self.signatories += 1
        commitment = do_register_commitment(
            actor=specialist,
            compartment=world.delegations["varnia"],
            instrument=Instrument.DETAINEE_ACCESS,
            title="HHRB agrees in principle to a visit to the soldiers it holds",
            scope="A visit by our team to the soldiers held by the HHRB, with private "
            "interviews, and family messages passed both ways; the place to be agreed "
            "through the intermediary.",
            bearers=[person.bearer.bearer],
            made_on=made_on,
            place_name="Village near Kessel Ford",
            witness="The intermediary from Kessel Ford.",
            interactions=[first],
            restricted=True,
            restricted_to=[head, specialist],
            signatories=[
                {
                    "capacity": MILITARY,
                    "bearer": person.bearer.bearer,
                    "person": person.person,
                    "signed_as": person.title,
                    "signed_on": made_on,
                }
            ],
        )
        do_record_compliance(
            commitment,
            actor=specialist,
            observed_on=listed.occurred_at.date(),
            assessment=PARTLY,
            note="The commander handed over the list of the people held and family messages "
            "passed; the visit itself has not taken place yet.",
        )
        self.observations += 1
        return commitment

    def build(self) -> str:
        counts = {"varnia": 0, "kestria": 0}
        for plan in PLANS:
            self.record(plan)
            counts[plan.delegation] += 1
        self.record_restricted()
        counts["varnia"] += 1
        return (
            f"{sum(counts.values())} commitments ({counts['varnia']} Varnia, "
            f"{counts['kestria']} Kestria, 1 restricted), {self.signatories} signatories, "
            f"{self.observations} compliance observations"
        )


def populate(world: Any) -> str:
    """Add the demo commitments to the world; return a line saying what was added."""
    return CommitmentsBuilder(world).build()
