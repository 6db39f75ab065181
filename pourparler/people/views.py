"""Pages about people: the list and the person page."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from pourparler.core.access import get_visible_or_404
from pourparler.core.http import AuthedRequest
from pourparler.core.text import fold
from pourparler.dialogue.models import Interaction
from pourparler.people.models import Person, PersonName, Position, Relationship
from pourparler.ui.paging import page_of, query_without_page


def person_list(request: AuthedRequest) -> HttpResponse:
    """List the people the user may see, searchable by any of their names."""
    user = request.user
    people = Person.objects.visible_to(user).select_related("compartment")
    query = request.GET.get("q", "").strip()
    if query:
        people = people.filter(search_text__contains=fold(query))
    context = {
        "nav": "people",
        "page": page_of(people.order_by("full_name"), request),
        "pager_query": query_without_page(request),
        "q": query,
    }
    return render(request, "people/person_list.html", context)


def person_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    """Show a person: names, posts held, who knows them, recent contacts."""
    user = request.user
    person = get_visible_or_404(Person, user, pk)
    context = {
        "nav": "people",
        "person": person,
        "names": PersonName.objects.visible_to(user).filter(person=person),
        "positions": Position.objects.visible_to(user)
        .filter(person=person)
        .select_related("bearer", "unit")
        .order_by("ends_on", "-starts_on"),
        "relationships": Relationship.objects.visible_to(user)
        .filter(person=person)
        .select_related("holder"),
        "interactions": Interaction.objects.visible_to(user)
        .filter(their_participants=person)
        .order_by("-occurred_at")[:30],
    }
    return render(request, "people/person_detail.html", context)
