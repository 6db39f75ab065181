"""Routes of the REST API: the django-ninja operations, then a JSON 404 for anything else
under /api/v1/ (a script gets JSON, not the HTML error page)."""

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, path, re_path

from pourparler.api.api import api


def unknown_path(request: HttpRequest) -> JsonResponse:
    """Answer a path the API does not have."""
    return JsonResponse({"detail": "Not found."}, status=404)


urlpatterns: list[URLPattern | URLResolver] = [
    path("", api.urls),
    re_path(r"^.*$", unknown_path),
]
