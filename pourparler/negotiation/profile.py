"""What negotiation files add to the bearer profile, the person page and the interaction
page: files on the timelines and a panel of the bearer's files."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext

from pourparler.bearers.models import WeaponBearer
from pourparler.dialogue.models import Interaction
from pourparler.negotiation.models import NegotiationFile, RedLine, Stakeholder
from pourparler.people.models import Person
from pourparler.ui.extensions import Panel, TimelineEntry


def _entry(file: NegotiationFile) -> TimelineEntry:
    return TimelineEntry(
        when=file.opened_on,
        kind=gettext("Negotiation file"),
        title=file.title,
        url=reverse("negotiation_file_detail", args=[file.pk]),
        record=file,
        tags=(str(file.get_status_display()),),
    )


def _files(user: Any) -> Any:
    return NegotiationFile.objects.visible_to(user).order_by("-opened_on", "-created_at")


def bearer_timeline(user: Any, bearer: WeaponBearer, limit: int) -> list[TimelineEntry]:
    """The newest negotiation files opened about the bearer."""
    return [_entry(file) for file in _files(user).filter(bearer=bearer)[:limit]]


def person_timeline(user: Any, person: Person, limit: int) -> list[TimelineEntry]:
    """The newest negotiation files where the person is a counterpart or a stakeholder."""
    stakes = Stakeholder.objects.visible_to(user).filter(person=person).values("file")
    files = _files(user).filter(Q(counterparts=person) | Q(pk__in=stakes)).distinct()
    return [_entry(file) for file in files[:limit]]


def interaction_links(user: Any, interaction: Interaction) -> list[TimelineEntry]:
    """The negotiation files this interaction was part of."""
    return [_entry(file) for file in _files(user).filter(interactions=interaction)]


def bearer_panels(user: Any, bearer: WeaponBearer) -> list[Panel]:
    """The bearer's negotiation files the user may see, with their red lines' sign-off."""
    files = list(
        _files(user)
        .filter(bearer=bearer)
        .select_related("holder")
        .prefetch_related(
            Prefetch("red_lines", queryset=RedLine.objects.visible_to(user), to_attr="lines")
        )
    )
    rows = [
        {
            "file": file,
            "red_lines": len(file.lines),
            "unsigned": sum(1 for line in file.lines if not line.is_signed_off),
        }
        for file in files
    ]
    return [
        Panel(
            template="negotiation/_bearer_panel.html",
            context={"bearer": bearer, "rows": rows},
            records=files,
            order=70,
        )
    ]
