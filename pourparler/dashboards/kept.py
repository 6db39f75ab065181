"""Figures kept per delegation, so a dashboard over a million records answers at once.

Counting a decade of interactions, concerns and passages on every view costs seconds at
the size of a global organisation (docs/benchmarks.md). The grouped counts behind the
biggest charts are therefore kept per delegation (``KeptFigure``) and worked out again
only for a delegation whose records changed since.

What is kept is never a matter of who looks: only **plain** records, those every reader
of the delegation's compartment sees (alive, not restricted to named people, and linked
only to plain records of the same compartment or to plain registry records). Whatever
else a viewer may see (records restricted to them, records opened to them by a grant, a
compartment they may not read in full) is counted live through ``visible_to`` and added.
So each figure equals the one counted from ``visible_to`` alone, which the tests check
after every kind of change.

When a delegation's kept rows are stale: every change is in the audit chain, with the
compartment of the record changed (records never move between compartments). Kept rows
carry the chain's head at the moment they were counted; an event since then that is not a
read (a change, a retention run, a restore…) in their compartment, or in none (a change
to the bearer registry, which decides what is plain), makes them count again.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet

from pourparler.core.access import clearance_for
from pourparler.core.choices import AccessScope, AuditKind
from pourparler.core.models import AuditEvent, AuditHead, Delegation
from pourparler.dashboards.models import KeptFigure

# Events that change no record: everything else marks its compartment's figures stale.
READ_ONLY_KINDS = (
    AuditKind.READ,
    AuditKind.LIST,
    AuditKind.EXPORT,
    AuditKind.LOGIN_SUCCEEDED,
    AuditKind.LOGIN_FAILED,
    AuditKind.LOGOUT,
    AuditKind.CHECKPOINT,
)

Row = list[Any]

# Every kept figure's key, with the format of its rows: a new format is a new key, and
# rows under an old one are never read again.
KEYS = (
    "last-contacts.1",
    "concerns-by-quarter.1",
    "passages-by-month.1",
    "passages-by-bearer.1",
)
Counter = Callable[[QuerySet[Any]], list[Row]]


def plain(model: type[models.Model], prefix: str = "", compartment: str = "") -> Q:
    """Rows of ``model`` every reader of their compartment sees, whoever reads.

    ``prefix`` reaches the model through a link (``"bearer__"``); ``compartment`` names
    the compartment the rows must share (the outer record's), empty at the top.
    """
    q = Q(**{f"{prefix}deleted_at__isnull": True, f"{prefix}restricted": False})
    scope = getattr(model, "access_scope", AccessScope.COMPARTMENT)
    if scope == AccessScope.COMPARTMENT:
        if compartment:
            q &= Q(**{f"{prefix}compartment_id": models.F(compartment)})
        else:
            q &= Q(**{f"{prefix}compartment_id__isnull": False})
        compartment = compartment or f"{prefix}compartment_id"
    for parent_name in getattr(model, "access_via", ()):
        parent = model._meta.get_field(parent_name).related_model
        assert isinstance(parent, type)
        q &= Q(**{f"{prefix}{parent_name}__isnull": True}) | plain(
            parent, f"{prefix}{parent_name}__", compartment
        )
    return q


def full_compartments(user: Any, delegation: Delegation | None) -> Kept:
    """The kept figures of the compartments whose plain records the viewer sees in full,
    narrowed to one delegation for its dashboard."""
    clearance = clearance_for(user)
    if clearance is None:
        return Kept([])
    if clearance.reads_every_compartment:
        ids = set(Delegation.objects.order_by().values_list("pk", flat=True))
        every = True
    else:
        ids = set(clearance.compartments_for("view"))
        every = False
    if delegation is not None:
        ids &= {delegation.pk}
        # The figures are narrowed to the delegation: no other compartment counts.
        every = bool(ids)
    return Kept(sorted(ids, key=str), every=every)


def _head() -> int:
    head = AuditHead.objects.filter(pk=1).values_list("seq", flat=True).first()
    return int(head or 0)


def _stale(kept: Sequence[KeptFigure]) -> set[int]:
    """The kept rows (by id) of compartments with a change in the audit chain since they
    were counted."""
    if not kept:
        return set()
    since = min(row.version for row in kept)
    # The events since, read along the chain's primary key and grouped here: grouping in
    # SQL lets SQLite walk the whole chain through the compartment index instead.
    last_change: dict[Any, int] = {}
    for compartment_id, seq in (
        AuditEvent.objects.filter(seq__gt=since)
        .exclude(kind__in=READ_ONLY_KINDS)
        .order_by()
        .values_list("compartment_id", "seq")
        .iterator(chunk_size=2000)
    ):
        last_change[compartment_id] = max(seq, last_change.get(compartment_id, 0))
    everywhere = last_change.get(None, 0)
    return {
        row.pk
        for row in kept
        if max(everywhere, last_change.get(row.compartment_id, 0)) > row.version
    }


class Kept:
    """The kept figures of some compartments, read (and checked for changes) once for
    every figure of a view."""

    def __init__(self, compartments: Iterable[Any], every: bool = False) -> None:
        self.compartments = list(compartments)
        # Whether the compartments are all those the figures may count (so a record the
        # viewer sees is outside them only when it belongs to none).
        self.every = every
        self._fresh: dict[tuple[str, Any], KeptFigure] | None = None

    def _load(self) -> dict[tuple[str, Any], KeptFigure]:
        if self._fresh is None:
            kept = list(
                KeptFigure.objects.filter(compartment_id__in=self.compartments, key__in=KEYS)
            )
            stale = _stale(kept)
            self._fresh = {
                (row.key, row.compartment_id): row for row in kept if row.pk not in stale
            }
        return self._fresh

    def rows(
        self, key: str, model: type[models.Model], count: Counter, also: Q | None = None
    ) -> list[tuple[Any, Row]]:
        """The rows ``count`` gives over the plain records of each compartment, with
        their compartment: kept ones where nothing changed, counted again (and kept)
        elsewhere. ``key`` is one of ``KEYS``.

        ``also`` narrows what is plain for this figure (say, passages at checkpoints of
        plain bearers); ``the_rest`` must be given its opposite."""
        assert not getattr(model, "access_via", ()), "kept figures count records without parents"
        assert key in KEYS, key
        if not self.compartments:
            return []
        fresh = self._load()
        result: list[tuple[Any, Row]] = []
        for compartment_id in self.compartments:
            found = fresh.get((key, compartment_id))
            if found is None:
                found = _count_again(key, model, count, compartment_id, also)
                fresh[(key, compartment_id)] = found
            result.extend((compartment_id, row) for row in found.rows)
        return result


def _count_again(
    key: str, model: type[models.Model], count: Counter, compartment_id: Any, also: Q | None
) -> KeptFigure:
    version = _head()
    records = model._default_manager.filter(plain(model), compartment_id=compartment_id)
    if also is not None:
        records = records.filter(also)
    rows = count(records)
    values = {"version": version, "rows": rows, "counted_at": datetime.datetime.now(datetime.UTC)}
    try:
        with transaction.atomic():
            figure, _created = KeptFigure.objects.update_or_create(
                key=key, compartment_id=compartment_id, defaults=values
            )
    except IntegrityError:
        # Another request kept the same rows first; ours are as good.
        figure = KeptFigure(key=key, compartment_id=compartment_id, **values)
    return figure


def the_rest(
    visible: QuerySet[Any], kept: Kept, user: Any, also_not: Q | None = None
) -> list[QuerySet[Any]]:
    """What the viewer sees beyond the kept rows: ``visible`` (already through the read
    path) without the plain records of the kept compartments, as querysets with no record
    in common (their counts add up).

    Each is written so that the database finds its few records through an index instead
    of reading every record: restricted records from the people named on them (and the
    grants on records, the only other way to see one, ``core.access``); records in no
    compartment or outside the kept ones; records not plain for this figure
    (``also_not``, the opposite of ``Kept.rows``' ``also``)."""
    if not kept.compartments:
        return [visible]
    model = visible.model
    link = model._meta.get_field("restricted_to")
    through = link.remote_field.through
    named = through._default_manager.filter(**{link.m2m_reverse_field_name(): user.pk}).values(
        link.m2m_field_name()
    )
    opened = Q(pk__in=named)
    clearance = clearance_for(user)
    granted = clearance.granted(model._meta.label, "view") if clearance else frozenset()
    if granted:
        opened |= Q(pk__in=granted)
    parts = [
        visible.filter(opened, restricted=True),
        visible.filter(restricted=False, compartment_id__isnull=True),
    ]
    if not kept.every:
        parts.append(
            visible.filter(restricted=False, compartment_id__isnull=False).exclude(
                compartment_id__in=kept.compartments
            )
        )
    if also_not is not None:
        parts.append(
            visible.filter(also_not, restricted=False, compartment_id__in=kept.compartments)
        )
    return parts


def not_plain(model: type[models.Model]) -> QuerySet[Any]:
    """The keys of registry records that are not plain (deleted, restricted, or under one
    that is), for ``also_not``."""
    return model._default_manager.exclude(plain(model)).values("pk")
