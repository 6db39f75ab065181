"""Forms of the handover app: choosing the successor and the effective date."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pourparler.core.access import clearance_for
from pourparler.core.models import Delegation, User
from pourparler.core.services import heads_now
from pourparler.dialogue.forms import staff_of
from pourparler.ui.formfields import label_staff_by_name, model_choice


class HandoverForm(forms.Form):
    """Prepare a handover: who leaves, who takes over, from when, with what advice."""

    outgoing = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Outgoing delegate"))
    successor = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Successor"))
    effective_on = forms.DateField(
        label=_("Last day of the outgoing delegate"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=_("Advice for the successor"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clearance = clearance_for(user)
        mine = clearance.write_compartments if clearance else frozenset()
        delegations = Delegation.objects.visible_to(user).filter(pk__in=mine)
        # Made here, from the delegations the user may write to, and put first.
        self.fields["delegation"] = forms.ModelChoiceField(
            queryset=delegations, label=_("Delegation")
        )
        self.order_fields(["delegation", "outgoing", "successor", "effective_on", "note"])
        heads = heads_now(user)
        heads_of = [d.pk for d in delegations if d.pk in heads]
        staff = staff_of([d.pk for d in delegations])
        model_choice(self.fields, "successor").queryset = staff
        # A head of delegation may hand over for any colleague posted there; others for
        # themselves only.
        outgoing = User.objects.filter(
            Q(pk__in=staff_of(heads_of).values("pk")) | Q(pk=user.pk)
        ).order_by("last_name", "first_name", "username")
        model_choice(self.fields, "outgoing").queryset = outgoing
        self.fields["outgoing"].initial = user.pk
        if len(delegations) == 1:
            self.fields["delegation"].initial = delegations[0].pk
        self.fields["effective_on"].initial = timezone.localdate() + datetime.timedelta(days=14)
        for name in ("outgoing", "successor"):
            label_staff_by_name(self.fields, name)
