"""Pages that belong to no single domain app: home, health, errors."""

from __future__ import annotations

from django.db import connection
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from pourparler.bearers.models import WeaponBearer
from pourparler.core.audit import record_lists
from pourparler.core.http import AuthedRequest
from pourparler.dialogue.choices import FollowUpStatus
from pourparler.dialogue.models import FollowUp, Interaction
from pourparler.people.models import Position


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the application and its database respond."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def home(request: AuthedRequest) -> HttpResponse:
    """Show "my work": follow-ups due, my recent interactions, bearers I hold relations with."""
    user = request.user
    today = timezone.localdate()
    follow_ups = (
        FollowUp.objects.visible_to(user)
        .filter(owner=user, status=FollowUpStatus.OPEN)
        .select_related("interaction")
        .order_by("due_on")[:20]
    )
    recent = (
        Interaction.objects.visible_to(user)
        .filter(Q(our_participants=user) | Q(created_by=user))
        .distinct()
        .order_by("-occurred_at")[:10]
    )
    held_people = (
        Position.objects.visible_to(user)
        .filter(
            person__relationships__holder=user,
            person__relationships__deleted_at__isnull=True,
            person__relationships__until__isnull=True,
            ends_on__isnull=True,
        )
        .values("bearer_id")
    )
    my_bearers = WeaponBearer.objects.visible_to(user).filter(pk__in=held_people).order_by("name")
    follow_ups_shown = list(follow_ups)
    recent_shown = list(recent)
    # Follow-up descriptions and interaction subjects are confidential: log what was shown.
    record_lists(user, {Interaction: recent_shown, FollowUp: follow_ups_shown})
    return render(
        request,
        "ui/home.html",
        {
            "follow_ups": follow_ups_shown,
            "recent": recent_shown,
            "my_bearers": my_bearers,
            "today": today,
        },
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Answer a missing or forbidden record alike."""
    return render(request, "404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Explain that an action is not allowed on a record the user can see."""
    return render(request, "403.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """Apologise without showing a stack trace."""
    return render(request, "500.html", status=500)
