"""Retention: how long each kind of record is kept, and what happens when it expires.

``settings.RETENTION`` (from ``POURPARLER_RETENTION_<KIND>_DAYS`` and ``..._ACTION``, see
.env.example) gives each kind of record a period in days and an action. ``pourparler
retention run`` (``run()`` below) finds what has expired and, one record per transaction,
anonymises or deletes it as the system, logs and audits it, and reports per kind how
many records it examined, anonymised and deleted. ``--dry-run`` writes nothing.

The clocks (the date a period is counted from):

* ``person``: the person's last sign of life: the latest of the record's creation, the
  last interaction they took part in, the last representation made to them or response
  from them (concerns), the end of the last post they held and, for a person already
  deleted, the deletion. A person who still holds a post (no end date) does not expire
  unless deleted. Only contacts and posts without a tombstone count.
  Default: 5 years, anonymise.
* ``interaction``: the day it happened (``occurred_at``). Default: 10 years, anonymise.
* ``follow_up``: the latest of its creation, its due date, the day it was done and the
  day of its interaction. Default: 10 years, anonymise.
* ``login_attempt``: django-axes' sign-in records (``AccessAttempt``, ``AccessLog``,
  ``AccessFailureLog``), from the attempt. Default: 90 days, delete (erased: they are not
  records of the dialogue and have no change log).

The actions:

* ``delete`` puts a tombstone on the record through the same primitives as the service
  layer (``core/services.py``): row locked, version bumped, a ``delete`` change-log entry,
  its audit event. The record disappears for everyone; its text stays encrypted in the
  row. Records already deleted are left alone.
* ``anonymise`` overwrites what identifies someone and removes the earlier values from
  the change log, so they cannot be read back from it either. It also reaches records
  already deleted, which still hold their text.

  - a person: full name becomes "Anonymised person <last 8 hex digits of the id>", notes
    and languages are emptied, every other name is overwritten and deleted, the rank and
    title of every post and the notes of every relationship are emptied,
    ``anonymised_at`` is set and the blind index (``search_tokens``) is rebuilt from what
    is left, so the old name no longer finds the person. Kept: the id, purpose and legal
    basis, compartment, the bearer, unit, level and dates of each post, who held the
    relationship, and the links from interactions (the person stays counted as a
    contact, without a name). The other names' language and script are kept.
  - an interaction: summary becomes the marker text, notes and outcomes are emptied and
    the people who took part on their side are unlinked. Kept: kind, date, level, place,
    bearers, topics, situation, framework, our participants: what the figures need.
  - a follow-up: the action becomes the marker text.

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
  follow-up actions, concern descriptions, representations (``to_whom``, content) and
  responses. Software cannot tell a name in prose; they go when their own record
  expires, or by hand.
* Copies outside the database: backups, exports, printed documents.
* The old ciphertext in free pages of the database file: the compartment's data key can
  still read it. ``--vacuum`` rewrites an SQLite file afterwards; on PostgreSQL run
  ``VACUUM FULL`` on the people, dialogue and change-log tables, or rotate the data keys
  (``pourparler keys rotate --data-keys``), which destroys the old ones.
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
from django.db.models import Exists, OuterRef, Q
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
KINDS = ("interaction", "follow_up", "person", "login_attempt")


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

    kind: ClassVar[str]
    actions: ClassVar[tuple[str, ...]] = ACTIONS

    def model(self) -> type[Record]:
        raise NotImplementedError

    def in_scope(self, rule: Rule) -> models.QuerySet[Any]:
        """The records a run looks at for this rule (what "examined" counts)."""
        manager: models.Manager[Any] = self.model()._base_manager
        if rule.action == DELETE:
            return manager.filter(deleted_at__isnull=True)
        return manager.exclude(Exists(_anonymised_events(self.model())))

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


class InteractionPolicy(Policy):
    """Interactions, from the day they happened."""

    kind = "interaction"
    scrubbed = ("summary", "notes", "outcomes", "their_participants")

    def model(self) -> type[Record]:
        model: type[Record] = apps.get_model("dialogue", "Interaction")
        return model

    def expired(self, rule: Rule, now: datetime.datetime) -> models.QuerySet[Any]:
        return self.in_scope(rule).filter(occurred_at__lt=rule.cutoff(now))

    def anonymise(self, obj: Any, rule: Rule, scrubber: Scrubber) -> None:
        current = system_update(
            obj,
            {"summary": MARKER, "notes": "", "outcomes": ""},
            m2m={"their_participants": []},
        )
        scrubber.scrub(current, self.scrubbed)


class FollowUpPolicy(Policy):
    """Follow-ups, from the latest of creation, due date, completion and interaction."""

    kind = "follow_up"

    def model(self) -> type[Record]:
        model: type[Record] = apps.get_model("dialogue", "FollowUp")
        return model

    def expired(self, rule: Rule, now: datetime.datetime) -> models.QuerySet[Any]:
        cutoff = rule.cutoff(now)
        day = timezone.localdate(cutoff)
        return self.in_scope(rule).filter(
            Q(created_at__lt=cutoff),
            Q(due_on__isnull=True) | Q(due_on__lt=day),
            Q(done_on__isnull=True) | Q(done_on__lt=day),
            Q(interaction__isnull=True) | Q(interaction__occurred_at__lt=cutoff),
        )

    def anonymise(self, obj: Any, rule: Rule, scrubber: Scrubber) -> None:
        current = system_update(obj, {"action": MARKER})
        scrubber.scrub(current, ("action",))


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

    found: list[Policy] = [InteractionPolicy(), FollowUpPolicy(), PersonPolicy()]
    found.append(LoginAttemptPolicy())
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
