"""Vocabularies of the commitments register: the instrument a commitment was made in, how
public it is, the capacity of those who signed it, and whether it is kept.

How precisely the date of a commitment is known reuses ``concerns.choices.DatePrecision``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Instrument(models.TextChoices):
    """The kind of undertaking a bearer gave."""

    ACCEPTANCE = "acceptance", _("Acceptance of our offer of services")
    SECURITY_GUARANTEE = "security_guarantee", _("Security guarantee")
    SAFE_PASSAGE = "safe_passage", _("Safe passage")
    ORDER = "order", _("Order or code of conduct")
    UNILATERAL_DECLARATION = "unilateral_declaration", _("Unilateral declaration")
    DEED_OF_COMMITMENT = "deed_of_commitment", _("Deed of commitment")
    DETAINEE_ACCESS = "detainee_access", _("Access to detainees")
    OTHER = "other", pgettext_lazy("instrument", "Other")


class Disclosure(models.TextChoices):
    """Whether the bearer made the commitment known, or gave it to us in confidence.

    A deed of commitment or a unilateral declaration is often public; a security guarantee
    or a safe passage usually stays between the bearer and us.
    """

    PUBLIC = "public", _("Public: the bearer made it known")
    CONFIDENTIAL = "confidential", _("Confidential: between the bearer and us")


class Capacity(models.TextChoices):
    """In which capacity someone signed or gave a commitment for their side."""

    POLITICAL = "political", _("Political leadership")
    MILITARY = "military", _("Military leadership")
    OTHER = "other", pgettext_lazy("capacity", "Other")


class Compliance(models.TextChoices):
    """What we observed of a commitment on a given day."""

    KEPT = "kept", _("Kept")
    PARTLY_KEPT = "partly_kept", _("Partly kept")
    BREACHED = "breached", _("Breached")


# The compliance of a commitment nobody has observed yet (the figures' fourth group).
NOT_OBSERVED = "not_observed"
NOT_OBSERVED_LABEL = _("Not observed yet")
