"""What the dashboards keep between views: grouped counts per delegation (``kept.py``)."""

from __future__ import annotations

from django.db import models

from pourparler.core.models import Delegation


class KeptFigure(models.Model):
    """The grouped counts of one figure over one compartment's plain records.

    Derived data, never shown as such: the dashboards read it only for compartments the
    viewer reads in full (``kept.full_compartments``), and count again when the audit
    chain shows a change in the compartment after ``version``.
    """

    key = models.CharField(max_length=40)
    compartment = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="+")
    version = models.BigIntegerField(help_text="The audit chain's head when counted.")
    rows = models.JSONField(default=list)
    counted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "compartment"], name="kept_figure_once")
        ]

    def __str__(self) -> str:
        return f"{self.key} of {self.compartment_id} at #{self.version}"
