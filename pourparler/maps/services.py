"""Every write to areas of control: record one (drawn), import several (a file), change,
delete. A linked bearer and country must be visible to the actor before they are linked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pourparler.bearers.models import WeaponBearer
from pourparler.core.models import Delegation, User
from pourparler.core.services import (
    create_record,
    delete_record,
    require_visible,
    update_record,
    write_service,
)
from pourparler.geo.models import Country
from pourparler.maps.imports import Outline
from pourparler.maps.models import AreaOfControl


def _check_links(actor: User, fields: Mapping[str, Any]) -> None:
    if fields.get("bearer") is not None:
        require_visible(WeaponBearer, [fields["bearer"]], actor)
    if fields.get("country") is not None:
        require_visible(Country, [fields["country"]], actor)


@write_service
def do_record_area_of_control(
    *,
    actor: User,
    compartment: Delegation,
    bearer: WeaponBearer,
    control: str,
    country: Country,
    starts_on: Any,
    outline: str,
    restricted_to: Iterable[User] = (),
    **fields: Any,
) -> AreaOfControl:
    """Record an area a bearer controls or influences, from its outline (GeoJSON text)."""
    _check_links(actor, {"bearer": bearer, "country": country})
    area = AreaOfControl(
        compartment=compartment,
        bearer=bearer,
        control=control,
        country=country,
        starts_on=starts_on,
        outline=outline,
        **fields,
    )
    readers = list(restricted_to) if area.restricted else []
    return create_record(area, actor=actor, m2m={"restricted_to": readers})


@write_service
def do_import_areas_of_control(
    *,
    actor: User,
    outlines: Sequence[Outline],
    restricted_to: Iterable[User] = (),
    **common: Any,
) -> list[AreaOfControl]:
    """Record one area per outline of an imported file, with the same bearer, control and
    period: all of them or none (an outline refused names its feature)."""
    readers = list(restricted_to)
    areas = []
    for outline in outlines:
        fields = dict(common)
        if outline.name and not fields.get("name"):
            fields["name"] = outline.name[:200]
        try:
            areas.append(
                do_record_area_of_control(
                    actor=actor, outline=outline.text, restricted_to=readers, **fields
                )
            )
        except ValidationError as error:
            raise ValidationError(
                _("%(feature)s: %(problem)s")
                % {"feature": outline.label, "problem": " ".join(error.messages)}
            ) from None
    return areas


@write_service
def do_update_area_of_control(
    area: AreaOfControl,
    *,
    actor: User,
    expected_version: int,
    changes: Mapping[str, Any],
    restricted_to: Iterable[User] | None = None,
) -> AreaOfControl:
    """Change an area of control seen at ``expected_version`` (its outline too)."""
    _check_links(actor, changes)
    will_be_restricted = changes.get("restricted", area.restricted)
    links: dict[str, list[Any]] = {}
    if restricted_to is not None or not will_be_restricted:
        links["restricted_to"] = list(restricted_to or []) if will_be_restricted else []
    return update_record(
        area, actor=actor, expected_version=expected_version, changes=changes, m2m=links
    )


@write_service
def do_delete_area_of_control(
    area: AreaOfControl, *, actor: User, expected_version: int
) -> AreaOfControl:
    """Put a tombstone on an area of control."""
    return delete_record(area, actor=actor, expected_version=expected_version)
