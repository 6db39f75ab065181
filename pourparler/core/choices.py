"""Choices used by the access-control core."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    """What a member of staff does in a delegation; it decides what they may read and write."""

    FIELD_DELEGATE = "field_delegate", _("Field delegate")
    ARMED_FORCES_SPECIALIST = "armed_forces_specialist", _("Armed-forces specialist")
    POLICE_SPECIALIST = "police_specialist", _("Police & gendarmerie specialist")
    HEAD_OF_DELEGATION = "head_of_delegation", _("Head of delegation")
    HQ_ANALYST = "hq_analyst", _("Headquarters analyst")
    AUDITOR = "auditor", _("Auditor")
    ADMINISTRATOR = "administrator", _("Administrator")


# Roles that read and write the dialogue held in their own delegation's compartment.
CONTENT_ROLES = frozenset(
    {
        Role.FIELD_DELEGATE,
        Role.ARMED_FORCES_SPECIALIST,
        Role.POLICE_SPECIALIST,
        Role.HEAD_OF_DELEGATION,
        Role.HQ_ANALYST,
    }
)
# Roles that also read the non-restricted records of every delegation.
ORGANISATION_READ_ROLES = frozenset({Role.HQ_ANALYST})

# Who may tombstone organisation-wide reference data (a bearer, a unit, a name): removing a
# bearer hides its units, names and every post in it for everybody, so it takes a head of
# delegation or a headquarters analyst, not any delegate.
REGISTRY_STEWARD_ROLES = frozenset({Role.HEAD_OF_DELEGATION, Role.HQ_ANALYST})


class ChangeAction(models.TextChoices):
    """What a change-log entry records."""

    # A context: other apps count "Created"/"Updated" rows (plural, another gender).
    CREATE = "create", pgettext_lazy("change log", "Created")
    UPDATE = "update", pgettext_lazy("change log", "Updated")
    DELETE = "delete", pgettext_lazy("change log", "Deleted")
    RESTORE = "restore", pgettext_lazy("change log", "Restored")
    CONFLICT = "conflict", _("Edit refused (conflict)")


class AccessScope(models.TextChoices):
    """Whether a kind of record is shared across the organisation or held in a compartment."""

    ORGANISATION = "organisation", _("Organisation-wide reference data")
    COMPARTMENT = "compartment", _("Held in a delegation's compartment")


class GrantAccess(models.TextChoices):
    """What a need-to-know grant allows."""

    READ = "read", _("Read")
    WRITE = "write", _("Read and write")


class AuditKind(models.TextChoices):
    """What an audit event records (the tamper-evident log, ``core/audit.py``)."""

    CHANGE = "change", _("Change")
    READ = "read", _("Read")
    LIST = "list", _("List")
    EXPORT = "export", _("Export")
    LOGIN_SUCCEEDED = "login_succeeded", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Sign-in failed")
    LOGOUT = "logout", _("Signed out")
    GRANT_CHANGED = "grant_changed", _("Grant changed")
    PERMISSION_CHANGED = "permission_changed", _("Permission changed")
    KEY_OPERATION = "key_operation", _("Key operation")
    RETENTION = "retention", _("Retention")
    # The audit chain's signed checkpoint, not a checkpoint on a road.
    CHECKPOINT = "checkpoint", pgettext_lazy("audit", "Checkpoint")
    RESTORE = "restore", _("Restored from a backup")


class DatePrecision(models.TextChoices):
    """How precisely a date is known: alleged facts, a commitment, an imported event."""

    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")
