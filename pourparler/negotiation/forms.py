"""Forms of negotiation files: the file itself and each row of its tools."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pourparler.bearers.models import WeaponBearer
from pourparler.core.access import clearance_for
from pourparler.core.models import Delegation, User
from pourparler.dialogue.forms import ByNameChoiceIterator, StaffChoiceField, staff_of
from pourparler.dialogue.models import Interaction
from pourparler.negotiation.models import (
    BottomLine,
    IcebergEntry,
    IslandItem,
    NegotiationFile,
    RedLine,
    Scenario,
    Stakeholder,
    StakeholderLink,
)
from pourparler.people.models import Person
from pourparler.ui.formfields import label_staff_by_name, model_choice

FILE_FIELDS = [
    "compartment",
    "title",
    "objective",
    "bearer",
    "holder",
    "status",
    "opened_on",
    "counterparts",
    "interactions",
    "restricted",
    "restricted_to",
]
FILE_LINKS = ("counterparts", "interactions", "restricted_to")
# How many recent interactions the form offers to link.
INTERACTION_CHOICES = 200


class FileForm(forms.ModelForm):
    """Open or edit a negotiation file."""

    restricted_to = StaffChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("Restricted to"),
        help_text=_("Only these colleagues (with you and the holder) will see the file."),
    )

    class Meta:
        model = NegotiationFile
        fields = FILE_FIELDS
        labels = {
            "compartment": _("Delegation"),
            "title": _("Title"),
            "objective": _("Objective"),
            "bearer": _("Bearer"),
            "holder": _("Holder"),
            "status": _("Status"),
            "opened_on": pgettext_lazy("negotiation file", "Opened on"),
            "counterparts": _("Counterparts"),
            "interactions": _("Interactions"),
            "restricted": _("Restrict to named colleagues"),
        }
        widgets = {
            "opened_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "objective": forms.Textarea(attrs={"rows": 3}),
            "title": forms.TextInput(),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clearance = clearance_for(user)
        writable = clearance.write_compartments if clearance else frozenset()
        fields = self.fields
        delegations = Delegation.objects.visible_to(user).filter(pk__in=writable)
        model_choice(fields, "compartment").queryset = delegations
        model_choice(fields, "compartment").empty_label = None
        fields["compartment"].required = True
        model_choice(fields, "bearer").queryset = WeaponBearer.objects.visible_to(user)
        adding = self.instance._state.adding
        staff = staff_of(writable)
        holder = None if adding else self.instance.holder_id
        model_choice(fields, "holder").queryset = User.objects.filter(
            Q(pk__in=staff.values("pk")) | Q(pk=holder)
        ).order_by("last_name", "first_name", "username")
        label_staff_by_name(fields, "holder")
        people = model_choice(fields, "counterparts")
        people.queryset = Person.objects.visible_to(user)
        people.iterator = ByNameChoiceIterator
        recent = (
            Interaction.objects.visible_to(user)
            .filter(compartment_id__in=writable)
            .order_by("-occurred_at")
            .values("pk")[:INTERACTION_CHOICES]
        )
        linked = [] if adding else list(self.instance.interactions.values_list("pk", flat=True))
        model_choice(fields, "interactions").queryset = (
            Interaction.objects.visible_to(user)
            .filter(Q(pk__in=recent) | Q(pk__in=linked))
            .order_by("-occurred_at")
        )
        named = [] if adding else self.instance.restricted_to.values("pk")
        model_choice(fields, "restricted_to").queryset = User.objects.filter(
            Q(pk__in=staff.values("pk")) | Q(pk__in=named)
        ).order_by("last_name", "first_name", "username")
        if not adding:
            # A file stays in the delegation that opened it.
            del fields["compartment"]
        if not self.is_bound and adding:
            self.initial.setdefault("holder", user.pk)
            if delegations.count() == 1:
                self.initial.setdefault("compartment", delegations.first())

    def link_values(self) -> dict[str, Any]:
        """Return the many-to-many choices of a valid form, for the service layer."""
        links = {name: list(self.cleaned_data.get(name) or []) for name in FILE_LINKS}
        if not self.cleaned_data.get("restricted"):
            links.pop("restricted_to")
        if not self.instance._state.adding:
            # Links this editor may not see are kept: the form never offered them.
            for name in ("counterparts", "interactions"):
                offered = model_choice(self.fields, name).queryset
                linked = getattr(self.instance, name).all()
                if offered is not None:
                    linked = linked.exclude(pk__in=offered.values("pk"))
                links[name] = [*links[name], *linked]
        return links

    def field_values(self) -> dict[str, Any]:
        """Return the plain field values of a valid form, for the service layer."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in FILE_FIELDS and name not in FILE_LINKS
        }


def show_refusal(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ``ValidationError`` on a form, under the field it names if shown."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class ItemForm(forms.ModelForm):
    """Add or edit one row of a file's tools."""

    def __init__(self, *args: Any, user: Any, file: NegotiationFile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    def values(self) -> dict[str, Any]:
        """Return the field values of a valid form, for the service layer."""
        return {
            name: self.cleaned_data[name] for name in self._meta.fields or () if name in self.fields
        }

    def show(self, error: ValidationError) -> None:
        """Show on the form an error the service layer raised."""
        show_refusal(self, error)


class IslandItemForm(ItemForm):
    class Meta:
        model = IslandItem
        fields = ["kind", "agreed", "text"]
        labels = {
            "kind": _("Kind"),
            "agreed": _("Agreed (fact) or convergent (norm)"),
            "text": _("Text"),
        }
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class IcebergEntryForm(ItemForm):
    class Meta:
        model = IcebergEntry
        fields = ["side", "layer", "text"]
        labels = {"side": _("Side"), "layer": _("Layer"), "text": _("Text")}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class StakeholderForm(ItemForm):
    class Meta:
        model = Stakeholder
        fields = ["person", "name", "influence", "proximity", "note"]
        labels = {
            "person": _("Person of the register"),
            "name": _("Or, in words"),
            "influence": _("Influence"),
            "proximity": _("Proximity"),
            "note": _("Note"),
        }
        widgets = {
            "name": forms.TextInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
            "influence": forms.NumberInput(attrs={"min": 0, "max": 3}),
            "proximity": forms.NumberInput(attrs={"min": -2, "max": 2}),
        }

    def __init__(self, *args: Any, user: Any, file: NegotiationFile, **kwargs: Any) -> None:
        super().__init__(*args, user=user, file=file, **kwargs)
        people = model_choice(self.fields, "person")
        people.queryset = Person.objects.visible_to(user)
        people.iterator = ByNameChoiceIterator
        linked = self.instance.person_id
        if linked is not None and not people.queryset.filter(pk=linked).exists():
            # A person this editor may not see: not offered, and kept.
            del self.fields["person"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        person = data.get("person") if "person" in self.fields else self.instance.person_id
        if person is None and not (data.get("name") or "").strip():
            self.add_error("name", _("Name the stakeholder or pick a person."))
        return data


class StakeholderLinkForm(ItemForm):
    class Meta:
        model = StakeholderLink
        fields = ["source", "target", "strength", "note"]
        labels = {
            "source": _("Between"),
            "target": _("and"),
            "strength": _("Strength"),
            "note": _("Note"),
        }
        widgets = {
            "note": forms.TextInput(),
            "strength": forms.NumberInput(attrs={"min": 1, "max": 3}),
        }

    def __init__(self, *args: Any, user: Any, file: NegotiationFile, **kwargs: Any) -> None:
        super().__init__(*args, user=user, file=file, **kwargs)
        stakeholders = Stakeholder.objects.visible_to(user).filter(file=file)
        for name in ("source", "target"):
            field = model_choice(self.fields, name)
            field.queryset = stakeholders
            vars(field)["label_from_instance"] = lambda s: s.label

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("source") is not None and data.get("source") == data.get("target"):
            self.add_error("target", _("Link two different stakeholders."))
        return data


class RedLineForm(ItemForm):
    class Meta:
        model = RedLine
        fields = ["text"]
        labels = {"text": _("Text")}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class BottomLineForm(ItemForm):
    class Meta:
        model = BottomLine
        fields = ["text"]
        labels = {"text": _("Text")}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class ScenarioForm(ItemForm):
    class Meta:
        model = Scenario
        fields = ["text", "likelihood", "costs", "benefits"]
        labels = {
            "text": _("Text"),
            "likelihood": _("Likelihood"),
            "costs": _("Costs"),
            "benefits": _("Benefits"),
        }
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "costs": forms.Textarea(attrs={"rows": 2}),
            "benefits": forms.Textarea(attrs={"rows": 2}),
        }
