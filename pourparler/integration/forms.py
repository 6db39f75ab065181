"""Forms of integration: choosing a bearer, recording and correcting an assessment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pourparler.bearers.models import WeaponBearer
from pourparler.core.access import clearance_for
from pourparler.core.models import Delegation, User
from pourparler.dialogue.forms import StaffChoiceField, staff_of
from pourparler.dialogue.models import Interaction
from pourparler.integration.choices import LEVEL_HELP, PILLAR_HELP, IntegrationLevel, Pillar
from pourparler.integration.models import IntegrationAssessment
from pourparler.training.models import DisseminationSession
from pourparler.ui.formfields import choice, label_staff_by_name, model_choice, offered

ASSESSMENT_FIELDS = [
    "compartment",
    "pillar",
    "level",
    "assessed_on",
    "assessed_by",
    "evidence",
    "interactions",
    "sessions",
    "restricted",
    "restricted_to",
]
LINK_FIELDS = ("interactions", "sessions", "restricted_to")
# Fields fixed once the assessment exists: a new judgement is a new assessment.
FIXED_ON_EDIT = ("compartment", "pillar")
# How many of the bearer's recent interactions and sessions are offered as evidence.
EVIDENCE_CHOICES = 100


class BearerChoiceForm(forms.Form):
    """Choose the bearer (and pillar) to assess."""

    bearer = forms.ModelChoiceField(
        queryset=WeaponBearer.objects.visible_to(None), label=_("Bearer")
    )
    pillar = forms.ChoiceField(
        choices=[("", _("Any")), *Pillar.choices], required=False, label=_("Pillar")
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self.fields, "bearer").queryset = WeaponBearer.objects.visible_to(user)


class InteractionEvidenceField(forms.ModelMultipleChoiceField):
    """Pick contacts as evidence: date, kind and place."""

    def label_from_instance(self, obj: Any) -> str:
        place = f", {obj.place_name}" if obj.place_name else ""
        when = formats.date_format(timezone.localtime(obj.occurred_at), "SHORT_DATE_FORMAT")
        return f"{when} — {obj.get_kind_display()}{place}"


class SessionEvidenceField(forms.ModelMultipleChoiceField):
    """Pick sessions as evidence: date, kind and audience."""

    def label_from_instance(self, obj: Any) -> str:
        reached = gettext("%(count)s reached") % {"count": obj.participants}
        when = formats.date_format(obj.held_on, "SHORT_DATE_FORMAT")
        return f"{when} — {obj.get_kind_display()}, {reached}"


class AssessmentForm(forms.ModelForm):
    """Record an assessment of one of a bearer's pillars, or correct one."""

    assessed_by = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label=_("Assessed by")
    )
    interactions = InteractionEvidenceField(
        queryset=Interaction.objects.visible_to(None),
        required=False,
        label=_("Interactions"),
        help_text=_("Contacts with this bearer that support the assessment."),
    )
    sessions = SessionEvidenceField(
        queryset=DisseminationSession.objects.visible_to(None),
        required=False,
        label=_("Sessions"),
        help_text=_("Dissemination or training sessions for this bearer that support it."),
    )
    restricted_to = StaffChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("Restricted to"),
        help_text=_("Only these colleagues (and you) will see the assessment."),
    )

    class Meta:
        model = IntegrationAssessment
        fields = ASSESSMENT_FIELDS
        labels = {
            "compartment": _("Delegation"),
            "assessed_on": _("Assessed on"),
            "pillar": _("Pillar"),
            "level": _("Level"),
            "evidence": _("Evidence"),
            "confidentiality": _("Confidentiality"),
            "restricted": _("Restrict to named colleagues"),
        }
        widgets = {
            "assessed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "pillar": forms.RadioSelect,
            "level": forms.RadioSelect,
            "evidence": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, user: Any, bearer: WeaponBearer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bearer = bearer
        clearance = clearance_for(user)
        writable = clearance.write_compartments if clearance else frozenset()
        delegations = Delegation.objects.visible_to(user).filter(pk__in=writable)
        fields = self.fields
        model_choice(fields, "compartment").queryset = delegations
        fields["compartment"].required = True
        model_choice(fields, "compartment").empty_label = None
        choice(fields, "level").choices = [
            (int(level), f"{int(level)} {level.label} — {LEVEL_HELP[level]}")
            for level in IntegrationLevel
        ]
        choice(fields, "pillar").choices = [
            (value, f"{label} — {PILLAR_HELP[value]}") for value, label in Pillar.choices
        ]
        instance = self.instance
        adding = instance._state.adding
        recent_interactions = (
            Interaction.objects.visible_to(user)
            .filter(bearers=bearer)
            .order_by("-occurred_at")
            .values("pk")[:EVIDENCE_CHOICES]
        )
        recent_sessions = (
            DisseminationSession.objects.visible_to(user)
            .filter(bearer=bearer)
            .order_by("-held_on")
            .values("pk")[:EVIDENCE_CHOICES]
        )
        linked_interactions = [] if adding else instance.interactions.values("pk")
        linked_sessions = [] if adding else instance.sessions.values("pk")
        model_choice(fields, "interactions").queryset = (
            Interaction.objects.visible_to(user)
            .filter(Q(pk__in=recent_interactions) | Q(pk__in=linked_interactions))
            .order_by("-occurred_at")
        )
        model_choice(fields, "sessions").queryset = (
            DisseminationSession.objects.visible_to(user)
            .filter(Q(pk__in=recent_sessions) | Q(pk__in=linked_sessions))
            .order_by("-held_on")
        )
        staff = staff_of(writable)
        assessors = User.objects.filter(
            Q(pk__in=staff.values("pk")) | Q(pk=instance.assessed_by_id)
        ).order_by("last_name", "first_name", "username")
        model_choice(fields, "assessed_by").queryset = assessors
        label_staff_by_name(fields, "assessed_by")
        named = [] if adding else instance.restricted_to.values("pk")
        model_choice(fields, "restricted_to").queryset = User.objects.filter(
            Q(pk__in=staff.values("pk")) | Q(pk__in=named)
        ).order_by("last_name", "first_name", "username")
        if adding:
            self.initial.setdefault("assessed_on", timezone.localdate())
            self.initial.setdefault("assessed_by", user.pk)
            if delegations.count() == 1:
                self.initial.setdefault("compartment", delegations.first())
        else:
            for name in FIXED_ON_EDIT:
                fields[name].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("restricted"):
            data["restricted_to"] = []
        return data

    def link_values(self) -> dict[str, Any]:
        """Return the many-to-many choices of a valid form, for the service layer.

        Evidence already linked that the editor may not see was not offered; it is kept.
        """
        links = {name: list(self.cleaned_data.get(name) or []) for name in LINK_FIELDS}
        if not self.instance._state.adding:
            offered_i = {i.pk for i in offered(self.fields, "interactions")}
            offered_s = {s.pk for s in offered(self.fields, "sessions")}
            links["interactions"] += [
                pk
                for pk in self.instance.interactions.values_list("pk", flat=True)
                if pk not in offered_i
            ]
            links["sessions"] += [
                pk
                for pk in self.instance.sessions.values_list("pk", flat=True)
                if pk not in offered_s
            ]
        if not self.cleaned_data.get("restricted"):
            links.pop("restricted_to")
        return links

    def field_values(self) -> dict[str, Any]:
        """Return the plain field values of a valid form, for the service layer."""
        skip = set(LINK_FIELDS)
        if not self.instance._state.adding:
            skip |= set(FIXED_ON_EDIT)
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in ASSESSMENT_FIELDS and name not in skip
        }
