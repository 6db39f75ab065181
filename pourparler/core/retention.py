"""Retention: how long each kind of record is kept, and what happens when it expires.

``settings.RETENTION`` (from ``POURPARLER_RETENTION_<KIND>_DAYS`` and ``..._ACTION``, see
.env.example) gives each kind of record a period in days and an action. ``pourparler
retention run`` (``run()`` below) finds what has expired and, one record per transaction,
anonymises or deletes it as the system, logs and audits it, and reports per kind how
many records it examined, anonymised and deleted. ``--dry-run`` writes nothing.

The clocks (the date a period is counted from), with the default period and action:

* ``person``: the person's last sign of life: the latest of the record's creation, the
  last interaction they took part in, the last representation made to them or response
  from them (concerns), the last commitment they signed, the end of the last post they
  held and, for a person already
  deleted, the deletion. A person who still holds a post (no end date) does not expire
  unless deleted. Only contacts and posts without a tombstone count.
  Default: 5 years, anonymise.
* ``interaction``: the day it happened (``occurred_at``). Default: 10 years, anonymise.
* ``follow_up``: the latest of its creation, its due date, the day it was done and the
  day of its interaction. Default: 10 years, anonymise.
* ``concern``, with its sources, representations, responses, status history and
  follow-ups: the day of its last status change (``status_on``), once it is addressed
  or closed, or any later date among its live records (a source received, a
  representation made, a response received, a status change, a follow-up due or done).
  An open, raised, responded or persisting concern does not expire while it is one,
  unless it was deleted: then the latest of the deletion and those dates.
  Default: 10 years, anonymise.
* ``acceptance_assessment``: the day of the assessment (``assessed_on``).
  Default: 5 years, anonymise.
* ``checkpoint_passage``: the crossing (``occurred_at``). Default: 3 years, anonymise.
* ``access_constraint``: its end (``ended_on``); one that still lasts never expires,
  unless deleted: then the latest of the deletion, its start and its end.
  Default: 5 years, anonymise.
* ``security_incident``: the day it happened (``occurred_at``). Default: 10 years,
  anonymise.
* ``dissemination_session``: the day it ended (``ends_on``, else ``held_on``).
  Default: 5 years, anonymise.
* ``integration_assessment``: the day of the assessment (``assessed_on``).
  Default: 10 years, anonymise.
* ``commitment``, with its signatories and compliance observations: the latest of the
  day it was made, the days its live signatories signed and the days of its live
  compliance observations (a commitment still observed is still alive).
  Default: 10 years, anonymise.
* ``login_attempt``: django-axes' sign-in records (``AccessAttempt``, ``AccessLog``,
  ``AccessFailureLog``), from the attempt. Default: 90 days, delete (erased: they are not
  records of the dialogue and have no change log).

Why these periods (for the data-protection officer). The rule is to keep what the
figures and the long memory of the dialogue need, and to let go, sooner, of what
identifies someone:

* Concerns and their evidence are kept long, 10 years after the concern was addressed or
  closed: patterns of alleged violations by a bearer, a unit or in a place matter over
  years, a concern may persist or recur, and accountability processes come late. Their
  sources may name witnesses and victims, who are at risk if named, so the text goes
  then, while the dates, levels, outcomes and categories stay for the outcome figures.
* Interactions, follow-ups and integration assessments: 10 years. The dialogue with a
  bearer, and the integration of the law into its doctrine and training, move over a
  decade; what was said stays as long as the relationship needs it.
* Commitments: 10 years after they were last observed. A bearer is reminded of its word
  years later, so an undertaking stays whole while anyone still checks it; then who
  signed it and who witnessed it go, and the kind of instrument, parties, dates,
  disclosure and the compliance series stay.
* Security incidents: 10 years. Staff hurt, threatened or detained may claim
  compensation or need the record for their care long afterwards, and serious incidents
  are studied for years; the kind, severity, bearers, place and number of staff
  affected stay for the security figures.
* People: 5 years after the last contact, the relationship having ended.
* Acceptance assessments, access constraints and dissemination sessions: 5 years.
  They are operational readings: the reasons behind a reading of acceptance, who said
  what about a closed road, who came from outside to teach a course, serve the work of
  the next few years; the status series, the categories, the counts of participants and
  the scores remain.
* Checkpoint passages: 3 years. They are numerous and operational; the figures keep what
  shows patterns (bearer, unit, checkpoint name and area, date, outcome, delay, team size,
  vehicles), while what was said at the checkpoint and the exact coordinates of the team
  go.
* Sign-in records: 90 days, enough to investigate an attack on an account.

The actions:

* ``delete`` puts a tombstone on the record through the same primitives as the service
  layer (``core/services.py``): row locked, version bumped, a ``delete`` change-log entry,
  its audit event. The record disappears for everyone; its text stays encrypted in the
  row. Records already deleted are left alone. Records under a concern are not deleted
  with it: the tombstone on the concern hides them (they are read through it).
* ``anonymise`` overwrites what identifies someone and removes the earlier values from
  the change log, so they cannot be read back from it either. It also reaches records
  already deleted, which still hold their text. A record changed after it was
  anonymised (or, for a concern, one of its records changed) is examined again: its
  clock starts over from its new dates.

  - a person: full name becomes "Anonymised person <last 8 hex digits of the id>", notes
    and languages are emptied, every other name is overwritten and deleted, the rank and
    title of every post and the notes of every relationship are emptied,
    ``anonymised_at`` is set and the blind index (``search_tokens``) is rebuilt from what
    is left, so the old name no longer finds the person. Kept: the id, purpose and legal
    basis, compartment, the bearer, unit, level and dates of each post, who held the
    relationship, and the links from interactions (the person stays counted as a
    contact, without a name). The other names' language and script are kept.
    (``people/retention.py``.)

  The other kinds are described in one table, ``DESCRIPTIONS``: for each, the model,
  its clock, the fields overwritten (required text becomes the marker text, optional
  text is emptied, coordinates and links to people are cleared), the many-to-many links
  emptied, and the records under it that are anonymised with it. Everything not named
  is kept:

  - an interaction: summary becomes the marker, notes and outcomes are emptied and the
    people who took part on their side are unlinked. Kept: kind, date, level, place,
    bearers, topics, situation, framework, our participants.
  - a follow-up: the action becomes the marker. Kept: due date, status, done date.
  - a concern: summary and description become the marker, the place name and the
    coordinates are cleared (a village and a date can point at the witness). Kept: the
    date of the facts and its precision, the administrative area, bearers, unit,
    category, law and rule at stake, confidentiality, status and every date the outcome
    figures use. With it: its sources lose their description (kept: kind, grading,
    date received); its representations lose what we said (marker), to whom in words,
    and the link to the person (kept: date, mode, level, our staff, the interaction);
    its responses lose what they said, from whom in words, and the link to the person
    (kept: date, kind, mode, the representation answered); its status changes lose
    their note (kept: the moves and their dates); its follow-ups' action becomes the
    marker (kept: owner, dates, status).
  - an acceptance assessment: the note is emptied. Kept: bearer, status, date, the
    interaction.
  - a checkpoint passage: the note is emptied and the coordinates cleared. Kept: the
    checkpoint's name and area, bearer, unit, date, outcome, delay, team size, vehicles.
  - an access constraint: the description becomes the marker and the coordinates are
    cleared. Kept: category, sub-category, dates, place name and area, bearer, unit,
    effect.
  - a security incident: the description becomes the marker and the coordinates are
    cleared. Kept: kind, severity, date, place name and area, bearers, staff affected,
    the passage.
  - a dissemination session: the outside facilitators and the notes are emptied. Kept:
    kind, dates, place, bearer, units, level, participants, women, topics, language,
    our facilitators, test counts and scores, the interaction.
  - an integration assessment: the evidence becomes the marker. Kept: bearer, pillar,
    level, date, who assessed, the linked interactions and sessions.
  - a commitment: title and scope become the marker, the terms and the witness are
    emptied. Kept: instrument, parties, date and precision, place, disclosure, the
    contacts that led to it, the current compliance. With it: its signatories' name as
    signed becomes the marker, their title is emptied and the person unlinked (kept:
    capacity, party, date signed); its compliance observations' note becomes the marker
    (kept: date, assessment, the concerns, incidents and passages given as evidence).

  Every change is a change-log ``update`` by the system (its audit event included); then
  every value of those fields in the record's change log that differs from what the
  record now holds is replaced by the marker (encrypted for encrypted fields), and the
  rewritten entries are named, with their new digests, in ``retention`` audit events
  (``audit.record_changelog_redactions``). ``audit verify`` recomputes each entry's
  digest from the stored row; for a rewritten entry it accepts the digest a later
  retention event recorded, so the chain still verifies and no old value is needed for
  it. Each anonymised or deleted record also gets its own ``retention`` event (kind,
  action, period; ids and counts only), and each kind one summary event per run.

What anonymisation cannot reach:

* Free text elsewhere that names the person: interaction summaries and notes,
  follow-up actions, concern descriptions, representations (``to_whom``, content),
  responses, notes and descriptions of the access, training and integration records,
  commitments' scope and terms.
  Software cannot tell a name in prose; they go when their own record expires, or by
  hand.
* Copies outside the database: backups, exports, printed documents.
* The old ciphertext in free pages of the database file: the compartment's data key can
  still read it. ``--vacuum`` rewrites an SQLite file afterwards; on PostgreSQL run
  ``VACUUM FULL`` on the tables of the records anonymised and on the change log, or
  rotate the data keys (``pourparler keys rotate --data-keys``), which destroys the old
  ones.
* The audit chain, which holds ids, digests and staff user names, never names of
  people we know; failed sign-ins keep the user name tried and the address for the life
  of the chain, since removing an event would break it.

The writes run as the system (``actor=None``, logged as ``system``, like the bootstrap
writes in core/services.py): ``update_record`` and ``delete_record`` check that the actor
may change the record, which no user can do across every compartment, so this module
uses the same row lock, snapshot and change-log primitive (``_log``) without that check.
Nothing personal is logged: log lines and audit details carry ids and counts only.
"""

from __future__ import annotations

import datetime
import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, TextIO, TypeVar

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from pourparler.core import audit
from pourparler.core.choices import AuditKind, ChangeAction
from pourparler.core.crypto import (
    DecryptionError,
    changelog_aad,
    decrypt_token,
    encrypted_fields,
    is_token,
    seal_logged_values,
)
from pourparler.core.keys import Progress, scrub_sqlite
from pourparler.core.models import AuditEvent, ChangeLogEntry, Record
from pourparler.core.services import _log, snapshot

logger = logging.getLogger(__name__)
_R = TypeVar("_R", bound=Record)

ANONYMISE = "anonymise"
DELETE = "delete"
ACTIONS = (ANONYMISE, DELETE)
# What replaces removed text, in records and in the change log.
MARKER = "[removed under the retention policy]"
# The order kinds are processed in: what was said before who said it.
KINDS = (
    "interaction",
    "follow_up",
    "concern",
    "acceptance_assessment",
    "checkpoint_passage",
    "access_constraint",
    "security_incident",
    "dissemination_session",
    "integration_assessment",
    "commitment",
    "negotiation_file",
    "handover",
    "area_of_control",
    "person",
    "login_attempt",
)


# --- The configuration --------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One kind of record: expires ``days`` after its clock; then ``action``."""

    kind: str
    days: int
    action: str

    @property
    def keeps_for_ever(self) -> bool:
        """Say whether this kind never expires (0 days)."""
        return self.days == 0

    def cutoff(self, now: datetime.datetime) -> datetime.datetime:
        """Return the moment before which this kind's clock means expired."""
        return now - datetime.timedelta(days=self.days)


def rules(config: Mapping[str, Any] | None = None) -> list[Rule]:
    """Read and check the retention settings; ImproperlyConfigured names what is wrong."""
    config = settings.RETENTION if config is None else config
    policies = all_policies()
    unknown = sorted(set(config) - set(policies))
    if unknown:
        raise ImproperlyConfigured(
            f"RETENTION names unknown kinds {unknown}; known: {', '.join(KINDS)}."
        )
    found = []
    for kind in KINDS:
        entry = config.get(kind)
        if entry is None:
            continue
        days, action = entry.get("days"), str(entry.get("action", "")).strip().lower()
        if not isinstance(days, int) or isinstance(days, bool) or days < 0:
            raise ImproperlyConfigured(
                f"POURPARLER_RETENTION_{kind.upper()}_DAYS must be a whole number of days "
                f"(0 keeps for ever), not {days!r}."
            )
        allowed = policies[kind].actions
        if action not in allowed:
            raise ImproperlyConfigured(
                f"POURPARLER_RETENTION_{kind.upper()}_ACTION must be one of "
                f"{', '.join(allowed)}, not {action!r}."
            )
        found.append(Rule(kind, days, action))
    return found


# --- Writing as the system ----------------------------------------------------------------


def _locked(obj: _R) -> _R:
    """Lock a record's row (tombstoned or not) and return it fresh."""
    manager: models.Manager[_R] = type(obj)._base_manager
    return manager.select_for_update().get(pk=obj.pk)


def system_update(
    obj: _R,
    changes: Mapping[str, Any],
    *,
    m2m: Mapping[str, Iterable[Any]] | None = None,
) -> _R:
    """Change a record as the system: lock, apply, validate, bump the version, save, and
    log an ``update`` by ``system`` with its audit event. Works on tombstoned records too.
    Call it inside a transaction."""
    current = _locked(obj)
    before = snapshot(current)
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean(exclude=list(m2m or ()))
    current.version += 1
    current.updated_by = None
    current.updated_at = timezone.now()
    current.save()
    for name, values in (m2m or {}).items():
        getattr(current, name).set(list(values))
    _log(current, ChangeAction.UPDATE, before, snapshot(current, before), None)
    return current


def system_delete(obj: _R) -> _R:
    """Put a tombstone on a record as the system, logged and audited like
    ``delete_record``. Call it inside a transaction."""
    current = _locked(obj)
    if current.deleted_at is not None:
        return current
    before = snapshot(current)
    now = timezone.now()
    current.deleted_at = current.updated_at = now
    current.deleted_by = current.updated_by = None
    current.version += 1
    current.save()
    _log(current, ChangeAction.DELETE, before, snapshot(current, before), None)
    return current


# --- Removing old values from the change log ----------------------------------------------


@dataclass
class Scrubber:
    """Replace, in the change log of the records given, every value of some fields that
    differs from what the record now holds; then chain the rewritten entries."""

    reason: str
    rewritten: list[ChangeLogEntry] = field(default_factory=list)

    def scrub(self, obj: Record, fields: Iterable[str]) -> int:
        """Rewrite the change log of one record (``obj`` as it now stands) for these
        fields; return how many entries changed."""
        model = type(obj)
        label = model._meta.label
        secret = {f.name: f for f in encrypted_fields(model)}
        wanted: dict[str, tuple[str, Any, bool]] = {}  # log key -> (field name, now, secret)
        for name in fields:
            model_field = model._meta.get_field(name)
            if not isinstance(model_field, models.Field):
                raise ValueError(f"{label}.{name} is not a field of the record itself.")
            if model_field.many_to_many:
                linked = getattr(obj, name).values_list("pk", flat=True)
                wanted[name] = (name, sorted(str(pk) for pk in linked), False)
            else:
                attname = model_field.attname
                wanted[attname] = (name, getattr(obj, attname), name in secret)
        markers: dict[str, Any] = {}

        def marker(key: str, value: Any) -> Any:
            encrypted = wanted[key][2]
            if key not in markers:
                if encrypted:
                    markers[key] = seal_logged_values(obj, {key: MARKER})[key]
                elif isinstance(value, list):
                    markers[key] = []
                elif isinstance(value, str):
                    markers[key] = MARKER
                else:
                    markers[key] = None
            return markers[key]

        def keeps(key: str, value: Any) -> bool:
            name, current, encrypted = wanted[key]
            if value in (None, "", []):
                return True
            if encrypted and isinstance(value, str) and is_token(value):
                try:
                    plain = decrypt_token(value, aad=changelog_aad(label, name, obj.pk))
                except DecryptionError:
                    return False  # unreadable anyway; overwrite it
                return plain in (current, MARKER)
            return bool(value in (current, MARKER))

        entries = ChangeLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id=obj.pk
        ).order_by("at", "id")
        changed = 0
        for entry in entries:
            touched = False
            for side in (entry.before, entry.after):
                if not isinstance(side, dict):
                    continue
                for key in wanted:
                    if key in side and not keeps(key, side[key]):
                        side[key] = marker(key, side[key])
                        touched = True
            if touched:
                ChangeLogEntry.objects.filter(pk=entry.pk).update(
                    before=entry.before, after=entry.after
                )
                self.rewritten.append(entry)
                changed += 1
        return changed

    def flush(self) -> int:
        """Chain the entries rewritten so far (``retention`` events naming their new
        digests), in the caller's transaction; return how many."""
        count = len(self.rewritten)
        if self.rewritten:
            audit.record_changelog_redactions(self.rewritten, actor=None, reason=self.reason)
            self.rewritten = []
        return count


# --- The policies ---------------------------------------------------------------------------


@dataclass
class KindReport:
    """What a run did (or, dry, would do) with one kind of record."""

    kind: str
    days: int
    action: str
    examined: int = 0
    expired: int = 0
    anonymised: int = 0
    deleted: int = 0
    entries_rewritten: int = 0
    seconds: float = 0.0


class Policy:
    """How one kind of record expires and is anonymised or deleted.

    ``expired`` returns the records past their period as a queryset; ``anonymise`` and
    ``delete`` act on one of them inside the run's per-record transaction and return
    the number of change-log entries rewritten.
    """

    kind: str
    actions: ClassVar[tuple[str, ...]] = ACTIONS

    def model(self) -> type[Record]:
        raise NotImplementedError

    def in_scope(self, rule: Rule) -> models.QuerySet[Any]:
        """The records a run looks at for this rule (what "examined" counts): for
        ``delete`` the live ones; for ``anonymise`` those not anonymised since they
        last changed."""
        manager: models.Manager[Any] = self.model()._base_manager
        if rule.action == DELETE:
            return manager.filter(deleted_at__isnull=True)
        events = _anonymised_events(self.model()).filter(at__gte=OuterRef("updated_at"))
        return manager.exclude(Exists(events))

    def expired(self, rule: Rule, now: datetime.datetime) -> models.QuerySet[Any]:
        raise NotImplementedError

    def anonymise(self, obj: Any, rule: Rule, scrubber: Scrubber) -> None:
        raise NotImplementedError

    def delete(self, obj: Any, rule: Rule) -> None:
        system_delete(obj)

    def run(
        self,
        rule: Rule,
        now: datetime.datetime,
        *,
        dry_run: bool,
        progress: Callable[[str, int], Progress] | None = None,
    ) -> KindReport:
        """Apply the rule: one record per transaction, each rechecked under its lock."""
        report = KindReport(rule.kind, rule.days, rule.action)
        report.examined = self.in_scope(rule).count()
        expired = self.expired(rule, now)
        ids = list(expired.order_by("pk").values_list("pk", flat=True))
        report.expired = len(ids)
        if dry_run:
            setattr(report, _counter(rule), len(ids))
            return report
        bar = progress(rule.kind, len(ids)) if progress else None
        for pk in ids:
            with transaction.atomic():
                obj = expired.select_for_update(of=("self",)).filter(pk=pk).first()
                if obj is not None:
                    scrubber = Scrubber(reason=f"retention: {rule.kind} {rule.action}")
                    if rule.action == ANONYMISE:
                        self.anonymise(obj, rule, scrubber)
                    else:
                        self.delete(obj, rule)
                    rewritten = scrubber.flush()
                    audit.record_retention(
                        None,
                        obj=obj,
                        detail={
                            "kind": rule.kind,
                            "action": rule.action,
                            "days": rule.days,
                            "entries_rewritten": rewritten,
                        },
                    )
                    report.entries_rewritten += rewritten
                    setattr(report, _counter(rule), getattr(report, _counter(rule)) + 1)
            if bar is not None:
                bar.advance(1)
        if bar is not None:
            bar.finish()
        return report


def _counter(rule: Rule) -> str:
    return "anonymised" if rule.action == ANONYMISE else "deleted"


def _anonymised_events(model: type[models.Model]) -> models.QuerySet[AuditEvent]:
    """The retention events that say a record of this model was anonymised."""
    return AuditEvent.objects.filter(
        kind=AuditKind.RETENTION,
        content_type=ContentType.objects.get_for_model(model),
        object_id=OuterRef("pk"),
        detail__action=ANONYMISE,
    )


# --- The kinds described by a table -------------------------------------------------------

# A clock: given the cutoff (a moment) and its day, the condition on a record that says
# its period is over.
Clock = Callable[[datetime.datetime, datetime.date], Q]


@dataclass(frozen=True)
class Part:
    """Records under another kind's record that are anonymised with it: the children
    follow their parent. Their ``dates`` (live records only) also hold the parent's
    clock: a representation made last month keeps its concern."""

    model: str  # "app_label.ModelName"
    parent: str  # the foreign key to the parent record
    overwrite: Mapping[str, Any]
    unlink: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()


@dataclass(frozen=True)
class Description:
    """One kind of record retention anonymises or deletes: its model, its clock, the
    fields anonymising overwrites and with what, the many-to-many links it empties, and
    the records under it that follow it. Every other field is kept."""

    kind: str
    model: str  # "app_label.ModelName"
    clock: Clock
    overwrite: Mapping[str, Any]
    unlink: tuple[str, ...] = ()
    parts: tuple[Part, ...] = ()


def _before(name: str) -> Clock:
    """The clock of a record dated by one field (a date or a moment)."""

    def clock(cutoff: datetime.datetime, day: datetime.date) -> Q:
        return Q(**{f"{name}__lt": cutoff}) if name.endswith("_at") else Q(**{f"{name}__lt": day})

    return clock


def _follow_up_clock(cutoff: datetime.datetime, day: datetime.date) -> Q:
    return (
        Q(created_at__lt=cutoff)
        & (Q(due_on__isnull=True) | Q(due_on__lt=day))
        & (Q(done_on__isnull=True) | Q(done_on__lt=day))
        & (Q(interaction__isnull=True) | Q(interaction__occurred_at__lt=cutoff))
    )


def _concern_clock(cutoff: datetime.datetime, day: datetime.date) -> Q:
    from pourparler.concerns.choices import ConcernStatus

    finished = Q(status__in=(ConcernStatus.ADDRESSED, ConcernStatus.CLOSED))
    return Q(status_on__lt=day) & (finished | Q(deleted_at__lt=cutoff))


def _constraint_clock(cutoff: datetime.datetime, day: datetime.date) -> Q:
    ended = Q(ended_on__lt=day)
    deleted = Q(deleted_at__lt=cutoff, occurred_on__lt=day) & (Q(ended_on__isnull=True) | ended)
    return ended | deleted


def _area_clock(cutoff: datetime.datetime, day: datetime.date) -> Q:
    """An area of control whose period ended, or one deleted (its period begun)."""
    ended = Q(ends_on__lt=day)
    deleted = Q(deleted_at__lt=cutoff, starts_on__lt=day) & (Q(ends_on__isnull=True) | ended)
    return ended | deleted


def _session_clock(cutoff: datetime.datetime, day: datetime.date) -> Q:
    return Q(ends_on__lt=day) | Q(ends_on__isnull=True, held_on__lt=day)


def _negotiation_clock(cutoff: datetime.datetime, day: datetime.date) -> Q:
    """A closed file with no version since the cutoff (every change of the file or of a
    row under it writes one), or a file deleted before it."""
    from pourparler.negotiation.choices import FileStatus
    from pourparler.negotiation.models import NegotiationVersion

    changed = NegotiationVersion.objects.filter(file=OuterRef("pk"), created_at__gte=cutoff)
    return (Q(status=FileStatus.CLOSED) & ~Exists(changed)) | Q(deleted_at__lt=cutoff)


# What an anonymised file's versions hold instead of the file as it stood: its headings,
# with nothing under them.
EMPTY_NEGOTIATION_VERSION = json.dumps(
    {
        "title": MARKER,
        "objective": "",
        "status": "closed",
        "opened_on": "",
        "bearer": "",
        "holder": "",
        "counterparts": [],
        "interactions": [],
        "island": [],
        "iceberg": [],
        "stakeholders": [],
        "links": [],
        "red_lines": [],
        "bottom_lines": [],
        "scenarios": [],
    }
)

# Where a place could point at someone: exact coordinates are cleared.
NO_COORDINATES: Mapping[str, Any] = {"latitude": None, "longitude": None}

DESCRIPTIONS: tuple[Description, ...] = (
    Description(
        "interaction",
        "dialogue.Interaction",
        _before("occurred_at"),
        {"summary": MARKER, "notes": "", "outcomes": ""},
        unlink=("their_participants",),
    ),
    Description("follow_up", "dialogue.FollowUp", _follow_up_clock, {"action": MARKER}),
    Description(
        "concern",
        "concerns.Concern",
        _concern_clock,
        {"summary": MARKER, "description": MARKER, "place_name": "", **NO_COORDINATES},
        parts=(
            Part(
                "concerns.ConcernSource",
                "concern",
                {"description": ""},
                dates=("received_on",),
            ),
            Part(
                "concerns.Representation",
                "concern",
                {"content": MARKER, "to_whom": "", "to_person": None},
                dates=("made_on",),
            ),
            Part(
                "concerns.Response",
                "concern",
                {"content": "", "from_whom": "", "from_person": None},
                dates=("received_on",),
            ),
            Part(
                "concerns.ConcernStatusChange",
                "concern",
                {"note": ""},
                dates=("changed_on",),
            ),
            Part(
                "concerns.ConcernFollowUp",
                "concern",
                {"action": MARKER},
                dates=("due_on", "done_on"),
            ),
        ),
    ),
    Description(
        "acceptance_assessment",
        "access.AcceptanceAssessment",
        _before("assessed_on"),
        {"note": ""},
    ),
    Description(
        "checkpoint_passage",
        "access.CheckpointPassage",
        _before("occurred_at"),
        {"note": "", **NO_COORDINATES},
    ),
    Description(
        "access_constraint",
        "access.AccessConstraint",
        _constraint_clock,
        {"description": MARKER, **NO_COORDINATES},
    ),
    Description(
        "security_incident",
        "access.SecurityIncident",
        _before("occurred_at"),
        {"description": MARKER, **NO_COORDINATES},
    ),
    Description(
        "dissemination_session",
        "training.DisseminationSession",
        _session_clock,
        {"external_facilitators": "", "notes": ""},
    ),
    Description(
        "integration_assessment",
        "integration.IntegrationAssessment",
        _before("assessed_on"),
        {"evidence": MARKER},
    ),
    Description(
        "commitment",
        "commitments.Commitment",
        _before("made_on"),
        {"title": MARKER, "scope": MARKER, "terms": "", "witness": ""},
        parts=(
            Part(
                "commitments.Signatory",
                "commitment",
                {"name_as_signed": MARKER, "signed_as": "", "person": None},
                dates=("signed_on",),
            ),
            Part(
                "commitments.ComplianceObservation",
                "commitment",
                {"note": MARKER},
                dates=("observed_on",),
            ),
        ),
    ),
    Description(
        "negotiation_file",
        "negotiation.NegotiationFile",
        _negotiation_clock,
        {"title": MARKER, "objective": ""},
        unlink=("counterparts",),
        parts=(
            Part("negotiation.IslandItem", "file", {"text": MARKER}),
            Part("negotiation.IcebergEntry", "file", {"text": MARKER}),
            Part("negotiation.Stakeholder", "file", {"name": "", "person": None, "note": ""}),
            Part("negotiation.StakeholderLink", "file", {"note": ""}),
            Part("negotiation.RedLine", "file", {"text": MARKER}),
            Part("negotiation.BottomLine", "file", {"text": MARKER}),
            Part("negotiation.Scenario", "file", {"text": MARKER, "costs": "", "benefits": ""}),
            Part("negotiation.NegotiationVersion", "file", {"content": EMPTY_NEGOTIATION_VERSION}),
        ),
    ),
    # A handover keeps who passed what to whom and when (the continuity figures need it);
    # the advice written for the successor goes.
    Description("handover", "handover.Handover", _before("effective_on"), {"note": ""}),
    # An area of control keeps its outline, bearer, kind of control and period (the
    # history of who held what is the context of later dialogue); the notes and the
    # source, which may name an informant, go.
    Description("area_of_control", "maps.AreaOfControl", _area_clock, {"notes": "", "source": ""}),
)


def _current(obj: Record, name: str) -> Any:
    """A field's value as stored on the instance (a link as its key)."""
    model_field = obj._meta.get_field(name)
    attname = model_field.attname if isinstance(model_field, models.Field) else name
    return getattr(obj, attname)


def anonymise_record(
    obj: _R,
    overwrite: Mapping[str, Any],
    unlink: Iterable[str],
    scrubber: Scrubber,
) -> _R:
    """Overwrite these fields and empty these links as the system (only if something is
    left to change), then remove their earlier values from the record's change log."""
    unlink = tuple(unlink)
    changes = {name: value for name, value in overwrite.items() if _current(obj, name) != value}
    links: dict[str, list[Any]] = {n: [] for n in unlink if getattr(obj, n).exists()}
    current = system_update(obj, changes, m2m=links) if changes or links else obj
    scrubber.scrub(current, (*overwrite, *unlink))
    return current


class DescribedPolicy(Policy):
    """A kind of record given by a line of ``DESCRIPTIONS``."""

    def __init__(self, description: Description) -> None:
        self.description = description
        self.kind = description.kind

    def model(self) -> type[Record]:
        model: type[Record] = apps.get_model(self.description.model)
        return model

    def _parts(self) -> list[tuple[Part, type[Record]]]:
        return [(part, apps.get_model(part.model)) for part in self.description.parts]

    def in_scope(self, rule: Rule) -> models.QuerySet[Any]:
        if rule.action == DELETE or not self.description.parts:
            return super().in_scope(rule)
        # Not anonymised since the record, or one of its parts, last changed (new text
        # under a concern anonymised before).
        last = _anonymised_events(self.model()).order_by("-at").values("at")[:1]
        found = self.model()._base_manager.annotate(last_anonymised=models.Subquery(last))
        changed = Q(last_anonymised__isnull=True) | Q(updated_at__gt=F("last_anonymised"))
        for part, model in self._parts():
            since = model._base_manager.filter(
                **{part.parent: OuterRef("pk")}, updated_at__gt=OuterRef("last_anonymised")
            )
            changed |= Q(Exists(since))
        return found.filter(changed)

    def expired(self, rule: Rule, now: datetime.datetime) -> models.QuerySet[Any]:
        cutoff = rule.cutoff(now)
        day = timezone.localdate(cutoff)
        found = self.in_scope(rule).filter(self.description.clock(cutoff, day))
        for part, model in self._parts():
            if not part.dates:
                continue
            recent = Q()
            for name in part.dates:
                recent |= Q(**{f"{name}__gte": day})
            live = model._base_manager.filter(
                recent, **{part.parent: OuterRef("pk")}, deleted_at__isnull=True
            )
            found = found.exclude(Exists(live))
        return found

    def anonymise(self, obj: Any, rule: Rule, scrubber: Scrubber) -> None:
        for part, model in self._parts():
            for child in model._base_manager.filter(**{part.parent: obj}).order_by("pk"):
                anonymise_record(child, part.overwrite, part.unlink, scrubber)
        described = self.description
        anonymise_record(obj, described.overwrite, described.unlink, scrubber)


class LoginAttemptPolicy(Policy):
    """django-axes' sign-in records, from the attempt; erased in bulk (no change log)."""

    kind = "login_attempt"
    actions = (DELETE,)
    model_names = ("AccessAttempt", "AccessLog", "AccessFailureLog")

    def _models(self) -> list[type[models.Model]]:
        if not apps.is_installed("axes"):
            return []
        return [apps.get_model("axes", name) for name in self.model_names]

    def run(
        self,
        rule: Rule,
        now: datetime.datetime,
        *,
        dry_run: bool,
        progress: Callable[[str, int], Progress] | None = None,
    ) -> KindReport:
        report = KindReport(rule.kind, rule.days, rule.action)
        cutoff = rule.cutoff(now)
        for model in self._models():
            rows = model._base_manager.all()
            report.examined += rows.count()
            old = rows.filter(attempt_time__lt=cutoff)
            if dry_run:
                count = old.count()
            else:
                with transaction.atomic():
                    # The model's own rows only, not what cascades with them.
                    count = old.delete()[1].get(model._meta.label, 0)
                    if count:
                        audit.record_retention(
                            None,
                            model=model,
                            detail={"kind": rule.kind, "action": DELETE, "count": count},
                        )
            report.expired += count
            report.deleted += count
        return report


def all_policies() -> dict[str, Policy]:
    """Every kind of record retention knows, by kind."""
    from pourparler.people.retention import PersonPolicy

    found: list[Policy] = [DescribedPolicy(description) for description in DESCRIPTIONS]
    found += [PersonPolicy(), LoginAttemptPolicy()]
    return {policy.kind: policy for policy in found}


# --- The run --------------------------------------------------------------------------------


@dataclass
class RetentionReport:
    """What a retention run did, per kind."""

    dry_run: bool
    kinds: list[KindReport]
    seconds: float = 0.0
    vacuumed: bool = False

    def table(self) -> str:
        """Return the report as a plain-text table."""
        head = ("kind", "period", "action", "examined", "expired", "anonymised", "deleted")
        rows = [head]
        for kind in self.kinds:
            period = "for ever" if kind.days == 0 else f"{kind.days} d"
            rows.append(
                (
                    kind.kind,
                    period,
                    kind.action,
                    str(kind.examined),
                    str(kind.expired),
                    str(kind.anonymised),
                    str(kind.deleted),
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
        lines = [
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows
        ]
        return "\n".join(line.rstrip() for line in lines)


def run(
    *,
    dry_run: bool = False,
    now: datetime.datetime | None = None,
    config: Mapping[str, Any] | None = None,
    stream: TextIO | None = None,
    vacuum: bool = False,
) -> RetentionReport:
    """Apply every retention rule; with ``dry_run``, only count what would be done.

    ``stream`` receives a progress line per kind (stderr on a terminal). Each record is
    handled in its own transaction, so an interrupted run keeps what it finished.
    """
    started = time.monotonic()
    now = now or timezone.now()
    policies = all_policies()
    reports = []

    def progress(label: str, total: int) -> Progress:
        return Progress(stream, label, total)

    for rule in rules(config):
        begun = time.monotonic()
        if rule.keeps_for_ever:
            report = KindReport(rule.kind, rule.days, rule.action)
        else:
            report = policies[rule.kind].run(
                rule, now, dry_run=dry_run, progress=progress if stream else None
            )
        report.seconds = time.monotonic() - begun
        reports.append(report)
        if not dry_run and not rule.keeps_for_ever:
            with transaction.atomic():
                audit.record_retention(
                    None,
                    detail={
                        "kind": rule.kind,
                        "action": rule.action,
                        "days": rule.days,
                        "examined": report.examined,
                        "anonymised": report.anonymised,
                        "deleted": report.deleted,
                        "entries_rewritten": report.entries_rewritten,
                    },
                )
        logger.info(
            "Retention %s%s: %s examined, %s anonymised, %s deleted, %s change-log entries "
            "rewritten",
            rule.kind,
            " (dry run)" if dry_run else "",
            report.examined,
            report.anonymised,
            report.deleted,
            report.entries_rewritten,
        )
    result = RetentionReport(dry_run, reports)
    if vacuum and not dry_run:
        result.vacuumed = scrub_sqlite()
    result.seconds = time.monotonic() - started
    return result
