"""Forms of the exchange pages: deciding a name in the review queue, uploading a file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pourparler.bearers.choices import BearerKind, IdScheme
from pourparler.bearers.models import WeaponBearer
from pourparler.core.models import User
from pourparler.exchange.importers.generic import FIELDS
from pourparler.ui.formfields import model_choice


class DecisionForm(forms.Form):
    """What every decision carries: the version the person saw, and a note."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        required=False,
        max_length=500,
        label=_("Note"),
        help_text=_("Why, for whoever looks at this decision later."),
    )


class LinkForm(DecisionForm):
    """Link the name to a bearer the person may see."""

    bearer = forms.ModelChoiceField(
        queryset=WeaponBearer.objects.visible_to(None), widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self.fields, "bearer").queryset = WeaponBearer.objects.visible_to(user)


class RegisterForm(DecisionForm):
    """Register the name as a new bearer, of a kind the person chooses."""

    kind = forms.ChoiceField(choices=BearerKind.choices, label=_("Kind of bearer"))


# The largest file the upload page takes; bigger ones go through `pourparler import`.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class UploadForm(forms.Form):
    """A file of bearers to preview, with the columns that hold each field if need be."""

    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (any encoding), XLSX or JSON; a row of HXL hashtags under the header is read too."
        ),
    )
    source = forms.CharField(
        required=False,
        max_length=200,
        label=_("Source"),
        help_text=_("Where the list comes from, with its date (kept with every fact imported)."),
    )
    default_kind = forms.ChoiceField(
        choices=BearerKind.choices,
        initial=BearerKind.NON_STATE_ARMED_GROUP,
        label=_("Kind of bearer when the file does not say"),
    )
    id_scheme = forms.ChoiceField(
        choices=IdScheme.choices,
        initial=IdScheme.OTHER,
        label=_("Registry of the identifiers"),
        help_text=_("If a column holds identifiers (UCDP, ACLED, Wikidata…)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, meaning in FIELDS.items():
            self.fields[f"map_{name}"] = forms.CharField(
                required=False, max_length=200, label=meaning
            )

    def mapping_fields(self) -> list[forms.BoundField]:
        """The column fields, for the template."""
        return [self[f"map_{name}"] for name in FIELDS]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("This file is too large for the page: import it with `pourparler import`.")
            )
        return upload

    def options(self) -> dict[str, Any]:
        """The import options the form describes."""
        data = self.cleaned_data
        mapping = {
            name: data[f"map_{name}"].strip() for name in FIELDS if data.get(f"map_{name}", "")
        }
        options: dict[str, Any] = {
            "default_kind": data["default_kind"],
            "id_scheme": data["id_scheme"],
        }
        if mapping:
            options["mapping"] = mapping
        if data.get("source"):
            options["source"] = data["source"].strip()
        return options
