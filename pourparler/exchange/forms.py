"""Forms of the exchange pages: deciding a name in the review queue, uploading a file."""

from __future__ import annotations

from typing import Any

from django import forms

from pourparler.bearers.choices import BearerKind
from pourparler.bearers.models import WeaponBearer
from pourparler.core.models import User
from pourparler.ui.formfields import model_choice


class DecisionForm(forms.Form):
    """What every decision carries: the version the person saw, and a note."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        required=False,
        max_length=500,
        label="Note",
        help_text="Why, for whoever looks at this decision later.",
    )


class LinkForm(DecisionForm):
    """Link the name to a bearer the person may see."""

    bearer = forms.ModelChoiceField(queryset=WeaponBearer.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self.fields, "bearer").queryset = WeaponBearer.objects.visible_to(user)


class RegisterForm(DecisionForm):
    """Register the name as a new bearer, of a kind the person chooses."""

    kind = forms.ChoiceField(choices=BearerKind.choices, label="Kind of bearer")
