"""Vocabularies of dissemination and training."""

from __future__ import annotations

import functools
from typing import Any

import pycountry
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class SessionKind(models.TextChoices):
    """What kind of session we ran for a weapon bearer's members."""

    BRIEFING = "briefing", _("Briefing")
    PRE_DEPLOYMENT = "pre_deployment", _("Pre-deployment briefing")
    COURSE = "course", _("Course")
    WORKSHOP = "workshop", _("Workshop")
    EXERCISE = "exercise", _("Exercise")
    CONFERENCE = "conference", _("Conference")


# --- Languages (ISO 639) ----------------------------------------------------------------


@functools.cache
def language_choices() -> list[tuple[str, str]]:
    """Return the ISO 639-1 languages as (code, "Name (code)"), sorted by name."""
    rows = [
        (language.alpha_2, f"{language.name} ({language.alpha_2})")
        for language in pycountry.languages
        if hasattr(language, "alpha_2")
    ]
    return sorted(rows, key=lambda row: row[1])


def language_name(code: str) -> str:
    """Return the English name of an ISO 639 code, or the code itself if unknown."""
    language = _lookup(code)
    return str(language.name) if language is not None else code


def _lookup(code: str) -> Any:
    code = code.strip().lower()
    if len(code) == 2:
        return pycountry.languages.get(alpha_2=code)
    if len(code) == 3:
        return pycountry.languages.get(alpha_3=code)
    return None


def validate_language(code: str) -> None:
    """Refuse anything that is not an ISO 639-1 or 639-3 code in lower case."""
    if code != code.strip().lower() or _lookup(code) is None:
        raise ValidationError(
            _("“%(code)s” is not an ISO 639 language code (for example en, fr, ar, prs)."),
            params={"code": code},
            code="invalid_language",
        )
