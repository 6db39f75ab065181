# ruff: noqa: E501  (one provision a row: long notes read better unbroken)
"""The legal sources the assistant cites: one row per provision, named as lawyers cite it.

Every step of an answer names its sources by the keys of ``REFERENCES``; a test checks
that each key a step cites is a row here. The titles are the instruments' own names; the
notes say, in our words, what the provision is about.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Reference:
    """One provision of one instrument."""

    key: str
    # Translated when shown: the article numbers stay as they are.
    cite: StrOrPromise
    instrument: StrOrPromise
    note: StrOrPromise


_ROWS: tuple[tuple[str, StrOrPromise, StrOrPromise, StrOrPromise], ...] = (
    # Geneva Conventions and their Protocols
    (
        "gc-ca2",
        _("Common Article 2, Geneva Conventions I-IV"),
        _("Geneva Conventions of 12 August 1949"),
        _(
            "The Conventions apply to any armed conflict between two or more States, and to occupation."
        ),
    ),
    (
        "gc-ca3",
        _("Common Article 3, Geneva Conventions I-IV"),
        _("Geneva Conventions of 12 August 1949"),
        _(
            "Minimum rules binding every party to a non-international armed conflict, armed groups included: humane treatment, no murder, torture, hostage-taking or trial without a regular court."
        ),
    ),
    (
        "gc3-4",
        _("Geneva Convention III, Art. 4"),
        _("Third Geneva Convention (prisoners of war), 1949"),
        _(
            "Who is a prisoner of war when captured: members of the armed forces and of militias or groups belonging to a party that meet four conditions."
        ),
    ),
    (
        "gc3",
        _("Geneva Convention III, Arts 12-108"),
        _("Third Geneva Convention (prisoners of war), 1949"),
        _("How prisoners of war are held, treated, fed, visited and released."),
    ),
    (
        "gc4-27",
        _("Geneva Convention IV, Art. 27"),
        _("Fourth Geneva Convention (civilians), 1949"),
        _(
            "Protected civilians are entitled to respect for their person, honour and family, and to humane treatment."
        ),
    ),
    (
        "gc4-42-78",
        _("Geneva Convention IV, Arts 41-43 and 78"),
        _("Fourth Geneva Convention (civilians), 1949"),
        _(
            "Internment or assigned residence of civilians only when security makes it absolutely necessary, with review by a court or board."
        ),
    ),
    (
        "api-43",
        _("Additional Protocol I, Art. 43(1)-(2)"),
        _("Protocol Additional to the Geneva Conventions (AP I), 1977"),
        _(
            "The armed forces of a party are its organised forces under a command responsible to it; their members are combatants."
        ),
    ),
    (
        "api-43-3",
        _("Additional Protocol I, Art. 43(3)"),
        _("Protocol Additional to the Geneva Conventions (AP I), 1977"),
        _(
            "A party that incorporates a paramilitary or armed law-enforcement agency into its armed forces must notify the other parties to the conflict."
        ),
    ),
    (
        "api-48-58",
        _("Additional Protocol I, Arts 48-58"),
        _("Protocol Additional to the Geneva Conventions (AP I), 1977"),
        _(
            "Conduct of hostilities: distinction between civilians and fighters, no indiscriminate or disproportionate attacks, precautions in attack and against its effects."
        ),
    ),
    (
        "api-50",
        _("Additional Protocol I, Art. 50"),
        _("Protocol Additional to the Geneva Conventions (AP I), 1977"),
        _("Who is a civilian: anyone who is not a member of the armed forces."),
    ),
    (
        "api-51-3",
        _("Additional Protocol I, Art. 51(3)"),
        _("Protocol Additional to the Geneva Conventions (AP I), 1977"),
        _(
            "Civilians are protected from attack unless and for such time as they take a direct part in hostilities."
        ),
    ),
    (
        "api-75",
        _("Additional Protocol I, Art. 75"),
        _("Protocol Additional to the Geneva Conventions (AP I), 1977"),
        _(
            "Fundamental guarantees for anyone in a party's power who has no better treatment under the Conventions."
        ),
    ),
    (
        "apii-1",
        _("Additional Protocol II, Art. 1"),
        _("Protocol Additional to the Geneva Conventions (AP II), 1977"),
        _(
            "AP II applies between a State party's forces and organised armed groups under responsible command that control enough territory to carry out sustained and concerted operations; not to riots or isolated violence."
        ),
    ),
    (
        "apii-4-6",
        _("Additional Protocol II, Arts 4-6"),
        _("Protocol Additional to the Geneva Conventions (AP II), 1977"),
        _(
            "Fundamental guarantees, treatment of persons whose liberty is restricted, and penal prosecutions in a non-international armed conflict."
        ),
    ),
    (
        "apii-13",
        _("Additional Protocol II, Art. 13"),
        _("Protocol Additional to the Geneva Conventions (AP II), 1977"),
        _(
            "The civilian population is protected from attack unless and for such time as civilians take a direct part in hostilities."
        ),
    ),
    # Customary IHL
    (
        "cihl",
        _("Customary IHL, ICRC study (2005), Rules 1-24"),
        _("Customary International Humanitarian Law, ICRC"),
        _(
            "Distinction, proportionality and precautions bind every party to any armed conflict, international or not, as custom."
        ),
    ),
    (
        "cihl-4",
        _("Customary IHL, Rule 4"),
        _("Customary International Humanitarian Law, ICRC"),
        _(
            "The armed forces of a party are all its organised armed forces, groups and units under a command responsible to it."
        ),
    ),
    (
        "cihl-6",
        _("Customary IHL, Rule 6"),
        _("Customary International Humanitarian Law, ICRC"),
        _(
            "Civilians lose protection against attack for such time as they take a direct part in hostilities."
        ),
    ),
    (
        "cihl-55-56",
        _("Customary IHL, Rules 55-56"),
        _("Customary International Humanitarian Law, ICRC"),
        _(
            "Parties allow and facilitate rapid passage of impartial relief and the movement of relief personnel."
        ),
    ),
    (
        "cihl-99",
        _("Customary IHL, Rule 99"),
        _("Customary International Humanitarian Law, ICRC"),
        _("Arbitrary deprivation of liberty is prohibited in any armed conflict."),
    ),
    (
        "icrc-dph",
        _("ICRC Interpretive Guidance on Direct Participation in Hostilities (2009)"),
        _("ICRC, Interpretive Guidance on the Notion of Direct Participation in Hostilities"),
        _(
            "What counts as taking a direct part (threshold of harm, direct causation, belligerent nexus), for how long, and the continuous combat function of armed-group members."
        ),
    ),
    (
        "sgb-1999",
        _("UN Secretary-General's Bulletin ST/SGB/1999/13"),
        _("Observance by United Nations forces of international humanitarian law, 1999"),
        _(
            "UN forces engaged as combatants in an armed conflict are bound by the basic rules of IHL."
        ),
    ),
    # Human rights law
    (
        "iccpr-2",
        _("ICCPR, Art. 2(1)"),
        _("International Covenant on Civil and Political Rights, 1966"),
        _(
            "A State respects and ensures the Covenant's rights to everyone within its territory or under its jurisdiction, in peace and in armed conflict."
        ),
    ),
    (
        "iccpr-4",
        _("ICCPR, Art. 4"),
        _("International Covenant on Civil and Political Rights, 1966"),
        _(
            "In a proclaimed public emergency a State may derogate from some rights, strictly as required and with notice; never from the right to life, the ban on torture and a few others."
        ),
    ),
    (
        "iccpr-6",
        _("ICCPR, Art. 6"),
        _("International Covenant on Civil and Political Rights, 1966"),
        _("No one may be arbitrarily deprived of life."),
    ),
    (
        "iccpr-7",
        _("ICCPR, Art. 7"),
        _("International Covenant on Civil and Political Rights, 1966"),
        _("No torture or cruel, inhuman or degrading treatment, in any circumstance."),
    ),
    (
        "iccpr-9",
        _("ICCPR, Art. 9"),
        _("International Covenant on Civil and Political Rights, 1966"),
        _(
            "Liberty and security: no arbitrary arrest or detention, reasons given, prompt appearance before a judge, the right to challenge detention."
        ),
    ),
    (
        "iccpr-10",
        _("ICCPR, Art. 10"),
        _("International Covenant on Civil and Political Rights, 1966"),
        _("People deprived of liberty are treated with humanity and respect for their dignity."),
    ),
    (
        "iccpr-12",
        _("ICCPR, Art. 12"),
        _("International Covenant on Civil and Political Rights, 1966"),
        _("Freedom of movement, restricted only as provided by law and as necessary."),
    ),
    (
        "iccpr-14",
        _("ICCPR, Art. 14"),
        _("International Covenant on Civil and Political Rights, 1966"),
        _("Fair trial before a competent, independent and impartial court."),
    ),
    (
        "iccpr-17",
        _("ICCPR, Art. 17"),
        _("International Covenant on Civil and Political Rights, 1966"),
        _("No arbitrary or unlawful interference with privacy, family or home."),
    ),
    (
        "iccpr-21",
        _("ICCPR, Art. 21"),
        _("International Covenant on Civil and Political Rights, 1966"),
        _("The right of peaceful assembly, restricted only as necessary in a democratic society."),
    ),
    (
        "hrc-gc29",
        _("Human Rights Committee, General Comment No. 29 (2001)"),
        _("UN Human Rights Committee"),
        _(
            "How far derogations may go in a state of emergency; some guarantees, such as court review of detention, remain."
        ),
    ),
    (
        "hrc-gc36",
        _("Human Rights Committee, General Comment No. 36 (2018)"),
        _("UN Human Rights Committee"),
        _(
            "The right to life: lethal force only when strictly necessary to protect life from an imminent threat; the Covenant keeps applying in armed conflict."
        ),
    ),
    (
        "cat",
        _("Convention against Torture, Arts 1-2 and 16"),
        _("UN Convention against Torture, 1984"),
        _("Torture is prohibited without exception, war or emergency included."),
    ),
    # Law-enforcement standards
    (
        "ccleo",
        _("Code of Conduct for Law Enforcement Officials (1979), Arts 1-3"),
        _("UN General Assembly resolution 34/169"),
        _(
            "Officials who exercise police powers, military ones included, serve the community, respect human rights and use force only when strictly necessary."
        ),
    ),
    (
        "bpuff",
        _("Basic Principles on the Use of Force and Firearms (1990), Principles 4-5"),
        _("Eighth UN Congress on the Prevention of Crime, Havana, 1990"),
        _(
            "Non-violent means first; force only when unavoidable, with restraint, in proportion, and minimising harm."
        ),
    ),
    (
        "bpuff-9",
        _("Basic Principles on the Use of Force and Firearms (1990), Principles 9-11"),
        _("Eighth UN Congress on the Prevention of Crime, Havana, 1990"),
        _(
            "Firearms only against an imminent threat of death or serious injury; intentional lethal use only when strictly unavoidable to protect life; warning first."
        ),
    ),
    (
        "bpuff-12-14",
        _("Basic Principles on the Use of Force and Firearms (1990), Principles 12-14"),
        _("Eighth UN Congress on the Prevention of Crime, Havana, 1990"),
        _(
            "Policing assemblies: unlawful but non-violent ones are dispersed without force or with the least force; firearms only under Principle 9."
        ),
    ),
    (
        "un-llw-2020",
        _("UN Human Rights Guidance on Less-Lethal Weapons in Law Enforcement (2020)"),
        _("Office of the UN High Commissioner for Human Rights"),
        _("How batons, chemical irritants and other less-lethal weapons may be used, and how not."),
    ),
    (
        "mandela",
        _("Nelson Mandela Rules (2015)"),
        _("UN Standard Minimum Rules for the Treatment of Prisoners"),
        _(
            "Minimum standards for prisons: accommodation, food, health care, discipline, contact with the outside world, inspection."
        ),
    ),
    (
        "body-principles",
        _(
            "Body of Principles for the Protection of All Persons under Any Form of Detention (1988)"
        ),
        _("UN General Assembly resolution 43/173"),
        _(
            "Guarantees from arrest onwards: records, access to a lawyer and family, judicial control."
        ),
    ),
    # Disasters and domestic law
    (
        "domestic",
        _("Domestic law of the State"),
        _("The State's constitution, criminal procedure and police or emergency laws"),
        _(
            "The rules the bearer's own State sets for its forces; they must themselves respect the State's international obligations."
        ),
    ),
    (
        "idrl",
        _("IDRL Guidelines (2007)"),
        _(
            "Guidelines for the domestic facilitation and regulation of international disaster relief, International Conference of the Red Cross and Red Crescent"
        ),
        _(
            "How a State facilitates and regulates outside disaster relief, and the role of its armed forces and police in it."
        ),
    ),
)

REFERENCES: dict[str, Reference] = {
    key: Reference(key, cite, instrument, note) for key, cite, instrument, note in _ROWS
}
