"""The API of negotiation files: the file, each of its tools' rows, and its versions.

A negotiation file is held in a delegation's compartment (its title, objective and every
row's text are encrypted; reads are audited like the pages). It names its bearer in
``access_via``: a file about a bearer the caller may not see is out of reach like the
bearer. Its counterparts and interactions come through the read path: one the caller may
not see is left out of the links, and an edit keeps it.

The rows of its tools (island items, iceberg entries, stakeholders and the links between
them, red lines, bottom lines, scenarios) sit under the file (``access_via``) and are
hidden wherever it is. Every write goes through the services, which keep a new version
of the whole file with each change. A red line is signed off only by the head of the
delegation that holds the file (``POST /negotiation-red-lines/{id}/sign-off/``), and
changing its text clears the sign-off. A stakeholder whose person the caller may not see
shows ``person`` null, as the page shows "(a person you may not see)".

Versions are read only (written by the services): ``negotiation-versions/`` lists them
without their content, and ``GET /negotiation-versions/{id}/content/`` gives the file as
it stood, decrypted, as the version page shows it: people, interactions and the bearer
the caller may not see now are left out (a stakeholder's ``person`` is null).
"""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field, StrictInt

from pourparler.api.resources import (
    BAD_BODY,
    ERRORS,
    QS,
    Filter,
    InvalidInput,
    Prepare,
    Resource,
    _conflict,
    _write,
    actor_of,
    all_linked,
    colleague,
    colleagues,
    given,
    linked,
    maybe_colleague,
    maybe_linked,
    register,
)
from pourparler.api.schemas import (
    LONG_TEXT,
    Day,
    ErrorOut,
    Flag,
    QueryFlag,
    RecordOut,
    Text,
    ValidationErrorOut,
    VersionIn,
    changes_of,
    conflict_of,
    ids,
)
from pourparler.bearers.models import WeaponBearer
from pourparler.core.access import get_visible_or_404
from pourparler.core.audit import record_read
from pourparler.core.models import Delegation, User
from pourparler.core.services import EditConflict
from pourparler.dialogue.models import Interaction
from pourparler.negotiation.choices import FileStatus, IslandKind, Layer, Likelihood, Side
from pourparler.negotiation.models import (
    BottomLine,
    IcebergEntry,
    IslandItem,
    NegotiationFile,
    NegotiationVersion,
    RedLine,
    Scenario,
    Stakeholder,
    StakeholderLink,
)
from pourparler.negotiation.services import (
    do_add_to_file,
    do_change_in_file,
    do_delete_file,
    do_open_file,
    do_remove_from_file,
    do_sign_off_red_line,
    do_update_file,
)
from pourparler.negotiation.versions import Names, content_of
from pourparler.people.models import Person

router = Router()
TAG = "negotiation"
# At most this many links of one kind in a body.
MAX_LINKS = 50


def _wanted(queryset: QS, wanted: dict[str, Any]) -> QS:
    return queryset.filter(**{k: v for k, v in wanted.items() if v is not None})


def _not_null(payload: Any, *names: str) -> None:
    """Refuse a change that empties a field the record cannot be without (a 422)."""
    for name in names:
        if name in payload.model_fields_set and getattr(payload, name) is None:
            raise InvalidInput.of(name, "This field cannot be emptied.")


# --- Files ----------------------------------------------------------------------------------


class NegotiationFileOut(RecordOut):
    """A hard negotiation with a bearer, prepared with the frontline tools."""

    title: str
    objective: str
    bearer: uuid.UUID = Field(validation_alias="bearer_id")
    counterparts: list[uuid.UUID] = Field(description="The people across the table you may see.")
    interactions: list[uuid.UUID] = Field(
        description="The contacts where it was negotiated that you may see."
    )
    holder: uuid.UUID = Field(
        validation_alias="holder_id", description="Who of us leads it and keeps the file."
    )
    status: FileStatus
    opened_on: datetime.date

    @staticmethod
    def resolve_counterparts(obj: NegotiationFile) -> list[uuid.UUID]:
        return ids(obj.counterparts)

    @staticmethod
    def resolve_interactions(obj: NegotiationFile) -> list[uuid.UUID]:
        return ids(obj.interactions)


class NegotiationFileFilters(Schema):
    """Filters of the negotiation files."""

    bearer: uuid.UUID | None = None
    holder: uuid.UUID | None = None
    counterpart: uuid.UUID | None = Field(None, description="With this person across the table.")
    status: FileStatus | None = None
    delegation: uuid.UUID | None = Field(None, description="Held in this delegation.")
    date_from: Day | None = Field(None, description="Opened on or after this day.")
    date_to: Day | None = Field(None, description="Opened on or before this day.")


class NegotiationFileIn(Schema):
    """A negotiation file as its page opens it (the tools' rows are added one by one)."""

    compartment: uuid.UUID = Field(description="The delegation that holds it.")
    title: Text = Field(min_length=1, max_length=200)
    objective: Text = Field("", max_length=LONG_TEXT)
    bearer: uuid.UUID
    holder: uuid.UUID | None = Field(
        None, description="A colleague posted to the delegation; you if left out."
    )
    status: FileStatus = FileStatus.OPEN
    opened_on: Day | None = Field(None, description="Today if left out.")
    counterparts: list[uuid.UUID] = Field(default_factory=list, max_length=MAX_LINKS)
    interactions: list[uuid.UUID] = Field(default_factory=list, max_length=MAX_LINKS)
    restricted: Flag = False
    restricted_to: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=MAX_LINKS,
        description="With you and the holder, who alone may see a restricted file.",
    )


FILE_FIELDS = ("title", "objective", "status", "opened_on", "restricted")


def _prepare_files(queryset: QS, user: User) -> QS:
    return queryset.prefetch_related(
        Prefetch("counterparts", queryset=Person.objects.visible_to(user))
    ).prefetch_related(Prefetch("interactions", queryset=Interaction.objects.visible_to(user)))


def _filter_files(queryset: QS, filters: NegotiationFileFilters, user: User) -> QS:
    if filters.counterpart:
        queryset = queryset.filter(
            counterparts__in=Person.objects.visible_to(user).filter(pk=filters.counterpart)
        )
    return _wanted(
        queryset,
        {
            "bearer_id": filters.bearer,
            "holder_id": filters.holder,
            "status": filters.status,
            "compartment_id": filters.delegation,
            "opened_on__gte": filters.date_from,
            "opened_on__lte": filters.date_to,
        },
    )


def _create_file(payload: Any, actor: User) -> NegotiationFile:
    fields = {name: getattr(payload, name) for name in FILE_FIELDS}
    if fields["opened_on"] is None:
        del fields["opened_on"]
    return do_open_file(
        actor=actor,
        compartment=linked(Delegation, payload.compartment, actor, "compartment"),
        bearer=linked(WeaponBearer, payload.bearer, actor, "bearer"),
        holder=maybe_colleague(payload.holder, "holder"),
        counterparts=all_linked(Person, payload.counterparts, actor, "counterparts"),
        interactions=all_linked(Interaction, payload.interactions, actor, "interactions"),
        restricted_to=colleagues(payload.restricted_to, "restricted_to"),
        **fields,
    )


def _kept(file: NegotiationFile, model: type[Any], related: str, actor: User) -> list[Any]:
    """The records linked to the file that the actor may not see: an edit keeps them."""
    visible = model.objects.visible_to(actor).values("pk")
    return list(model.objects.filter(**{related: file.pk}).exclude(pk__in=visible))


def _update_file(record: NegotiationFile, payload: Any, actor: User) -> NegotiationFile:
    _not_null(payload, "title", "objective", "bearer", "holder", "status", "opened_on")
    _not_null(payload, "restricted", "counterparts", "interactions", "restricted_to")
    # A fresh copy without the links prefetched through the caller's read path: the
    # service compares the stored links with the wanted ones.
    file = get_visible_or_404(NegotiationFile, actor, record.pk)
    sent = payload.model_fields_set
    changes = given(payload, *(name for name in FILE_FIELDS))
    if "bearer" in sent:
        changes["bearer"] = linked(WeaponBearer, payload.bearer, actor, "bearer")
    if "holder" in sent:
        changes["holder"] = colleague(payload.holder, "holder")
    links: dict[str, list[Any]] = {}
    if "counterparts" in sent:
        links["counterparts"] = [
            *all_linked(Person, payload.counterparts, actor, "counterparts"),
            *_kept(file, Person, "negotiation_files", actor),
        ]
    if "interactions" in sent:
        links["interactions"] = [
            *all_linked(Interaction, payload.interactions, actor, "interactions"),
            *_kept(file, Interaction, "negotiation_files", actor),
        ]
    if "restricted_to" in sent:
        links["restricted_to"] = colleagues(payload.restricted_to, "restricted_to")
    return do_update_file(
        file, actor=actor, expected_version=payload.version, changes=changes, links=links
    )


FILES = Resource(
    model=NegotiationFile,
    path="negotiation-files",
    out=NegotiationFileOut,
    tag=TAG,
    order=("-opened_on", "-created_at", "id"),
    filters=NegotiationFileFilters,
    filter=_filter_files,
    prepare=_prepare_files,
    create_in=NegotiationFileIn,
    create=_create_file,
    update_in=changes_of(NegotiationFileIn, exclude=("compartment",)),
    update=_update_file,
    delete=lambda file, version, actor: do_delete_file(file, actor=actor, expected_version=version),
)
register(router, FILES)


# --- The rows of the file's tools -----------------------------------------------------------


class ItemOut(RecordOut):
    """A row of one of a file's tools; hidden wherever its file is."""

    file: uuid.UUID = Field(validation_alias="file_id")


class ItemFilters(Schema):
    """Filters of a file's rows."""

    file: uuid.UUID | None = Field(None, description="Rows of this negotiation file.")


class ItemIn(Schema):
    """A row added to a negotiation file (a new version of the file is kept)."""

    file: uuid.UUID = Field(description="The negotiation file.")


def _filter_items(queryset: QS, filters: Any, user: User) -> QS:
    wanted = {"file_id": filters.file}
    for name in ("kind", "agreed", "side", "layer", "likelihood"):
        if name in type(filters).model_fields:
            wanted[name] = getattr(filters, name)
    return _wanted(queryset, wanted)


def _item_resource(
    model: type[Any],
    path: str,
    out: type[Schema],
    create_in: type[ItemIn],
    fields: tuple[str, ...],
    *,
    filters: type[Schema] = ItemFilters,
    required: tuple[str, ...] = (),
    links: dict[str, tuple[type[Any], bool]] | None = None,
    prepare: Prepare | None = None,
    filter: Filter = _filter_items,
) -> Resource[Any]:
    """A resource for one kind of row: created, changed and removed through the file's
    services. ``links`` names the fields that point at other records, with whether they
    may be left empty; ``required`` the fields a change may not empty."""
    links = links or {}

    def values(payload: Any, actor: User, *, changing: bool) -> dict[str, Any]:
        sent = payload.model_fields_set
        found = given(payload, *fields) if changing else {n: getattr(payload, n) for n in fields}
        for name, (target, optional) in links.items():
            if changing and name not in sent:
                continue
            pk = getattr(payload, name)
            found[name] = (
                maybe_linked(target, pk, actor, name)
                if optional
                else linked(target, pk, actor, name)
            )
        return found

    def create(payload: Any, actor: User) -> Any:
        file = linked(NegotiationFile, payload.file, actor, "file")
        return do_add_to_file(file, model, actor=actor, **values(payload, actor, changing=False))

    def update(item: Any, payload: Any, actor: User) -> Any:
        _not_null(payload, *required)
        return do_change_in_file(
            item,
            actor=actor,
            expected_version=payload.version,
            changes=values(payload, actor, changing=True),
        )

    extra = {"prepare": prepare} if prepare is not None else {}
    return Resource(
        model=model,
        path=path,
        out=out,
        tag=TAG,
        order=("created_at", "id"),
        filters=filters,
        filter=filter,
        create_in=create_in,
        create=create,
        update_in=changes_of(create_in, exclude=("file",)),
        update=update,
        delete=lambda item, version, actor: do_remove_from_file(
            item, actor=actor, expected_version=version
        ),
        **extra,
    )


# Island of agreements


class IslandItemOut(ItemOut):
    """A fact both sides agree on or contest, or a norm on which they converge or diverge."""

    kind: IslandKind
    agreed: bool = Field(description="Agreed fact or convergent norm; false: contested, divergent.")
    text: str


class IslandItemFilters(ItemFilters):
    kind: IslandKind | None = None
    agreed: QueryFlag | None = Field(None, description="Agreed or convergent: true or false.")


class IslandItemIn(ItemIn):
    kind: IslandKind
    agreed: Flag = False
    text: Text = Field(min_length=1, max_length=LONG_TEXT)


register(
    router,
    _item_resource(
        IslandItem,
        "negotiation-island-items",
        IslandItemOut,
        IslandItemIn,
        ("kind", "agreed", "text"),
        filters=IslandItemFilters,
        required=("kind", "agreed", "text"),
    ),
)

# Iceberg


class IcebergEntryOut(ItemOut):
    """A position, the reasoning behind it, or the motives and values underneath, for us
    or for the counterpart."""

    side: Side
    layer: Layer
    text: str


class IcebergEntryFilters(ItemFilters):
    side: Side | None = None
    layer: Layer | None = None


class IcebergEntryIn(ItemIn):
    side: Side
    layer: Layer
    text: Text = Field(min_length=1, max_length=LONG_TEXT)


register(
    router,
    _item_resource(
        IcebergEntry,
        "negotiation-iceberg-entries",
        IcebergEntryOut,
        IcebergEntryIn,
        ("side", "layer", "text"),
        filters=IcebergEntryFilters,
        required=("side", "layer", "text"),
    ),
)

# Network of influence

Influence = Annotated[StrictInt, Field(ge=0, le=3, description="0 none, 3 decisive.")]
Proximity = Annotated[StrictInt, Field(ge=-2, le=2, description="-2 hostile, 0 neutral, +2 close.")]
Strength = Annotated[StrictInt, Field(ge=1, le=3, description="1 loose, 3 strong.")]


class StakeholderOut(ItemOut):
    """Someone in the network of influence around the counterpart."""

    person: uuid.UUID | None = Field(
        description="The person of the register; null if none, or one you may not see."
    )
    name: str = Field(description="Who they are, in words, when not in the register.")
    influence: int = Field(description="Influence on the counterpart: 0 none, 3 decisive.")
    proximity: int = Field(description="Proximity to us: -2 hostile, 0 neutral, +2 close.")
    note: str

    @staticmethod
    def resolve_person(obj: Stakeholder) -> uuid.UUID | None:
        # Prefetched through the read path: a person the caller may not see is None.
        person = obj.person if obj.person_id is not None else None
        return person.pk if person is not None else None


class StakeholderIn(ItemIn):
    person: uuid.UUID | None = Field(None, description="A person of the register, or a name.")
    name: Text = Field("", max_length=300)
    influence: Influence = 1
    proximity: Proximity = 0
    note: Text = Field("", max_length=LONG_TEXT)


def _prepare_stakeholders(queryset: QS, user: User) -> QS:
    return queryset.prefetch_related(Prefetch("person", queryset=Person.objects.visible_to(user)))


register(
    router,
    _item_resource(
        Stakeholder,
        "negotiation-stakeholders",
        StakeholderOut,
        StakeholderIn,
        ("name", "influence", "proximity", "note"),
        required=("name", "influence", "proximity", "note"),
        links={"person": (Person, True)},
        prepare=_prepare_stakeholders,
    ),
)


class StakeholderLinkOut(ItemOut):
    """A tie between two stakeholders of the same file, and how strong."""

    source: uuid.UUID = Field(validation_alias="source_id")
    target: uuid.UUID = Field(validation_alias="target_id")
    strength: int = Field(description="1 loose, 3 strong.")
    note: str = Field(description="What ties them.")


class StakeholderLinkIn(ItemIn):
    source: uuid.UUID = Field(description="A stakeholder of the file.")
    target: uuid.UUID = Field(description="Another stakeholder of the file.")
    strength: Strength = 1
    note: Text = Field("", max_length=300)


register(
    router,
    _item_resource(
        StakeholderLink,
        "negotiation-stakeholder-links",
        StakeholderLinkOut,
        StakeholderLinkIn,
        ("strength", "note"),
        required=("source", "target", "strength", "note"),
        links={"source": (Stakeholder, False), "target": (Stakeholder, False)},
    ),
)

# Red lines, bottom lines, scenarios


class RedLineOut(ItemOut):
    """A line we will not cross; signed off by the head of delegation, the mandator."""

    text: str
    set_by: uuid.UUID = Field(validation_alias="set_by_id", description="Who wrote it.")
    signed_off_by: uuid.UUID | None = Field(
        validation_alias="signed_off_by_id",
        description="The head of delegation who signed it off as it reads now; null if not.",
    )
    signed_off_at: datetime.datetime | None


class RedLineFilters(ItemFilters):
    signed_off: QueryFlag | None = Field(None, description="Signed off: true or false.")


class RedLineIn(ItemIn):
    text: Text = Field(min_length=1, max_length=LONG_TEXT)


def _filter_red_lines(queryset: QS, filters: RedLineFilters, user: User) -> QS:
    queryset = _filter_items(queryset, filters, user)
    if filters.signed_off is not None:
        queryset = queryset.filter(signed_off_at__isnull=not filters.signed_off)
    return queryset


RED_LINES = _item_resource(
    RedLine,
    "negotiation-red-lines",
    RedLineOut,
    RedLineIn,
    ("text",),
    filters=RedLineFilters,
    filter=_filter_red_lines,
    required=("text",),
)
register(router, RED_LINES)


@router.post(
    "/negotiation-red-lines/{pk}/sign-off/",
    response={200: RedLineOut, **ERRORS, **BAD_BODY, 404: ErrorOut, 409: conflict_of(RedLineOut)},
    summary="Sign off a red line",
    operation_id="sign_off_red_line",
    tags=[TAG],
)
def sign_off_red_line(request: HttpRequest, pk: uuid.UUID, payload: VersionIn) -> Any:
    """Sign off a red line as it reads at the version sent, as head of the delegation that
    holds the file (anyone else: 403). Changing its text later clears the sign-off. A
    stale version is a 409 with the red line as it now stands."""
    user = actor_of(request)
    red_line = RED_LINES.fetch(user, pk)
    try:
        _write(lambda: do_sign_off_red_line(red_line, actor=user, expected_version=payload.version))
    except EditConflict as exc:
        return _conflict(RED_LINES, user, exc)
    current = RED_LINES.fetch(user, pk)
    record_read(user, current)
    return Status(200, current)


class BottomLineOut(ItemOut):
    """The least we can accept and still agree."""

    text: str


class BottomLineIn(ItemIn):
    text: Text = Field(min_length=1, max_length=LONG_TEXT)


register(
    router,
    _item_resource(
        BottomLine,
        "negotiation-bottom-lines",
        BottomLineOut,
        BottomLineIn,
        ("text",),
        required=("text",),
    ),
)


class ScenarioOut(ItemOut):
    """A way the negotiation could go, its costs and benefits, and how likely."""

    text: str
    costs: str
    benefits: str
    likelihood: Likelihood


class ScenarioFilters(ItemFilters):
    likelihood: Likelihood | None = None


class ScenarioIn(ItemIn):
    text: Text = Field(min_length=1, max_length=LONG_TEXT)
    costs: Text = Field("", max_length=LONG_TEXT)
    benefits: Text = Field("", max_length=LONG_TEXT)
    likelihood: Likelihood = Likelihood.MEDIUM


register(
    router,
    _item_resource(
        Scenario,
        "negotiation-scenarios",
        ScenarioOut,
        ScenarioIn,
        ("text", "costs", "benefits", "likelihood"),
        filters=ScenarioFilters,
        required=("text", "costs", "benefits", "likelihood"),
    ),
)


# --- Versions (read only) -------------------------------------------------------------------


class NegotiationVersionOut(RecordOut):
    """The file as it stood after one change (its content: ``.../content/``)."""

    file: uuid.UUID = Field(validation_alias="file_id")
    number: int
    summary: str = Field(description="What kind of change it was, in plain words.")


def _without_content(queryset: QS, user: User) -> QS:
    """Lists and records stay light: the content is read only by its own operation."""
    return queryset.defer("content")


VERSIONS = Resource(
    model=NegotiationVersion,
    path="negotiation-versions",
    out=NegotiationVersionOut,
    tag=TAG,
    order=("-created_at", "-number", "id"),
    filters=ItemFilters,
    filter=_filter_items,
    prepare=_without_content,
)
register(router, VERSIONS)


class IslandLine(Schema):
    id: uuid.UUID
    kind: str
    agreed: bool
    text: str


class IcebergLine(Schema):
    id: uuid.UUID
    side: str
    layer: str
    text: str


class StakeholderLine(Schema):
    id: uuid.UUID
    person: uuid.UUID | None = Field(description="Null if none, or one you may not see.")
    name: str
    influence: int
    proximity: int
    note: str


class LinkLine(Schema):
    id: uuid.UUID
    source: uuid.UUID
    target: uuid.UUID
    strength: int
    note: str


class RedLineLine(Schema):
    id: uuid.UUID
    text: str
    set_by: str = Field(description="The name of who wrote it.")
    signed_off_by: str | None = Field(description="The name of who signed it off, if anyone.")
    signed_off_at: datetime.datetime | None


class TextLine(Schema):
    id: uuid.UUID
    text: str


class ScenarioLine(Schema):
    id: uuid.UUID
    text: str
    costs: str
    benefits: str
    likelihood: str


class VersionContentOut(Schema):
    """The whole file as it stood in one version, as the version page shows it."""

    id: uuid.UUID = Field(description="The version's id.")
    file: uuid.UUID
    number: int
    summary: str
    created_at: datetime.datetime
    created_by: uuid.UUID | None
    title: str
    objective: str
    status: str
    opened_on: datetime.date
    bearer: uuid.UUID | None = Field(description="Null if you may not see it now.")
    holder: str = Field(description="The holder's name then.")
    counterparts: list[uuid.UUID] = Field(description="Those you may see now.")
    interactions: list[uuid.UUID] = Field(description="Those you may see now.")
    island: list[IslandLine]
    iceberg: list[IcebergLine]
    stakeholders: list[StakeholderLine]
    links: list[LinkLine]
    red_lines: list[RedLineLine]
    bottom_lines: list[TextLine]
    scenarios: list[ScenarioLine]


def version_content(user: User, version: NegotiationVersion) -> dict[str, Any]:
    """A version's picture of the file, with only the links the user may see now."""
    content = content_of(version)
    names = Names(user, [content])
    stakeholders = [
        {**s, "person": s["person"] if s.get("person") in names.people else None}
        for s in content.get("stakeholders", [])
    ]
    return {
        **content,
        "id": version.pk,
        "file": version.file_id,
        "number": version.number,
        "summary": version.summary,
        "created_at": version.created_at,
        "created_by": version.created_by_id,
        "bearer": content.get("bearer") if content.get("bearer") in names.bearers else None,
        "counterparts": [pk for pk in content.get("counterparts", []) if pk in names.people],
        "interactions": [pk for pk in content.get("interactions", []) if pk in names.contacts],
        "stakeholders": stakeholders,
    }


@router.get(
    "/negotiation-versions/{pk}/content/",
    response={200: VersionContentOut, **ERRORS, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Read the content of a negotiation file's version",
    operation_id="get_negotiation_version_content",
    tags=[TAG],
)
def negotiation_version_content(request: HttpRequest, pk: uuid.UUID) -> dict[str, Any]:
    """Read the file as it stood in one version, decrypted, as the version page shows it:
    people, interactions and a bearer you may not see now are left out. A missing version
    and one you may not see are the same 404."""
    user = actor_of(request)
    version = get_visible_or_404(NegotiationVersion, user, pk)
    record_read(user, version)
    return version_content(user, version)
