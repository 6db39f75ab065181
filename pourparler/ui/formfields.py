"""Typed access to a form's fields, for forms that narrow their choices per user.

``form.fields[name]`` is typed as a plain ``Field``; these return the field as the kind
it is (and fail loudly if it is not), so setting a queryset needs no silenced check.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms


def model_choice(fields: Mapping[str, forms.Field], name: str) -> forms.ModelChoiceField[Any]:
    """Return a model choice field (single or multiple) by name."""
    field = fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is not a model choice field")
    return field


def choice(fields: Mapping[str, forms.Field], name: str) -> forms.ChoiceField:
    """Return a choice field by name."""
    field = fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is not a choice field")
    return field


def offered(fields: Mapping[str, forms.Field], name: str) -> list[Any]:
    """Return the records a model choice field offers (none if it has no queryset)."""
    queryset = model_choice(fields, name).queryset
    return [] if queryset is None else list(queryset)


def label_staff_by_name(fields: Mapping[str, forms.Field], name: str) -> None:
    """Show members of staff by their display name in a model choice field.

    Django reads ``label_from_instance`` from the field, so an attribute on this one
    field overrides the method for it alone.
    """
    vars(model_choice(fields, name))["label_from_instance"] = lambda user: user.display_name()
