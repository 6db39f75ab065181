"""The current status of each pillar and the heat maps built from it.

The current status of a bearer's pillar is its latest assessment *among those the viewer
may see*: every query here starts from ``IntegrationAssessment.objects.visible_to(user)``,
including the one that decides whether a newer assessment exists, so an assessment the
viewer may not see neither shows nor hides an older one they may see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q

from pourparler.core.access import RestrictedQuerySet
from pourparler.integration.choices import LEVEL_HELP, PILLAR_HELP, IntegrationLevel, Pillar
from pourparler.integration.models import IntegrationAssessment

Assessments = RestrictedQuerySet[IntegrationAssessment]


@dataclass(frozen=True)
class Cell:
    """One pillar of one bearer on the heat map: its current assessment, if any."""

    pillar: str
    pillar_label: str
    assessment: IntegrationAssessment | None

    @property
    def level(self) -> int | None:
        """The current level, or None when the pillar was never assessed."""
        return None if self.assessment is None else int(self.assessment.level)

    @property
    def css_class(self) -> str:
        """The class that colours the cell."""
        return "heat-none" if self.level is None else f"heat-{self.level}"


@dataclass(frozen=True)
class HeatRow:
    """A bearer and its five pillars, in the order of ``Pillar``."""

    bearer: Any
    cells: list[Cell]


def latest_only(assessments: Assessments, user: Any) -> Assessments:
    """Keep, of the given assessments, the latest per bearer and pillar among those the user
    may see (latest ``assessed_on``, then latest recorded, then the larger id)."""
    visible = IntegrationAssessment.objects.visible_to(user)
    newer = visible.filter(bearer=OuterRef("bearer"), pillar=OuterRef("pillar")).filter(
        Q(assessed_on__gt=OuterRef("assessed_on"))
        | Q(assessed_on=OuterRef("assessed_on"), created_at__gt=OuterRef("created_at"))
        | Q(
            assessed_on=OuterRef("assessed_on"),
            created_at=OuterRef("created_at"),
            pk__gt=OuterRef("pk"),
        )
    )
    return assessments.visible_to(user).filter(~Exists(newer))


Current = dict[Any, dict[str, IntegrationAssessment]]


def current_assessments(user: Any, bearers: Iterable[Any]) -> Current:
    """Return, for each bearer given, its current assessment per pillar (pillars never
    assessed are missing), in one query."""
    bearer_ids = [getattr(b, "pk", b) for b in bearers]
    current: Current = {pk: {} for pk in bearer_ids}
    latest = latest_only(
        IntegrationAssessment.objects.visible_to(user).filter(bearer_id__in=bearer_ids), user
    ).select_related("assessed_by")
    for assessment in latest:
        current[assessment.bearer_id][assessment.pillar] = assessment
    return current


def heat_rows(user: Any, bearers: Iterable[Any]) -> list[HeatRow]:
    """Return one heat-map row per bearer, in the order given."""
    bearers = list(bearers)
    current = current_assessments(user, bearers)
    return [
        HeatRow(
            bearer=bearer,
            cells=[
                Cell(value, str(label), current[bearer.pk].get(value))
                for value, label in Pillar.choices
            ],
        )
        for bearer in bearers
    ]


def scale() -> list[dict[str, Any]]:
    """Return the scale of levels with their meanings, for the legend."""
    return [
        {"value": int(level), "label": str(level.label), "help": str(LEVEL_HELP[level])}
        for level in IntegrationLevel
    ]


def pillars() -> list[dict[str, str]]:
    """Return the five pillars with what each covers."""
    return [
        {"value": value, "label": str(label), "help": str(PILLAR_HELP[value])}
        for value, label in Pillar.choices
    ]
