"""The assistant's form: the facts, each asked in plain words, "not known" allowed."""

from __future__ import annotations

from typing import Any

from django import forms

from pourparler.law.assistant import FACT_CHOICES, FACT_QUESTIONS, UNKNOWN, Facts


class FactsForm(forms.Form):
    """One select per fact; anything missing or odd reads as "not known"."""

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        if data is not None:
            # A fact the query leaves out is shown as "not known", as the answer reads it
            # (not as the first choice of its list).
            data = {
                **dict.fromkeys(FACT_CHOICES, UNKNOWN),
                **(data.dict() if hasattr(data, "dict") else dict(data)),
            }
        super().__init__(data, *args, **kwargs)
        for name, choices in FACT_CHOICES.items():
            question, explanation = FACT_QUESTIONS[name]
            self.fields[name] = forms.ChoiceField(
                label=question,
                help_text=explanation,
                choices=choices,
                initial=UNKNOWN,
                required=False,
            )

    def facts(self) -> Facts:
        """The facts the form was given (unknown where not given or not valid)."""
        return Facts.from_mapping(self.data)
