"""The form of an area of control: drawn on the map (the outline field) or imported from a
GeoJSON file, then its bearer, control type, period and country.

It offers only what the user may see (bearers, countries), the delegations they may write
to and the staff posted there, and hands the service layer plain values (``changes``) and
the restriction (``links``). The outline is checked here too (``maps.geometry``) so its
problem shows beside the field; an imported file is read all or nothing (``maps.imports``).
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pourparler.bearers.models import WeaponBearer
from pourparler.core.access import clearance_for
from pourparler.core.models import Delegation, User
from pourparler.dialogue.forms import StaffChoiceField, staff_of
from pourparler.geo.models import Country
from pourparler.maps.geometry import MAX_BYTES, clean_outline
from pourparler.maps.imports import Outline, read_outlines
from pourparler.maps.models import AreaOfControl
from pourparler.ui.formfields import model_choice


def _day_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AreaForm(forms.ModelForm):
    """Record or change an area of control."""

    outline_file = forms.FileField(
        label=_("Or import a GeoJSON file"),
        required=False,
        help_text=_(
            "A FeatureCollection of polygons: each feature becomes an area with the bearer, "
            "control and period below. Nothing is imported if one feature is refused."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,application/geo+json"}),
    )
    restricted_to = StaffChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("Restricted to"),
        help_text=_("Only these colleagues (and you) will see the area."),
    )
    fieldsets: ClassVar[tuple[tuple[Any, tuple[str, ...]], ...]] = (
        (_("Who holds it"), ("compartment", "bearer", "control", "name", "country")),
        (_("When"), ("starts_on", "ends_on")),
        (_("Where"), ("outline", "outline_file")),
        (_("What we know"), ("source", "notes")),
        (_("Confidentiality"), ("restricted", "restricted_to")),
    )
    link_fields: ClassVar[tuple[str, ...]] = ("restricted_to",)

    class Meta:
        model = AreaOfControl
        fields = [
            "compartment",
            "bearer",
            "control",
            "name",
            "country",
            "starts_on",
            "ends_on",
            "outline",
            "source",
            "notes",
            "restricted",
            "restricted_to",
        ]
        widgets = {
            "starts_on": _day_widget(),
            "ends_on": _day_widget(),
            "outline": forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.outlines: list[Outline] = []
        clearance = clearance_for(user)
        writable = clearance.write_compartments if clearance else frozenset()
        compartment = model_choice(self.fields, "compartment")
        compartment.queryset = Delegation.objects.visible_to(user).filter(pk__in=writable)
        compartment.required = True
        compartment.empty_label = None
        compartment.label = _("Delegation")
        model_choice(self.fields, "restricted_to").queryset = staff_of(writable)
        model_choice(self.fields, "bearer").queryset = WeaponBearer.objects.visible_to(user).only(
            "pk", "name"
        )
        model_choice(self.fields, "country").queryset = Country.objects.visible_to(user).only(
            "pk", "name"
        )
        self.fields["restricted"].label = _("Restrict to named colleagues")
        self.fields["bearer"].label = _("Bearer")
        self.fields["country"].label = _("Country")
        self.fields["outline"].required = False
        self.fields["outline"].help_text = _(
            "Filled in when you draw on the map; you may also paste a GeoJSON Polygon or "
            "MultiPolygon (longitude, latitude)."
        )
        if not self.instance._state.adding:
            # One area has one outline: a file of several is imported as new areas.
            del self.fields["outline_file"]
        elif not self.is_bound:
            self.initial.setdefault("starts_on", timezone.localdate())
            if len(writable) == 1:
                self.initial.setdefault("compartment", next(iter(writable)))

    def clean_outline(self) -> str:
        text = str(self.cleaned_data.get("outline") or "").strip()
        return clean_outline(text) if text else ""

    def clean_outline_file(self) -> Any:
        upload = self.cleaned_data.get("outline_file")
        if upload:
            if upload.size > MAX_BYTES:
                raise ValidationError(
                    _("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // 1_000_000}
                )
            self.outlines = read_outlines(upload.read())
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("restricted"):
            data["restricted_to"] = []
        has_file = bool(data.get("outline_file")) or bool(self.errors.get("outline_file"))
        if data.get("outline") and has_file:
            self.add_error("outline_file", _("Draw an outline or import a file, not both at once."))
        elif not data.get("outline") and not has_file and "outline" not in self.errors:
            self.add_error(
                "outline", _("Draw the area on the map, paste its outline or import a file.")
            )
        if self.outlines and not data.get("outline"):
            # The model checks the first outline of the file; the service checks them all.
            data["outline"] = self.outlines[0].text
        return data

    def changes(self) -> dict[str, Any]:
        """Return the plain field values of a valid form, for the service layer."""
        names = set(self._meta.fields or ()) - set(self.link_fields)
        values = {name: v for name, v in self.cleaned_data.items() if name in names}
        if self.outlines:
            values.pop("outline", None)
        return values

    def links(self) -> dict[str, Any]:
        """Return the restriction of a valid form, for the service layer."""
        return {"restricted_to": list(self.cleaned_data.get("restricted_to") or [])}


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The map's period when none is asked for: the last twelve months."""
    until = today or timezone.localdate()
    return until - datetime.timedelta(days=365), until
