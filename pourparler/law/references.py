# ruff: noqa: E501  (one provision a row: long notes read better unbroken)
"""The legal sources the assistant cites: one row per provision, named as lawyers cite it.

Every step of an answer names its sources by the keys of ``REFERENCES``; a test checks
that each key a step cites is a row here. The titles are the instruments' own names; the
notes say, in our words, what the provision is about.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reference:
    """One provision of one instrument."""

    key: str
    cite: str
    instrument: str
    note: str


_ROWS: tuple[tuple[str, str, str, str], ...] = (
    # Geneva Conventions and their Protocols
    (
        "gc-ca2",
        "Common Article 2, Geneva Conventions I-IV",
        "Geneva Conventions of 12 August 1949",
        "The Conventions apply to any armed conflict between two or more States, and to occupation.",
    ),
    (
        "gc-ca3",
        "Common Article 3, Geneva Conventions I-IV",
        "Geneva Conventions of 12 August 1949",
        "Minimum rules binding every party to a non-international armed conflict, armed groups included: humane treatment, no murder, torture, hostage-taking or trial without a regular court.",
    ),
    (
        "gc3-4",
        "Geneva Convention III, Art. 4",
        "Third Geneva Convention (prisoners of war), 1949",
        "Who is a prisoner of war when captured: members of the armed forces and of militias or groups belonging to a party that meet four conditions.",
    ),
    (
        "gc3",
        "Geneva Convention III, Arts 12-108",
        "Third Geneva Convention (prisoners of war), 1949",
        "How prisoners of war are held, treated, fed, visited and released.",
    ),
    (
        "gc4-27",
        "Geneva Convention IV, Art. 27",
        "Fourth Geneva Convention (civilians), 1949",
        "Protected civilians are entitled to respect for their person, honour and family, and to humane treatment.",
    ),
    (
        "gc4-42-78",
        "Geneva Convention IV, Arts 41-43 and 78",
        "Fourth Geneva Convention (civilians), 1949",
        "Internment or assigned residence of civilians only when security makes it absolutely necessary, with review by a court or board.",
    ),
    (
        "api-43",
        "Additional Protocol I, Art. 43(1)-(2)",
        "Protocol Additional to the Geneva Conventions (AP I), 1977",
        "The armed forces of a party are its organised forces under a command responsible to it; their members are combatants.",
    ),
    (
        "api-43-3",
        "Additional Protocol I, Art. 43(3)",
        "Protocol Additional to the Geneva Conventions (AP I), 1977",
        "A party that incorporates a paramilitary or armed law-enforcement agency into its armed forces must notify the other parties to the conflict.",
    ),
    (
        "api-48-58",
        "Additional Protocol I, Arts 48-58",
        "Protocol Additional to the Geneva Conventions (AP I), 1977",
        "Conduct of hostilities: distinction between civilians and fighters, no indiscriminate or disproportionate attacks, precautions in attack and against its effects.",
    ),
    (
        "api-50",
        "Additional Protocol I, Art. 50",
        "Protocol Additional to the Geneva Conventions (AP I), 1977",
        "Who is a civilian: anyone who is not a member of the armed forces.",
    ),
    (
        "api-51-3",
        "Additional Protocol I, Art. 51(3)",
        "Protocol Additional to the Geneva Conventions (AP I), 1977",
        "Civilians are protected from attack unless and for such time as they take a direct part in hostilities.",
    ),
    (
        "api-75",
        "Additional Protocol I, Art. 75",
        "Protocol Additional to the Geneva Conventions (AP I), 1977",
        "Fundamental guarantees for anyone in a party's power who has no better treatment under the Conventions.",
    ),
    (
        "apii-1",
        "Additional Protocol II, Art. 1",
        "Protocol Additional to the Geneva Conventions (AP II), 1977",
        "AP II applies between a State party's forces and organised armed groups under responsible command that control enough territory to carry out sustained and concerted operations; not to riots or isolated violence.",
    ),
    (
        "apii-4-6",
        "Additional Protocol II, Arts 4-6",
        "Protocol Additional to the Geneva Conventions (AP II), 1977",
        "Fundamental guarantees, treatment of persons whose liberty is restricted, and penal prosecutions in a non-international armed conflict.",
    ),
    (
        "apii-13",
        "Additional Protocol II, Art. 13",
        "Protocol Additional to the Geneva Conventions (AP II), 1977",
        "The civilian population is protected from attack unless and for such time as civilians take a direct part in hostilities.",
    ),
    # Customary IHL
    (
        "cihl",
        "Customary IHL, ICRC study (2005), Rules 1-24",
        "Customary International Humanitarian Law, ICRC",
        "Distinction, proportionality and precautions bind every party to any armed conflict, international or not, as custom.",
    ),
    (
        "cihl-4",
        "Customary IHL, Rule 4",
        "Customary International Humanitarian Law, ICRC",
        "The armed forces of a party are all its organised armed forces, groups and units under a command responsible to it.",
    ),
    (
        "cihl-6",
        "Customary IHL, Rule 6",
        "Customary International Humanitarian Law, ICRC",
        "Civilians lose protection against attack for such time as they take a direct part in hostilities.",
    ),
    (
        "cihl-55-56",
        "Customary IHL, Rules 55-56",
        "Customary International Humanitarian Law, ICRC",
        "Parties allow and facilitate rapid passage of impartial relief and the movement of relief personnel.",
    ),
    (
        "cihl-99",
        "Customary IHL, Rule 99",
        "Customary International Humanitarian Law, ICRC",
        "Arbitrary deprivation of liberty is prohibited in any armed conflict.",
    ),
    (
        "icrc-dph",
        "ICRC Interpretive Guidance on Direct Participation in Hostilities (2009)",
        "ICRC, Interpretive Guidance on the Notion of Direct Participation in Hostilities",
        "What counts as taking a direct part (threshold of harm, direct causation, belligerent nexus), for how long, and the continuous combat function of armed-group members.",
    ),
    (
        "sgb-1999",
        "UN Secretary-General's Bulletin ST/SGB/1999/13",
        "Observance by United Nations forces of international humanitarian law, 1999",
        "UN forces engaged as combatants in an armed conflict are bound by the basic rules of IHL.",
    ),
    # Human rights law
    (
        "iccpr-2",
        "ICCPR, Art. 2(1)",
        "International Covenant on Civil and Political Rights, 1966",
        "A State respects and ensures the Covenant's rights to everyone within its territory or under its jurisdiction, in peace and in armed conflict.",
    ),
    (
        "iccpr-4",
        "ICCPR, Art. 4",
        "International Covenant on Civil and Political Rights, 1966",
        "In a proclaimed public emergency a State may derogate from some rights, strictly as required and with notice; never from the right to life, the ban on torture and a few others.",
    ),
    (
        "iccpr-6",
        "ICCPR, Art. 6",
        "International Covenant on Civil and Political Rights, 1966",
        "No one may be arbitrarily deprived of life.",
    ),
    (
        "iccpr-7",
        "ICCPR, Art. 7",
        "International Covenant on Civil and Political Rights, 1966",
        "No torture or cruel, inhuman or degrading treatment, in any circumstance.",
    ),
    (
        "iccpr-9",
        "ICCPR, Art. 9",
        "International Covenant on Civil and Political Rights, 1966",
        "Liberty and security: no arbitrary arrest or detention, reasons given, prompt appearance before a judge, the right to challenge detention.",
    ),
    (
        "iccpr-10",
        "ICCPR, Art. 10",
        "International Covenant on Civil and Political Rights, 1966",
        "People deprived of liberty are treated with humanity and respect for their dignity.",
    ),
    (
        "iccpr-12",
        "ICCPR, Art. 12",
        "International Covenant on Civil and Political Rights, 1966",
        "Freedom of movement, restricted only as provided by law and as necessary.",
    ),
    (
        "iccpr-14",
        "ICCPR, Art. 14",
        "International Covenant on Civil and Political Rights, 1966",
        "Fair trial before a competent, independent and impartial court.",
    ),
    (
        "iccpr-17",
        "ICCPR, Art. 17",
        "International Covenant on Civil and Political Rights, 1966",
        "No arbitrary or unlawful interference with privacy, family or home.",
    ),
    (
        "iccpr-21",
        "ICCPR, Art. 21",
        "International Covenant on Civil and Political Rights, 1966",
        "The right of peaceful assembly, restricted only as necessary in a democratic society.",
    ),
    (
        "hrc-gc29",
        "Human Rights Committee, General Comment No. 29 (2001)",
        "UN Human Rights Committee",
        "How far derogations may go in a state of emergency; some guarantees, such as court review of detention, remain.",
    ),
    (
        "hrc-gc36",
        "Human Rights Committee, General Comment No. 36 (2018)",
        "UN Human Rights Committee",
        "The right to life: lethal force only when strictly necessary to protect life from an imminent threat; the Covenant keeps applying in armed conflict.",
    ),
    (
        "cat",
        "Convention against Torture, Arts 1-2 and 16",
        "UN Convention against Torture, 1984",
        "Torture is prohibited without exception, war or emergency included.",
    ),
    # Law-enforcement standards
    (
        "ccleo",
        "Code of Conduct for Law Enforcement Officials (1979), Arts 1-3",
        "UN General Assembly resolution 34/169",
        "Officials who exercise police powers, military ones included, serve the community, respect human rights and use force only when strictly necessary.",
    ),
    (
        "bpuff",
        "Basic Principles on the Use of Force and Firearms (1990), Principles 4-5",
        "Eighth UN Congress on the Prevention of Crime, Havana, 1990",
        "Non-violent means first; force only when unavoidable, with restraint, in proportion, and minimising harm.",
    ),
    (
        "bpuff-9",
        "Basic Principles on the Use of Force and Firearms (1990), Principles 9-11",
        "Eighth UN Congress on the Prevention of Crime, Havana, 1990",
        "Firearms only against an imminent threat of death or serious injury; intentional lethal use only when strictly unavoidable to protect life; warning first.",
    ),
    (
        "bpuff-12-14",
        "Basic Principles on the Use of Force and Firearms (1990), Principles 12-14",
        "Eighth UN Congress on the Prevention of Crime, Havana, 1990",
        "Policing assemblies: unlawful but non-violent ones are dispersed without force or with the least force; firearms only under Principle 9.",
    ),
    (
        "un-llw-2020",
        "UN Human Rights Guidance on Less-Lethal Weapons in Law Enforcement (2020)",
        "Office of the UN High Commissioner for Human Rights",
        "How batons, chemical irritants and other less-lethal weapons may be used, and how not.",
    ),
    (
        "mandela",
        "Nelson Mandela Rules (2015)",
        "UN Standard Minimum Rules for the Treatment of Prisoners",
        "Minimum standards for prisons: accommodation, food, health care, discipline, contact with the outside world, inspection.",
    ),
    (
        "body-principles",
        "Body of Principles for the Protection of All Persons under Any Form of Detention (1988)",
        "UN General Assembly resolution 43/173",
        "Guarantees from arrest onwards: records, access to a lawyer and family, judicial control.",
    ),
    # Disasters and domestic law
    (
        "domestic",
        "Domestic law of the State",
        "The State's constitution, criminal procedure and police or emergency laws",
        "The rules the bearer's own State sets for its forces; they must themselves respect the State's international obligations.",
    ),
    (
        "idrl",
        "IDRL Guidelines (2007)",
        "Guidelines for the domestic facilitation and regulation of international disaster relief, International Conference of the Red Cross and Red Crescent",
        "How a State facilitates and regulates outside disaster relief, and the role of its armed forces and police in it.",
    ),
)

REFERENCES: dict[str, Reference] = {
    key: Reference(key, cite, instrument, note) for key, cite, instrument, note in _ROWS
}
