"""Vocabularies of dissemination and training."""

from __future__ import annotations

import functools
import gettext as gettext_module
from typing import Any

import pycountry
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
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
def _language_names(language: str) -> gettext_module.NullTranslations:
    """pycountry's own translations of the ISO 639 names into one language."""
    return gettext_module.translation(
        "iso639-3", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def _in_reader_language(name: str) -> str:
    """An ISO 639 language name in the language of the page (English if not translated)."""
    return _language_names((get_language() or "en").split("-")[0]).gettext(name)


def language_choices() -> list[tuple[str, str]]:
    """Return the ISO 639-1 languages as (code, "Name (code)"), sorted by name, the names
    in the language of the page."""
    return _language_choices(get_language() or "en")


@functools.cache
def _language_choices(language: str) -> list[tuple[str, str]]:
    rows = [
        (item.alpha_2, f"{_in_reader_language(item.name)} ({item.alpha_2})")
        for item in pycountry.languages
        if hasattr(item, "alpha_2")
    ]
    return sorted(rows, key=lambda row: row[1])


def language_name(code: str) -> str:
    """Return the name of an ISO 639 code in the language of the page, or the code itself
    if unknown."""
    language = _lookup(code)
    return _in_reader_language(str(language.name)) if language is not None else code


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
