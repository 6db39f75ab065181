"""The meeting brief: one page about a bearer or a person, to read before a meeting.

The brief does not know the apps: each adds its short section through the
``brief_sections`` hook of its ``profile.py`` (see ``pourparler.ui.extensions``), read
through ``visible_to(user)``. The applicable-law answer comes from the law app's
assistant when it is there. Every record a section shows is audited, in one append.
"""

from __future__ import annotations

import importlib
import importlib.util
import time
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import F
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone
from django.utils.translation import gettext

from pourparler.bearers.models import WeaponBearer
from pourparler.core.audit import record_read
from pourparler.people.models import Person, Position
from pourparler.ui import extensions
from pourparler.ui.extensions import Panel

LAW_MODULE = "pourparler.law.assistant"
LAW_TEMPLATE = "law/_answer.html"


@dataclass
class LawSection:
    """The applicable-law answer for the brief, or why there is none."""

    available: bool
    answer: Any = None
    bearer: WeaponBearer | None = None
    note: str = ""


@dataclass
class Brief:
    """What the brief page shows: its subject, the apps' sections, the law, and when
    (``seconds``: how long gathering it took, for the log and the figures)."""

    subject: models.Model
    kind: str
    sections: list[Panel]
    law: LawSection
    prepared_at: Any
    reader: Any
    bearer: WeaponBearer | None = None
    person: Person | None = None
    seconds: float = 0.0


def _law_assistant() -> Any:
    """The law app's assistant module, if it offers the brief what it needs."""
    if importlib.util.find_spec(LAW_MODULE) is None:
        return None
    module = importlib.import_module(LAW_MODULE)
    if not (hasattr(module, "facts_for_bearer") and hasattr(module, "applicable_law")):
        return None
    try:
        get_template(LAW_TEMPLATE)
    except TemplateDoesNotExist:
        return None
    return module


def law_section(user: Any, bearer: WeaponBearer | None) -> LawSection:
    """The applicable-law answer for the bearer, from what the records say of it."""
    assistant = _law_assistant()
    if assistant is None:
        return LawSection(
            available=False, note=gettext("The applicable-law assistant is not installed here.")
        )
    if bearer is None:
        return LawSection(
            available=True, note=gettext("No current post with a bearer you can see.")
        )
    facts = assistant.facts_for_bearer(user, bearer)
    if facts is None:
        return LawSection(
            available=True,
            bearer=bearer,
            note=gettext("The records do not say enough about this bearer to answer."),
        )
    return LawSection(available=True, answer=assistant.applicable_law(facts), bearer=bearer)


def _current_bearer(user: Any, person: Person) -> WeaponBearer | None:
    """The bearer of the person's current post (the most recent), if the user sees it."""
    position = (
        Position.objects.visible_to(user)
        .filter(
            person=person,
            ends_on__isnull=True,
            bearer__in=WeaponBearer.objects.visible_to(user),
        )
        .select_related("bearer")
        .order_by(F("starts_on").desc(nulls_last=True), "-created_at")
        .first()
    )
    return position.bearer if position else None


def bearer_brief(user: Any, bearer: WeaponBearer) -> Brief:
    """Gather the brief about a bearer the user may see, and audit what it shows."""
    started = time.perf_counter()
    sections = extensions.brief_sections(user, bearer=bearer)
    law = law_section(user, bearer)
    extensions.audit_shown(user, panels=sections)
    return Brief(
        subject=bearer,
        kind="bearer",
        sections=sections,
        law=law,
        prepared_at=timezone.now(),
        reader=user,
        bearer=bearer,
        seconds=time.perf_counter() - started,
    )


def person_brief(user: Any, person: Person) -> Brief:
    """Gather the brief about a person the user may see, and audit what it shows."""
    started = time.perf_counter()
    record_read(user, person)
    sections = extensions.brief_sections(user, person=person)
    law = law_section(user, _current_bearer(user, person))
    extensions.audit_shown(user, panels=sections)
    return Brief(
        subject=person,
        kind="person",
        sections=sections,
        law=law,
        prepared_at=timezone.now(),
        reader=user,
        person=person,
        seconds=time.perf_counter() - started,
    )
