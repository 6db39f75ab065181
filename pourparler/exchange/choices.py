"""Vocabularies of imports: the kinds of file, how a run ended, what a person decides."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    """The formats Pourparler reads. On the command line the values are written with hyphens."""

    GENERIC = "generic", _("Bearers from a CSV, XLSX or JSON file (column mapping or HXL)")
    UCDP_ACTORS = "ucdp_actors", _("UCDP Actor Dataset")
    UCDP_CONFLICTS = "ucdp_conflicts", _("UCDP/PRIO Armed Conflict Dataset")
    UCDP_GED = "ucdp_ged", _("UCDP Georeferenced Event Dataset (GED)")
    ACLED = "acled", _("ACLED event export")
    OCHA_BOUNDARIES = "ocha_boundaries", _("OCHA administrative boundaries (GeoJSON)")
    OCHA_POPULATION = "ocha_population", _("OCHA population statistics (CSV)")


class RunStatus(models.TextChoices):
    """How an import run ended."""

    QUEUED = "queued", _("Queued: waiting for the worker")
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    PREVIEWED = "previewed", _("Dry run (nothing written)")
    REFUSED = "refused", _("Refused: invalid rows, nothing written")
    FAILED = "failed", _("Failed: nothing written")
    CANCELLED = "cancelled", _("Preview not confirmed")


class ReviewStatus(models.TextChoices):
    """Where a name waiting for a person's decision stands."""

    PENDING = "pending", _("Waiting for a decision")
    LINKED = "linked", _("Linked to an existing bearer")
    CREATED = "created", _("Registered as a new bearer")
    DISMISSED = "dismissed", _("Not a weapon bearer")


class ReviewSubject(models.TextChoices):
    """What kind of imported name waits for a decision."""

    ACTOR = "actor", _("An actor of a registry (UCDP, a generic file)")
    EVENT_ACTOR = "event_actor", _("An actor named in context events")
    PARTY = "party", _("A party to a situation")
