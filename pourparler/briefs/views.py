"""Pages of the meeting brief: a bearer's or a person's, as a page to print or a PDF."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.cache import never_cache

from pourparler.bearers.models import WeaponBearer
from pourparler.briefs.brief import Brief, bearer_brief, person_brief
from pourparler.briefs.pdf import pdf_response, render_pdf
from pourparler.core.access import get_visible_or_404
from pourparler.core.http import AuthedRequest
from pourparler.people.models import Person


def _answer(request: AuthedRequest, brief: Brief, *, as_pdf: bool, nav: str) -> HttpResponse:
    context = {"nav": nav, "brief": brief}
    if as_pdf or request.GET.get("format") == "pdf":
        pdf = render_pdf("briefs/brief_pdf.html", {**context, "for_pdf": True}, request)
        stem = f"brief-{slugify(str(brief.bearer.name)) if brief.bearer else 'person'}"
        return pdf_response(pdf, stem)
    return render(request, "briefs/brief.html", context)


@never_cache
def bearer(request: AuthedRequest, pk: str, as_pdf: bool = False) -> HttpResponse:
    """The brief about a bearer: its structure and people, the dialogue, what is open."""
    found = get_visible_or_404(WeaponBearer, request.user, pk)
    return _answer(request, bearer_brief(request.user, found), as_pdf=as_pdf, nav="bearers")


@never_cache
def person(request: AuthedRequest, pk: str, as_pdf: bool = False) -> HttpResponse:
    """The brief about a person: their posts, who knows them, the dialogue with them."""
    found = get_visible_or_404(Person, request.user, pk)
    return _answer(request, person_brief(request.user, found), as_pdf=as_pdf, nav="people")
