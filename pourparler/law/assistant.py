"""The applicable-law assistant: which rules bind a weapon bearer here, and why, step by step.

It is a pure function of the facts, ``applicable_law(facts) -> Answer``, driven by two
tables rather than by branching code:

* ``DERIVED`` names a few facts worked out from the ones given (is there an armed
  conflict? are the bearer's members fighters, civilians taking a direct part, or
  civilians? is the operation policing?). For each derived fact the first row whose
  condition holds gives its value.
* ``RULES`` is the ordered list of steps. Each has a condition, its text in our own
  words, the references it rests on (keys of ``law.references.REFERENCES``), the
  frameworks and paradigms it brings in, and the unknown facts it explains. Every step
  whose condition holds is part of the answer, in table order.

A condition is a tuple of alternatives; an alternative holds when each named fact has
one of the listed values. Facts the records cannot know (is the State party to AP II?
has it derogated?) may be "unknown"; steps then say what changes with each answer.

``facts_for_bearer(user, bearer)`` derives what the records tell (the bearer's kind, the
situation it is a party to, whether it controls territory) through ``visible_to`` only.

The assistant supports and does not replace the advice of a legal adviser.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

from pourparler.law.references import REFERENCES, Reference

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

YES, NO, UNKNOWN = "yes", "no", "unknown"

DISCLAIMER = _(
    "This answer supports and does not replace legal advice. It follows general rules "
    "from the facts given; the classification of a situation and the status of a "
    "force are for a legal adviser to confirm, with the treaties the State has joined, "
    "its reservations and declarations, and its domestic law."
)

# The facts asked, each with its choices: value, label, and what it means in plain words.
FACT_CHOICES: dict[str, tuple[tuple[str, StrOrPromise], ...]] = {
    "situation": (
        ("iac", _("International armed conflict")),
        ("niac", _("Non-international armed conflict")),
        ("other_violence", _("Other situation of violence")),
        ("disaster", _("Disaster")),
        (UNKNOWN, _("Not known")),
    ),
    "bearer_kind": (
        ("armed_forces", _("State armed forces")),
        ("police", _("Police")),
        ("gendarmerie", _("Gendarmerie")),
        ("other_law_enforcement", _("Other law enforcement (border guards, customs, prisons)")),
        ("non_state_armed_group", _("Non-State armed group")),
        ("militia", _("Pro-government militia or paramilitary")),
        ("private_security", _("Private military or security company")),
        ("peace_operation", _("Multinational or peace operation")),
        (UNKNOWN, _("Not known")),
    ),
    "operation": (
        ("hostilities", _("Conduct of hostilities (fighting an adversary)")),
        ("arrest", _("Arrest")),
        ("detention", _("Detention")),
        ("crowd", _("Crowd management (assemblies, demonstrations)")),
        ("checkpoint", _("Checkpoint")),
        ("search", _("Search and seizure")),
        (UNKNOWN, _("Not known")),
    ),
    "incorporated": ((YES, _("Yes")), (NO, _("No")), (UNKNOWN, _("Not known"))),
    "direct_part": ((YES, _("Yes")), (NO, _("No")), (UNKNOWN, _("Not known"))),
    "ap2_party": ((YES, _("Yes")), (NO, _("No")), (UNKNOWN, _("Not known"))),
    "ap2_threshold": ((YES, _("Yes")), (NO, _("No")), (UNKNOWN, _("Not known"))),
    "derogated": ((YES, _("Yes")), (NO, _("No")), (UNKNOWN, _("Not known"))),
}

FACT_QUESTIONS: dict[str, tuple[StrOrPromise, StrOrPromise]] = {
    "situation": (
        _("What is the situation?"),
        _(
            "An armed conflict between States is international; one between a State and an "
            "organised armed group, or between such groups, is non-international. Unrest, "
            "riots and urban violence below that level are other situations of violence."
        ),
    ),
    "bearer_kind": (
        _("Who carries the weapons?"),
        _("The kind of force whose rules you want to know."),
    ),
    "operation": (
        _("What are they doing?"),
        _(
            "Fighting an adversary is conduct of hostilities; arresting, holding, managing a "
            "crowd, running a checkpoint or searching is law enforcement."
        ),
    ),
    "incorporated": (
        _("Has this police or law-enforcement body been made part of the armed forces?"),
        _(
            "By law or decree, for the conflict. Asked only of police, gendarmerie and other "
            "law enforcement."
        ),
    ),
    "direct_part": (
        _("Do its members take a direct part in the hostilities?"),
        _(
            "Fighting alongside the army, attacking the adversary, defending a military "
            "position: acts that harm the adversary in the fighting, not ordinary policing."
        ),
    ),
    "ap2_party": (
        _("Is the State party to Additional Protocol II?"),
        _("Only matters in a non-international armed conflict."),
    ),
    "ap2_threshold": (
        _(
            "Is the armed group organised under a responsible command, and does it control "
            "territory so that it can carry out sustained, concerted operations?"
        ),
        _("The threshold of AP II; common Article 3 applies without it."),
    ),
    "derogated": (
        _("Has the State derogated from the Covenant (ICCPR Art. 4)?"),
        _("A public emergency proclaimed and notified to the United Nations."),
    ),
}

FRAMEWORK_LABELS = {
    "ihl": _("International humanitarian law"),
    "ihrl": _("International human rights law"),
    "domestic": _("Domestic law"),
}
PARADIGM_LABELS = {
    "hostilities": _("Conduct of hostilities"),
    "law_enforcement": _("Law enforcement"),
    "detention_ihl": _("Detention under IHL"),
}

POLICING = ("arrest", "detention", "crowd", "checkpoint", "search")
LAW_ENFORCEMENT_BODIES = ("police", "gendarmerie", "other_law_enforcement")
FIGHTING_FORCES = ("armed_forces", "non_state_armed_group", "militia", "peace_operation")


@dataclass(frozen=True)
class Facts:
    """What the assistant is told. Each fact is one of its ``FACT_CHOICES`` values."""

    situation: str = UNKNOWN
    bearer_kind: str = UNKNOWN
    operation: str = UNKNOWN
    incorporated: str = UNKNOWN
    direct_part: str = UNKNOWN
    ap2_party: str = UNKNOWN
    ap2_threshold: str = UNKNOWN
    derogated: str = UNKNOWN

    def __post_init__(self) -> None:
        for name, choices in FACT_CHOICES.items():
            if getattr(self, name) not in {value for value, _ in choices}:
                raise ValueError(f"{name}={getattr(self, name)!r} is not one of its choices")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Facts:
        """Read facts from a query string or form, taking unknown for anything missing or odd."""
        values = {}
        for name, choices in FACT_CHOICES.items():
            value = data.get(name, UNKNOWN)
            values[name] = value if value in {v for v, _ in choices} else UNKNOWN
        return cls(**values)

    def as_query(self) -> str:
        """The facts as a query string that pre-fills the assistant's form."""
        return urlencode({f.name: getattr(self, f.name) for f in fields(self)})

    @property
    def labels(self) -> dict[str, StrOrPromise]:
        """The plain label of each fact's value, by fact."""
        return {name: dict(choices)[getattr(self, name)] for name, choices in FACT_CHOICES.items()}


@dataclass(frozen=True)
class Step:
    """One step of the reasoning: what follows, and the sources it rests on."""

    key: str
    text: str
    references: tuple[Reference, ...]
    # The unknown facts this step answers "it depends" about.
    depends_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """Which frameworks and paradigms apply, why step by step, and the disclaimer."""

    facts: Facts
    frameworks: tuple[str, ...]
    paradigms: tuple[str, ...]
    steps: tuple[Step, ...]
    open_questions: tuple[str, ...]
    disclaimer: StrOrPromise = DISCLAIMER

    @property
    def framework_items(self) -> list[tuple[str, StrOrPromise]]:
        """The frameworks as (key, label) pairs."""
        return [(f, FRAMEWORK_LABELS[f]) for f in self.frameworks]

    @property
    def paradigm_items(self) -> list[tuple[str, StrOrPromise]]:
        """The paradigms as (key, label) pairs."""
        return [(p, PARADIGM_LABELS[p]) for p in self.paradigms]

    @property
    def open_question_labels(self) -> list[StrOrPromise]:
        return [FACT_QUESTIONS[name][0] for name in self.open_questions]

    @property
    def references(self) -> list[Reference]:
        """Every source cited, once, in the order first cited."""
        seen: dict[str, Reference] = {}
        for step in self.steps:
            for reference in step.references:
                seen.setdefault(reference.key, reference)
        return list(seen.values())


# A condition: alternatives, each a mapping of fact -> the values it may take.
Condition = tuple[Mapping[str, frozenset[str]], ...]


def when(**facts: str | Iterable[str]) -> Mapping[str, frozenset[str]]:
    """One alternative of a condition: each named fact takes one of the values given."""
    return {
        name: frozenset((value,) if isinstance(value, str) else value)
        for name, value in facts.items()
    }


def holds(condition: Condition, values: Mapping[str, str]) -> bool:
    """Say whether any alternative of a condition holds for the given values."""
    return any(
        all(values[name] in allowed for name, allowed in alternative.items())
        for alternative in condition
    )


ALWAYS: Condition = (when(),)

# Derived facts: for each name, the first row whose condition holds gives the value.
DERIVED: tuple[tuple[str, str, Condition], ...] = (
    ("conflict", YES, (when(situation=("iac", "niac")),)),
    ("conflict", NO, (when(situation=("other_violence", "disaster")),)),
    ("conflict", UNKNOWN, ALWAYS),
    ("law_enforcement_body", YES, (when(bearer_kind=LAW_ENFORCEMENT_BODIES),)),
    ("law_enforcement_body", UNKNOWN, (when(bearer_kind=UNKNOWN),)),
    ("law_enforcement_body", NO, ALWAYS),
    # The status of the bearer's members where there is an armed conflict.
    ("status", "fighter", (when(bearer_kind=FIGHTING_FORCES),)),
    ("status", "fighter", (when(bearer_kind=LAW_ENFORCEMENT_BODIES, incorporated=YES),)),
    (
        "status",
        "direct_part",
        (
            when(bearer_kind=LAW_ENFORCEMENT_BODIES, incorporated=(NO, UNKNOWN), direct_part=YES),
            when(bearer_kind="private_security", direct_part=YES),
        ),
    ),
    (
        "status",
        "civilian",
        (
            when(bearer_kind=LAW_ENFORCEMENT_BODIES, incorporated=NO, direct_part=NO),
            when(bearer_kind="private_security", direct_part=NO),
        ),
    ),
    ("status", UNKNOWN, ALWAYS),
    ("policing", YES, (when(operation=POLICING),)),
    ("policing", NO, (when(operation="hostilities"),)),
    ("policing", UNKNOWN, ALWAYS),
)


@dataclass(frozen=True)
class Rule:
    """A row of the table: when it holds, the step it adds to the answer."""

    key: str
    condition: Condition
    text: StrOrPromise
    references: tuple[str, ...]
    frameworks: tuple[str, ...] = ()
    paradigms: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()


IN_CONFLICT = when(conflict=YES)
STATE_FORCES = ("armed_forces", "police", "gendarmerie", "other_law_enforcement", "militia")

RULES: tuple[Rule, ...] = (
    # 1. What kind of situation it is, and so which bodies of law apply at all.
    Rule(
        "iac",
        (when(situation="iac"),),
        _(
            "This is an international armed conflict: the four Geneva Conventions, Additional "
            "Protocol I where the States have joined it, and customary IHL apply in full. Human "
            "rights law does not stop: it keeps binding the State alongside IHL."
        ),
        ("gc-ca2", "cihl", "iccpr-2", "hrc-gc36"),
        frameworks=("ihl", "ihrl"),
    ),
    Rule(
        "niac",
        (when(situation="niac"),),
        _(
            "This is a non-international armed conflict: common Article 3 binds every party, "
            "the State and the armed groups alike, and customary IHL fills in most rules on "
            "fighting. The State stays bound by its human rights obligations."
        ),
        ("gc-ca3", "cihl", "iccpr-2"),
        frameworks=("ihl", "ihrl"),
    ),
    Rule(
        "niac-apii",
        (when(situation="niac", ap2_party=YES, ap2_threshold=YES),),
        _(
            "The State is party to Additional Protocol II and the armed group meets its "
            "threshold (responsible command, control of territory, sustained and concerted "
            "operations): AP II applies as well, with its guarantees for people in the parties' "
            "power and its protection of civilians."
        ),
        ("apii-1", "apii-4-6", "apii-13"),
        frameworks=("ihl",),
    ),
    Rule(
        "niac-no-apii",
        (when(situation="niac", ap2_party=NO), when(situation="niac", ap2_threshold=NO)),
        _(
            "Additional Protocol II does not apply here (the State is not party to it, or the "
            "armed group does not meet its threshold): common Article 3 and customary IHL are "
            "the IHL that binds the parties."
        ),
        ("apii-1", "gc-ca3", "cihl"),
        frameworks=("ihl",),
    ),
    Rule(
        "niac-apii-unknown",
        (
            when(situation="niac", ap2_party=UNKNOWN, ap2_threshold=(YES, UNKNOWN)),
            when(situation="niac", ap2_party=(YES, UNKNOWN), ap2_threshold=UNKNOWN),
        ),
        _(
            "Whether Additional Protocol II applies is not known. If the State is party to it "
            "and the armed group has a responsible command and controls territory enough for "
            "sustained, concerted operations, AP II adds its guarantees; if either is missing, "
            "common Article 3 and customary IHL alone apply. Common Article 3 applies either way."
        ),
        ("apii-1", "gc-ca3"),
        depends_on=("ap2_party", "ap2_threshold"),
    ),
    Rule(
        "other-violence",
        (when(situation="other_violence"),),
        _(
            "This is another situation of violence, below the threshold of an armed conflict: "
            "IHL does not apply. Human rights law and domestic law govern every use of force, "
            "which follows the law-enforcement rules whoever uses it, soldiers included."
        ),
        ("iccpr-6", "iccpr-9", "ccleo", "bpuff", "domestic"),
        frameworks=("ihrl", "domestic"),
        paradigms=("law_enforcement",),
    ),
    Rule(
        "disaster",
        (when(situation="disaster"),),
        _(
            "A disaster is not an armed conflict: IHL does not apply (unless a conflict goes on "
            "in the same place). Domestic law, including the State's emergency and disaster "
            "laws, and human rights law govern; any force used, to keep order or protect relief, "
            "follows the law-enforcement rules."
        ),
        ("domestic", "idrl", "iccpr-6", "iccpr-9", "bpuff"),
        frameworks=("domestic", "ihrl"),
        paradigms=("law_enforcement",),
    ),
    Rule(
        "situation-unknown",
        (when(situation=UNKNOWN),),
        _(
            "The situation is not classified. If it is an armed conflict between States, the "
            "Geneva Conventions apply in full; if between a State and an organised armed group "
            "(or between groups) with fighting of some intensity, common Article 3 applies; "
            "below that, riots and isolated violence are governed by human rights and domestic "
            "law only. Ask a legal adviser to classify it."
        ),
        ("gc-ca2", "gc-ca3", "apii-1", "iccpr-6"),
        frameworks=("ihrl",),
        depends_on=("situation",),
    ),
    # 2. Who the bearer's members are in law.
    Rule(
        "armed-forces-iac",
        (when(situation="iac", bearer_kind="armed_forces"),),
        _(
            "Members of the State's armed forces are combatants: they may be attacked, may take "
            "part in hostilities without being tried for it, and are prisoners of war if "
            "captured."
        ),
        ("api-43", "gc3-4"),
        frameworks=("ihl",),
    ),
    Rule(
        "armed-group-iac",
        (when(situation="iac", bearer_kind=("non_state_armed_group", "militia")),),
        _(
            "In an international armed conflict a militia or armed group counts as part of a "
            "party's armed forces if it belongs to that party and meets the conditions of GC III "
            "Art. 4 (command, distinctive sign, arms carried openly, respect for the laws of "
            "war); its members are then combatants. Otherwise they are civilians, who lose "
            "protection only while taking a direct part in hostilities."
        ),
        ("gc3-4", "api-43", "api-51-3"),
        frameworks=("ihl",),
    ),
    Rule(
        "armed-group-niac",
        (when(situation="niac", bearer_kind="non_state_armed_group"),),
        _(
            "The armed group is a party to the conflict and bound by common Article 3 and "
            "customary IHL, whatever the State thinks of it. Its members with a continuous "
            "combat function may be attacked like soldiers; there is no combatant privilege, so "
            "domestic law may try them for taking up arms."
        ),
        ("gc-ca3", "cihl", "icrc-dph", "domestic"),
        frameworks=("ihl", "domestic"),
    ),
    Rule(
        "state-forces-niac",
        (when(situation="niac", bearer_kind=("armed_forces", "militia")),),
        _(
            "The State's armed forces, and militias fighting for it under its command, are a "
            "party to the conflict bound by common Article 3 and customary IHL, and remain bound "
            "by the State's human rights obligations."
        ),
        ("gc-ca3", "cihl-4", "iccpr-2"),
        frameworks=("ihl", "ihrl"),
    ),
    Rule(
        "peace-operation",
        (when(conflict=YES, bearer_kind="peace_operation"),),
        _(
            "A multinational or peace operation is bound by IHL when, and for as long as, its "
            "forces take part in the fighting as combatants; otherwise its members are protected "
            "as long as they are entitled to the protection given to civilians."
        ),
        ("sgb-1999", "cihl"),
        frameworks=("ihl",),
    ),
    Rule(
        "incorporated-iac",
        (when(situation="iac", bearer_kind=LAW_ENFORCEMENT_BODIES, incorporated=YES),),
        _(
            "The law-enforcement body has been made part of the armed forces: its members are "
            "combatants bound by IHL, may be attacked like soldiers and are prisoners of war if "
            "captured. The State must notify the other parties of the incorporation (AP I Art. "
            "43(3)); without notice the adversary may not know that police are now combatants."
        ),
        ("api-43-3", "api-43", "cihl-4", "gc3-4"),
        frameworks=("ihl",),
    ),
    Rule(
        "incorporated-niac",
        (when(situation="niac", bearer_kind=LAW_ENFORCEMENT_BODIES, incorporated=YES),),
        _(
            "The law-enforcement body has been made part of the armed forces: its members count "
            "as members of the State's armed forces, bound by IHL and open to attack. (AP I "
            "Art. 43(3) and its notice duty belong to international conflicts; the idea is the "
            "same in custom.)"
        ),
        ("cihl-4", "api-43-3", "gc-ca3"),
        frameworks=("ihl",),
    ),
    Rule(
        "not-incorporated",
        (when(conflict=YES, bearer_kind=LAW_ENFORCEMENT_BODIES, incorporated=NO),),
        _(
            "The law-enforcement body is not part of the armed forces: in law its members are "
            "civilians, protected from attack. Their ordinary work (arrests, patrols, public "
            "order) is law enforcement under human rights law, even in the middle of the "
            "conflict."
        ),
        ("api-50", "api-51-3", "cihl-6", "ccleo"),
        frameworks=("ihrl",),
    ),
    Rule(
        "incorporated-unknown",
        (when(conflict=(YES, UNKNOWN), bearer_kind=LAW_ENFORCEMENT_BODIES, incorporated=UNKNOWN),),
        _(
            "Whether the body has been made part of the armed forces is not known. If it has, "
            "its members are members of the armed forces (combatants in an international "
            "conflict, after notice to the adversary); if it has not, they are civilians bound by "
            "law-enforcement rules and protected unless they take a direct part in hostilities."
        ),
        ("api-43-3", "api-50", "cihl-4"),
        depends_on=("incorporated",),
    ),
    Rule(
        "direct-part",
        (when(conflict=YES, status="direct_part"),),
        _(
            "Its members take a direct part in hostilities: they lose protection from attack for "
            "such time as they do, and for those acts they must follow the IHL rules on "
            "fighting (distinction, proportionality, precautions). When they go back to "
            "policing, law-enforcement rules govern again."
        ),
        ("api-51-3", "apii-13", "cihl-6", "icrc-dph"),
        frameworks=("ihl",),
        paradigms=("hostilities",),
    ),
    Rule(
        "direct-part-unknown",
        (
            when(
                conflict=YES,
                bearer_kind=(*LAW_ENFORCEMENT_BODIES, "private_security"),
                status=UNKNOWN,
                direct_part=UNKNOWN,
            ),
        ),
        _(
            "Whether its members take a direct part in hostilities is not known. If they do "
            "(fighting alongside the army, attacking the adversary), they may be attacked while "
            "they do so and must respect the IHL rules on fighting; if they do not, they remain "
            "protected civilians whose use of force is law enforcement."
        ),
        ("api-51-3", "icrc-dph"),
        depends_on=("direct_part",),
    ),
    Rule(
        "private-security",
        (when(conflict=YES, bearer_kind="private_security"),),
        _(
            "Staff of a private military or security company are civilians unless the State "
            "has made them part of its armed forces; guarding people and property is not in "
            "itself taking part in hostilities."
        ),
        ("api-50", "api-51-3", "icrc-dph"),
    ),
    Rule(
        "kind-unknown",
        (when(bearer_kind=UNKNOWN),),
        _(
            "The kind of bearer is not known. Armed forces and organised armed groups in a "
            "conflict are bound by IHL as fighters; police and other law enforcement are "
            "civilians in law unless incorporated or taking a direct part."
        ),
        ("api-43", "api-50", "gc-ca3"),
        depends_on=("bearer_kind",),
    ),
    # 3. What they are doing: the paradigm.
    Rule(
        "hostilities-iac",
        (when(situation="iac", operation="hostilities", status=("fighter", "direct_part")),),
        _(
            "Fighting the adversary is conduct of hostilities: attacks only on military "
            "objectives and on people who may be attacked, no indiscriminate or "
            "disproportionate attacks, every feasible precaution to spare civilians."
        ),
        ("api-48-58", "cihl"),
        frameworks=("ihl",),
        paradigms=("hostilities",),
    ),
    Rule(
        "hostilities-niac",
        (when(situation="niac", operation="hostilities", status=("fighter", "direct_part")),),
        _(
            "Fighting the adversary is conduct of hostilities: distinction, proportionality and "
            "precautions bind both sides as customary law (AP I Arts 48-58 state them; AP II "
            "Art. 13 protects civilians where it applies)."
        ),
        ("cihl", "api-48-58", "apii-13"),
        frameworks=("ihl",),
        paradigms=("hostilities",),
    ),
    Rule(
        "hostilities-by-civilians",
        (when(conflict=YES, operation="hostilities", status="civilian"),),
        _(
            "A body that is neither part of the armed forces nor taking a direct part has no "
            "licence to fight: any force it uses is law enforcement, governed by the right to "
            "life. If its members do join the fighting, they take a direct part in hostilities "
            "and lose protection while they do."
        ),
        ("iccpr-6", "bpuff-9", "api-51-3"),
        frameworks=("ihrl",),
        paradigms=("law_enforcement",),
    ),
    Rule(
        "hostilities-no-conflict",
        (when(conflict=NO, operation="hostilities"),),
        _(
            "Without an armed conflict there are no hostilities in law: armed violence is "
            "crime or unrest, and force against it follows the law-enforcement rules "
            "(lethal force only to protect life from an imminent threat)."
        ),
        ("iccpr-6", "hrc-gc36", "bpuff-9"),
        frameworks=("ihrl",),
        paradigms=("law_enforcement",),
    ),
    Rule(
        "policing-in-conflict",
        (when(conflict=YES, policing=YES),),
        _(
            "Arresting, holding, managing crowds, running checkpoints and searching are law "
            "enforcement even during a conflict: force only when necessary, in proportion, and "
            "lethal force only to protect life. If fighters attack the post, the response to "
            "that attack is conduct of hostilities."
        ),
        ("ccleo", "bpuff", "bpuff-9", "iccpr-6", "hrc-gc36"),
        frameworks=("ihrl",),
        paradigms=("law_enforcement",),
    ),
    Rule(
        "soldiers-policing",
        (when(bearer_kind=("armed_forces", "militia", "peace_operation"), policing=YES),),
        _(
            "Soldiers doing police work are law-enforcement officials for that work: the Code of "
            "Conduct and the Basic Principles on force and firearms bind them as they bind the "
            "police, whatever their training and weapons."
        ),
        ("ccleo", "bpuff", "iccpr-6"),
        frameworks=("ihrl",),
        paradigms=("law_enforcement",),
    ),
    Rule(
        "armed-group-policing",
        (when(bearer_kind="non_state_armed_group", policing=YES, conflict=YES),),
        _(
            "An armed group that arrests, holds or keeps order in an area it controls is bound "
            "by common Article 3 (humane treatment, no arbitrary detention in custom); where it "
            "exercises government-like control, human rights expectations apply to it too."
        ),
        ("gc-ca3", "cihl-99"),
        frameworks=("ihl",),
    ),
    Rule(
        "operation-unknown",
        (when(operation=UNKNOWN),),
        _(
            "What they are doing is not known, and it decides the paradigm: fighting an "
            "adversary in an armed conflict is conduct of hostilities (IHL); arresting, "
            "detaining, managing a crowd, running a checkpoint or searching is law enforcement "
            "(human rights law)."
        ),
        ("api-48-58", "bpuff", "ccleo"),
        depends_on=("operation",),
    ),
    # 4. The operation's own rules.
    Rule(
        "crowd",
        (when(operation="crowd"),),
        _(
            "Crowd management protects the right of peaceful assembly: facilitate, disperse "
            "only when unavoidable, with the least force; less-lethal weapons used with care; "
            "firearms never as a means of dispersing a crowd, only against an imminent threat to "
            "life."
        ),
        ("iccpr-21", "bpuff-12-14", "un-llw-2020", "bpuff-9"),
        frameworks=("ihrl",),
        paradigms=("law_enforcement",),
    ),
    Rule(
        "arrest",
        (when(operation="arrest"),),
        _(
            "An arrest needs grounds and a procedure set in law: the person is told why, "
            "brought promptly before a judge, and may challenge the detention. Force only as "
            "needed to arrest; firearms only against an imminent threat to life."
        ),
        ("iccpr-9", "body-principles", "bpuff-9"),
        frameworks=("ihrl",),
        paradigms=("law_enforcement",),
    ),
    Rule(
        "checkpoint",
        (when(operation="checkpoint"),),
        _(
            "At a checkpoint people and vehicles may be stopped only as the law provides; "
            "warnings and graduated means before any shot, and lethal force only against an "
            "imminent threat to life. Relief convoys and medical teams must be let through and "
            "helped on their way in a conflict."
        ),
        ("iccpr-12", "bpuff-9", "cihl-55-56"),
        frameworks=("ihrl",),
        paradigms=("law_enforcement",),
    ),
    Rule(
        "search",
        (when(operation="search"),),
        _(
            "Searching homes and people and seizing property needs a basis in law and must be "
            "necessary and proportionate; property taken is recorded."
        ),
        ("iccpr-17", "domestic"),
        frameworks=("ihrl", "domestic"),
        paradigms=("law_enforcement",),
    ),
    Rule(
        "detention-iac",
        (when(situation="iac", operation="detention"),),
        _(
            "Detention in an international armed conflict follows IHL's own regime: captured "
            "combatants are prisoners of war under GC III; civilians may be interned only for "
            "imperative security reasons, with review, under GC IV; anyone else has AP I Art. 75's "
            "guarantees."
        ),
        ("gc3", "gc4-42-78", "gc4-27", "api-75"),
        frameworks=("ihl",),
        paradigms=("detention_ihl",),
    ),
    Rule(
        "detention-niac",
        (when(situation="niac", operation="detention"),),
        _(
            "Detention in a non-international armed conflict: humane treatment and fair trial "
            "under common Article 3, no arbitrary detention in custom; the State's detention "
            "also answers to human rights law (grounds, review by a court) and to the Nelson "
            "Mandela Rules in its prisons."
        ),
        ("gc-ca3", "cihl-99", "iccpr-9", "iccpr-10", "iccpr-14", "mandela"),
        frameworks=("ihl", "ihrl"),
        paradigms=("law_enforcement",),
    ),
    Rule(
        "detention-niac-apii",
        (when(situation="niac", operation="detention", ap2_party=YES, ap2_threshold=YES),),
        _(
            "AP II adds detailed rules for people whose liberty is restricted for reasons of the "
            "conflict (food, health, contact with family, safety) and for prosecutions."
        ),
        ("apii-4-6",),
        frameworks=("ihl",),
    ),
    Rule(
        "detention-no-conflict",
        (when(conflict=(NO, UNKNOWN), operation="detention"),),
        _(
            "Detention outside an armed conflict is for human rights and domestic law: lawful "
            "grounds, a judge's control, humane conditions, the Nelson Mandela Rules in prisons."
        ),
        ("iccpr-9", "iccpr-10", "iccpr-14", "mandela", "body-principles"),
        frameworks=("ihrl", "domestic"),
        paradigms=("law_enforcement",),
    ),
    Rule(
        "no-ill-treatment",
        (when(operation=("arrest", "detention", "checkpoint", "search")),),
        _(
            "Torture and cruel, inhuman or degrading treatment are forbidden without exception, "
            "in every situation and for every bearer; no emergency or order excuses them."
        ),
        ("iccpr-7", "cat", "gc-ca3"),
        frameworks=("ihrl",),
    ),
    # 5. Derogations: what a State's emergency changes.
    Rule(
        "derogated",
        (when(derogated=YES, bearer_kind=STATE_FORCES, policing=(YES, UNKNOWN)),),
        _(
            "The State has derogated: some rights (liberty, movement, assembly) may be narrowed "
            "as strictly required by the emergency, for its duration. The right to life, the "
            "ban on torture and a court's review of detention remain untouched."
        ),
        ("iccpr-4", "hrc-gc29"),
        frameworks=("ihrl",),
    ),
    Rule(
        "not-derogated",
        (when(derogated=NO, bearer_kind=STATE_FORCES, policing=YES),),
        _(
            "The State has not derogated: the Covenant applies in full, liberty, movement and "
            "assembly included."
        ),
        ("iccpr-4", "iccpr-9"),
        frameworks=("ihrl",),
    ),
    Rule(
        "derogation-unknown",
        (when(derogated=UNKNOWN, bearer_kind=STATE_FORCES, policing=YES),),
        _(
            "Whether the State has derogated is not known. If it has, rights such as liberty, "
            "movement and assembly may be narrowed as strictly required; if not, they apply in "
            "full. Either way the right to life and the ban on torture do not change."
        ),
        ("iccpr-4", "hrc-gc29"),
        depends_on=("derogated",),
    ),
)


def derive(facts: Facts) -> dict[str, str]:
    """The given facts with the derived ones added, each from the first row that holds."""
    values = {f.name: getattr(facts, f.name) for f in fields(facts)}
    for name, value, condition in DERIVED:
        if name not in values and holds(condition, values):
            values[name] = value
    return values


def _ordered_union(groups: Iterable[tuple[str, ...]], order: Iterable[str]) -> tuple[str, ...]:
    present = {item for group in groups for item in group}
    return tuple(item for item in order if item in present)


def applicable_law(facts: Facts) -> Answer:
    """Say which frameworks and paradigms apply to the facts, and why, step by step."""
    values = derive(facts)
    matched = [rule for rule in RULES if holds(rule.condition, values)]
    steps = tuple(
        Step(
            key=rule.key,
            # In the language of the request that asks.
            text=str(rule.text),
            references=tuple(REFERENCES[key] for key in rule.references),
            depends_on=rule.depends_on,
        )
        for rule in matched
    )
    open_questions = tuple(
        name for name in FACT_CHOICES if any(name in rule.depends_on for rule in matched)
    )
    return Answer(
        facts=facts,
        frameworks=_ordered_union((r.frameworks for r in matched), FRAMEWORK_LABELS),
        paradigms=_ordered_union((r.paradigms for r in matched), PARADIGM_LABELS),
        steps=steps,
        open_questions=open_questions,
        disclaimer=str(DISCLAIMER),
    )


def with_facts(facts: Facts, **changes: str) -> Facts:
    """The same facts with some changed (a small helper for pages and tests)."""
    return replace(facts, **changes)


# What the records can tell ------------------------------------------------------------

# The kinds the records know that the assistant knows too (all of them, today).
_KINDS = {value for value, _ in FACT_CHOICES["bearer_kind"]}
# Situations a bearer is a party to, most telling first when it is party to several.
_SITUATION_ORDER = ("iac", "niac", "other_violence", "disaster")


def situation_of(kinds: Iterable[str]) -> str:
    """The situation to assume from those a bearer is party to: one kind, or unknown.

    A bearer party to no recorded situation, or to situations of different kinds (an
    international conflict here and a non-international one there), leaves the
    situation unknown, for the reader to choose.
    """
    found = {kind for kind in kinds if kind in _SITUATION_ORDER}
    return found.pop() if len(found) == 1 else UNKNOWN


def facts_for_bearer(
    user: Any, bearer: Any, *, parties: Iterable[Any] | None = None
) -> Facts | None:
    """What the records tell about a bearer the user may see: its kind and situation.

    The situation comes from the situations the bearer is a party to (``geo``), read
    through ``visible_to(user)``; a bearer without a known kind gives ``None``. Whether
    the State is party to AP II, has derogated, or has incorporated its police stays
    unknown: the records do not hold it. An armed group that controls no territory does
    not meet AP II's threshold. ``parties`` may be given when the caller already read
    them (one query for several bearers).
    """
    from pourparler.geo.models import SituationParty

    kind = getattr(bearer, "kind", "")
    if kind not in _KINDS or kind == UNKNOWN:
        return None
    if parties is None:
        parties = (
            SituationParty.objects.visible_to(user)
            .filter(bearer=bearer)
            .select_related("situation")
        )
    situation = situation_of(
        party.situation.kind for party in parties if party.bearer_id == bearer.pk
    )
    threshold = UNKNOWN
    if kind == "non_state_armed_group" and getattr(bearer, "territorial_control", "") == "none":
        threshold = NO
    return Facts(situation=situation, bearer_kind=kind, ap2_threshold=threshold)
