"""Forms of the commitments register: a commitment (with its first signatories), a
signatory, and a compliance observation with its evidence.

Every choice of a linked record is offered from what the user may see (bearers, people,
contacts, concerns, incidents and passages through the read path; the delegations they
may write to; staff posted there). The service layer checks again and has the last word
on dates and links; its ``ValidationError`` is shown on the form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pourparler.bearers.models import WeaponBearer
from pourparler.commitments.choices import Capacity, Compliance
from pourparler.commitments.models import Commitment, ComplianceObservation, Signatory
from pourparler.commitments.services import visible_evidence
from pourparler.core.access import clearance_for
from pourparler.core.models import Delegation, User
from pourparler.dialogue.forms import ByNameChoiceIterator, StaffChoiceField, staff_of
from pourparler.dialogue.models import Interaction
from pourparler.people.models import Person
from pourparler.ui.formfields import choice, model_choice


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _pick_many(size: int = 8) -> forms.SelectMultiple:
    return forms.SelectMultiple(attrs={"size": str(size)})


class InteractionsField(forms.ModelMultipleChoiceField):
    """Pick recorded contacts by their date, kind and place."""

    def label_from_instance(self, obj: Any) -> str:
        when = timezone.localtime(obj.occurred_at)
        place = f", {obj.place_name}" if obj.place_name else ""
        return f"{dateformat.format(when, 'd M Y')} · {obj.get_kind_display()}{place}"


class ConcernsField(forms.ModelMultipleChoiceField):
    """Pick concerns by the day they were opened and their summary."""

    def label_from_instance(self, obj: Any) -> str:
        day = dateformat.format(obj.opened_on, "d M Y")
        return f"{day} · {obj.summary} ({obj.get_status_display().lower()})"


class IncidentsField(forms.ModelMultipleChoiceField):
    """Pick security incidents by their day, kind and place."""

    def label_from_instance(self, obj: Any) -> str:
        when = timezone.localtime(obj.occurred_at)
        place = f", {obj.place_name}" if obj.place_name else ""
        return f"{dateformat.format(when, 'd M Y')} · {obj.get_kind_display()}{place}"


class PassagesField(forms.ModelMultipleChoiceField):
    """Pick checkpoint passages by their day, place and outcome."""

    def label_from_instance(self, obj: Any) -> str:
        when = timezone.localtime(obj.occurred_at)
        day = dateformat.format(when, "d M Y")
        return f"{day} · {obj.place_name} · {obj.get_outcome_display().lower()}"


class ServiceErrors:
    """Mixin: show a service's ValidationError on the form, field by field if it can."""

    def show_service_error(self, error: Any) -> None:
        """Add the errors of a refused write to the form."""
        form: Any = self
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, error)


class CommitmentForm(ServiceErrors, forms.ModelForm):
    """Register or edit a commitment: the instrument, the parties, the scope, the date."""

    restricted_to = StaffChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("Restricted to"),
        help_text=_("Only these colleagues (and you) will see the commitment and all under it."),
    )

    class Meta:
        model = Commitment
        fields = [
            "compartment",
            "instrument",
            "title",
            "made_on",
            "date_precision",
            "place_name",
            "bearers",
            "interactions",
            "scope",
            "terms",
            "witness",
            "disclosure",
            "restricted",
            "restricted_to",
        ]
        labels = {
            "compartment": _("Delegation"),
            "instrument": _("Instrument"),
            "title": _("Commitment"),
            "made_on": pgettext_lazy("commitment", "Made on"),
            "date_precision": _("Known to the"),
            "bearers": _("Parties"),
            "interactions": _("Contacts that led to it"),
            "scope": _("Scope"),
            "terms": _("Terms"),
            "restricted": _("Restrict to named colleagues"),
            "place_name": _("Place"),
            "witness": _("Witness"),
            "disclosure": _("Disclosure"),
        }
        widgets = {
            "made_on": _date_widget(),
            "scope": forms.Textarea(attrs={"rows": 4}),
            "terms": forms.Textarea(attrs={"rows": 4}),
            "disclosure": forms.RadioSelect,
            "bearers": _pick_many(6),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clearance = clearance_for(user)
        writable = clearance.write_compartments if clearance else frozenset()
        compartment = model_choice(self.fields, "compartment")
        compartment.queryset = Delegation.objects.visible_to(user).filter(pk__in=writable)
        compartment.required = True
        compartment.empty_label = None
        bearers = model_choice(self.fields, "bearers")
        bearers.queryset = WeaponBearer.objects.visible_to(user).order_by("name")
        bearers.required = True
        held = (
            [self.instance.compartment_id]
            if not self.instance._state.adding
            else sorted(writable, key=str)
        )
        contacts = Interaction.objects.visible_to(user).filter(compartment_id__in=held)
        if not self.instance._state.adding:
            # On edit: contacts with the parties, and those already linked.
            contacts = contacts.filter(
                Q(bearers__in=self.instance.bearers.all()) | Q(commitments=self.instance)
            ).distinct()
        self.fields["interactions"] = InteractionsField(
            queryset=contacts.order_by("-occurred_at"),
            required=False,
            label=_("Contacts that led to it"),
            help_text=_("Recorded contacts where the commitment was discussed, newest first."),
            widget=_pick_many(),
        )
        model_choice(self.fields, "restricted_to").queryset = staff_of(writable)
        if not self.is_bound and self.instance._state.adding:
            self.initial.setdefault("made_on", timezone.localdate())
            if len(writable) == 1:
                self.initial.setdefault("compartment", next(iter(writable)))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("restricted"):
            data["restricted_to"] = []
        return data

    def link_values(self) -> dict[str, Any]:
        """Return the many-to-many choices of a valid form, for the service layer."""
        links = {
            "bearers": list(self.cleaned_data.get("bearers") or []),
            "interactions": list(self.cleaned_data.get("interactions") or []),
        }
        if self.cleaned_data.get("restricted"):
            links["restricted_to"] = list(self.cleaned_data.get("restricted_to") or [])
        return links

    def field_values(self) -> dict[str, Any]:
        """Return the plain field values of a valid form, for the service layer."""
        skip = {"bearers", "interactions", "restricted_to"}
        return {
            k: v for k, v in self.cleaned_data.items() if k in self.Meta.fields and k not in skip
        }


def _people_of(user: Any, compartment_ids: Any) -> Any:
    return Person.objects.visible_to(user).filter(compartment_id__in=compartment_ids)


class SignatoryEntryForm(forms.Form):
    """One signatory typed in with a new commitment; a row left empty is ignored."""

    capacity = forms.ChoiceField(
        choices=[("", "—"), *Capacity.choices], required=False, label=_("Capacity")
    )
    bearer = forms.ModelChoiceField(
        queryset=WeaponBearer.objects.visible_to(None), required=False, label=_("For the party")
    )
    person = forms.ModelChoiceField(
        queryset=Person.objects.visible_to(None),
        required=False,
        label=_("Person (if in the register)"),
    )
    name_as_signed = forms.CharField(required=False, max_length=300, label=_("Name as signed"))
    signed_as = forms.CharField(required=False, max_length=300, label=_("Signed as (title)"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clearance = clearance_for(user)
        writable = clearance.write_compartments if clearance else frozenset()
        model_choice(self.fields, "bearer").queryset = WeaponBearer.objects.visible_to(
            user
        ).order_by("name")
        person = model_choice(self.fields, "person")
        person.queryset = _people_of(user, writable)
        person.iterator = ByNameChoiceIterator

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        filled = data.get("person") or data.get("name_as_signed") or data.get("signed_as")
        if filled or data.get("capacity") or data.get("bearer"):
            if not data.get("capacity"):
                self.add_error("capacity", _("Say in which capacity they signed."))
            if not data.get("bearer"):
                self.add_error("bearer", _("Say which party they signed for."))
            if not data.get("person") and not data.get("name_as_signed"):
                self.add_error(
                    "name_as_signed", _("Choose the person or write the name as signed.")
                )
        return data

    def entry(self) -> dict[str, Any] | None:
        """The signatory to add, for the service layer (None for an empty row)."""
        data = self.cleaned_data
        if not data.get("capacity"):
            return None
        return {
            "capacity": data["capacity"],
            "bearer": data["bearer"],
            "person": data.get("person"),
            "name_as_signed": data.get("name_as_signed", ""),
            "signed_as": data.get("signed_as", ""),
        }


def signatory_entries(formset: Any) -> list[dict[str, Any]]:
    """The signatories filled in a valid formset, for the service layer."""
    return [entry for form in formset.forms if (entry := form.entry()) is not None]


# Made with ``form_kwargs={"user": user}``, so each row offers only what the user may see.
SignatoryFormSet = forms.formset_factory(SignatoryEntryForm, extra=2, max_num=10)


class SignatoryForm(ServiceErrors, forms.ModelForm):
    """Someone who signed or gave the commitment for one of its parties."""

    wide_fields: tuple[str, ...] = ()

    class Meta:
        model = Signatory
        fields = ["capacity", "bearer", "person", "name_as_signed", "signed_as", "signed_on"]
        labels = {
            "capacity": _("Capacity"),
            "bearer": _("For the party"),
            "person": _("Person (if in the register)"),
            "name_as_signed": _("Name as signed"),
            "signed_as": _("Signed as (title)"),
            "signed_on": _("Signed on"),
        }
        help_texts = {
            "name_as_signed": _(
                "Only for someone not in the register (or signing under "
                "another name): a person's name is kept on their record."
            ),
        }
        widgets = {"signed_on": _date_widget()}

    def __init__(self, *args: Any, user: Any, commitment: Commitment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self.fields, "bearer").queryset = (
            WeaponBearer.objects.visible_to(user).filter(commitments=commitment).order_by("name")
        )
        person = model_choice(self.fields, "person")
        person.queryset = _people_of(user, [commitment.compartment_id])
        person.iterator = ByNameChoiceIterator
        current = None if self.instance._state.adding else self.instance.person_id
        if current is not None and not person.queryset.filter(pk=current).exists():
            # A person this editor may not see stays linked: the field is not offered.
            del self.fields["person"]
        if not self.is_bound and self.instance._state.adding:
            self.initial.setdefault("signed_on", commitment.made_on)


class ComplianceForm(ServiceErrors, forms.ModelForm):
    """What was seen of a commitment on a day, and the evidence for it."""

    wide_fields = ("note", "concerns", "incidents", "passages")

    concerns = ConcernsField(
        queryset=None, required=False, label=_("Concerns"), widget=_pick_many(6)
    )
    incidents = IncidentsField(
        queryset=None, required=False, label=_("Security incidents"), widget=_pick_many(4)
    )
    passages = PassagesField(
        queryset=None, required=False, label=_("Checkpoint passages"), widget=_pick_many(8)
    )

    class Meta:
        model = ComplianceObservation
        fields = ["observed_on", "assessment", "note", "concerns", "incidents", "passages"]
        labels = {
            "observed_on": _("Observed on"),
            "assessment": _("Compliance"),
            "note": _("What was seen"),
        }
        widgets = {
            "observed_on": _date_widget(),
            "note": forms.Textarea(attrs={"rows": 4}),
            "assessment": forms.RadioSelect,
        }

    def __init__(self, *args: Any, user: Any, commitment: Commitment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice(self.fields, "assessment").choices = Compliance.choices
        since = commitment.made_on
        parties = WeaponBearer.objects.visible_to(user).filter(commitments=commitment)
        linked: dict[str, Q] = {"concerns": Q(), "incidents": Q(), "passages": Q()}
        if not self.instance._state.adding:
            for name in linked:
                ids = list(getattr(self.instance, name).values_list("pk", flat=True))
                linked[name] = Q(pk__in=ids)
        # Offered: evidence held by the same delegation, since the commitment was made;
        # concerns and passages about its parties. Evidence already linked stays offered.
        base = {
            name: visible_evidence(name, user).filter(compartment_id=commitment.compartment_id)
            for name in linked
        }
        offered = {
            "concerns": base["concerns"]
            .filter((Q(bearers__in=parties) & Q(opened_on__gte=since)) | linked["concerns"])
            .distinct()
            .order_by("-opened_on"),
            "incidents": base["incidents"]
            .filter(Q(occurred_at__date__gte=since) | linked["incidents"])
            .order_by("-occurred_at"),
            "passages": base["passages"]
            .filter((Q(bearer__in=parties) & Q(occurred_at__date__gte=since)) | linked["passages"])
            .order_by("-occurred_at"),
        }
        for name, queryset in offered.items():
            field = model_choice(self.fields, name)
            field.queryset = queryset
        helps = {
            "concerns": _("Concerns about the parties opened since the commitment was made."),
            "incidents": _("Security incidents since the commitment was made."),
            "passages": _("Crossings of the parties' checkpoints since the commitment was made."),
        }
        for name, text in helps.items():
            model_choice(self.fields, name).help_text = text
        if not self.is_bound and self.instance._state.adding:
            self.initial.setdefault("observed_on", timezone.localdate())

    def evidence(self) -> dict[str, list[Any]]:
        """The evidence chosen, for the service layer."""
        return {
            name: list(self.cleaned_data.get(name) or [])
            for name in ("concerns", "incidents", "passages")
        }

    def field_values(self) -> dict[str, Any]:
        """The plain field values of a valid form, for the service layer."""
        return {name: self.cleaned_data[name] for name in ("observed_on", "assessment", "note")}
