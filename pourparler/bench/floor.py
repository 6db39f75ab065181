"""The framework floor: bare Django views and a django-ninja API serving the same rows.

Served with no middleware at all (the runner overrides ``MIDDLEWARE`` and
``ROOT_URLCONF``): no session, no authentication, no ``visible_to``, no read audit, no
template. Each view runs the plain ORM query for the rows its page shows (live records
of the delegate's compartment, the restriction flag off) and returns them as JSON, the
confidential fields decrypted by the model fields as usual. The dashboards are the
exception: their floor computes the same figures (``dashboards.figures.charts``, which
do apply the read path) in a bare view and returns their tables as JSON, so it measures
what the middleware, the page and the audit add, not the figures' own queries.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Max, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import HttpRequest, JsonResponse
from django.urls import path
from ninja import NinjaAPI

from pourparler.bearers.models import BearerName, BearerRelation, Unit, WeaponBearer
from pourparler.concerns.models import Concern
from pourparler.core.models import Delegation, User
from pourparler.dashboards import figures
from pourparler.dialogue.models import Interaction
from pourparler.people.models import Person, Position
from pourparler.search.backends import match_condition
from pourparler.search.models import SearchEntry
from pourparler.search.query import terms_for

PAGE = 50
SHOWN = 20
LIVE = Q(deleted_at__isnull=True, restricted=False)


def _compartment(request: HttpRequest) -> uuid.UUID:
    return uuid.UUID(request.GET["c"])


def _matching(records: QuerySet[Any], words: str, compartment: uuid.UUID) -> QuerySet[Any]:
    """The same index lookup as the search (no visibility: the compartment is given)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    sql, params = match_condition(connection.vendor, terms_for(words, [None, compartment]))
    entries = SearchEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(records.model)
    )
    if connection.vendor == "sqlite":
        entries = entries.filter(id__in=RawSQL(sql, params))  # noqa: S611
    else:
        from django.db.models import BooleanField

        entries = entries.filter(RawSQL(sql, params, output_field=BooleanField()))  # noqa: S611
    return records.filter(pk__in=entries.values("object_id"))


def bearer_profile(request: HttpRequest, pk: uuid.UUID) -> JsonResponse:
    c = _compartment(request)
    bearer = WeaponBearer.objects.filter(LIVE).get(pk=pk)
    interactions = Interaction.objects.filter(LIVE, compartment_id=c, bearers=bearer)
    positions = (
        Position.objects.filter(LIVE, bearer=bearer, ends_on__isnull=True)
        .select_related("person", "unit")
        .order_by("person__created_at")
    )
    data = {
        "bearer": {"id": str(bearer.pk), "name": bearer.name, "kind": bearer.kind},
        "names": list(BearerName.objects.filter(LIVE, bearer=bearer).values("name", "kind")),
        "units": list(Unit.objects.filter(LIVE, bearer=bearer).values("id", "name", "parent")),
        "people": [
            {"person": p.person.full_name, "rank": p.rank, "level": p.level} for p in positions
        ],
        "relations": list(
            BearerRelation.objects.filter(LIVE)
            .filter(Q(subject=bearer) | Q(other=bearer))
            .values("subject__name", "other__name", "kind")
        ),
        "last_contact": dict(
            interactions.order_by().values_list("level").annotate(last=Max("occurred_at"))
        ),
        "timeline": [
            {"id": str(i.pk), "at": i.occurred_at, "kind": i.kind, "summary": i.summary}
            for i in interactions.order_by("-occurred_at")[:30]
        ],
    }
    return JsonResponse(data)


def bearer_list(request: HttpRequest) -> JsonResponse:
    bearers = WeaponBearer.objects.filter(LIVE, kind=request.GET["kind"])
    if request.GET.get("country"):
        bearers = bearers.filter(countries__iso2=request.GET["country"]).distinct()
    bearers = bearers.order_by("name")
    return JsonResponse({"rows": list(bearers.values("id", "name", "kind")[: PAGE + 1])})


def _interaction_rows(interactions: list[Interaction]) -> list[dict[str, Any]]:
    return [
        {
            "id": str(i.pk),
            "at": i.occurred_at,
            "kind": i.kind,
            "level": i.level,
            "place": i.place_name,
            "summary": i.summary,
            "bearers": [b.name for b in i.bearers.all()],
        }
        for i in interactions
    ]


def interaction_list(request: HttpRequest) -> JsonResponse:
    start = (int(request.GET["page"]) - 1) * PAGE
    rows = list(
        Interaction.objects.filter(LIVE, compartment_id=_compartment(request))
        .order_by("-occurred_at")
        .prefetch_related("bearers")[start : start + PAGE + 1]
    )
    return JsonResponse({"rows": _interaction_rows(rows)})


def person_search(request: HttpRequest) -> JsonResponse:
    c = _compartment(request)
    people = _matching(Person.objects.filter(LIVE, compartment_id=c), request.GET["q"], c)
    rows = list(people.order_by("created_at", "id")[: PAGE + 1])
    return JsonResponse({"rows": [{"id": str(p.pk), "name": p.full_name} for p in rows]})


def search(request: HttpRequest) -> JsonResponse:
    c = _compartment(request)
    words = request.GET["q"]
    kinds: list[tuple[str, QuerySet[Any], str]] = [
        ("bearers", WeaponBearer.objects.filter(LIVE).order_by("name"), "name"),
        ("people", Person.objects.filter(LIVE, compartment_id=c).order_by("pk"), "full_name"),
        (
            "interactions",
            Interaction.objects.filter(LIVE, compartment_id=c).order_by("-occurred_at", "id"),
            "summary",
        ),
        (
            "concerns",
            Concern.objects.filter(LIVE, compartment_id=c).order_by("-opened_on", "id"),
            "summary",
        ),
    ]
    found = {
        key: [
            {"id": str(r.pk), "text": getattr(r, shown)}
            for r in _matching(records, words, c)[: SHOWN + 1]
        ]
        for key, records, shown in kinds
    }
    return JsonResponse(found)


def dashboard(request: HttpRequest) -> JsonResponse:
    user = User.objects.get(username=request.GET["user"])
    code = request.GET.get("delegation")
    delegation = Delegation.objects.get(code=code) if code else None
    charts = figures.charts(figures.Scope(user, delegation))
    return JsonResponse({"charts": [[chart.table.header, chart.table.rows] for chart in charts]})


api = NinjaAPI(urls_namespace="bench-floor", docs_url=None, openapi_url=None)
_API_FIELDS = (
    "id",
    "version",
    "compartment_id",
    "kind",
    "occurred_at",
    "level",
    "place_name",
    "latitude",
    "longitude",
    "admin_area_id",
    "situation",
    "legal_framework",
    "confidentiality",
)


def _api_row(i: Interaction) -> dict[str, Any]:
    row = {name: getattr(i, name) for name in _API_FIELDS}
    row.update(
        summary=i.summary,
        notes=i.notes,
        outcomes=i.outcomes,
        bearers=[b.pk for b in i.bearers.all()],
        their_participants=[p.pk for p in i.their_participants.all()],
        our_participants=[u.pk for u in i.our_participants.all()],
        topics=[t.pk for t in i.topics.all()],
    )
    return row


def _api_queryset(c: uuid.UUID) -> QuerySet[Interaction]:
    return Interaction.objects.filter(LIVE, compartment_id=c).prefetch_related(
        "bearers", "their_participants", "our_participants", "topics"
    )


@api.get("/interactions/")
def api_list(request: HttpRequest, c: uuid.UUID, offset: int = 0, limit: int = 50) -> Any:
    rows = list(_api_queryset(c).order_by("-occurred_at", "-id")[offset : offset + limit + 1])
    return {"items": [_api_row(i) for i in rows[:limit]], "more": len(rows) > limit}


@api.get("/interactions/{pk}/")
def api_detail(request: HttpRequest, pk: uuid.UUID, c: uuid.UUID) -> Any:
    return _api_row(_api_queryset(c).get(pk=pk))


urlpatterns = [
    path("bearers/<uuid:pk>/", bearer_profile),
    path("bearers/", bearer_list),
    path("interactions/", interaction_list),
    path("people/", person_search),
    path("search/", search),
    path("dashboard/", dashboard),
    path("api/", api.urls),
]
