"""The topic taxonomy of the dialogue, as organisation-wide reference data."""

from __future__ import annotations

from pourparler.core.services import seed_reference_records
from pourparler.dialogue.models import Topic

TOPICS: list[tuple[str, str, str]] = [
    (
        "conduct-of-hostilities",
        "Conduct of hostilities",
        "Distinction, proportionality and precautions in and against the effects of attacks.",
    ),
    (
        "use-of-force",
        "Use of force and firearms in law enforcement",
        "Arrest, detention, search and seizure, crowd management.",
    ),
    ("detention", "Detention", "Treatment and conditions of people deprived of their liberty."),
    ("missing-persons", "Missing persons", "Tracing, family news, human remains."),
    (
        "health-care",
        "Health care and the medical mission",
        "Respect and protection of the wounded and sick, health workers and facilities.",
    ),
    (
        "humanitarian-access",
        "Humanitarian access",
        "Passage of relief and of humanitarian staff to people in need.",
    ),
    ("security-of-staff", "Security of staff", "Acceptance and safety of our teams."),
    (
        "mandate",
        "Our mandate and working methods",
        "Neutral, impartial and independent humanitarian action; confidential dialogue.",
    ),
    (
        "sanctions",
        "Sanctions and accountability",
        "Disciplinary and criminal sanctions for violations.",
    ),
    ("equipment", "Equipment", "Protective equipment and less-lethal weapons."),
    ("new-technologies", "New technologies", "Artificial intelligence, autonomous weapons, cyber."),
]


def seed_topics() -> int:
    """Add the topics that are missing; return how many were added."""
    rows = [
        {"code": code, "name": name, "description": description, "sort_order": index}
        for index, (code, name, description) in enumerate(TOPICS)
    ]
    return seed_reference_records(Topic, rows, key="code")
