"""Forms about concerns: opening and editing one, its sources, representations,
responses, status moves and follow-ups.

Every choice of a linked record is offered from ``visible_to(user)``, so nothing hidden
is offered; the service layer checks again and has the last word on dates and moves
(its ``ValidationError`` is shown on the form).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pourparler.bearers.models import Unit, WeaponBearer
from pourparler.concerns.choices import (
    ConcernStatus,
    InformationCredibility,
    SourceKind,
    SourceReliability,
)
from pourparler.concerns.models import (
    Concern,
    ConcernFollowUp,
    ConcernSource,
    Representation,
    Response,
)
from pourparler.concerns.services import MANUAL_MOVES
from pourparler.core.access import clearance_for
from pourparler.core.models import Delegation, User
from pourparler.dialogue.forms import ByNameChoiceIterator, StaffChoiceField, staff_of
from pourparler.dialogue.models import Interaction, Topic
from pourparler.geo.models import AdminArea
from pourparler.people.models import Person


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UnitChoiceField(forms.ModelChoiceField):
    """Pick a unit by its name and its bearer's."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.bearer.name})"


class InteractionChoiceField(forms.ModelChoiceField):
    """Pick a recorded contact by its date, kind and place."""

    def label_from_instance(self, obj: Any) -> str:
        place = f", {obj.place_name}" if obj.place_name else ""
        when = formats.date_format(timezone.localtime(obj.occurred_at), "SHORT_DATE_FORMAT")
        return f"{when} · {obj.get_kind_display()}{place}"


class ServiceErrors:
    """Mixin: show a service's ValidationError on the form, field by field if it can;
    leave alone the links the editor may not see."""

    def keep_hidden_links(self, *names: str) -> None:
        """Drop the fields whose current link points at a record the editor cannot see.

        The choices come from ``visible_to``, so such a link could be neither shown nor
        kept: without the field, saving the form leaves it as it is.
        """
        form: Any = self
        instance = form.instance
        for name in names:
            current = getattr(instance, f"{name}_id", None)
            if current is None:
                continue
            if not form.fields[name].queryset.filter(pk=current).exists():
                del form.fields[name]

    def show_service_error(self, error: Any) -> None:
        """Add the errors of a refused write to the form."""
        form: Any = self
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, error)


class ConcernForm(ServiceErrors, forms.ModelForm):
    """Open or edit a concern: the facts, the bearer alleged responsible, the law."""

    wide_fields = ("summary", "description", "category")

    restricted_to = StaffChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("Restricted to"),
        help_text=_("Only these colleagues (and you) will see the concern and all under it."),
    )

    class Meta:
        model = Concern
        fields = [
            "compartment",
            "summary",
            "occurred_on",
            "date_precision",
            "opened_on",
            "bearers",
            "unit",
            "category",
            "legal_framework",
            "rule",
            "place_name",
            "admin_area",
            "latitude",
            "longitude",
            "confidentiality",
            "description",
            "restricted",
            "restricted_to",
        ]
        labels = {
            "compartment": _("Delegation"),
            "summary": _("Concern"),
            "occurred_on": _("When it happened"),
            "date_precision": _("Known to the"),
            "opened_on": _("Opened on"),
            "bearers": _("Bearer alleged responsible"),
            "unit": _("Unit alleged responsible"),
            "legal_framework": _("Applicable law"),
            "rule": _("Rule at stake"),
            "place_name": _("Place"),
            "admin_area": _("Administrative area"),
            "description": _("What happened"),
            "category": _("Category"),
            "latitude": _("Latitude"),
            "longitude": _("Longitude"),
            "confidentiality": _("Confidentiality"),
            "restricted": _("Restrict to named colleagues"),
        }
        widgets = {
            "occurred_on": _date_widget(),
            "opened_on": _date_widget(),
            "description": forms.Textarea(attrs={"rows": 5}),
            "category": forms.RadioSelect,
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clearance = clearance_for(user)
        writable = clearance.write_compartments if clearance else frozenset()
        delegations = Delegation.objects.visible_to(user).filter(pk__in=writable)
        fields: Any = self.fields
        fields["compartment"].queryset = delegations
        fields["compartment"].required = True
        fields["compartment"].empty_label = None
        fields["bearers"].queryset = WeaponBearer.objects.visible_to(user)
        fields["bearers"].required = True
        fields["unit"] = UnitChoiceField(
            queryset=Unit.objects.visible_to(user)
            .select_related("bearer")
            .order_by("bearer__name", "name"),
            required=False,
            label=_("Unit alleged responsible"),
            help_text=fields["unit"].help_text,
        )
        fields["category"].queryset = Topic.objects.visible_to(user)
        fields["category"].empty_label = None
        fields["admin_area"].queryset = AdminArea.objects.visible_to(user)
        fields["restricted_to"].queryset = staff_of(writable)
        self.keep_hidden_links("unit", "admin_area")
        if not self.is_bound and self.instance._state.adding:
            self.initial.setdefault("opened_on", timezone.localdate())
            if len(writable) == 1:
                self.initial.setdefault("compartment", next(iter(writable)))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        unit = data.get("unit")
        bearers = data.get("bearers") or []
        if unit is not None and bearers and unit.bearer_id not in {b.pk for b in bearers}:
            self.add_error("unit", gettext("This unit belongs to none of the bearers named."))
        if not data.get("restricted"):
            data["restricted_to"] = []
        return data

    def link_values(self) -> dict[str, Any]:
        """Return the many-to-many choices of a valid form, for the service layer."""
        links = {"bearers": list(self.cleaned_data.get("bearers") or [])}
        if self.cleaned_data.get("restricted"):
            links["restricted_to"] = list(self.cleaned_data.get("restricted_to") or [])
        return links

    def field_values(self) -> dict[str, Any]:
        """Return the plain field values of a valid form, for the service layer."""
        skip = {"bearers", "restricted_to"}
        return {
            k: v for k, v in self.cleaned_data.items() if k in self.Meta.fields and k not in skip
        }


class SourceForm(ServiceErrors, forms.ModelForm):
    """A source of the allegation and its admiralty grading."""

    wide_fields = ("description",)

    class Meta:
        model = ConcernSource
        fields = ["kind", "reliability", "credibility", "received_on", "description"]
        labels = {
            "kind": _("Source"),
            "reliability": _("Reliability"),
            "credibility": _("Credibility"),
            "received_on": _("Received on"),
            "description": _("Details"),
        }
        widgets = {
            "received_on": _date_widget(),
            "description": forms.Textarea(attrs={"rows": 2}),
        }


class SourceEntryForm(forms.Form):
    """One source typed in with a new concern; a row left empty is ignored."""

    kind = forms.ChoiceField(
        choices=[("", "—"), *SourceKind.choices], required=False, label=_("Source")
    )
    reliability = forms.ChoiceField(
        choices=SourceReliability.choices,
        initial="F",
        label=_("Reliability"),
    )
    credibility = forms.ChoiceField(
        choices=InformationCredibility.choices,
        initial="6",
        label=_("Credibility"),
    )
    description = forms.CharField(required=False, label=_("Details"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("description") and not data.get("kind"):
            self.add_error("kind", gettext("Say what kind of source this is."))
        return data


SourceFormSet = forms.formset_factory(SourceEntryForm, extra=2, max_num=10)


class RepresentationForm(ServiceErrors, forms.ModelForm):
    """A representation made to the bearer about a concern."""

    wide_fields = ("content",)

    made_by = StaffChoiceField(queryset=User.objects.none(), required=False, label=_("Made by"))

    class Meta:
        model = Representation
        fields = [
            "made_on",
            "mode",
            "level",
            "to_person",
            "to_whom",
            "made_by",
            "interaction",
            "content",
        ]
        labels = {
            "made_on": _("Made on"),
            "mode": _("Mode"),
            "level": _("Level"),
            "to_person": _("To (interlocutor)"),
            "to_whom": _("To (post or office)"),
            "interaction": _("During the contact"),
            "content": _("What we said or wrote"),
        }
        widgets = {"made_on": _date_widget(), "content": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, user: Any, concern: Concern, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["to_person"].queryset = Person.objects.visible_to(user).filter(
            compartment_id=concern.compartment_id
        )
        fields["to_person"].iterator = ByNameChoiceIterator
        fields["interaction"] = InteractionChoiceField(
            queryset=Interaction.objects.visible_to(user)
            .filter(
                compartment_id=concern.compartment_id,
                occurred_at__date__gte=concern.opened_on,
                bearers__in=concern.bearers.all(),
            )
            .distinct()
            .order_by("-occurred_at"),
            required=False,
            label=_("During the contact"),
            help_text=_("A recorded contact with the bearer since the concern was opened."),
        )
        fields["made_by"].queryset = staff_of([concern.compartment_id])
        self.keep_hidden_links("to_person", "interaction")
        if not self.is_bound and self.instance._state.adding:
            self.initial.setdefault("made_on", timezone.localdate())
            self.initial.setdefault("made_by", [user.pk])

    def field_values(self) -> dict[str, Any]:
        """Return the plain field values of a valid form, for the service layer."""
        return {k: v for k, v in self.cleaned_data.items() if k != "made_by"}


class ResponseForm(ServiceErrors, forms.ModelForm):
    """What the bearer answered."""

    wide_fields = ("content",)

    class Meta:
        model = Response
        fields = [
            "received_on",
            "kind",
            "mode",
            "representation",
            "from_person",
            "from_whom",
            "content",
        ]
        labels = {
            "received_on": _("Received on"),
            "kind": _("Response"),
            "mode": _("Mode"),
            "representation": _("Answers the representation"),
            "from_person": _("From (interlocutor)"),
            "from_whom": _("From (post or office)"),
            "content": _("What they said or wrote"),
        }
        widgets = {"received_on": _date_widget(), "content": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, user: Any, concern: Concern, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["representation"].queryset = Representation.objects.visible_to(user).filter(
            concern=concern
        )
        fields["from_person"].queryset = Person.objects.visible_to(user).filter(
            compartment_id=concern.compartment_id
        )
        fields["from_person"].iterator = ByNameChoiceIterator
        self.keep_hidden_links("from_person", "representation")
        if not self.is_bound and self.instance._state.adding:
            self.initial.setdefault("received_on", timezone.localdate())


class StatusForm(ServiceErrors, forms.Form):
    """Mark a concern addressed, persisting or closed, from a date, saying why."""

    wide_fields = ("note",)

    status = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)
    changed_on = forms.DateField(label=_("From"), widget=_date_widget())
    note = forms.CharField(
        label=_("Why"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the bearer did, what recurred, or why the concern is closed."),
    )

    def __init__(self, *args: Any, concern: Concern, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = MANUAL_MOVES[concern.status]
        fields: Any = self.fields
        fields["status"].choices = [
            (value, label) for value, label in ConcernStatus.choices if value in allowed
        ]
        self.initial.setdefault("changed_on", timezone.localdate())


class ConcernFollowUpForm(ServiceErrors, forms.ModelForm):
    """Something to do about a concern, by a date."""

    wide_fields = ("action",)

    class Meta:
        model = ConcernFollowUp
        fields = ["action", "owner", "due_on"]
        labels = {"action": _("Action"), "owner": _("Owner"), "due_on": _("Due")}
        widgets = {"due_on": _date_widget()}

    def __init__(self, *args: Any, concern: Concern, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["owner"].queryset = staff_of([concern.compartment_id])
        fields["owner"].label_from_instance = lambda u: u.display_name()
