"""Demo assessments of integration for Varnia and Kestria, written through the services.

The State forces of both countries have a history of assessments over nearly two years in
most pillars; two armed groups of Varnia have a few (a code of conduct counts as doctrine).
Evidence links to the sessions and contacts of the demo world held before each assessment.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pourparler.dialogue.models import Interaction
from pourparler.integration.choices import IntegrationLevel as L
from pourparler.integration.choices import Pillar as P
from pourparler.integration.services import do_record_assessment
from pourparler.training.models import DisseminationSession

# bearer key -> (who assesses, [(pillar, days ago, level, evidence), ...])
HISTORY: dict[str, tuple[str, list[tuple[str, int, int, str]]]] = {
    "vaf": (
        "varnia.specialist",
        [
            (
                P.DOCTRINE,
                560,
                L.INITIAL,
                "The 1998 field manual mentions the Geneva Conventions only in an annex; no rule "
                "of engagement deals with civilians in populated areas.",
            ),
            (
                P.DOCTRINE,
                330,
                L.PARTIAL,
                "The General Staff adopted rules of engagement for operations in populated areas; "
                "the revision of the field manual is still a draft.",
            ),
            (
                P.DOCTRINE,
                60,
                L.PARTIAL,
                "Chapter on detention of the revised manual reviewed with the legal branch; "
                "waiting for the Chief of the General Staff to sign.",
            ),
            (
                P.EDUCATION,
                560,
                L.INITIAL,
                "The law is a two-hour lecture at the officers' academy, given by a civilian "
                "lecturer.",
            ),
            (
                P.EDUCATION,
                250,
                L.PARTIAL,
                "A 20-hour module on the law is now part of the staff college course, taught by "
                "two officers we trained.",
            ),
            (
                P.TRAINING,
                540,
                L.INITIAL,
                "Field exercises leave out civilians, the wounded and prisoners.",
            ),
            (
                P.TRAINING,
                300,
                L.PARTIAL,
                "Pre-deployment briefings now include checkpoint scenarios; brigades do not yet "
                "train them.",
            ),
            (
                P.TRAINING,
                45,
                L.SUBSTANTIAL,
                "Brigade exercises near Mirovane included civilians on the battlefield, casualty "
                "evacuation and the handling of detainees; umpires scored respect for the law.",
            ),
            (
                P.EQUIPMENT,
                500,
                L.PARTIAL,
                "Medical units carry the red cross emblem; no means to mark ambulances for "
                "movements at night.",
            ),
            (
                P.SANCTIONS,
                520,
                L.NONE,
                "No investigation of alleged violations known; military courts deal with desertion"
                " only.",
            ),
            (
                P.SANCTIONS,
                200,
                L.INITIAL,
                "The military prosecutor opened a first investigation into the shelling of Kessel "
                "Ford; no outcome yet.",
            ),
        ],
    ),
    "vnp": (
        "varnia.head",
        [
            (
                P.DOCTRINE,
                450,
                L.PARTIAL,
                "Standing orders on firearms exist but say nothing of necessity and "
                "proportionality.",
            ),
            (
                P.DOCTRINE,
                120,
                L.SUBSTANTIAL,
                "Revised standing orders on the use of force, in line with the Basic Principles, "
                "signed by the Director-General.",
            ),
            (
                P.EDUCATION,
                400,
                L.PARTIAL,
                "The police academy teaches human rights law in the basic course, but not arrest "
                "and custody procedures.",
            ),
            (P.TRAINING, 380, L.INITIAL, "Firearms training is marksmanship only."),
            (
                P.TRAINING,
                90,
                L.PARTIAL,
                "Use-of-force courses given with two police instructors trained as trainers; "
                "scenario training started in Velmora.",
            ),
            (
                P.EQUIPMENT,
                350,
                L.INITIAL,
                "Officers carry firearms only: no less-lethal means, no protective equipment for "
                "public order.",
            ),
            (
                P.SANCTIONS,
                300,
                L.INITIAL,
                "An inspectorate exists but seldom acts on complaints about custody.",
            ),
        ],
    ),
    "vg": (
        "varnia.specialist",
        [
            (
                P.DOCTRINE,
                400,
                L.PARTIAL,
                "Gendarmerie rules follow the police in law enforcement, with no guidance for "
                "companies placed under army command.",
            ),
            (
                P.EDUCATION,
                350,
                L.PARTIAL,
                "Both bodies of law are taught at the gendarmerie school, separately and without "
                "cases.",
            ),
            (
                P.TRAINING,
                380,
                L.INITIAL,
                "No training on the shift between law enforcement and hostilities.",
            ),
            (
                P.TRAINING,
                100,
                L.PARTIAL,
                "Companies of the 1st and 2nd Legions followed use-of-force courses before their "
                "deployment.",
            ),
            (
                P.EQUIPMENT,
                350,
                L.PARTIAL,
                "Shields and batons in the companies; no less-lethal means in the Hollow Hills.",
            ),
            (
                P.SANCTIONS,
                300,
                L.PARTIAL,
                "Disciplinary councils sit regularly; two gendarmes sanctioned for ill-treatment "
                "this year.",
            ),
        ],
    ),
    "erm": (
        "varnia.head",
        [
            (
                P.DOCTRINE,
                480,
                L.INITIAL,
                "The ERM's written code of conduct forbids attacks on civilians and killing "
                "prisoners, but says nothing of the wounded or of detention.",
            ),
            (
                P.DOCTRINE,
                150,
                L.PARTIAL,
                "After our workshops the Central Command added articles on the wounded, medical "
                "staff and the treatment of detainees, sent to the front commanders.",
            ),
            (P.TRAINING, 300, L.NONE, "Fighters are trained in weapons handling only."),
            (
                P.SANCTIONS,
                200,
                L.INITIAL,
                "The Central Command says two fighters were punished for looting; not verified.",
            ),
        ],
    ),
    "flhh": (
        "varnia.head",
        [
            (P.DOCTRINE, 350, L.NONE, "No written rules; front commanders decide alone."),
            (
                P.DOCTRINE,
                90,
                L.INITIAL,
                "The Political-Military Council circulated a one-page order protecting health "
                "workers after our workshop; unclear whether local commanders received it.",
            ),
            (P.TRAINING, 300, L.NONE, "Nothing known beyond weapons handling."),
        ],
    ),
    "knp": (
        "kestria.specialist",
        [
            (
                P.DOCTRINE,
                500,
                L.PARTIAL,
                "Public-order regulations allow firearms against rioters with no further "
                "condition.",
            ),
            (
                P.DOCTRINE,
                200,
                L.PARTIAL,
                "Draft crowd-management regulations with our comments sent to the Ministry of the "
                "Interior.",
            ),
            (
                P.DOCTRINE,
                40,
                L.SUBSTANTIAL,
                "New crowd-management regulations adopted before the elections: graduated "
                "response, firearms only against an imminent threat to life.",
            ),
            (
                P.EDUCATION,
                450,
                L.PARTIAL,
                "Human rights law in the academy's basic course; nothing for officers promoted "
                "from the ranks.",
            ),
            (
                P.TRAINING,
                480,
                L.INITIAL,
                "The public-order unit drills with shields and batons only; no de-escalation.",
            ),
            (
                P.TRAINING,
                80,
                L.SUBSTANTIAL,
                "Crowd-management courses reached most public-order officers in Aldmere; de-"
                "escalation and talking with organisers are trained.",
            ),
            (
                P.EQUIPMENT,
                400,
                L.INITIAL,
                "Tear gas past its expiry date; no protective equipment.",
            ),
            (
                P.EQUIPMENT,
                60,
                L.PARTIAL,
                "Helmets and shields delivered, tear gas renewed; no body cameras.",
            ),
            (
                P.SANCTIONS,
                420,
                L.INITIAL,
                "No officer disciplined after the Aldmere demonstrations.",
            ),
            (
                P.SANCTIONS,
                30,
                L.INITIAL,
                "An internal inquiry into the deaths at the Aldmere demonstrations opened; no "
                "report yet.",
            ),
        ],
    ),
    "kg": (
        "kestria.specialist",
        [
            (
                P.DOCTRINE,
                400,
                L.PARTIAL,
                "Mobile companies apply the police public-order regulations; border companies have"
                " their own orders.",
            ),
            (
                P.EDUCATION,
                380,
                L.PARTIAL,
                "Human rights law taught at the gendarmerie school; the peace-operation contingent"
                " gets an extra module.",
            ),
            (
                P.TRAINING,
                350,
                L.INITIAL,
                "Mobile companies train for riot control without scenarios.",
            ),
            (
                P.TRAINING,
                70,
                L.PARTIAL,
                "Both mobile companies followed crowd-management courses; border companies not "
                "yet.",
            ),
            (
                P.EQUIPMENT,
                300,
                L.PARTIAL,
                "Protective equipment in the mobile companies; firearms only at the borders.",
            ),
            (
                P.SANCTIONS,
                300,
                L.PARTIAL,
                "A gendarmerie inspectorate investigates complaints and publishes yearly figures.",
            ),
        ],
    ),
}

# One assessment only the head and the armed-forces specialist of Varnia may see.
RESTRICTED = (
    "flhh",
    P.SANCTIONS,
    120,
    L.INITIAL,
    "A commander of the Western Front was removed after his men executed a captured soldier; "
    "the Council told us in confidence and asked that it not be repeated.",
)


def populate(world: Any) -> str:
    """Record the demo assessments; return a line saying what was added."""
    count = 0
    # Which bearers each interaction concerns, read once.
    about: dict[Any, set[Any]] = defaultdict(set)
    for interaction_id, bearer_id in Interaction.bearers.through.objects.values_list(
        "interaction_id", "weaponbearer_id"
    ):
        about[interaction_id].add(bearer_id)
    for key, (username, entries) in HISTORY.items():
        info = world.bearers[key]
        actor = world.users[username]
        delegation = world.delegations[info.spec.delegation]
        contacts = [
            i
            for i in world.interactions[info.spec.delegation]
            if not i.restricted and info.bearer.pk in about.get(i.pk, ())
        ]
        sessions = list(
            DisseminationSession.objects.visible_to(actor)
            .filter(bearer=info.bearer, restricted=False)
            .order_by("-held_on")
        )
        for pillar, days, level, evidence in entries:
            on = world.days_ago(days)
            earlier_contacts = [i for i in contacts if i.occurred_at.date() <= on][-2:]
            earlier_sessions = [s for s in sessions if s.held_on <= on][:3]
            do_record_assessment(
                actor=actor,
                compartment=delegation,
                bearer=info.bearer,
                pillar=pillar,
                level=level,
                assessed_on=on,
                evidence=evidence,
                interactions=earlier_contacts if pillar != P.TRAINING else earlier_contacts[-1:],
                sessions=earlier_sessions if pillar in (P.TRAINING, P.EDUCATION) else [],
            )
            count += 1
    key, pillar, days, level, evidence = RESTRICTED
    head, specialist = world.users["varnia.head"], world.users["varnia.specialist"]
    do_record_assessment(
        actor=head,
        compartment=world.delegations["varnia"],
        bearer=world.bearers[key].bearer,
        pillar=pillar,
        level=level,
        assessed_on=world.days_ago(days),
        evidence=evidence,
        restricted=True,
        restricted_to=[head, specialist],
    )
    count += 1
    bearers = len(HISTORY)
    return f"{count} assessments of {bearers} bearers (1 restricted)"
