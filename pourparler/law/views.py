"""The assistant's page: the facts in a form, the answer step by step below it."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from pourparler.core.http import AuthedRequest
from pourparler.law.assistant import FACT_CHOICES, applicable_law
from pourparler.law.forms import FactsForm


def law_assistant(request: AuthedRequest) -> HttpResponse:
    """Ask the facts; once any is given (or the form sent), show the answer.

    It reads no record: the facts come from the query string (a bearer profile or an
    interaction links here with them filled in).
    """
    asked = any(name in request.GET for name in FACT_CHOICES)
    form = FactsForm(request.GET if asked else None)
    answer = applicable_law(form.facts()) if asked else None
    return render(request, "law/assistant.html", {"nav": "law", "form": form, "answer": answer})
