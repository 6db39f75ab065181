"""Forms of the access app: acceptance, checkpoint passages, constraints, incidents.

Each form lists its fields, offers only what the user may see (bearers, units, areas,
interactions and passages through the read path; delegations they may write to; staff
posted there), and hands the service layer plain values (``changes``) and links
(``links``). The model's own ``clean`` gives the cross-field errors (a delay only when
delayed, a unit of the chosen bearer…), shown beside the field concerned.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pourparler.access.choices import ConstraintCategory, ConstraintSubcategory, category_of
from pourparler.access.models import (
    AcceptanceAssessment,
    AccessConstraint,
    CheckpointPassage,
    SecurityIncident,
)
from pourparler.access.reading import passages_visible_to
from pourparler.bearers.models import Unit, WeaponBearer
from pourparler.core.access import clearance_for
from pourparler.core.models import Delegation, User
from pourparler.dialogue.forms import StaffChoiceField, staff_of
from pourparler.dialogue.models import Interaction
from pourparler.geo.models import AdminArea
from pourparler.ui.formfields import model_choice

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

WHEN_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


WHEN = _("When")


def _when_field(label: StrOrPromise = WHEN) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=WHEN_FORMATS,
    )


def _day_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UnitChoiceField(forms.ModelChoiceField):
    """Pick a unit by its name and its bearer's."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.bearer.name})"


class InteractionChoiceField(forms.ModelChoiceField):
    """Pick the contact that showed a bearer's stance: date, kind and place."""

    def label_from_instance(self, obj: Any) -> str:
        when = timezone.localtime(obj.occurred_at)
        place = f", {obj.place_name}" if obj.place_name else ""
        return f"{dateformat.format(when, 'd M Y')}: {obj.get_kind_display()}{place}"


class PassageChoiceField(forms.ModelChoiceField):
    """Pick a checkpoint passage by place, time and bearer."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.bearer.name})"


class AccessRecordForm(forms.ModelForm):
    """What every access form shares: the delegation, the place, the restriction."""

    restricted_to = StaffChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("Restricted to"),
        help_text=_("Only these colleagues (and you) will see the record."),
    )
    # (legend, field names): how the shared form template groups the fields.
    fieldsets: ClassVar[tuple[tuple[StrOrPromise, tuple[str, ...]], ...]] = ()
    # Many-to-many fields handed to the service separately from the plain values.
    link_fields: ClassVar[tuple[str, ...]] = ("restricted_to",)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        clearance = clearance_for(user)
        writable = clearance.write_compartments if clearance else frozenset()
        delegations = Delegation.objects.visible_to(user).filter(pk__in=writable)
        self.writable = writable
        compartment = model_choice(self.fields, "compartment")
        compartment.queryset = delegations
        compartment.required = True
        compartment.empty_label = None
        compartment.label = _("Delegation")
        model_choice(self.fields, "restricted_to").queryset = staff_of(writable)
        self.fields["restricted"].label = _("Restrict to named colleagues")
        if "admin_area" in self.fields:
            model_choice(self.fields, "admin_area").queryset = AdminArea.objects.visible_to(user)
            self.fields["admin_area"].label = _("Administrative area")
        if "bearer" in self.fields:
            model_choice(self.fields, "bearer").queryset = WeaponBearer.objects.visible_to(user)
        if "unit" in self.fields:
            self.fields["unit"] = UnitChoiceField(
                queryset=Unit.objects.visible_to(user)
                .filter(bearer__in=WeaponBearer.objects.visible_to(user).values("pk"))
                .select_related("bearer")
                .order_by("bearer__name", "name"),
                required=False,
                label=_("Unit"),
                help_text=self.fields["unit"].help_text,
            )
        if not self.is_bound and self.instance._state.adding and len(writable) == 1:
            self.initial.setdefault("compartment", next(iter(writable)))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("restricted"):
            data["restricted_to"] = []
        return data

    def changes(self) -> dict[str, Any]:
        """Return the plain field values of a valid form, for the service layer."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in (self._meta.fields or ()) and name not in self.link_fields
        }

    def links(self) -> dict[str, Any]:
        """Return the many-to-many choices of a valid form, for the service layer."""
        return {name: list(self.cleaned_data.get(name) or []) for name in self.link_fields}


PLACE_FIELDS = ("place_name", "admin_area", "latitude", "longitude")
# Labels of model fields that have no verbose name of their own (a verbose name would
# need a migration): the forms name them, translated.
LABELS = {
    "bearer": _("Bearer"),
    "status": _("Status"),
    "note": _("Note"),
    "outcome": _("Outcome"),
    "category": _("Category"),
    "kind": _("Kind"),
    "severity": _("Severity"),
    "description": _("Description"),
    "latitude": _("Latitude"),
    "longitude": _("Longitude"),
}
CONFIDENTIALITY = (_("Confidentiality"), ("restricted", "restricted_to"))


class AcceptanceForm(AccessRecordForm):
    """Record how far a bearer accepts our offer of services, and what showed it."""

    fieldsets = (
        (_("The assessment"), ("compartment", "bearer", "status", "assessed_on", "interaction")),
        (_("Why we read it so"), ("note",)),
        CONFIDENTIALITY,
    )

    class Meta:
        model = AcceptanceAssessment
        fields = [
            "compartment",
            "bearer",
            "status",
            "assessed_on",
            "interaction",
            "note",
            "restricted",
            "restricted_to",
        ]
        labels = {
            **LABELS,
            "assessed_on": _("Seen on"),
            "interaction": _("Shown by the interaction"),
        }
        widgets = {"assessed_on": _day_widget(), "note": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        interactions = Interaction.objects.visible_to(user).filter(compartment_id__in=self.writable)
        bearer_id = self._bearer_id()
        if bearer_id:
            interactions = interactions.filter(bearers__pk=bearer_id)
        else:
            # Without a bearer yet, offer the last year's contacts rather than every one.
            year_ago = timezone.now() - datetime.timedelta(days=365)
            interactions = interactions.filter(occurred_at__gte=year_ago)
        self.fields["interaction"] = InteractionChoiceField(
            queryset=interactions.order_by("-occurred_at"),
            required=False,
            label=_("Shown by the interaction"),
            help_text=_("The contact that showed it, if there was one (about this bearer)."),
        )

    def _bearer_id(self) -> str | None:
        if self.is_bound:
            value = self.data.get("bearer")
        else:
            value = self.initial.get("bearer") or self.instance.bearer_id
        value = getattr(value, "pk", value)
        try:
            return str(WeaponBearer._meta.pk.to_python(value)) if value else None
        except forms.ValidationError:
            return None


class PassageForm(AccessRecordForm):
    """Record a crossing of a checkpoint, or an attempt, and how it went."""

    occurred_at = _when_field()
    fieldsets = (
        (_("The checkpoint"), ("compartment", "place_name", "bearer", "unit", *PLACE_FIELDS[1:])),
        (
            _("The passage"),
            ("occurred_at", "outcome", "delay_minutes", "team_size", "vehicle_count", "note"),
        ),
        CONFIDENTIALITY,
    )

    class Meta:
        model = CheckpointPassage
        fields = [
            "compartment",
            "bearer",
            "unit",
            "place_name",
            "admin_area",
            "latitude",
            "longitude",
            "occurred_at",
            "outcome",
            "delay_minutes",
            "team_size",
            "vehicle_count",
            "note",
            "restricted",
            "restricted_to",
        ]
        labels = {
            **LABELS,
            "bearer": _("Whose checkpoint"),
            "delay_minutes": _("Delay (minutes)"),
            "team_size": _("Staff in the team"),
            "vehicle_count": _("Vehicles"),
        }
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        if not self.is_bound and self.instance._state.adding:
            self.initial.setdefault(
                "occurred_at", timezone.localtime().replace(second=0, microsecond=0)
            )


class SubcategoryField(forms.ChoiceField):
    """The finer kind of constraint, grouped under its category."""

    def __init__(self, **kwargs: Any) -> None:
        groups: list[tuple[Any, Any]] = [("", "—")]
        for category in ConstraintCategory:
            subs = [
                (sub.value, sub.label)
                for sub in ConstraintSubcategory
                if category_of(sub.value) == category.value
            ]
            if subs:
                groups.append((category.label, subs))
        super().__init__(choices=groups, required=False, **kwargs)


class ConstraintForm(AccessRecordForm):
    """Record a constraint on our access, in its category."""

    subcategory = SubcategoryField(
        label=_("Kind"), help_text=_("Optional; it must belong to the category chosen.")
    )
    fieldsets = (
        (
            _("The constraint"),
            ("compartment", "category", "subcategory", "occurred_on", "ended_on", "effect"),
        ),
        (_("Where and who"), (*PLACE_FIELDS, "bearer", "unit")),
        (_("What happened"), ("description",)),
        CONFIDENTIALITY,
    )

    class Meta:
        model = AccessConstraint
        fields = [
            "compartment",
            "category",
            "subcategory",
            "occurred_on",
            "ended_on",
            "effect",
            "place_name",
            "admin_area",
            "latitude",
            "longitude",
            "bearer",
            "unit",
            "description",
            "restricted",
            "restricted_to",
        ]
        labels = {
            **LABELS,
            "occurred_on": pgettext_lazy("start of a period", "From"),
            "ended_on": _("Until"),
            "effect": _("Effect on our operations"),
            "bearer": _("Imposed by"),
        }
        widgets = {
            "occurred_on": _day_widget(),
            "ended_on": _day_widget(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }


class IncidentForm(AccessRecordForm):
    """Record a security incident and the bearers involved."""

    occurred_at = _when_field()
    link_fields = ("restricted_to", "bearers")
    fieldsets = (
        (
            _("The incident"),
            ("compartment", "occurred_at", "kind", "severity", "staff_affected", "passage"),
        ),
        (_("Where and who"), (*PLACE_FIELDS, "bearers")),
        (_("What happened"), ("description",)),
        CONFIDENTIALITY,
    )

    class Meta:
        model = SecurityIncident
        fields = [
            "compartment",
            "occurred_at",
            "kind",
            "severity",
            "staff_affected",
            "passage",
            "place_name",
            "admin_area",
            "latitude",
            "longitude",
            "bearers",
            "description",
            "restricted",
            "restricted_to",
        ]
        labels = {
            **LABELS,
            "bearers": _("Bearers involved"),
            "staff_affected": _("Staff affected"),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        model_choice(self.fields, "bearers").queryset = WeaponBearer.objects.visible_to(user)
        self.fields["bearers"].required = True
        self.fields["passage"] = PassageChoiceField(
            queryset=passages_visible_to(user)
            .filter(outcome="incident", compartment_id__in=self.writable)
            .select_related("bearer")
            .order_by("-occurred_at"),
            required=False,
            label=_("At the checkpoint passage"),
            help_text=_("Only passages whose outcome was an incident."),
        )
        if not self.is_bound and self.instance._state.adding:
            self.initial.setdefault(
                "occurred_at", timezone.localtime().replace(second=0, microsecond=0)
            )
