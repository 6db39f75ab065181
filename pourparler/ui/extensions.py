"""How domain apps add to the shared pages without the shared pages knowing them.

The bearer profile and the person page show a timeline and some panels; the navigation
lists the registers. Each domain app contributes by convention, so adding an app never
means editing the bearer or person views:

* ``<app>/profile.py`` may define any of

  - ``bearer_timeline(user, bearer, limit) -> list[TimelineEntry]``
  - ``bearer_panels(user, bearer) -> list[Panel]``
  - ``person_timeline(user, person, limit) -> list[TimelineEntry]``
  - ``interaction_links(user, interaction) -> list[TimelineEntry]``: what the app
    recorded from one contact (a representation made there, a session it records, a
    commitment it led to), shown on the interaction's page
  - ``interaction_panels(user, interaction) -> list[Panel]``: a section the app adds
    to an interaction's page (the applicable-law answer for the contact's bearers)
  - ``brief_sections(user, *, bearer=None, person=None) -> list[Panel]``: the app's
    short section of the meeting brief about a bearer or a person (given exactly one),
    the newest few records and counts for the rest

  Each reads only through ``visible_to(user)``, like every view, and returns at most
  ``limit`` entries, newest first. The page merges them, keeps the newest ``limit`` and
  audits every confidential record it shows, in one append to the audit chain.
* ``AppConfig.nav_entry = (gettext_lazy("Label"), "url_name")`` adds a link to the main
  navigation (the label is translated per request),
  in ``INSTALLED_APPS`` order.

Apps are asked in ``INSTALLED_APPS`` order.
"""

from __future__ import annotations

import datetime
import functools
import importlib
import importlib.util
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils.functional import Promise

from pourparler.core.audit import record_lists

PROJECT_PACKAGE = "pourparler."


@dataclass(frozen=True)
class TimelineEntry:
    """One dated thing on a timeline: an interaction, a concern raised, a passage…"""

    when: datetime.date | datetime.datetime
    kind: str
    title: str
    url: str
    record: models.Model
    level: str = ""
    level_label: str = ""
    tags: tuple[str, ...] = ()

    @property
    def sort_key(self) -> datetime.datetime:
        """Order dates and times together (a bare date counts as its midday)."""
        if isinstance(self.when, datetime.datetime):
            return self.when if self.when.tzinfo else self.when.replace(tzinfo=datetime.UTC)
        return datetime.datetime.combine(self.when, datetime.time(12), tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Panel:
    """A section an app adds to a profile: a template, its context, the records it shows."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    records: Sequence[models.Model] = ()
    # Panels are drawn in this order (lower first), then by app order.
    order: int = 100


@functools.cache
def _profile_modules() -> tuple[ModuleType, ...]:
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith(PROJECT_PACKAGE):
            continue
        name = f"{config.name}.profile"
        if importlib.util.find_spec(name) is not None:
            modules.append(importlib.import_module(name))
    return tuple(modules)


def _hooks(name: str) -> list[Callable[..., Any]]:
    return [getattr(module, name) for module in _profile_modules() if hasattr(module, name)]


def _merge(entries: Iterable[TimelineEntry], limit: int) -> list[TimelineEntry]:
    return sorted(entries, key=lambda entry: entry.sort_key, reverse=True)[:limit]


def bearer_timeline(user: Any, bearer: models.Model, limit: int) -> list[TimelineEntry]:
    """Gather the newest ``limit`` timeline entries every app has about a bearer."""
    return _merge(
        (e for hook in _hooks("bearer_timeline") for e in hook(user, bearer, limit)), limit
    )


def bearer_panels(user: Any, bearer: models.Model) -> list[Panel]:
    """Gather the panels every app adds to a bearer profile."""
    panels = [panel for hook in _hooks("bearer_panels") for panel in hook(user, bearer)]
    return sorted(panels, key=lambda panel: panel.order)


def person_timeline(user: Any, person: models.Model, limit: int) -> list[TimelineEntry]:
    """Gather the newest ``limit`` timeline entries every app has about a person."""
    return _merge(
        (e for hook in _hooks("person_timeline") for e in hook(user, person, limit)), limit
    )


def interaction_links(user: Any, interaction: models.Model) -> list[TimelineEntry]:
    """Gather what every app recorded from one interaction, newest first."""
    entries = (e for hook in _hooks("interaction_links") for e in hook(user, interaction))
    return sorted(entries, key=lambda entry: entry.sort_key, reverse=True)


def interaction_panels(user: Any, interaction: models.Model) -> list[Panel]:
    """Gather the panels every app adds to an interaction's page."""
    panels = [panel for hook in _hooks("interaction_panels") for panel in hook(user, interaction)]
    return sorted(panels, key=lambda panel: panel.order)


def brief_sections(
    user: Any, *, bearer: models.Model | None = None, person: models.Model | None = None
) -> list[Panel]:
    """Gather the sections every app adds to the meeting brief about a bearer or a person."""
    sections = [
        section
        for hook in _hooks("brief_sections")
        for section in hook(user, bearer=bearer, person=person)
    ]
    return sorted(sections, key=lambda section: section.order)


def audit_shown(
    user: Any,
    entries: Iterable[TimelineEntry] = (),
    panels: Iterable[Panel] = (),
    also: dict[type[models.Model], list[Any]] | None = None,
) -> None:
    """Record, in one append, every record a profile page showed, grouped by kind."""
    shown: dict[type[models.Model], list[Any]] = defaultdict(list)
    for model, ids in (also or {}).items():
        shown[model].extend(ids)
    for entry in entries:
        shown[type(entry.record)].append(entry.record.pk)
    for panel in panels:
        for record in panel.records:
            shown[type(record)].append(record.pk)
    if shown:
        record_lists(user, dict(shown))


@functools.cache
def _nav_entries() -> tuple[tuple[str, str | Promise, str], ...]:
    # The label stays lazy here (a cache lives across requests in every language).
    entries = []
    for config in apps.get_app_configs():
        entry = getattr(config, "nav_entry", None)
        if entry is not None:
            label, url_name = entry
            entries.append((config.label, label, url_name))
    return tuple(entries)


def nav_entries() -> list[dict[str, str]]:
    """Return the registers apps add to the navigation: key, label (in the request's
    language) and address."""
    return [
        {"key": key, "label": str(label), "url": reverse(url_name)}
        for key, label, url_name in _nav_entries()
    ]
