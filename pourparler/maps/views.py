"""Pages of the maps app: the map of the areas of control with the people living there
(and a bearer's map), its data as GeoJSON, and the pages of one area (record by drawing
or importing, detail, edit, delete).

Every read goes through ``maps.reading``, ``access.reading`` or ``visible_to``; every
write through ``maps.services``. The JSON endpoints are audited like the lists: one list
event naming the ids sent.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.forms import Textarea
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from pourparler.access.models import CheckpointPassage, SecurityIncident
from pourparler.access.reading import incidents_visible_to, passages_visible_to
from pourparler.bearers.models import WeaponBearer
from pourparler.core.access import clearance_for, get_visible_or_404
from pourparler.core.audit import record_list, record_read
from pourparler.core.http import AuthedRequest
from pourparler.geo.models import ContextEvent, ContextEventActor
from pourparler.maps.choices import ControlType
from pourparler.maps.forms import AreaForm, default_period
from pourparler.maps.models import AreaOfControl
from pourparler.maps.population import (
    Estimate,
    PopulationBasis,
    estimate_areas,
    estimate_union,
    totals_by,
)
from pourparler.maps.reading import areas_visible_to, in_force
from pourparler.maps.services import (
    do_delete_area_of_control,
    do_import_areas_of_control,
    do_record_area_of_control,
    do_update_area_of_control,
)
from pourparler.ui.editing import delete_or_explain, save_edit

NAV = "map"
# Points sent per layer at most, newest first (the response says when it was cut).
POINT_LIMIT = 3000
BASEMAP = "maps/ne_110m_admin_0_countries.geojson"
CONTROL_CLASSES = {
    ControlType.FULL: "control-full",
    ControlType.FLUID: "control-fluid",
    ControlType.INFLUENCE: "control-influence",
}


# -- filters -----------------------------------------------------------------------------


def _day(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


@dataclass
class MapFilters:
    """The period and bearer a map shows, as typed and as understood."""

    since: datetime.date
    until: datetime.date
    bearer: WeaponBearer | None
    # A bearer was asked for that the user may not see (or that is not): show nothing.
    unknown: bool = False

    def query(self) -> str:
        """The filters as a query string, for the data endpoints."""
        params = {"since": self.since.isoformat(), "until": self.until.isoformat()}
        if self.bearer is not None:
            params["bearer"] = str(self.bearer.pk)
        return urlencode(params)

    def described(self) -> dict[str, str]:
        """The filters as the audit log keeps them."""
        shown = {"since": self.since.isoformat(), "until": self.until.isoformat()}
        if self.bearer is not None:
            shown["bearer"] = str(self.bearer.pk)
        return shown


def _filters(request: AuthedRequest, bearer: WeaponBearer | None = None) -> MapFilters:
    since, until = default_period()
    asked_since = _day(request.GET.get("since", "").strip())
    asked_until = _day(request.GET.get("until", "").strip())
    since, until = asked_since or since, asked_until or until
    if since > until:
        since, until = until, since
    unknown = False
    wanted = request.GET.get("bearer", "").strip()
    if bearer is None and wanted:
        try:
            bearer = WeaponBearer.objects.visible_to(request.user).filter(pk=wanted).first()
        except (ValueError, ValidationError):
            bearer = None
        unknown = bearer is None
    return MapFilters(since=since, until=until, bearer=bearer, unknown=unknown)


def _areas(user: Any, filters: MapFilters) -> QuerySet[AreaOfControl]:
    areas = areas_visible_to(user).filter(
        in_force(filters.since, filters.until, "starts_on", "ends_on")
    )
    if filters.bearer is not None:
        areas = areas.filter(bearer=filters.bearer)
    if filters.unknown:
        areas = areas.none()
    return areas.select_related("bearer", "country").order_by("bearer__name", "-starts_on")


def _may_record(user: Any) -> bool:
    clearance = clearance_for(user)
    return clearance is not None and bool(clearance.write_compartments)


def _tile_url() -> str:
    return str(getattr(settings, "MAP_TILE_URL", "") or "")


def _tile_host() -> str:
    """The origin of the configured tile server (``*.`` for a ``{s}`` subdomain), or ""."""
    url = _tile_url()
    if not url:
        return ""
    parts = urlsplit(url.replace("{s}.", "a.").replace("{", "").replace("}", ""))
    if "{s}." in url:
        return f"{parts.scheme}://*.{parts.netloc.split('.', 1)[-1]}"
    return f"{parts.scheme}://{parts.netloc}"


def _allow_tiles(response: HttpResponse) -> HttpResponse:
    """Let the page load images from the configured tile server, and from nowhere else."""
    host = _tile_host()
    if host:
        setattr(response, "_csp_update", {"img-src": [host]})  # noqa: B010 (django-csp's hook)
    return response


def _base_config() -> dict[str, Any]:
    """What every map needs: the offline basemap, or the tile server and its name."""
    return {
        "basemap": static(BASEMAP),
        "tiles": _tile_url(),
        "tileAttribution": urlsplit(_tile_host()).netloc.removeprefix("*."),
    }


# -- the map -----------------------------------------------------------------------------


@dataclass
class AreaRow:
    """One area of control as the table beside the map lists it."""

    area: AreaOfControl
    estimate: Estimate

    @property
    def css(self) -> str:
        return CONTROL_CLASSES.get(ControlType(self.area.control), "")


def _population_context(user: Any, areas: list[AreaOfControl]) -> dict[str, Any]:
    basis = PopulationBasis(user, {area.country_id for area in areas})
    estimates = estimate_areas(areas, basis)
    return {
        "rows": [AreaRow(area, estimates[area.pk]) for area in areas],
        "by_bearer": totals_by(areas, basis, lambda a: a.bearer_id, lambda a: a.bearer.name),
        "by_kind": totals_by(
            areas, basis, lambda a: a.bearer.kind, lambda a: str(a.bearer.get_kind_display())
        ),
        "by_country": totals_by(areas, basis, lambda a: a.country_id, lambda a: a.country.name),
        "overall": estimate_union(areas, basis),
        "controls": list(ControlType),
    }


def _map_config(filters: MapFilters) -> dict[str, Any]:
    query = filters.query()
    return {
        **_base_config(),
        "layers": {
            name: f"{reverse(f'map_{name}_json')}?{query}"
            for name in ("areas", "passages", "incidents", "events")
        },
        "labels": {
            "areas": _("Areas of control"),
            "passages": _("Checkpoint passages"),
            "incidents": _("Security incidents"),
            "events": _("Context events (UCDP, ACLED)"),
            "basemap": _("Countries (Natural Earth)"),
            "people": _("People living there"),
            "source": _("Source"),
            "noData": _("No population figure"),
            "open": pgettext("open a record", "Open"),
            "truncated": _("Only the newest %(n)s are shown.") % {"n": POINT_LIMIT},
            "failed": _("This layer could not be loaded."),
        },
    }


def _render_map(
    request: AuthedRequest, filters: MapFilters, template: str, extra: dict[str, Any]
) -> HttpResponse:
    user = request.user
    areas = list(_areas(user, filters))
    record_list(user, AreaOfControl, areas, filters=filters.described())
    context = {
        "nav": NAV,
        "filters": filters,
        "map_config": _map_config(filters),
        "bearers": WeaponBearer.objects.visible_to(user).only("pk", "name"),
        "may_record": _may_record(user),
        **_population_context(user, areas),
        **extra,
    }
    return _allow_tiles(render(request, template, context))


def map_page(request: AuthedRequest) -> HttpResponse:
    """Show the map of the areas of control, checkpoints, incidents and context events,
    with the people living in the areas and their totals by bearer, kind and country."""
    return _render_map(request, _filters(request), "maps/map.html", {})


def bearer_map(request: AuthedRequest, pk: str) -> HttpResponse:
    """Show one bearer's map: its areas, checkpoints, incidents and the events naming it."""
    bearer = get_visible_or_404(WeaponBearer, request.user, pk)
    return _render_map(request, _filters(request, bearer), "maps/map.html", {"bearer": bearer})


# -- the data behind the map -------------------------------------------------------------


def _feature(geometry: Any, properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def _point(record: Any) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [float(record.longitude), float(record.latitude)]}


def _collection(features: list[dict[str, Any]], truncated: bool = False) -> JsonResponse:
    return JsonResponse({"type": "FeatureCollection", "features": features, "truncated": truncated})


def _when(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def map_areas_json(request: AuthedRequest) -> JsonResponse:
    """The areas of control in the period as GeoJSON, with the people living in each."""
    user = request.user
    filters = _filters(request)
    areas = list(_areas(user, filters))
    record_list(user, AreaOfControl, areas, filters=filters.described())
    basis = PopulationBasis(user, {area.country_id for area in areas})
    estimates = estimate_areas(areas, basis)
    features = []
    for area in areas:
        estimate = estimates[area.pk]
        features.append(
            _feature(
                json.loads(area.outline),
                {
                    "id": str(area.pk),
                    "name": area.name,
                    "bearer": area.bearer.name,
                    "control": area.control,
                    "controlLabel": str(area.get_control_display()),
                    "startsOn": area.starts_on.isoformat(),
                    "endsOn": area.ends_on.isoformat() if area.ends_on else None,
                    "country": area.country.name,
                    "people": estimate.rounded,
                    "sources": estimate.source_text,
                    "caveat": estimate.caveat,
                    "url": reverse("area_detail", args=[area.pk]),
                },
            )
        )
    return _collection(features)


def map_passages_json(request: AuthedRequest) -> JsonResponse:
    """Checkpoint passages with coordinates in the period, as GeoJSON points."""
    user = request.user
    filters = _filters(request)
    passages = passages_visible_to(user).filter(
        in_force(filters.since, filters.until, "occurred_at__date"), latitude__isnull=False
    )
    if filters.bearer is not None:
        passages = passages.filter(bearer=filters.bearer)
    if filters.unknown:
        passages = passages.none()
    shown = list(passages.select_related("bearer").order_by("-occurred_at")[: POINT_LIMIT + 1])
    truncated = len(shown) > POINT_LIMIT
    shown = shown[:POINT_LIMIT]
    record_list(user, CheckpointPassage, shown, filters=filters.described())
    return _collection(
        [
            _feature(
                _point(p),
                {
                    "title": p.place_name,
                    "bearer": p.bearer.name,
                    "kind": str(p.get_outcome_display()),
                    "outcome": p.outcome,
                    "when": _when(p.occurred_at),
                    "url": reverse("passage_detail", args=[p.pk]),
                },
            )
            for p in shown
        ],
        truncated,
    )


def map_incidents_json(request: AuthedRequest) -> JsonResponse:
    """Security incidents with coordinates in the period, as GeoJSON points."""
    user = request.user
    filters = _filters(request)
    incidents = incidents_visible_to(user).filter(
        in_force(filters.since, filters.until, "occurred_at__date"), latitude__isnull=False
    )
    if filters.bearer is not None:
        incidents = incidents.filter(bearers=filters.bearer)
    if filters.unknown:
        incidents = incidents.none()
    incidents = incidents.prefetch_related(
        Prefetch("bearers", queryset=WeaponBearer.objects.visible_to(user).only("pk", "name"))
    )
    shown = list(incidents.order_by("-occurred_at")[: POINT_LIMIT + 1])
    truncated = len(shown) > POINT_LIMIT
    shown = shown[:POINT_LIMIT]
    record_list(user, SecurityIncident, shown, filters=filters.described())
    return _collection(
        [
            _feature(
                _point(i),
                {
                    "title": i.place_name or str(i.get_kind_display()),
                    "bearer": ", ".join(b.name for b in i.bearers.all()),
                    "kind": f"{i.get_kind_display()} ({i.get_severity_display()})",
                    "severity": i.severity,
                    "when": _when(i.occurred_at),
                    "url": reverse("security_incident_detail", args=[i.pk]),
                },
            )
            for i in shown
        ],
        truncated,
    )


def map_events_json(request: AuthedRequest) -> JsonResponse:
    """Context events (UCDP, ACLED) with coordinates in the period, as GeoJSON points."""
    user = request.user
    filters = _filters(request)
    events = ContextEvent.objects.visible_to(user).filter(
        in_force(filters.since, filters.until, "occurred_on"), latitude__isnull=False
    )
    if filters.bearer is not None:
        named = ContextEventActor.objects.visible_to(user).filter(bearer=filters.bearer)
        events = events.filter(pk__in=named.values("event_id"))
    if filters.unknown:
        events = events.none()
    shown = list(
        events.only(
            "pk",
            "source",
            "kind",
            "place",
            "admin1",
            "occurred_on",
            "latitude",
            "longitude",
            "deaths",
        ).order_by("-occurred_on")[: POINT_LIMIT + 1]
    )
    truncated = len(shown) > POINT_LIMIT
    shown = shown[:POINT_LIMIT]
    record_list(user, ContextEvent, shown, filters=filters.described())
    return _collection(
        [
            _feature(
                _point(e),
                {
                    "title": e.place or e.admin1,
                    "bearer": "",
                    "kind": f"{e.get_source_display()}: {e.kind}",
                    "deaths": e.deaths,
                    "when": e.occurred_on.isoformat(),
                    "url": "",
                },
            )
            for e in shown
        ],
        truncated,
    )


# -- one area ----------------------------------------------------------------------------


def _area(user: Any, pk: str) -> AreaOfControl:
    queryset = areas_visible_to(user).select_related("bearer", "country", "compartment")
    return get_visible_or_404(queryset, user, pk)


def _can_change(user: Any, area: AreaOfControl) -> bool:
    return areas_visible_to(user, "change").filter(pk=area.pk).exists()


def area_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    """Show one area of control: who holds it, since when, its outline and its people."""
    user = request.user
    area = _area(user, pk)
    record_read(user, area)
    basis = PopulationBasis(user, {area.country_id})
    estimate = estimate_areas([area], basis)[area.pk]
    config = {**_base_config(), "outline": area.outline, "control": area.control}
    context = {
        "nav": NAV,
        "area": area,
        "estimate": estimate,
        "css": CONTROL_CLASSES.get(ControlType(area.control), ""),
        "map_config": config,
        "can_change": _can_change(user, area),
    }
    return _allow_tiles(render(request, "maps/area_detail.html", context))


def _form_context(
    form: AreaForm, creating: bool, area: AreaOfControl | None = None
) -> dict[str, Any]:
    return {
        "nav": NAV,
        "form": form,
        "creating": creating,
        "area": area,
        "fieldsets": [
            (
                legend,
                [
                    {"field": form[name], "wide": isinstance(form.fields[name].widget, Textarea)}
                    for name in names
                    if name in form.fields
                ],
            )
            for legend, names in form.fieldsets
        ],
        "map_config": _base_config(),
    }


def area_create(request: AuthedRequest) -> HttpResponse:
    """Record an area of control drawn on the map, or import several from a GeoJSON file."""
    user = request.user
    if not _may_record(user):
        raise PermissionDenied(_("Your role does not record areas of control."))
    initial: dict[str, Any] = {}
    if request.GET.get("bearer"):
        initial["bearer"] = request.GET["bearer"]
    form = AreaForm(request.POST or None, request.FILES or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if form.outlines:
                areas = do_import_areas_of_control(
                    actor=user, outlines=form.outlines, **form.changes(), **form.links()
                )
            else:
                areas = [do_record_area_of_control(actor=user, **form.changes(), **form.links())]
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if len(areas) == 1:
                messages.success(request, _("The area of control is recorded."))
                return redirect("area_detail", pk=areas[0].pk)
            messages.success(request, _("%(n)s areas of control are recorded.") % {"n": len(areas)})
            return redirect(f"{reverse('map')}?bearer={areas[0].bearer_id}")
    return _allow_tiles(render(request, "maps/area_form.html", _form_context(form, creating=True)))


def _conflict_rows(form: AreaForm, current: AreaOfControl) -> list[dict[str, str]]:
    rows = []
    for name in ("bearer", "control", "name", "country", "starts_on", "ends_on", "source", "notes"):
        theirs, yours = getattr(current, name), form.cleaned_data.get(name)
        if (theirs or "") != (yours or ""):
            rows.append(
                {
                    "label": str(form.fields[name].label or name),
                    "theirs": str(theirs or "—"),
                    "yours": str(yours or "—"),
                }
            )
    if (form.cleaned_data.get("outline") or "") != current.outline:
        rows.append({"label": str(_("Outline")), "theirs": _("changed"), "yours": _("changed")})
    return rows


def area_edit(request: AuthedRequest, pk: str) -> HttpResponse:
    """Change an area of control; a stale edit is refused and both versions are shown."""
    user = request.user
    area = _area(user, pk)
    if not _can_change(user, area):
        raise PermissionDenied(_("You may read this area of control but not change it."))
    form = AreaForm(request.POST or None, instance=area, user=user)
    if request.method == "GET":
        record_read(user, area)  # the form shows the notes
    edit = save_edit(
        request,
        form,
        record=area,
        save=lambda version: do_update_area_of_control(
            area, actor=user, expected_version=version, changes=form.changes(), **form.links()
        ),
        compare=lambda current: _conflict_rows(form, current),
        what=str(_("area of control")),
        saved=str(_("The area of control is saved.")),
        saved_to=reverse("area_detail", args=[area.pk]),
        gone_to=reverse("map"),
    )
    if edit.done is not None:
        return edit.done
    context = {**_form_context(form, creating=False, area=area), **edit.context()}
    return _allow_tiles(render(request, "maps/area_form.html", context, status=edit.status))


@require_POST
def area_delete(request: AuthedRequest, pk: str) -> HttpResponse:
    """Put a tombstone on an area of control (a POST naming its version)."""
    user = request.user
    area = _area(user, pk)
    if not _can_change(user, area):
        raise PermissionDenied(_("You may read this area of control but not change it."))
    return delete_or_explain(
        request,
        delete=lambda version: do_delete_area_of_control(
            area, actor=user, expected_version=version
        ),
        what=str(_("area of control")),
        deleted=str(_("The area of control is deleted. An administrator can restore it.")),
        stale_to=reverse("area_detail", args=[area.pk]),
        done_to=reverse("map"),
    )
