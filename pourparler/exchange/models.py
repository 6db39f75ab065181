"""What imports leave behind: the run, where each imported fact came from, and the names
that wait for a person to decide whom they designate.

Imports write organisation-wide reference data only (the bearer registry, places,
situations, context events), so these records are organisation-wide too: every member
of staff may read them, staff with a content role may make them.
"""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from pourparler.bearers.choices import IdScheme
from pourparler.core.choices import AccessScope
from pourparler.core.models import Record
from pourparler.exchange.choices import ImportKind, ReviewStatus, ReviewSubject, RunStatus


class ImportRun(Record):
    """One import of one file by one member of staff: what it was, what it changed.

    A dry run, and a run refused because a row was invalid, are recorded too (after
    their work was rolled back), so the log shows every attempt.
    """

    access_scope = AccessScope.ORGANISATION

    kind = models.CharField(max_length=24, choices=ImportKind.choices)
    source = models.CharField(
        max_length=200, help_text=_("The dataset the file comes from, with its version.")
    )
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    encoding = models.CharField(max_length=32, blank=True)
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING)
    rows = models.PositiveIntegerField(default=0, help_text=_("Data rows read from the file."))
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    conflicts = models.PositiveIntegerField(
        default=0, help_text=_("Facts changed by hand since the last import: left as they are.")
    )
    errors = models.PositiveIntegerField(default=0)
    queued = models.PositiveIntegerField(
        default=0, help_text=_("Names sent to the review queue for a person to decide.")
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    options = models.JSONField(default=dict, blank=True, help_text=_("Column mapping and such."))
    report = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("Counts by kind of record, the changes, conflicts, errors and notes."),
    )

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["kind", "sha256"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.file_name} ({self.started_at:%Y-%m-%d %H:%M})"

    @property
    def changed_anything(self) -> bool:
        """Say whether the run created or updated anything."""
        return bool(self.created or self.updated)


class Provenance(Record):
    """Where one imported fact came from: the source, the file, the row and the run.

    Written each time an import creates or updates a fact; ``object_version`` is the
    version the import left, so a later import can tell whether someone has changed the
    fact by hand since (then it reports a conflict instead of overwriting).
    """

    access_scope = AccessScope.ORGANISATION
    access_via = ("run",)

    run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="provenance")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.UUIDField()
    fact = GenericForeignKey("content_type", "object_id")
    object_version = models.PositiveIntegerField()
    source = models.CharField(max_length=200)
    file_name = models.CharField(max_length=255)
    row_number = models.PositiveIntegerField(
        help_text=_("The line of the file, counting the header as line 1.")
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name_plural = _("provenance")

    def __str__(self) -> str:
        return f"{self.source}, {self.file_name}, row {self.row_number}"


class ReviewItem(Record):
    """An imported name that may designate a bearer we already know: a person decides.

    The matcher links a name by itself only when it is sure; anything less waits here,
    never merged silently. The decision (link to a bearer, register a new one, or say it
    is not a bearer) goes through a service and is logged like every change.
    """

    access_scope = AccessScope.ORGANISATION
    # A decided item names its bearer: hidden with it if the bearer is restricted.
    access_via = ("bearer",)

    subject = models.CharField(max_length=16, choices=ReviewSubject.choices)
    status = models.CharField(
        max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    name = models.CharField(max_length=300, help_text=_("The name as the file gives it."))
    scheme = models.CharField(
        max_length=16, help_text=_("The registry the key belongs to (bearers.IdScheme).")
    )
    key = models.CharField(
        max_length=300, help_text=_("The identifier in that registry, or the name itself.")
    )
    source = models.CharField(max_length=200)
    file_name = models.CharField(max_length=255)
    row_number = models.PositiveIntegerField()
    run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="review_items")
    candidates = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Known bearers the name resembles: id, name matched and score (0-100)."),
    )
    payload = models.JSONField(
        default=dict, blank=True, help_text=_("What the file says of the actor, to register it.")
    )
    bearer = models.ForeignKey(
        "bearers.WeaponBearer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The bearer the name was linked to or registered as."),
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "key"],
                condition=models.Q(deleted_at__isnull=True, status="pending"),
                name="exchange_reviewitem_one_pending",
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return self.name

    @property
    def scheme_label(self) -> str:
        """Name the registry of the key as staff know it ("UCDP actor id")."""
        if self.scheme in IdScheme.values:
            return str(IdScheme(self.scheme).label)
        return "Name" if self.scheme == "name" else self.scheme
