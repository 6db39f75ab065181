"""The topic taxonomy of the dialogue, as organisation-wide reference data."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from pourparler.core.services import seed_reference_records
from pourparler.dialogue.models import Topic

TOPICS: list[tuple[str, str, str]] = [
    (
        "conduct-of-hostilities",
        gettext_noop("Conduct of hostilities"),
        "Distinction, proportionality and precautions in and against the effects of attacks.",
    ),
    (
        "use-of-force",
        gettext_noop("Use of force and firearms in law enforcement"),
        "Arrest, detention, search and seizure, crowd management.",
    ),
    (
        "detention",
        gettext_noop("Detention"),
        "Treatment and conditions of people deprived of their liberty.",
    ),
    ("missing-persons", gettext_noop("Missing persons"), "Tracing, family news, human remains."),
    (
        "health-care",
        gettext_noop("Health care and the medical mission"),
        "Respect and protection of the wounded and sick, health workers and facilities.",
    ),
    (
        "humanitarian-access",
        gettext_noop("Humanitarian access"),
        "Passage of relief and of humanitarian staff to people in need.",
    ),
    ("security-of-staff", gettext_noop("Security of staff"), "Acceptance and safety of our teams."),
    (
        "mandate",
        gettext_noop("Our mandate and working methods"),
        "Neutral, impartial and independent humanitarian action; confidential dialogue.",
    ),
    (
        "sanctions",
        gettext_noop("Sanctions and accountability"),
        "Disciplinary and criminal sanctions for violations.",
    ),
    ("equipment", gettext_noop("Equipment"), "Protective equipment and less-lethal weapons."),
    (
        "new-technologies",
        gettext_noop("New technologies"),
        "Artificial intelligence, autonomous weapons, cyber.",
    ),
]


# The names as seeded, marked for translation: a page shows a seeded topic in the reader's
# language (``Topic.label``) while the stored name stays English.
SEEDED_NAMES = frozenset(name for _code, name, _description in TOPICS)


def seed_topics() -> int:
    """Add the topics that are missing; return how many were added."""
    rows = [
        {"code": code, "name": name, "description": description, "sort_order": index}
        for index, (code, name, description) in enumerate(TOPICS)
    ]
    return seed_reference_records(Topic, rows, key="code")
