"""Pages of the integration app: the heat map, histories and assessments."""

from django.urls import path

from pourparler.integration import views

urlpatterns = [
    path("", views.integration_overview, name="integration_overview"),
    path("new/", views.assessment_create, name="assessment_create"),
    path("<uuid:pk>/", views.assessment_detail, name="assessment_detail"),
    path("<uuid:pk>/edit/", views.assessment_edit, name="assessment_edit"),
    path("<uuid:pk>/delete/", views.assessment_delete, name="assessment_delete"),
    path("bearers/<uuid:bearer_pk>/", views.assessment_history, name="assessment_history"),
    path(
        "bearers/<uuid:bearer_pk>/<slug:pillar>/",
        views.assessment_history,
        name="assessment_history_pillar",
    ),
]
