"""Every write about concerns: opening and editing a concern, its sources, the
representations made, the bearer's responses, status moves and follow-ups.

The life of a concern (``ConcernStatus``):

* opened → **open**;
* the first representation moves it to **raised** (on the day it was made);
* the bearer's first real response moves it to **responded** (on the day it came;
  silence noted as "no response" moves nothing);
* a delegate then marks it **addressed**, **persisting** or **closed**, with a date and a
  note (``do_change_concern_status``, allowed moves in ``MANUAL_MOVES``).

Anything else is refused with ``TransitionRefused`` and a message saying why. Deleting
the only representation of a raised concern, or the only response of a responded one,
moves it back one step, on the record; deleting the only representation of a concern
that has gone further is refused (correct the representation instead).

The concern keeps the dates the figures need (``raised_on``, ``raised_level``,
``responded_on``, ``addressed_on``, ``status``/``status_on``); they are refreshed here,
in the same transaction as the representation, response or move that changes them, and
logged like any other change. Records under a concern take its compartment and
restriction, and follow them when the concern's change.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pourparler.bearers.models import Unit, WeaponBearer
from pourparler.concerns.choices import (
    NOTE_RAISED,
    NOTE_REPRESENTATION_CORRECTED,
    NOTE_REPRESENTATION_DELETED,
    NOTE_RESPONDED,
    NOTE_RESPONSE_CORRECTED,
    NOTE_RESPONSE_DELETED,
    ConcernStatus,
    ResponseKind,
)
from pourparler.concerns.models import (
    Concern,
    ConcernFollowUp,
    ConcernSource,
    ConcernStatusChange,
    Representation,
    Response,
    start_of_period,
)
from pourparler.core.choices import DatePrecision
from pourparler.core.models import Delegation, Record, User
from pourparler.core.services import (
    EditConflict,
    RecordGone,
    create_record,
    delete_record,
    ensure_permitted,
    require_visible,
    update_record,
    write_service,
)
from pourparler.dialogue.choices import FollowUpStatus
from pourparler.dialogue.models import Interaction, Topic
from pourparler.geo.models import AdminArea
from pourparler.people.models import Person

S = ConcernStatus
_R = TypeVar("_R", bound=Record)

# The moves a delegate makes by hand. Raised and responded are never chosen: they follow
# from recording a representation or a response.
MANUAL_MOVES: dict[str, frozenset[str]] = {
    S.OPEN: frozenset({S.CLOSED}),
    S.RAISED: frozenset({S.ADDRESSED, S.PERSISTING, S.CLOSED}),
    S.RESPONDED: frozenset({S.ADDRESSED, S.PERSISTING, S.CLOSED}),
    S.PERSISTING: frozenset({S.ADDRESSED, S.CLOSED}),
    S.ADDRESSED: frozenset({S.PERSISTING}),
    S.CLOSED: frozenset(),
}

# Fields of a concern that only this module sets.
DERIVED_FIELDS = frozenset(
    {"status", "status_on", "raised_on", "raised_level", "responded_on", "addressed_on"}
)

# The records under a concern: they share its compartment and restriction.
CHILD_MODELS: tuple[type[Any], ...] = (
    ConcernSource,
    Representation,
    Response,
    ConcernStatusChange,
    ConcernFollowUp,
)


class TransitionRefused(ValidationError):
    """A move the life of a concern does not allow; the message says why."""


def _refuse(field: str | None, message: Any) -> None:
    if field is None:
        raise ValidationError(message)
    raise ValidationError({field: message})


def _day(day: datetime.date) -> str:
    """A day as the reader's language writes it ("5 March 2026", "5 mars 2026")."""
    return date_format(day, "DATE_FORMAT")


def _today() -> datetime.date:
    return timezone.localdate()


def _not_in_future(field: str, day: datetime.date | None, message: Any) -> None:
    """Refuse a day after today; ``message`` says which date (a lazy text)."""
    if day is not None and day > _today():
        _refuse(field, message)


# --------------------------------------------------------------------------------------
# Concerns
# --------------------------------------------------------------------------------------


def _check_concern(values: Mapping[str, Any], bearers: Sequence[WeaponBearer]) -> None:
    """Refuse a concern whose dates or links do not hold together."""
    occurred_on = values["occurred_on"]
    opened_on = values["opened_on"]
    _not_in_future("occurred_on", occurred_on, _("The date of the facts cannot be in the future."))
    _not_in_future("opened_on", opened_on, _("The opening date cannot be in the future."))
    if opened_on < occurred_on:
        _refuse("opened_on", _("A concern cannot be opened before the facts happened."))
    if not bearers:
        _refuse("bearers", _("Name the bearer alleged responsible."))
    unit = values.get("unit")
    if unit is not None and unit.bearer_id not in {b.pk for b in bearers}:
        _refuse("unit", _("This unit belongs to none of the bearers named."))


def _check_links(actor: User, values: Mapping[str, Any]) -> None:
    """Refuse links to a topic, unit or area the actor cannot see."""
    for name, model in (("category", Topic), ("unit", Unit), ("admin_area", AdminArea)):
        if values.get(name) is not None:
            require_visible(model, [values[name]], actor)


def _normalised(values: dict[str, Any]) -> dict[str, Any]:
    """Store a month or a year as its first day, so sorting and periods work."""
    if values.get("occurred_on") is not None:
        precision = values.get("date_precision") or DatePrecision.DAY
        values["occurred_on"] = start_of_period(values["occurred_on"], precision)
    return values


@write_service
def do_open_concern(
    *,
    actor: User,
    compartment: Delegation,
    summary: str,
    description: str,
    occurred_on: datetime.date,
    category: Topic,
    bearers: Iterable[WeaponBearer],
    sources: Sequence[Mapping[str, Any]] = (),
    restricted_to: Iterable[User] = (),
    opened_on: datetime.date | None = None,
    **fields: Any,
) -> Concern:
    """Open a concern about a bearer, with its sources, all or nothing."""
    if DERIVED_FIELDS & set(fields):
        raise ValueError("The status and its dates are set by representations and moves.")
    values = _normalised(
        {
            "occurred_on": occurred_on,
            "opened_on": opened_on or _today(),
            "category": category,
            **fields,
        }
    )
    _check_links(actor, values)
    bearer_list = require_visible(WeaponBearer, bearers, actor)
    _check_concern(values, bearer_list)
    concern = Concern(
        compartment=compartment,
        summary=summary,
        description=description,
        status=S.OPEN,
        status_on=values["opened_on"],
        **values,
    )
    m2m: dict[str, Iterable[Any]] = {"bearers": bearer_list}
    if concern.restricted:
        m2m["restricted_to"] = list(restricted_to)
    create_record(concern, actor=actor, m2m=m2m)
    _add_child(
        ConcernStatusChange(concern=concern, to_status=S.OPEN, changed_on=concern.opened_on),
        concern,
        actor=actor,
    )
    for source in sources:
        do_add_concern_source(concern, actor=actor, **source)
    return concern


def _restriction_of(concern: Concern) -> tuple[Any, bool, frozenset[Any]]:
    ids = frozenset(concern.restricted_to.values_list("pk", flat=True))
    return concern.compartment_id, concern.restricted, ids


@write_service
def do_update_concern(
    concern: Concern,
    *,
    actor: User,
    expected_version: int,
    changes: Mapping[str, Any],
    links: Mapping[str, Iterable[Any]] | None = None,
) -> Concern:
    """Change a concern seen at ``expected_version``; a stale edit raises EditConflict.

    Its status and dates are refused here: they follow representations, responses and
    moves. A change of compartment or restriction is carried to every record under it.
    """
    if DERIVED_FIELDS & set(changes):
        raise ValueError("The status and its dates are set by representations and moves.")
    try:
        current = Concern.objects.alive().get(pk=concern.pk)
    except Concern.DoesNotExist:
        raise RecordGone("The concern was deleted.") from None
    before = _restriction_of(current)
    links = dict(links or {})
    _check_links(actor, changes)
    checked: dict[str, Iterable[Any]] = {}
    if "bearers" in links:
        # Bearers the actor cannot see stay linked: they could not have chosen them.
        hidden = list(current.bearers.exclude(pk__in=WeaponBearer.objects.visible_to(actor)))
        chosen = require_visible(WeaponBearer, links["bearers"], actor)
        checked["bearers"] = bearers = chosen + [b for b in hidden if b not in chosen]
    else:
        bearers = list(current.bearers.all())
    if "restricted_to" in links:
        checked["restricted_to"] = list(links["restricted_to"])
    names = ("occurred_on", "opened_on", "date_precision", "unit")
    values = _normalised({name: changes.get(name, getattr(current, name)) for name in names})
    if current.version == expected_version:
        # Checked against what is stored; a stale edit is a conflict, not an error.
        _check_concern(values, bearers)
        if current.raised_on is not None and values["opened_on"] > current.raised_on:
            _refuse(
                "opened_on",
                gettext(
                    "The concern was first raised on %(date)s: it cannot have been opened after "
                    "that."
                )
                % {"date": _day(current.raised_on)},
            )
    full = dict(changes)
    if "occurred_on" in changes or "date_precision" in changes:
        full["occurred_on"] = values["occurred_on"]
    updated = update_record(
        concern, actor=actor, expected_version=expected_version, changes=full, m2m=checked
    )
    if _restriction_of(updated) != before:
        _carry_to_children(updated, actor=actor)
    return updated


@write_service
def do_delete_concern(concern: Concern, *, actor: User, expected_version: int) -> Concern:
    """Put a tombstone on a concern; the records under it are hidden with it."""
    return delete_record(concern, actor=actor, expected_version=expected_version)


def _add_child(
    child: _R, concern: Concern, *, actor: User, m2m: Mapping[str, Iterable[Any]] | None = None
) -> _R:
    """Create a record under a concern, in its compartment and with its restriction."""
    child.compartment_id = concern.compartment_id
    links = dict(m2m or {})
    if concern.restricted:
        child.restricted = True
        links["restricted_to"] = list(concern.restricted_to.all())
    return create_record(child, actor=actor, m2m=links)


def _carry_to_children(concern: Concern, *, actor: User) -> None:
    """Give every record under the concern the concern's compartment and restriction."""
    named = list(concern.restricted_to.all())
    named_ids = {user.pk for user in named}
    for model in CHILD_MODELS:
        for child in model.objects.alive().filter(concern=concern):
            ids = set(child.restricted_to.values_list("pk", flat=True))
            if (child.compartment_id, child.restricted, ids) == (
                concern.compartment_id,
                concern.restricted,
                named_ids,
            ):
                continue
            update_record(
                child,
                actor=actor,
                expected_version=child.version,
                changes={
                    "compartment_id": concern.compartment_id,
                    "restricted": concern.restricted,
                },
                m2m={"restricted_to": named},
            )


# --------------------------------------------------------------------------------------
# The status and the dates the figures need
# --------------------------------------------------------------------------------------


def _locked(concern: Concern) -> Concern:
    """Lock the concern's row for the rest of the transaction and return it as stored."""
    return Concern.objects.alive().select_for_update().get(pk=concern.pk)


def _move(
    concern: Concern,
    to: str,
    on: datetime.date,
    note: str,
    *,
    actor: User,
    changes: dict[str, Any],
) -> None:
    """Add a status move to the history and to the changes to apply to the concern."""
    _add_child(
        ConcernStatusChange(
            concern=concern,
            from_status=concern.status,
            to_status=to,
            changed_on=on,
            note=note,
        ),
        concern,
        actor=actor,
    )
    changes["status"] = to
    changes["status_on"] = on


def _refresh(current: Concern, *, actor: User, why: str) -> Concern:
    """Recompute a concern's dates from its live representations and responses, and make
    the moves they imply (raised, responded, or one step back after a deletion).

    ``current`` is the concern as locked by the caller (``_locked``) at the start of the
    service, so nobody else changed it since.
    """
    first = (
        Representation.objects.alive()
        .filter(concern=current)
        .order_by("made_on", "created_at")
        .first()
    )
    first_answer = (
        Response.objects.alive()
        .filter(concern=current)
        .exclude(kind=ResponseKind.NO_RESPONSE)
        .order_by("received_on", "created_at")
        .first()
    )
    changes: dict[str, Any] = {
        "raised_on": first.made_on if first else None,
        "raised_level": first.level if first else "",
        "responded_on": first_answer.received_on if first_answer else None,
    }
    status = current.status
    if status == S.OPEN and first is not None:
        _move(current, S.RAISED, first.made_on, why, actor=actor, changes=changes)
    elif status == S.RAISED and first is None:
        _move(current, S.OPEN, _today(), why, actor=actor, changes=changes)
    elif status == S.RAISED and first_answer is not None:
        _move(current, S.RESPONDED, first_answer.received_on, why, actor=actor, changes=changes)
    elif status == S.RESPONDED and first_answer is None:
        _move(current, S.RAISED, _today(), why, actor=actor, changes=changes)
    stored = {name: getattr(current, name) for name in changes}
    if stored == changes:
        return current
    return update_record(current, actor=actor, expected_version=current.version, changes=changes)


@write_service
def do_change_concern_status(
    concern: Concern,
    *,
    actor: User,
    expected_version: int,
    status: str,
    note: str,
    changed_on: datetime.date | None = None,
) -> Concern:
    """Mark a concern addressed, persisting or closed, from a date, saying why."""
    ensure_permitted(concern, actor, "change")
    current = _locked(concern)
    if current.version != expected_version:
        raise EditConflict(current, {"status": status, "status_on": changed_on})
    on = changed_on or _today()
    allowed = MANUAL_MOVES[current.status]
    if status == current.status:
        raise TransitionRefused(
            gettext("The concern is already %(status)s.")
            % {"status": str(current.get_status_display()).lower()}
        )
    if status in (S.RAISED, S.RESPONDED):
        raise TransitionRefused(
            gettext(
                "A concern is raised by recording a representation, and responded by recording "
                "the bearer's response; they cannot be chosen by hand."
            )
        )
    if status not in allowed:
        label = str(S(status).label).lower()
        if current.status == S.CLOSED:
            reason = gettext("a closed concern stays closed; open a new one if the facts recur.")
        elif current.status == S.OPEN:
            reason = gettext("raise it with the bearer first (record a representation).")
        else:
            reason = gettext("that move is not part of a concern's life.")
        raise TransitionRefused(
            gettext("A concern cannot go from %(status)s to %(new)s: %(reason)s")
            % {
                "status": str(current.get_status_display()).lower(),
                "new": label,
                "reason": reason,
            }
        )
    if not note.strip():
        _refuse("note", _("Say why: what the bearer did, or why the concern is closed."))
    _not_in_future("changed_on", on, _("The date cannot be in the future."))
    if on < current.status_on:
        _refuse(
            "changed_on",
            gettext(
                "The concern has been %(status)s since %(date)s; the new status cannot start "
                "before that."
            )
            % {
                "status": str(current.get_status_display()).lower(),
                "date": _day(current.status_on),
            },
        )
    changes: dict[str, Any] = {}
    if status == S.ADDRESSED:
        changes["addressed_on"] = on
    _move(current, status, on, note, actor=actor, changes=changes)
    return update_record(current, actor=actor, expected_version=expected_version, changes=changes)


# --------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------


@write_service
def do_add_concern_source(
    concern: Concern,
    *,
    actor: User,
    kind: str,
    reliability: str,
    credibility: str,
    description: str = "",
    received_on: datetime.date | None = None,
) -> ConcernSource:
    """Add a graded source to a concern."""
    ensure_permitted(concern, actor, "change")
    _not_in_future("received_on", received_on, _("The date received cannot be in the future."))
    source = ConcernSource(
        concern=concern,
        kind=kind,
        reliability=reliability,
        credibility=credibility,
        description=description,
        received_on=received_on,
    )
    return _add_child(source, concern, actor=actor)


@write_service
def do_update_concern_source(
    source: ConcernSource, *, actor: User, expected_version: int, changes: Mapping[str, Any]
) -> ConcernSource:
    """Correct a source seen at ``expected_version``: its kind, grading, details or date."""
    if "concern" in changes:
        raise ValueError("A source stays with its concern.")
    _not_in_future(
        "received_on",
        changes.get("received_on"),
        _("The date received cannot be in the future."),
    )
    return update_record(source, actor=actor, expected_version=expected_version, changes=changes)


@write_service
def do_remove_concern_source(
    source: ConcernSource, *, actor: User, expected_version: int
) -> ConcernSource:
    """Put a tombstone on a source (a wrong entry, or one that must not be kept)."""
    return delete_record(source, actor=actor, expected_version=expected_version)


# --------------------------------------------------------------------------------------
# Representations
# --------------------------------------------------------------------------------------


def _same_compartment(field: str, record: Any, concern: Concern, message: Any) -> None:
    if record is not None and record.compartment_id != concern.compartment_id:
        _refuse(field, message)


_OTHER_PERSON = _("This person belongs to another delegation than the concern.")
_OTHER_INTERACTION = _("This interaction belongs to another delegation than the concern.")


def _check_representation(concern: Concern, values: Mapping[str, Any], actor: User) -> None:
    made_on = values["made_on"]
    _not_in_future("made_on", made_on, _("A representation cannot be in the future."))
    if made_on < concern.opened_on:
        _refuse(
            "made_on",
            gettext(
                "The concern was opened on %(date)s: a representation about it cannot be "
                "earlier (correct the opening date first if it was raised before)."
            )
            % {"date": _day(concern.opened_on)},
        )
    person = values.get("to_person")
    if person is not None:
        require_visible(Person, [person], actor)
        _same_compartment("to_person", person, concern, _OTHER_PERSON)
    interaction = values.get("interaction")
    if interaction is not None:
        require_visible(Interaction, [interaction], actor)
        _same_compartment("interaction", interaction, concern, _OTHER_INTERACTION)


@write_service
def do_record_representation(
    concern: Concern,
    *,
    actor: User,
    made_on: datetime.date,
    level: str,
    content: str,
    made_by: Iterable[User] = (),
    **fields: Any,
) -> Representation:
    """Record a representation made to the bearer; the first one raises the concern."""
    ensure_permitted(concern, actor, "change")
    current = _locked(concern)
    if current.status == S.CLOSED:
        raise TransitionRefused(
            gettext(
                "This concern is closed: open a new concern if the facts recur, and raise that."
            )
        )
    _check_representation(current, {"made_on": made_on, **fields}, actor)
    representation = Representation(
        concern=current, made_on=made_on, level=level, content=content, **fields
    )
    _add_child(representation, current, actor=actor, m2m={"made_by": list(made_by)})
    _refresh(current, actor=actor, why=NOTE_RAISED)
    return representation


@write_service
def do_update_representation(
    representation: Representation,
    *,
    actor: User,
    expected_version: int,
    changes: Mapping[str, Any],
    made_by: Iterable[User] | None = None,
) -> Representation:
    """Correct a representation seen at ``expected_version``; the concern's dates follow."""
    concern = _locked(representation.concern)
    stored = Representation.objects.alive().get(pk=representation.pk)
    # Links left unchanged are not checked again: they may point at a person or a contact
    # this editor cannot see, which the edit keeps as it is.
    values = {"made_on": changes.get("made_on", stored.made_on)}
    values.update({name: changes[name] for name in ("to_person", "interaction") if name in changes})
    _check_representation(concern, values, actor)
    m2m = {"made_by": list(made_by)} if made_by is not None else None
    updated = update_record(
        representation, actor=actor, expected_version=expected_version, changes=changes, m2m=m2m
    )
    _refresh(concern, actor=actor, why=NOTE_REPRESENTATION_CORRECTED)
    return updated


@write_service
def do_delete_representation(
    representation: Representation, *, actor: User, expected_version: int
) -> Representation:
    """Put a tombstone on a representation; a concern left without any goes back to open."""
    concern = _locked(representation.concern)
    others = (
        Representation.objects.alive()
        .filter(concern=concern)
        .exclude(pk=representation.pk)
        .exists()
    )
    if not others and concern.status not in (S.OPEN, S.RAISED):
        raise TransitionRefused(
            gettext(
                "This is the only representation of a concern now %(status)s: correct it "
                "instead of deleting it."
            )
            % {"status": str(concern.get_status_display()).lower()}
        )
    deleted = delete_record(representation, actor=actor, expected_version=expected_version)
    _refresh(concern, actor=actor, why=NOTE_REPRESENTATION_DELETED)
    return deleted


# --------------------------------------------------------------------------------------
# Responses
# --------------------------------------------------------------------------------------


def _check_response(concern: Concern, values: Mapping[str, Any], actor: User) -> None:
    received_on = values["received_on"]
    _not_in_future("received_on", received_on, _("A response cannot be in the future."))
    if concern.raised_on is not None and received_on < concern.raised_on:
        _refuse(
            "received_on",
            gettext("The concern was first raised on %(date)s: a response cannot come before it.")
            % {"date": _day(concern.raised_on)},
        )
    representation = values.get("representation")
    if representation is not None:
        if representation.concern_id != concern.pk or representation.is_deleted:
            _refuse("representation", _("Choose a representation about this concern."))
        if received_on < representation.made_on:
            _refuse(
                "received_on", _("A response cannot come before the representation it answers.")
            )
    person = values.get("from_person")
    if person is not None:
        require_visible(Person, [person], actor)
        _same_compartment("from_person", person, concern, _OTHER_PERSON)


@write_service
def do_record_response(
    concern: Concern,
    *,
    actor: User,
    received_on: datetime.date,
    kind: str,
    **fields: Any,
) -> Response:
    """Record the bearer's response; the first real one moves a raised concern to responded."""
    ensure_permitted(concern, actor, "change")
    current = _locked(concern)
    if current.status == S.CLOSED:
        raise TransitionRefused(gettext("This concern is closed: no response can be added to it."))
    if current.raised_on is None:
        raise TransitionRefused(
            gettext(
                "This concern has not been raised yet: record the representation first, then "
                "the response to it."
            )
        )
    _check_response(current, {"received_on": received_on, **fields}, actor)
    response = Response(concern=current, received_on=received_on, kind=kind, **fields)
    _add_child(response, current, actor=actor)
    _refresh(current, actor=actor, why=NOTE_RESPONDED)
    return response


@write_service
def do_update_response(
    response: Response, *, actor: User, expected_version: int, changes: Mapping[str, Any]
) -> Response:
    """Correct a response seen at ``expected_version``; the concern's dates follow."""
    concern = _locked(response.concern)
    stored = Response.objects.alive().get(pk=response.pk)
    # The representation answered is under the same concern, so whoever sees the response
    # sees it; the person may be hidden from this editor and is checked only if changed.
    values = {
        "received_on": changes.get("received_on", stored.received_on),
        "representation": changes.get("representation", stored.representation),
    }
    if "from_person" in changes:
        values["from_person"] = changes["from_person"]
    _check_response(concern, values, actor)
    updated = update_record(
        response, actor=actor, expected_version=expected_version, changes=changes
    )
    _refresh(concern, actor=actor, why=NOTE_RESPONSE_CORRECTED)
    return updated


@write_service
def do_delete_response(response: Response, *, actor: User, expected_version: int) -> Response:
    """Put a tombstone on a response; a responded concern left without one goes back to raised."""
    concern = _locked(response.concern)
    deleted = delete_record(response, actor=actor, expected_version=expected_version)
    _refresh(concern, actor=actor, why=NOTE_RESPONSE_DELETED)
    return deleted


# --------------------------------------------------------------------------------------
# Follow-ups
# --------------------------------------------------------------------------------------


@write_service
def do_schedule_concern_follow_up(
    concern: Concern,
    *,
    actor: User,
    action: str,
    owner: User | None = None,
    due_on: datetime.date | None = None,
) -> ConcernFollowUp:
    """Schedule something to do about a concern, by a date."""
    ensure_permitted(concern, actor, "change")
    follow_up = ConcernFollowUp(concern=concern, action=action, owner=owner, due_on=due_on)
    return _add_child(follow_up, concern, actor=actor)


@write_service
def do_complete_concern_follow_up(
    follow_up: ConcernFollowUp,
    *,
    actor: User,
    expected_version: int,
    done_on: datetime.date | None = None,
) -> ConcernFollowUp:
    """Mark a concern's follow-up done (today, unless the day it was done is given)."""
    return update_record(
        follow_up,
        actor=actor,
        expected_version=expected_version,
        changes={"status": FollowUpStatus.DONE, "done_on": done_on or _today()},
    )


@write_service
def do_update_concern_follow_up(
    follow_up: ConcernFollowUp,
    *,
    actor: User,
    expected_version: int,
    changes: Mapping[str, Any],
) -> ConcernFollowUp:
    """Change a concern's follow-up: what, by whom, by when, and where it stands.

    Marked done without the day it was done, it was done today; reopened or cancelled, it
    has no such day.
    """
    if "concern" in changes:
        raise ValueError("A follow-up stays with its concern.")
    values = dict(changes)
    status = values.get("status", follow_up.status)
    if status == FollowUpStatus.DONE:
        if values.get("done_on") is None and ("done_on" in values or follow_up.done_on is None):
            values["done_on"] = _today()
    elif "status" in values:
        values["done_on"] = None
    _not_in_future(
        "done_on", values.get("done_on"), _("The day it was done cannot be in the future.")
    )
    return update_record(follow_up, actor=actor, expected_version=expected_version, changes=values)


@write_service
def do_delete_concern_follow_up(
    follow_up: ConcernFollowUp, *, actor: User, expected_version: int
) -> ConcernFollowUp:
    """Put a tombstone on a concern's follow-up (entered by mistake, or no longer wanted)."""
    return delete_record(follow_up, actor=actor, expected_version=expected_version)
