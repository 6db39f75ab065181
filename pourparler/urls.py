"""URL routes."""

from django.urls import include, path

urlpatterns = [
    path("", include("pourparler.ui.urls")),
    path("bearers/", include("pourparler.bearers.urls")),
    path("people/", include("pourparler.people.urls")),
    path("interactions/", include("pourparler.dialogue.urls")),
    path("concerns/", include("pourparler.concerns.urls")),
    path("access/", include("pourparler.access.urls")),
    path("commitments/", include("pourparler.commitments.urls")),
    path("training/", include("pourparler.training.urls")),
    path("integration/", include("pourparler.integration.urls")),
    path("audit/", include("pourparler.core.urls")),
    path("exchange/", include("pourparler.exchange.urls")),
    path("law/", include("pourparler.law.urls")),
    path("negotiations/", include("pourparler.negotiation.urls")),
    path("briefs/", include("pourparler.briefs.urls")),
    path("handover/", include("pourparler.handover.urls")),
    path("engagement/", include("pourparler.engagement.urls")),
    path("maps/", include("pourparler.maps.urls")),
    path("dashboards/", include("pourparler.dashboards.urls")),
    path("networks/", include("pourparler.networks.urls")),
    path("search/", include("pourparler.search.urls")),
    path("api/v1/", include("pourparler.api.urls")),
    # The language switcher posts to set_language here (open to signed-out visitors).
    path("i18n/", include("django.conf.urls.i18n")),
]

handler404 = "pourparler.ui.views.not_found"
handler403 = "pourparler.ui.views.forbidden"
handler500 = "pourparler.ui.views.server_error"
