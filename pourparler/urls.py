"""URL routes."""

from django.urls import include, path

urlpatterns = [
    path("", include("pourparler.ui.urls")),
    path("bearers/", include("pourparler.bearers.urls")),
    path("people/", include("pourparler.people.urls")),
    path("interactions/", include("pourparler.dialogue.urls")),
    path("audit/", include("pourparler.core.urls")),
]

handler404 = "pourparler.ui.views.not_found"
handler403 = "pourparler.ui.views.forbidden"
handler500 = "pourparler.ui.views.server_error"
