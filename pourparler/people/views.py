"""Pages about people: the list, the person page and the subject-access export."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from pourparler.core.access import get_visible_or_404
from pourparler.core.audit import record_list, record_read
from pourparler.core.http import AuthedRequest
from pourparler.core.text import fold
from pourparler.people import subject_access
from pourparler.people.models import Person, PersonName, Position, Relationship
from pourparler.people.search import matching
from pourparler.ui import extensions
from pourparler.ui.paging import page_of, query_without_page

# How many entries the person's timeline shows, newest first.
TIMELINE_LENGTH = 30


def person_list(request: AuthedRequest) -> HttpResponse:
    """List the people the user may see, searchable by any of their names."""
    user = request.user
    people = Person.objects.visible_to(user).select_related("compartment")
    query = request.GET.get("q", "").strip()
    if query:
        people = matching(people, query, user)
    # Names are encrypted, so SQL pages in the order people were recorded and the page
    # is sorted by name here.
    page = page_of(people.order_by("created_at", "id"), request)
    page.items.sort(key=lambda person: fold(person.full_name))
    record_list(user, Person, page.items)
    context = {
        "nav": "people",
        "page": page,
        "pager_query": query_without_page(request),
        "q": query,
    }
    return render(request, "people/person_list.html", context)


def person_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    """Show a person: names, posts held, who knows them, recent contacts."""
    user = request.user
    person = get_visible_or_404(Person, user, pk)
    record_read(user, person)
    timeline = extensions.person_timeline(user, person, TIMELINE_LENGTH)
    extensions.audit_shown(user, timeline)
    context = {
        "nav": "people",
        "person": person,
        "timeline": timeline,
        "names": PersonName.objects.visible_to(user).filter(person=person),
        "positions": Position.objects.visible_to(user)
        .filter(person=person)
        .select_related("bearer", "unit")
        .order_by("ends_on", "-starts_on"),
        "relationships": Relationship.objects.visible_to(user)
        .filter(person=person)
        .select_related("holder"),
        "can_export": subject_access.offers_export(user, person),
    }
    return render(request, "people/person_detail.html", context)


@require_POST
def person_subject_access(request: AuthedRequest, pk: str) -> HttpResponse:
    """Download everything the user may see about a person (JSON or a printable
    document), for a subject-access request; audited. 404 for a person the user cannot
    see, 403 for one they may see but not export (see people/subject_access.py)."""
    export_format = request.POST.get("format", "")
    if export_format not in subject_access.FORMATS:
        return HttpResponseBadRequest(gettext("Choose the JSON or the printable document."))
    done = subject_access.export(request.user, pk, export_format, channel="web")
    response = HttpResponse(done.content, content_type=done.content_type)
    response["Content-Disposition"] = f'attachment; filename="{done.filename}"'
    add_never_cache_headers(response)
    return response
