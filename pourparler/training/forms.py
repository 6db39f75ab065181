"""Forms of dissemination and training: recording and editing a session."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pourparler.bearers.models import Unit, WeaponBearer
from pourparler.core.access import clearance_for
from pourparler.core.models import Delegation, User
from pourparler.dialogue.choices import InteractionKind
from pourparler.dialogue.forms import StaffChoiceField, staff_of
from pourparler.dialogue.models import Interaction, Topic
from pourparler.training.choices import language_choices
from pourparler.training.models import DisseminationSession
from pourparler.ui.formfields import choice, model_choice

# Interactions that can be the contact-log record of a session.
SESSION_LIKE_KINDS = (
    InteractionKind.DISSEMINATION,
    InteractionKind.COURSE,
    InteractionKind.CONFERENCE,
    InteractionKind.EXERCISE,
    InteractionKind.PRE_DEPLOYMENT,
)
# How many recent interactions the form offers to link.
INTERACTION_CHOICES = 200

SESSION_FIELDS = [
    "compartment",
    "kind",
    "held_on",
    "ends_on",
    "place_name",
    "language",
    "bearer",
    "units",
    "level",
    "participants",
    "women",
    "topics",
    "facilitators",
    "external_facilitators",
    "tested",
    "pre_score",
    "post_score",
    "interaction",
    "notes",
    "restricted",
    "restricted_to",
]
LINK_FIELDS = ("units", "topics", "facilitators", "restricted_to")


def units_by_bearer(units: Any) -> list[tuple[str, list[tuple[str, str]]]]:
    """Group units under their bearer's name, for a select with option groups."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for unit in units:
        groups.setdefault(unit.bearer.name, []).append((str(unit.pk), unit.name))
    return list(groups.items())


class InteractionChoiceField(forms.ModelChoiceField):
    """Pick the interaction that records the session: date, kind and place."""

    def label_from_instance(self, obj: Any) -> str:
        place = f", {obj.place_name}" if obj.place_name else ""
        return f"{obj.occurred_at:%Y-%m-%d} — {obj.get_kind_display()}{place}"


def _staff_and(compartments: Any, named: Any) -> Any:
    """Return the staff posted to the compartments, and the users already named."""
    return User.objects.filter(
        Q(pk__in=staff_of(compartments).values("pk")) | Q(pk__in=named)
    ).order_by("last_name", "first_name", "username")


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SessionForm(forms.ModelForm):
    """Record or edit a dissemination or training session."""

    language = forms.ChoiceField(label=_("Language"), choices=())
    units = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.visible_to(None),
        required=False,
        label=_("Units"),
        help_text=_("Units of the bearer the participants came from, if known."),
    )
    facilitators = StaffChoiceField(
        queryset=User.objects.none(), required=False, label=_("Our facilitators")
    )
    interaction = InteractionChoiceField(
        queryset=Interaction.objects.visible_to(None),
        required=False,
        label=_("Recorded as interaction"),
        help_text=_("The briefing, course or conference in the contact log, if it was logged."),
    )
    restricted_to = StaffChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("Restricted to"),
        help_text=_("Only these colleagues (and you) will see the session."),
    )

    class Meta:
        model = DisseminationSession
        fields = SESSION_FIELDS
        labels = {
            "compartment": _("Delegation"),
            "kind": _("Kind"),
            "bearer": _("Bearer"),
            "topics": _("Topics"),
            "notes": _("Notes"),
            "held_on": _("Held on"),
            "ends_on": _("Until"),
            "place_name": _("Place"),
            "level": _("Audience level"),
            "participants": _("Participants"),
            "women": _("Of whom women"),
            "external_facilitators": _("Other facilitators"),
            "tested": _("Number tested"),
            "pre_score": _("Average score before"),
            "post_score": _("Average score after"),
            "restricted": _("Restrict to named colleagues"),
        }
        widgets = {
            "held_on": _date_input(),
            "ends_on": _date_input(),
            "topics": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 4}),
            "participants": forms.NumberInput(attrs={"min": 1}),
            "women": forms.NumberInput(attrs={"min": 0}),
            "tested": forms.NumberInput(attrs={"min": 1}),
            "pre_score": forms.NumberInput(attrs={"min": 0, "max": 100, "step": "0.1"}),
            "post_score": forms.NumberInput(attrs={"min": 0, "max": 100, "step": "0.1"}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clearance = clearance_for(user)
        writable = clearance.write_compartments if clearance else frozenset()
        delegations = Delegation.objects.visible_to(user).filter(pk__in=writable)
        fields = self.fields
        model_choice(fields, "compartment").queryset = delegations
        fields["compartment"].required = True
        model_choice(fields, "compartment").empty_label = None
        languages = language_choices()
        current = self.instance.language
        if current and current not in dict(languages):
            languages = [(current, current), *languages]
        choice(fields, "language").choices = languages
        model_choice(fields, "bearer").queryset = WeaponBearer.objects.visible_to(user)
        units = (
            Unit.objects.visible_to(user)
            .filter(bearer__in=WeaponBearer.objects.visible_to(user))
            .select_related("bearer")
            .order_by("bearer__name", "name")
        )
        model_choice(fields, "units").queryset = units
        # Offered under their bearer's name; still checked against the queryset.
        model_choice(fields, "units").choices = units_by_bearer(units)
        model_choice(fields, "topics").queryset = Topic.objects.visible_to(user)
        recent = (
            Interaction.objects.visible_to(user)
            .filter(compartment_id__in=writable, kind__in=SESSION_LIKE_KINDS)
            .order_by("-occurred_at")
            .values("pk")[:INTERACTION_CHOICES]
        )
        # The interaction already linked stays on offer, however old.
        linked = self.instance.interaction_id
        offered = Interaction.objects.visible_to(user).filter(Q(pk__in=recent) | Q(pk=linked))
        model_choice(fields, "interaction").queryset = offered.order_by("-occurred_at")
        if linked and not offered.filter(pk=linked).exists():
            # Linked to an interaction this editor may not see: not offered, and kept.
            del fields["interaction"]
        # Colleagues already named stay on offer after their posting ends.
        adding = self.instance._state.adding
        named = [] if adding else self.instance.facilitators.values("pk")
        model_choice(fields, "facilitators").queryset = _staff_and(writable, named)
        restricted_to = [] if adding else self.instance.restricted_to.values("pk")
        model_choice(fields, "restricted_to").queryset = _staff_and(writable, restricted_to)
        if not self.is_bound and adding:
            self.initial.setdefault("held_on", timezone.localdate())
            self.initial.setdefault("facilitators", [user.pk])
            self.initial.setdefault("language", "en")
            if delegations.count() == 1:
                self.initial.setdefault("compartment", delegations.first())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        bearer = data.get("bearer")
        units = data.get("units") or []
        if bearer is not None:
            strangers = [u.name for u in units if u.bearer_id != bearer.pk]
            if strangers:
                self.add_error(
                    "units",
                    gettext("These units belong to another bearer than %(bearer)s: %(units)s")
                    % {"bearer": bearer.name, "units": ", ".join(strangers)},
                )
        compartment = data.get("compartment")
        interaction = data.get("interaction")
        if (
            compartment is not None
            and interaction is not None
            and interaction.compartment_id != compartment.pk
        ):
            self.add_error(
                "interaction",
                gettext("This interaction belongs to another delegation's contact log."),
            )
        if not data.get("restricted"):
            data["restricted_to"] = []
        return data

    def link_values(self) -> dict[str, Any]:
        """Return the many-to-many choices of a valid form, for the service layer."""
        links = {name: self.cleaned_data.get(name) or [] for name in LINK_FIELDS}
        if not self.cleaned_data.get("restricted"):
            links.pop("restricted_to")
        return links

    def field_values(self) -> dict[str, Any]:
        """Return the plain field values of a valid form, for the service layer."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in SESSION_FIELDS and name not in LINK_FIELDS
        }
