"""Forms of the dialogue: the quick-entry interaction form and its follow-ups."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pourparler.bearers.models import WeaponBearer
from pourparler.core.access import clearance_for
from pourparler.core.models import Delegation, User
from pourparler.core.text import fold
from pourparler.dialogue.models import Interaction, Topic
from pourparler.geo.models import AdminArea
from pourparler.people.models import Person
from pourparler.ui.formfields import label_staff_by_name, model_choice


def staff_of(compartment_ids: Any) -> Any:
    """Return the staff currently posted to the given delegations."""
    today = timezone.localdate()
    return (
        User.objects.filter(
            is_active=True,
            memberships__delegation_id__in=compartment_ids,
            memberships__deleted_at__isnull=True,
            memberships__starts_on__lte=today,
        )
        .exclude(memberships__ends_on__lt=today)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class StaffChoiceField(forms.ModelMultipleChoiceField):
    """Pick colleagues by the name they are known by."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name())


class ByNameChoiceIterator(ModelChoiceIterator):
    """Offer people by name: names are encrypted, so SQL cannot sort them."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        choices = [self.choice(obj) for obj in self.queryset]
        yield from sorted(choices, key=lambda choice: fold(str(choice[1])))


class InteractionForm(forms.ModelForm):
    """Record or edit an interaction with its participants and topics."""

    occurred_at = forms.DateTimeField(
        label=_("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    our_participants = StaffChoiceField(
        queryset=User.objects.none(), required=False, label=_("Our participants")
    )
    restricted_to = StaffChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("Restricted to"),
        help_text=_("Only these colleagues (and you) will see the interaction."),
    )

    class Meta:
        model = Interaction
        fields = [
            "compartment",
            "kind",
            "occurred_at",
            "level",
            "bearers",
            "their_participants",
            "our_participants",
            "topics",
            "situation",
            "legal_framework",
            "place_name",
            "admin_area",
            "latitude",
            "longitude",
            "confidentiality",
            "summary",
            "notes",
            "outcomes",
            "restricted",
            "restricted_to",
        ]
        labels = {
            "compartment": _("Delegation"),
            "kind": _("Kind"),
            "level": _("Level"),
            "bearers": _("Bearers concerned"),
            "their_participants": _("Their participants"),
            "topics": _("Topics"),
            "situation": _("Situation"),
            "legal_framework": _("Legal framework"),
            "place_name": _("Place"),
            "admin_area": _("Administrative area"),
            "latitude": _("Latitude"),
            "longitude": _("Longitude"),
            "confidentiality": _("Confidentiality"),
            "summary": _("Summary"),
            "notes": _("Notes"),
            "outcomes": _("Outcomes"),
            "restricted": _("Restrict to named colleagues"),
        }
        widgets = {
            "topics": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "outcomes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clearance = clearance_for(user)
        writable = clearance.write_compartments if clearance else frozenset()
        delegations = Delegation.objects.visible_to(user).filter(pk__in=writable)
        model_choice(self.fields, "compartment").queryset = delegations
        self.fields["compartment"].required = True
        model_choice(self.fields, "compartment").empty_label = None
        model_choice(self.fields, "bearers").queryset = WeaponBearer.objects.visible_to(user)
        model_choice(self.fields, "their_participants").queryset = Person.objects.visible_to(
            user
        ).filter(compartment_id__in=writable)
        model_choice(self.fields, "their_participants").iterator = ByNameChoiceIterator
        model_choice(self.fields, "topics").queryset = Topic.objects.visible_to(user)
        model_choice(self.fields, "admin_area").queryset = AdminArea.objects.visible_to(user)
        staff = staff_of(writable)
        model_choice(self.fields, "our_participants").queryset = staff
        model_choice(self.fields, "restricted_to").queryset = staff
        self.fields["bearers"].required = True
        if not self.is_bound and self.instance._state.adding:
            self.initial.setdefault(
                "occurred_at", timezone.localtime().replace(second=0, microsecond=0)
            )
            self.initial.setdefault("our_participants", [user.pk])
            if delegations.count() == 1:
                self.initial.setdefault("compartment", delegations.first())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        compartment = data.get("compartment")
        people = data.get("their_participants") or []
        if compartment is not None:
            strangers = [p for p in people if p.compartment_id != compartment.pk]
            if strangers:
                self.add_error(
                    "their_participants",
                    gettext("These people belong to another delegation: %(names)s")
                    % {"names": ", ".join(p.full_name for p in strangers)},
                )
        if not data.get("restricted"):
            data["restricted_to"] = []
        return data

    def link_values(self) -> dict[str, Any]:
        """Return the many-to-many choices of a valid form, for the service layer."""
        names = ["bearers", "their_participants", "our_participants", "topics"]
        links = {name: self.cleaned_data.get(name) or [] for name in names}
        if self.cleaned_data.get("restricted"):
            links["restricted_to"] = self.cleaned_data.get("restricted_to") or []
        return links

    def field_values(self) -> dict[str, Any]:
        """Return the plain field values of a valid form, for the service layer."""
        skip = {"bearers", "their_participants", "our_participants", "topics", "restricted_to"}
        return {
            k: v for k, v in self.cleaned_data.items() if k in self.Meta.fields and k not in skip
        }


class FollowUpEntryForm(forms.Form):
    """One follow-up typed in with the interaction."""

    action = forms.CharField(max_length=300, required=False, label=_("Action"))
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False, label=_("Owner"))
    due_on = forms.DateField(
        required=False, label=_("Due"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, staff: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if staff is not None:
            model_choice(self.fields, "owner").queryset = staff
        label_staff_by_name(self.fields, "owner")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("owner") or data.get("due_on")) and not data.get("action"):
            self.add_error("action", gettext("Say what needs doing."))
        return data


FollowUpFormSet = forms.formset_factory(FollowUpEntryForm, extra=3, max_num=10)
